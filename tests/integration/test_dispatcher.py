"""The outbox dispatcher and mailer against a real SMTP server (aiosmtpd on 127.0.0.1).

Each test inserts outbox rows directly, runs the dispatcher on a FixedClock and reads what the
server received. Backoff is exercised by moving the clock, never by sleeping; every wait on a
thread, process or server is bounded by WAIT. The first tests use FakeMailer (our logic), the
rest the real SmtpMailer and aiosmtpd (the adapter), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd import smtp as aiosmtpd_smtp
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from sqlalchemy import Engine
from sqlmodel import Session as DbSession
from sqlmodel import col, select
from typer.testing import CliRunner

from db.database import create_db_engine, transaction
from db.migrate import upgrade
from db.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from db.workflow_models import OutboxMessage
from engine.clock import FixedClock
from engine.events import OutboxStatus
from engine.outbox import OutboxEntry, backoff_delay
from engine.usecases.outbox import list_messages, retry_dead
from kinerja.cli import outbox_cmd
from kinerja.cli.state import CliState
from kinerja.settings import Settings, load_settings
from notifications.dispatcher import (
    AUTH_PAUSED_LOG,
    Dispatcher,
    DispatchReport,
)
from notifications.mailer import (
    FakeMailer,
    Mailer,
    OutcomeCallback,
    SendOutcome,
    SmtpMailer,
    message_id_for,
)
from tests.conftest import FIXED_NOW, require_service

WAIT = 30.0  # seconds: the longest any thread, process or server event may take
ROOT = Path(__file__).parents[2]
SENDER = "Kinerja Kabupaten Gresik <kinerja@gresikkab.go.id>"
LEASE = timedelta(minutes=5)
NAMES = ("Ni Luh Putu Wédarini, S.E.", "Drs. Ahmad Suyono", "Siti Nur’aini, M.Si.")


# --- the renderer and rows ---------------------------------------------------------------


@dataclass(frozen=True)
class FakeEmail:
    """What notifications.render.Email carries; made from the payload, no templates."""

    subject: str
    text: str
    html: str


def fake_render(row: OutboxEntry) -> FakeEmail:
    """Subject and bodies straight from the payload; a row without them fails to render."""
    payload = row.payload
    return FakeEmail(payload["subject"], payload["text"], payload["html"])


def payload_for(n: int) -> dict[str, Any]:
    """Indonesian text with characters outside ASCII (é, ’, —, “ ”, ²)."""
    return {
        "subject": f"Pengingat: Laporan Realisasi TW I 2021 — dokumen {n} jatuh tempo",
        "text": f"Yth. penerima,\nCapaian kinerja “baik”: 97,5 % — luas 12 km² (dokumen {n}).\n",
        "html": f"<p>Capaian kinerja “baik”: <b>97,5 %</b> — dokumen {n}, café é.</p>",
    }


def add_rows(
    engine: Engine,
    count: int,
    *,
    emails: Sequence[str] = (),
    kind: str = "workflow.submitted",
    payload: dict[str, Any] | None = None,
) -> list[int]:
    """Insert `count` due pending rows (emails cycle through `emails`); returns their ids."""
    with transaction(engine) as session:
        start = len(session.exec(select(OutboxMessage.id)).all())
        rows = []
        for i in range(start, start + count):
            email = emails[i % len(emails)] if emails else f"pegawai{i}@gresikkab.go.id"
            rows.append(
                OutboxMessage(
                    dedupe_key=f"{kind}:pk-{i}:2021-04-01",
                    kind=kind,
                    recipient_email=email,
                    recipient_name=NAMES[i % len(NAMES)],
                    payload=payload_for(i) if payload is None else payload,
                    available_at=FIXED_NOW,
                    created_at=FIXED_NOW,
                )
            )
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows if row.id is not None]


def outbox(engine: Engine) -> list[OutboxMessage]:
    """All rows, by id."""
    with DbSession(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def statuses(engine: Engine) -> Counter[str]:
    return Counter(row.status for row in outbox(engine))


def dispatcher(engine: Engine, mailer: Mailer, clock: FixedClock, **options: Any) -> Dispatcher:
    return Dispatcher(SqlUnitOfWorkFactory(engine), mailer, fake_render, clock=clock, **options)


def dispatcher_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "notifications.dispatcher"]


def run(dispatcher: Dispatcher) -> DispatchReport:
    return asyncio.run(dispatcher.run_once())


# --- our logic, with FakeMailer ------------------------------------------------------------


def test_backoff_doubles_from_30_seconds_and_stops_at_an_hour() -> None:
    minutes = [backoff_delay(n) / timedelta(minutes=1) for n in range(9)]
    assert minutes == [0.5, 1, 2, 4, 8, 16, 32, 60, 60]
    assert backoff_delay(10_000) == timedelta(hours=1)


def test_retries_follow_the_backoff_then_the_message_is_dead(
    engine: Engine, clock: FixedClock
) -> None:
    (row_id,) = add_rows(engine, 1, emails=["penuh@gresikkab.go.id"])
    mailer = FakeMailer(sender=SENDER)
    mailer.answer("penuh@gresikkab.go.id", *[451] * 10)
    worker = dispatcher(engine, mailer, clock, max_attempts=4)
    for attempt in range(1, 4):
        assert run(worker) == DispatchReport(claimed=1, retry=1)
        (row,) = outbox(engine)
        assert (row.status, row.attempts, row.lease_until) == ("pending", attempt, None)
        assert row.available_at == clock.now() + backoff_delay(attempt - 1)
        assert row.last_error == "451 4.3.0 try later"
        clock.advance(backoff_delay(attempt - 1) - timedelta(seconds=1))
        assert run(worker).claimed == 0  # not due yet
        clock.advance(timedelta(seconds=1))
    assert run(worker) == DispatchReport(claimed=1, dead=1)
    (row,) = outbox(engine)
    assert (row.id, row.status, row.attempts) == (row_id, "dead", 4)
    assert row.last_error == "gave up after 4 attempts; last answer: 451 4.3.0 try later"
    clock.advance(timedelta(days=1))
    assert run(worker).claimed == 0
    assert len(mailer.attempts) == 4 and not mailer.sent


def test_a_permanent_refusal_is_dead_at_once_and_the_rest_is_sent(
    engine: Engine, clock: FixedClock
) -> None:
    add_rows(engine, 3, emails=["a@gresikkab.go.id", "hilang@gresikkab.go.id", "c@gresikkab.go.id"])
    mailer = FakeMailer(sender=SENDER)
    mailer.answer("hilang@gresikkab.go.id", 550)
    report = run(dispatcher(engine, mailer, clock))
    assert report == DispatchReport(claimed=3, sent=2, dead=1)
    dead = [row for row in outbox(engine) if row.status == "dead"]
    assert [(r.recipient_email, r.attempts, r.last_error) for r in dead] == [
        ("hilang@gresikkab.go.id", 1, "550 5.1.1 no such user")
    ]
    assert mailer.batches == [3]


def test_a_row_that_cannot_be_rendered_is_dead_lettered_alone(
    engine: Engine, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    add_rows(engine, 2)
    (broken,) = add_rows(engine, 1, kind="digest", payload={"items": []})
    mailer = FakeMailer(sender=SENDER)
    with caplog.at_level(logging.ERROR, logger="notifications.dispatcher"):
        report = run(dispatcher(engine, mailer, clock))
    assert report == DispatchReport(claimed=3, sent=2, dead=1)
    row = next(r for r in outbox(engine) if r.id == broken)
    assert row.status == "dead" and row.lease_until is None
    assert row.last_error == "rendering failed: KeyError: 'subject'"
    assert f"outbox {broken} (digest) dead-lettered: rendering failed" in caplog.text
    assert len(mailer.attempts) == 2


def test_a_refused_login_pauses_without_using_attempts(
    engine: Engine, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    add_rows(engine, 5)
    mailer = FakeMailer(sender=SENDER)
    mailer.fail_auth()
    worker = dispatcher(engine, mailer, clock, batch_size=2)
    with caplog.at_level(logging.ERROR, logger="notifications.dispatcher"):
        report = asyncio.run(worker.drain())
    assert report == DispatchReport(claimed=2, paused=True)  # drain stopped at the first batch
    assert dispatcher_log(caplog) == [
        f"{AUTH_PAUSED_LOG}: 535 5.7.8 Authentication credentials invalid"
    ]
    assert {(r.status, r.attempts, r.lease_until) for r in outbox(engine)} == {("pending", 0, None)}
    assert asyncio.run(worker.drain()) == DispatchReport(claimed=5, sent=5)  # no clock moved


def test_drain_sends_batch_after_batch_until_nothing_is_due(
    engine: Engine, clock: FixedClock
) -> None:
    add_rows(engine, 7)
    mailer = FakeMailer(sender=SENDER)
    report = asyncio.run(dispatcher(engine, mailer, clock, batch_size=3).drain())
    assert report == DispatchReport(claimed=7, sent=7)
    assert mailer.batches == [3, 3, 1]
    assert statuses(engine) == Counter(sent=7)
    assert {row.sent_at for row in outbox(engine)} == {FIXED_NOW}


class DiesMidBatch:
    """A mailer wrapper standing in for a process killed after `k` messages were recorded.

    With `in_flight`, the server also accepted message k+1 but the process died before
    recording it. Then it raises CancelledError, as a cancelled or killed task would.
    """

    def __init__(self, inner: Mailer, k: int, *, in_flight: bool) -> None:
        self.inner = inner
        self.k = k
        self.in_flight = in_flight

    @property
    def sender(self) -> str:
        return self.inner.sender

    async def send_batch(
        self, messages: Sequence[EmailMessage], *, on_outcome: OutcomeCallback | None = None
    ) -> list[SendOutcome]:
        async def first_k(index: int, outcome: SendOutcome) -> None:
            if index < self.k and on_outcome is not None:
                await on_outcome(index, outcome)

        count = self.k + 1 if self.in_flight else self.k
        await self.inner.send_batch(messages[:count], on_outcome=first_k)
        raise asyncio.CancelledError


@pytest.mark.parametrize("in_flight", [False, True], ids=["between", "in-flight"])
def test_a_dispatcher_dying_mid_batch_loses_nothing(
    engine: Engine, clock: FixedClock, in_flight: bool
) -> None:
    add_rows(engine, 6)
    mailer = FakeMailer(sender=SENDER)
    with pytest.raises(asyncio.CancelledError):
        run(dispatcher(engine, DiesMidBatch(mailer, 2, in_flight=in_flight), clock))
    assert statuses(engine) == Counter(sent=2, pending=4)
    assert all(r.lease_until == FIXED_NOW + LEASE for r in outbox(engine) if r.status == "pending")
    clock.advance(LEASE - timedelta(seconds=1))
    assert run(dispatcher(engine, mailer, clock)).claimed == 0  # still leased
    clock.advance(timedelta(seconds=1))
    assert asyncio.run(dispatcher(engine, mailer, clock).drain()) == DispatchReport(
        claimed=4, sent=4
    )
    counts = Counter(m["Message-ID"] for m in mailer.sent)
    assert len(counts) == 6
    assert sorted(counts.values()) == [1] * 5 + [2 if in_flight else 1]


def test_admin_helpers_list_and_revive_dead_messages(engine: Engine, clock: FixedClock) -> None:
    ids = add_rows(engine, 4, emails=["a@gresikkab.go.id", "hilang@gresikkab.go.id"])
    mailer = FakeMailer(sender=SENDER)
    mailer.answer("hilang@gresikkab.go.id", 550, 550, 550)
    run(dispatcher(engine, mailer, clock))
    with SqlUnitOfWork(engine) as uow:
        assert [r.id for r in list_messages(uow)] == ids[::-1]
        assert [r.id for r in list_messages(uow, status=OutboxStatus.DEAD)] == [ids[3], ids[1]]
        assert [r.id for r in list_messages(uow, status=OutboxStatus.SENT, limit=1)] == [ids[2]]
    clock.advance(timedelta(hours=2))
    with SqlUnitOfWork(engine, write=True) as uow:
        assert retry_dead(uow, [ids[0], ids[1]], now=clock.now()) == [ids[1]]  # ids[0] was sent
    revived = next(r for r in outbox(engine) if r.id == ids[1])
    assert (revived.status, revived.attempts, revived.available_at) == ("pending", 0, clock.now())
    with SqlUnitOfWork(engine, write=True) as uow:
        assert retry_dead(uow, None, now=clock.now()) == [ids[3]]
    assert asyncio.run(dispatcher(engine, mailer, clock).drain()) == DispatchReport(
        claimed=2, sent=1, dead=1
    )


# --- the admin CLI ---------------------------------------------------------------------------


def invoke(
    engine: Engine, clock: FixedClock, *argv: str, **environ: str
) -> tuple[int, str, BaseException | None]:
    """Run `kinerja outbox ARGV` in-process (the command is registered by kinerja.cli)."""
    url = engine.url.render_as_string(hide_password=False)
    state = CliState(environ={"KINERJA_DATABASE_URL": url, **environ}, clock=clock)
    try:
        result = CliRunner().invoke(outbox_cmd.app, list(argv), obj=state)
    finally:
        state.close()
    return result.exit_code, result.output, result.exception


def test_cli_lists_and_retries_in_bahasa_indonesia(engine: Engine, clock: FixedClock) -> None:
    ids = add_rows(engine, 2, emails=["a@gresikkab.go.id", "hilang@gresikkab.go.id"])
    mailer = FakeMailer(sender=SENDER)
    mailer.answer("hilang@gresikkab.go.id", 550)
    run(dispatcher(engine, mailer, clock))

    code, out, _ = invoke(engine, clock, "list", "--status", "dead")
    assert code == 0
    assert out.splitlines() == [
        f"#{ids[1]}  gagal     workflow.submitted  Drs. Ahmad Suyono <hilang@gresikkab.go.id>  "
        "percobaan 1  — 550 5.1.1 no such user"
    ]
    code, out, _ = invoke(engine, clock, "list", "--json")
    assert code == 0
    assert '"status": "sent"' in out and '"sent_at": "2021-04-01T02:00:00+00:00"' in out
    code, out, _ = invoke(engine, clock, "list", "--status", "hilang")
    assert code == 2 and "bukan status yang dikenal" in out

    code, _, error = invoke(engine, clock, "retry")
    assert code == 1 and "Sebutkan ID pesan yang gagal" in str(error)
    code, out, _ = invoke(engine, clock, "retry", str(ids[0]), str(ids[1]))
    assert code == 0
    assert out.splitlines() == [
        "1 pesan dijadwalkan ulang.",
        f"Tidak diubah (tidak ada, atau bukan pesan gagal): {ids[0]}",
    ]
    code, out, _ = invoke(engine, clock, "retry", "--all-dead")
    assert (code, out) == (0, "0 pesan dijadwalkan ulang.\n")
    code, out, _ = invoke(engine, clock, "list", "--status", "pending")
    assert "menunggu" in out and "jadwal 2021-04-01 09:00 WIB" in out


def test_cli_send_renders_with_the_real_renderer_and_reports(
    engine: Engine, clock: FixedClock
) -> None:
    add_rows(engine, 1, kind="workflow.tidak-dikenal")
    code, out, error = invoke(engine, clock, "send", KINERJA_SMTP_PORT=str(free_port()))
    assert (code, out, error) == (0, "Terkirim 0, dijadwalkan ulang 0, gagal 1.\n", None)
    (row,) = outbox(engine)
    assert row.status == "dead" and row.last_error is not None
    assert row.last_error.startswith("rendering failed: ValueError: ")


# --- the real SMTP server ------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One message as the server stored it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    session: int
    tls: bool


class Inbox:
    """An aiosmtpd handler that stores messages and answers as a test scripts it."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self.received: list[Received] = []
        self.tempfail = 0
        """Answer "451 4.3.0 try later" to this many recipients first."""
        self.reject: set[str] = set()
        """Answer "550 5.1.1 no such user" for these addresses."""
        self.password: str | None = None
        """Accept logins only with this password."""
        self.drop_after: int | None = None
        """Drop a connection when it starts its next message after this many."""
        self.hold_after: int | None = None
        """Store message n+1 but hold its reply until `release` is set."""
        self.release = threading.Event()
        self._per_session: Counter[int] = Counter()

    async def handle_MAIL(
        self,
        server: aiosmtpd_smtp.SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        if self.drop_after is not None and self._per_session[id(session)] >= self.drop_after:
            assert server.transport is not None
            server.transport.close()
            return "421 4.3.2 closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: aiosmtpd_smtp.SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.reject:
            return "550 5.1.1 no such user"
        with self._lock:
            if self.tempfail > 0:
                self.tempfail -= 1
                return "451 4.3.0 try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(
        self, server: aiosmtpd_smtp.SMTP, session: Session, envelope: Envelope
    ) -> str:
        assert isinstance(envelope.content, bytes) and envelope.mail_from is not None
        message = message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        assert server.transport is not None
        tls = server.transport.get_extra_info("ssl_object") is not None
        received = Received(envelope.mail_from, list(envelope.rcpt_tos), message, id(session), tls)
        with self._lock:
            self.received.append(received)
            self._per_session[id(session)] += 1
            held = self.hold_after is not None and len(self.received) == self.hold_after + 1
            self._lock.notify_all()
        if held:
            await asyncio.to_thread(self.release.wait, WAIT)
        return "250 2.0.0 OK"

    def authenticate(
        self,
        server: aiosmtpd_smtp.SMTP,
        session: Session,
        envelope: Envelope,
        mechanism: str,
        auth_data: Any,
    ) -> AuthResult:
        valid = (
            isinstance(auth_data, LoginPassword)
            and self.password is not None
            and auth_data.password == self.password.encode()
        )
        # handled=False: aiosmtpd answers "535 5.7.8 Authentication credentials invalid".
        return AuthResult(success=valid, handled=False)

    def wait_for(self, count: int) -> bool:
        """Wait (bounded) until at least `count` messages arrived."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self.received) >= count, WAIT)

    def message_ids(self) -> Counter[str]:
        return Counter(str(r.message["Message-ID"]) for r in self.received)


def free_port() -> int:
    """A port nobody listens on (for the unreachable server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EphemeralController(Controller):
    """aiosmtpd's Controller on a port the OS picks, so parallel test runs never collide.

    aiosmtpd connects to `self.port` to check the server is up; by then the server is
    bound, so the port it got is read just before.
    """

    def __init__(self, handler: Inbox, **kwargs: Any) -> None:
        super().__init__(handler, hostname="127.0.0.1", port=0, ready_timeout=WAIT, **kwargs)
        self.sessions: list[Any] = []

    def factory(self) -> Any:
        session = super().factory()  # type: ignore[no-untyped-call]
        self.sessions.append(session)
        return session

    def stop(self, no_assert: bool = False) -> None:
        """Close the server and every connection it holds before aiosmtpd stops its loop.

        aiosmtpd stops the loop at once: a connection whose close was still queued (the client
        had just quit; after STARTTLS, the plain transport under the TLS one) was left open
        and reported as an unclosed transport whenever the garbage collector met it, which
        failed whichever later test was running then."""
        if self._thread is not None and self.server is not None:
            asyncio.run_coroutine_threadsafe(self._close_all(), self.loop).result(WAIT)
        super().stop(no_assert)  # type: ignore[no-untyped-call]

    async def _close_all(self) -> None:
        assert self.server is not None
        self.server.close()
        for session in self.sessions:
            for transport in (session.transport, getattr(session, "_original_transport", None)):
                if transport is not None and not transport.is_closing():
                    transport.close()
        for _ in range(5):  # let the queued connection_lost callbacks run
            await asyncio.sleep(0)

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = int(self.server.sockets[0].getsockname()[1])
        super()._trigger_server()  # type: ignore[no-untyped-call]


@dataclass
class MailServer:
    inbox: Inbox
    port: int

    def settings(self, **overrides: Any) -> Settings:
        return load_settings(
            {}, smtp_host="127.0.0.1", smtp_port=self.port, smtp_sender=SENDER, **overrides
        )

    def mailer(self, **overrides: Any) -> SmtpMailer:
        return SmtpMailer(self.settings(**overrides), local_hostname="kinerja.test")


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    """aiosmtpd on a free port of 127.0.0.1 (AUTH offered without TLS, for the login tests)."""
    inbox = Inbox()
    controller = EphemeralController(
        inbox, authenticator=inbox.authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield MailServer(inbox, controller.port)
    finally:
        inbox.release.set()
        controller.stop()


def test_messages_arrive_with_their_headers_both_parts_and_utf8(
    engine: Engine, smtp: MailServer, clock: FixedClock
) -> None:
    add_rows(engine, 3)
    report = run(dispatcher(engine, smtp.mailer(), clock))
    assert report == DispatchReport(claimed=3, sent=3)
    received = smtp.inbox.received
    assert len({r.session for r in received}) == 1  # one connection for the batch
    for row, got in zip(outbox(engine), received, strict=True):
        assert (row.status, row.sent_at, row.lease_until) == ("sent", FIXED_NOW, None)
        message = got.message
        assert got.mail_from == "kinerja@gresikkab.go.id"
        assert got.rcpt_tos == [row.recipient_email]
        assert message["From"] == SENDER
        (to,) = message["To"].addresses
        assert (to.display_name, to.addr_spec) == (row.recipient_name, row.recipient_email)
        assert message["Subject"] == row.payload["subject"]
        assert message["Message-ID"] == message_id_for(row.dedupe_key, SENDER)
        assert re.fullmatch(r"<[0-9a-f]{32}@gresikkab\.go\.id>", message["Message-ID"])
        assert parsedate_to_datetime(message["Date"]) == FIXED_NOW
        assert message["Date"].endswith("+0700")  # written in WIB
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert text is not None and html is not None
        assert text.get_content_charset() == html.get_content_charset() == "utf-8"
        assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
        body = text.get_content().replace("\r\n", "\n")  # lines travel as CRLF
        assert body == row.payload["text"]
        assert html.get_content().strip() == row.payload["html"]
        assert "“baik”" in body and "km²" in body
    assert "Wédarini" in str(received[0].message["To"])


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (certificate, key), made by openssl."""
    openssl = shutil.which("openssl")
    require_service(openssl is not None, "TLS tests skipped: the openssl command is missing")
    assert openssl is not None
    cert, key = tmp_path / "server.crt", tmp_path / "server.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=WAIT,
    )  # fmt: skip
    return cert, key


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_starttls_and_implicit_tls_carry_the_login(
    engine: Engine, clock: FixedClock, certificate: tuple[Path, Path], security: str
) -> None:
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    inbox = Inbox()
    inbox.password = "rahasia"
    # With STARTTLS, aiosmtpd offers AUTH only after the upgrade, so a login in clear text
    # would fail. On an implicit-TLS port it does not know it speaks TLS and would never offer
    # AUTH; there the TLS check is `Received.tls`.
    tls_options: dict[str, Any] = (
        {"tls_context": server_tls, "require_starttls": True}
        if security == "starttls"
        else {"ssl_context": server_tls, "auth_require_tls": False}
    )
    controller = EphemeralController(inbox, authenticator=inbox.authenticate, **tls_options)
    controller.start()
    try:
        add_rows(engine, 2)
        settings = MailServer(inbox, controller.port).settings(
            smtp_security=security, smtp_user="kinerja", smtp_password="rahasia"
        )
        client_tls = ssl.create_default_context(cafile=str(cert))
        mailer = SmtpMailer(settings, tls_context=client_tls, local_hostname="kinerja.test")
        assert run(dispatcher(engine, mailer, clock)) == DispatchReport(claimed=2, sent=2)
    finally:
        controller.stop()
    assert sorted(inbox.message_ids().values()) == [1, 1]
    assert all(r.tls for r in inbox.received)


def test_a_server_answering_451_for_a_while_gets_everything_later(
    engine: Engine, smtp: MailServer, clock: FixedClock
) -> None:
    add_rows(engine, 5)
    smtp.inbox.tempfail = 8
    worker = dispatcher(engine, smtp.mailer(), clock)
    assert run(worker) == DispatchReport(claimed=5, retry=5)
    assert {(r.attempts, r.available_at, r.lease_until, r.last_error) for r in outbox(engine)} == {
        (1, FIXED_NOW + timedelta(seconds=30), None, "451 4.3.0 try later")
    }
    clock.advance(timedelta(seconds=29))
    assert run(worker).claimed == 0
    clock.advance(timedelta(seconds=1))
    assert run(worker) == DispatchReport(claimed=5, sent=2, retry=3)
    clock.advance(timedelta(minutes=1))
    assert run(worker) == DispatchReport(claimed=3, sent=3)
    assert statuses(engine) == Counter(sent=5)
    assert sorted(smtp.inbox.message_ids().values()) == [1] * 5


def test_a_550_is_dead_lettered_with_the_server_reason(
    engine: Engine, smtp: MailServer, clock: FixedClock
) -> None:
    add_rows(engine, 3, emails=["a@gresikkab.go.id", "pensiun@gresikkab.go.id"])
    smtp.inbox.reject = {"pensiun@gresikkab.go.id"}
    worker = dispatcher(engine, smtp.mailer(), clock)
    assert run(worker) == DispatchReport(claimed=3, sent=2, dead=1)
    dead = [r for r in outbox(engine) if r.status == "dead"]
    assert [(r.recipient_email, r.last_error, r.attempts) for r in dead] == [
        ("pensiun@gresikkab.go.id", "550 5.1.1 no such user", 1)
    ]
    clock.advance(timedelta(days=1))
    assert run(worker).claimed == 0
    assert [r.rcpt_tos for r in smtp.inbox.received] == [["a@gresikkab.go.id"]] * 2


def test_a_refused_login_pauses_and_the_right_password_sends_everything(
    engine: Engine, smtp: MailServer, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    add_rows(engine, 3)
    smtp.inbox.password = "rahasia"
    wrong = smtp.mailer(smtp_user="kinerja", smtp_password="salah")
    with caplog.at_level(logging.ERROR, logger="notifications.dispatcher"):
        report = asyncio.run(dispatcher(engine, wrong, clock).drain())
    assert report == DispatchReport(claimed=3, paused=True)
    assert dispatcher_log(caplog) == [
        f"{AUTH_PAUSED_LOG}: 535 5.7.8 Authentication credentials invalid"
    ]
    assert {(r.status, r.attempts, r.lease_until) for r in outbox(engine)} == {("pending", 0, None)}
    assert smtp.inbox.received == []
    right = smtp.mailer(smtp_user="kinerja", smtp_password="rahasia")
    assert asyncio.run(dispatcher(engine, right, clock).drain()) == DispatchReport(
        claimed=3, sent=3
    )


def test_a_dropped_connection_is_reopened_once_per_batch(
    engine: Engine, smtp: MailServer, clock: FixedClock
) -> None:
    add_rows(engine, 6)
    smtp.inbox.drop_after = 2
    assert run(dispatcher(engine, smtp.mailer(), clock)) == DispatchReport(
        claimed=6, sent=4, retry=2
    )
    assert len({r.session for r in smtp.inbox.received}) == 2
    retried = [r for r in outbox(engine) if r.status == "pending"]
    assert [r.last_error for r in retried] == ["connection lost"] * 2
    assert sorted(smtp.inbox.message_ids().values()) == [1] * 4


def test_a_server_that_does_not_answer_in_time_is_retried(
    engine: Engine, smtp: MailServer, clock: FixedClock
) -> None:
    add_rows(engine, 1)
    smtp.inbox.hold_after = 0  # the server takes the message but never confirms it
    mailer = SmtpMailer(smtp.settings(), command_timeout=0.5, local_hostname="kinerja.test")
    assert run(dispatcher(engine, mailer, clock)) == DispatchReport(claimed=1, retry=1)
    (row,) = outbox(engine)
    assert row.last_error is not None and row.last_error.startswith("timeout")


def test_an_unreachable_server_is_retried(engine: Engine, clock: FixedClock) -> None:
    add_rows(engine, 2)
    settings = load_settings({}, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_sender=SENDER)
    report = run(dispatcher(engine, SmtpMailer(settings, connect_timeout=5), clock))
    assert report == DispatchReport(claimed=2, retry=2)
    assert report.unanswered == 2  # nobody answered: the drain stops after this batch
    # No answer from a server is not an attempt: an outage never dead-letters (test_faults_smtp).
    assert {(r.attempts, r.status, r.available_at) for r in outbox(engine)} == {
        (0, "pending", FIXED_NOW + timedelta(seconds=30))
    }


@pytest.mark.parametrize("in_flight", [False, True], ids=["between", "in-flight"])
def test_a_dispatcher_dying_mid_batch_delivers_each_message_once(
    engine: Engine, smtp: MailServer, clock: FixedClock, in_flight: bool
) -> None:
    add_rows(engine, 5)
    dying = DiesMidBatch(smtp.mailer(), 2, in_flight=in_flight)
    with pytest.raises(asyncio.CancelledError):
        run(dispatcher(engine, dying, clock))
    clock.advance(LEASE)
    assert asyncio.run(dispatcher(engine, smtp.mailer(), clock).drain()).sent == 3
    assert statuses(engine) == Counter(sent=5)
    assert sorted(smtp.inbox.message_ids().values()) == [1] * 4 + [2 if in_flight else 1]


CHILD = """
import asyncio, sys
from dataclasses import dataclass
from datetime import datetime
from db.database import create_db_engine
from db.uow import SqlUnitOfWorkFactory
from engine.clock import FixedClock
from kinerja.settings import load_settings
from notifications.dispatcher import Dispatcher
from notifications.mailer import SmtpMailer

@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str

def render(row):
    return Email(row.payload["subject"], row.payload["text"], row.payload["html"])

url, port, now, sender = sys.argv[1:5]
settings = load_settings({}, smtp_host="127.0.0.1", smtp_port=int(port), smtp_sender=sender)
clock = FixedClock(datetime.fromisoformat(now))
mailer = SmtpMailer(settings, local_hostname="kinerja.test")
uows = SqlUnitOfWorkFactory(create_db_engine(url))
asyncio.run(Dispatcher(uows, mailer, render, clock=clock).run_once())
"""


@pytest.mark.slow
def test_a_killed_dispatcher_process_loses_nothing(
    engine: Engine, smtp: MailServer, clock: FixedClock
) -> None:
    add_rows(engine, 6)
    smtp.inbox.hold_after = 3  # the 4th message is stored, its 250 held: it is in flight
    url = engine.url.render_as_string(hide_password=False)
    argv = [sys.executable, "-c", CHILD, url, str(smtp.port), FIXED_NOW.isoformat(), SENDER]
    child = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ)
    )
    try:
        arrived = smtp.inbox.wait_for(4)
    finally:
        child.kill()
        _, err = child.communicate(timeout=WAIT)
        smtp.inbox.release.set()
    assert arrived, err.decode(errors="replace")
    assert statuses(engine) == Counter(sent=3, pending=3)
    clock.advance(LEASE)
    assert asyncio.run(dispatcher(engine, smtp.mailer(), clock).drain()).sent == 3
    assert statuses(engine) == Counter(sent=6)
    counts = smtp.inbox.message_ids()
    assert sorted(counts.values()) == [1] * 5 + [2]  # only the one in flight came twice
    fourth = str(smtp.inbox.received[3].message["Message-ID"])
    assert counts[fourth] == 2


def test_two_dispatchers_at_once_never_send_a_message_twice(
    engine: Engine, smtp: MailServer, clock: FixedClock
) -> None:
    add_rows(engine, 60)
    barrier = threading.Barrier(2, timeout=WAIT)
    reports: list[DispatchReport] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            worker = dispatcher(engine, smtp.mailer(), clock, batch_size=4)
            barrier.wait()
            reports.append(asyncio.run(worker.drain()))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert sum(report.sent for report in reports) == 60
    assert statuses(engine) == Counter(sent=60)
    assert sorted(smtp.inbox.message_ids().values()) == [1] * 60


@pytest.mark.postgres
def test_a_claim_skips_rows_another_transaction_holds(
    postgres_url: str, smtp: MailServer, clock: FixedClock
) -> None:
    engine = create_db_engine(postgres_url)
    try:
        upgrade(engine)
        ids = add_rows(engine, 5)
        reports: list[DispatchReport] = []
        worker = dispatcher(engine, smtp.mailer(), clock)
        thread = threading.Thread(target=lambda: reports.append(run(worker)))
        with engine.connect() as locker:
            locker.execute(
                select(OutboxMessage.id).where(col(OutboxMessage.id).in_(ids[:2])).with_for_update()
            )
            thread.start()
            thread.join(WAIT)
            blocked = thread.is_alive()
            locker.rollback()
        thread.join(WAIT)
        assert not blocked, "the claim waited for a locked row instead of skipping it"
        assert reports == [DispatchReport(claimed=3, sent=3)]
        assert [r.status for r in outbox(engine)] == ["pending"] * 2 + ["sent"] * 3
        assert run(worker) == DispatchReport(claimed=2, sent=2)
    finally:
        engine.dispose()

"""Fault: the database is unreachable for a while.

The real app (create_app over a Container, TestClient) talks to PostgreSQL through a small
TCP proxy owned by the test. Cutting the proxy closes every open connection and refuses new
ones, as a restarted or unreachable server does. While it is cut, pages and the API answer
503 with a message in Bahasa Indonesia (never a 500 or a traceback); a transition cut in the
middle of its transaction (after the UPDATE of the document, at the INSERT of its log row)
leaves nothing written; once the proxy is back the next requests succeed, with nothing
restarted (the pool's pre-ping replaces the dead connections).

The seeded demo is built once per session in a template database and copied per test
(CREATE DATABASE ... TEMPLATE), so each test has its own database, dropped afterwards.
test_faults_kill reuses these fixtures.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from db.accounts import find_account
from db.database import create_db_engine, transaction
from db.documents import position_by_code
from db.models import QuarterlyReport
from db.organisation import load_org
from db.signin import create_token
from db.workflow_models import OutboxMessage, TransitionLog
from engine.clock import FixedClock
from kinerja.bootstrap import Container, bootstrap
from kinerja.cli import main
from kinerja.cli.state import CliState
from kinerja.settings import load_settings
from tests.conftest import FIXED_NOW, POSTGRES_ENV, POSTGRES_HINT, require_service
from tests.integration.conftest import WebClient, csrf_of
from web.api.errors import UNAVAILABLE_MESSAGE
from web.app import create_app

WAIT = 30.0  # seconds: the longest any proxy thread or server event may take
OCTOBER = datetime(2021, 10, 8, 2, 0, tzinfo=UTC)  # Friday 8 Oktober 2021, 09.00 WIB
SUBMITTER = "kasi-pengendalian-perdagangan-kecil"  # its TW III report is submitted
VERIFIER = "kabid-perdagangan"
LOG_INSERT = b"INSERT INTO transition_log"


# --- a seeded PostgreSQL database per test -------------------------------------------------


def _admin() -> Engine:
    server = os.environ.get(POSTGRES_ENV)
    require_service(bool(server), POSTGRES_HINT)
    assert server is not None
    return create_engine(server, isolation_level="AUTOCOMMIT")


def _url_of(database: str) -> str:
    server = os.environ[POSTGRES_ENV]
    return make_url(server).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_demo_template() -> Iterator[str]:
    """The name of a PostgreSQL database with the demo seeded (once per session)."""
    admin = _admin()
    name = f"kinerja_faults_tpl_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.fail(f"cannot create a test database on {POSTGRES_ENV}: {exc}")
    try:
        environ = {"KINERJA_DATABASE_URL": _url_of(name)}
        clock = FixedClock(FIXED_NOW)
        assert main(["db", "upgrade"], CliState(environ=environ, clock=clock)) == 0
        assert main(["demo", "seed", "--year", "2021"], CliState(environ=environ, clock=clock)) == 0
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_demo_url(pg_demo_template: str) -> Iterator[str]:
    """A private copy of the seeded demo database (its URL), dropped after the test."""
    admin = _admin()
    name = f"kinerja_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_demo_template}"'))
    try:
        yield _url_of(name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- the proxy -----------------------------------------------------------------------------


class Proxy:
    """A TCP proxy to PostgreSQL that the test can cut and restore.

    Cut: every open connection is closed and the port refuses new ones. `cut_on(marker)`
    cuts the moment a client sends bytes containing `marker` (before forwarding them).
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self.connections = 0
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._marker: bytes | None = None
        self._threads: list[threading.Thread] = []
        self._acceptor: threading.Thread | None = None

    def start(self) -> None:
        """Listen (again, on the same port once cut)."""
        if self._acceptor is not None:  # its accept() may hold the old socket a moment longer
            self._acceptor.join(WAIT)
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self.port = int(listener.getsockname()[1])
        self._listener = listener
        self._acceptor = self._spawn(self._accept, listener)

    def cut(self) -> None:
        """Close the listening socket (new connections are refused) and every connection."""
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, set()
            self._marker = None
        if listener is not None:
            listener.close()
        for sock in sockets:
            _close(sock)

    def cut_on(self, marker: bytes) -> None:
        with self._lock:
            self._marker = marker

    @property
    def is_cut(self) -> bool:
        return self._listener is None

    def stop(self) -> None:
        self.cut()
        for thread in self._threads:
            thread.join(WAIT)

    def _spawn(self, target: Callable[..., None], *args: object) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=WAIT)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            with self._lock:
                if self._listener is not listener:
                    _close(client)
                    _close(upstream)
                    return
                self._sockets |= {client, upstream}
                self.connections += 1
            self._spawn(self._pump, client, upstream, True)
            self._spawn(self._pump, upstream, client, False)

    def _pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        try:
            while data := source.recv(65536):
                marker = self._marker
                if from_client and marker is not None and marker in data:
                    self.cut()
                    return
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


# --- the app over the proxy ----------------------------------------------------------------


@dataclass
class World:
    proxy: Proxy
    container: Container
    direct: Engine  # straight to PostgreSQL, for the test's own checks
    report_id: int
    verifier_login: str


@pytest.fixture
def world(pg_demo_url: str, tmp_path: Path) -> Iterator[World]:
    url = make_url(pg_demo_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    proxied = url.set(port=proxy.port).update_query_dict({"sslmode": "disable"})
    container = bootstrap(
        load_settings(
            {
                "KINERJA_DATABASE_URL": proxied.render_as_string(hide_password=False),
                "KINERJA_EVIDENCE_DIR": str(tmp_path / "evidence"),
                "KINERJA_SECRET_KEY": "test-secret",
            }
        ),
        clock=FixedClock(OCTOBER),
        demo=True,
    )
    direct = create_db_engine(pg_demo_url)
    try:
        with Session(direct) as session:
            submitter = position_by_code(session, SUBMITTER)
            report = session.exec(
                select(QuarterlyReport).where(
                    QuarterlyReport.position_id == submitter.id,
                    QuarterlyReport.year == 2021,
                    QuarterlyReport.quarter == 3,
                )
            ).one()
            assert report.state == "submitted" and report.id is not None
            tree = load_org(session).tree
            verifier = tree.acting_holder(
                position_by_code(session, VERIFIER).id or 0, OCTOBER.date()
            )
            assert verifier is not None
        yield World(proxy, container, direct, report.id, verifier.official.email)
    finally:
        container.close()
        proxy.stop()
        direct.dispose()


def written(engine: Engine, report_id: int) -> tuple[str, int, int, int]:
    """(state, version) of the report, and how many log and outbox rows exist."""
    with Session(engine) as session:
        report = session.get(QuarterlyReport, report_id)
        assert report is not None
        logs = session.exec(select(func.count()).select_from(TransitionLog)).one()
        outbox = session.exec(select(func.count()).select_from(OutboxMessage)).one()
        return report.state, report.version, logs, outbox


def bearer(container: Container, login: str) -> dict[str, str]:
    with transaction(container.engine) as session:
        account = find_account(session, login)
        assert account is not None and account.id is not None
        raw, _ = create_token(session, account.id, "uji gangguan", container.clock.now())
    return {"Authorization": f"Bearer {raw}"}


def no_open_transactions(engine: Engine) -> bool:
    """Wait (bounded) until no other session of this database is inside a transaction."""
    deadline = time.monotonic() + WAIT
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
    )
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.execute(query).scalar_one() == 0:
                return True
        time.sleep(0.05)
    return False


def assert_unavailable_page(response: object) -> None:
    assert getattr(response, "status_code", None) == 503
    body = str(getattr(response, "text", ""))
    assert UNAVAILABLE_MESSAGE in body
    assert "Traceback" not in body and "psycopg" not in body and "OperationalError" not in body
    assert getattr(response, "headers", {}).get("retry-after") == "30"


def assert_unavailable_api(response: object) -> None:
    assert getattr(response, "status_code", None) == 503
    body = response.json()  # type: ignore[attr-defined]
    assert body == {"error": {"code": "unavailable", "message": UNAVAILABLE_MESSAGE}}
    assert getattr(response, "headers", {}).get("retry-after") == "30"


@pytest.mark.postgres
def test_an_outage_answers_503_in_bahasa_indonesia_and_recovers_by_itself(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    page_url = f"/laporan/{world.report_id}"
    api_url = f"/api/v1/reports/{world.report_id}"
    with TestClient(create_app(world.container), raise_server_exceptions=True) as client:
        web = WebClient(client)
        web.login(world.verifier_login)
        token = bearer(world.container, world.verifier_login)
        page = web.client.get(page_url)
        assert page.status_code == 200
        csrf = csrf_of(page.text)
        report = web.client.get(api_url, headers=token).json()
        before = written(world.direct, world.report_id)
        assert before[:2] == ("submitted", report["version"])

        world.proxy.cut()
        with caplog.at_level(logging.WARNING):
            assert_unavailable_page(web.client.get(page_url))
            assert_unavailable_page(web.client.get("/"))
            assert_unavailable_page(
                web.client.post(
                    f"/dokumen/LAP-{world.report_id}/aksi",
                    data={"action": "verify", "csrf_token": csrf},
                    follow_redirects=False,
                )
            )
            assert_unavailable_api(web.client.get(api_url, headers=token))
            assert_unavailable_api(
                web.client.post(
                    api_url + "/transitions",
                    json={"action": "verify", "expected_version": report["version"]},
                    headers=token,
                )
            )
        assert web.client.get("/healthz").status_code == 200  # the process itself is fine
        logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert any(m.startswith("database unavailable (GET /laporan/") for m in logged), logged
        assert written(world.direct, world.report_id) == before

        world.proxy.start()  # the server is back: nothing is restarted
        assert web.client.get(page_url).status_code == 200
        assert web.client.get(api_url, headers=token).status_code == 200
        assert written(world.direct, world.report_id) == before


@pytest.mark.postgres
def test_a_transition_cut_mid_transaction_writes_nothing_and_succeeds_later(
    world: World,
) -> None:
    api_url = f"/api/v1/reports/{world.report_id}"
    with TestClient(create_app(world.container)) as client:
        web = WebClient(client)
        web.login(world.verifier_login)
        page = web.client.get(f"/laporan/{world.report_id}")
        csrf = csrf_of(page.text)
        token = bearer(world.container, world.verifier_login)
        before = written(world.direct, world.report_id)
        _, version, logs, outbox = before

        # The connection drops when the log row is sent: the document's UPDATE is already
        # in the server's transaction, its COMMIT never arrives.
        world.proxy.cut_on(LOG_INSERT)
        refused = web.client.post(
            f"/dokumen/LAP-{world.report_id}/aksi",
            data={"action": "verify", "csrf_token": csrf, "expected_version": str(version)},
            follow_redirects=False,
        )
        assert world.proxy.is_cut, "the transition never reached its log insert"
        assert_unavailable_page(refused)
        assert no_open_transactions(world.direct)
        assert written(world.direct, world.report_id) == before

        world.proxy.start()
        done = web.client.post(
            api_url + "/transitions",
            json={"action": "verify", "expected_version": version},
            headers=token,
        )
        assert done.status_code == 200, done.text
        assert (done.json()["from_state"], done.json()["to_state"]) == ("submitted", "verified")
        after = written(world.direct, world.report_id)
        assert after[:3] == ("verified", version + 1, logs + 1)
        assert after[3] > outbox  # the approver is told, in the same transaction

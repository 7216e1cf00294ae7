"""How a dispatcher batch uses the database and finds its recipients (the fast path of issue 8).

A batch records every outcome in its own committed transaction (so a crash repeats at most
the message in flight), but over one connection held for the batch, not one per message; it
gives that connection back however the batch ends. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.pool import QueuePool

from db.uow import SqlUnitOfWorkFactory
from engine.clock import FixedClock
from kinerja.settings import load_settings
from notifications.dispatcher import Dispatcher, DispatchReport
from notifications.mailer import (
    FakeMailer,
    Mailer,
    OutcomeCallback,
    SendOutcome,
    SendStatus,
    SmtpMailer,
)
from notifications.message import build_email
from tests.conftest import FIXED_NOW
from tests.integration.test_dispatcher import (
    SENDER,
    add_rows,
    fake_render,
    free_port,
    outbox,
    statuses,
)


def checkouts(engine: Engine) -> list[int]:
    """A list that grows by one each time the pool hands out a connection."""
    seen: list[int] = []

    def count(*_: Any) -> None:
        seen.append(1)

    event.listen(engine, "checkout", count)
    return seen


def in_use(engine: Engine) -> int:
    """Connections handed out by the pool and not yet given back."""
    assert isinstance(engine.pool, QueuePool)
    return engine.pool.checkedout()


def test_a_batch_records_every_outcome_over_one_connection(
    engine: Engine, clock: FixedClock
) -> None:
    emails = ["a@gresikkab.go.id", "sibuk@gresikkab.go.id", "hilang@gresikkab.go.id"]
    add_rows(engine, 6, emails=emails)
    (broken,) = add_rows(engine, 1, payload={})
    mailer = FakeMailer(sender=SENDER)
    mailer.answer("sibuk@gresikkab.go.id", 451, 451)
    mailer.answer("hilang@gresikkab.go.id", 550, 550)
    seen = checkouts(engine)
    uows = SqlUnitOfWorkFactory(engine)
    report = asyncio.run(Dispatcher(uows, mailer, fake_render, clock=clock).run_once())
    assert report == DispatchReport(claimed=7, sent=2, retry=2, dead=3)
    assert len(seen) == 2  # the claim, then the batch's outcomes: not one per message
    assert in_use(engine) == 0
    by_email = {(r.recipient_email, r.status, r.attempts) for r in outbox(engine) if r.id != broken}
    assert by_email == {
        ("a@gresikkab.go.id", "sent", 0),
        ("sibuk@gresikkab.go.id", "pending", 1),
        ("hilang@gresikkab.go.id", "dead", 1),
    }
    assert {r.lease_until for r in outbox(engine)} == {None}


class Dies:
    """Delivers `k` messages, reports them, then dies as a cancelled task would."""

    def __init__(self, inner: Mailer, k: int) -> None:
        self.inner = inner
        self.k = k

    @property
    def sender(self) -> str:
        return self.inner.sender

    async def send_batch(
        self, messages: Sequence[EmailMessage], *, on_outcome: OutcomeCallback | None = None
    ) -> list[SendOutcome]:
        await self.inner.send_batch(messages[: self.k], on_outcome=on_outcome)
        raise asyncio.CancelledError


def test_a_batch_that_dies_keeps_what_it_recorded_and_returns_its_connection(
    engine: Engine, clock: FixedClock
) -> None:
    add_rows(engine, 5)
    mailer = FakeMailer(sender=SENDER)
    uows = SqlUnitOfWorkFactory(engine)
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(Dispatcher(uows, Dies(mailer, 3), fake_render, clock=clock).run_once())
    assert in_use(engine) == 0
    assert statuses(engine) == Counter(sent=3, pending=2)
    assert {r.sent_at for r in outbox(engine) if r.status == "sent"} == {FIXED_NOW}


def test_the_mailer_finds_the_one_recipient_in_either_form_of_to() -> None:
    """A plain To, one with specials, one outside ASCII; a To of two is refused."""

    def build(name: str, address: str) -> EmailMessage:
        return build_email(
            sender=SENDER, recipient_name=name, recipient_email=address, subject="Uji",
            text="teks", html="<p>teks</p>", dedupe_key=address, date=FIXED_NOW,
        )  # fmt: skip

    mailer = FakeMailer(sender=SENDER)
    mailer.answer("wedarini@gresikkab.go.id", 550)
    plain = build("Pegawai 1, S.E.", "pegawai1@gresikkab.go.id")
    encoded = build("Ni Luh Putu Wédarini", "wedarini@gresikkab.go.id")
    two = build("Budi", "budi@gresikkab.go.id")
    del two["To"]
    two["To"] = "Budi <budi@gresikkab.go.id>, wati@gresikkab.go.id"  # not ours to pick one
    outcomes = asyncio.run(mailer.send_batch([plain, encoded, two]))
    assert [o.status for o in outcomes] == [SendStatus.SENT, SendStatus.DEAD, SendStatus.DEAD]
    assert outcomes[1].code == 550
    assert outcomes[2].detail == "ValueError: expected exactly one To address, got 2"
    assert mailer.sent == [plain]


def test_a_drain_that_stops_gives_back_the_batch_it_prepared_ahead(
    engine: Engine, clock: FixedClock
) -> None:
    """While a batch is sent the next is claimed; when the server turns out to be down, that
    claim is released at once instead of holding its rows for the lease (5 minutes)."""
    add_rows(engine, 5)
    settings = load_settings({}, smtp_host="127.0.0.1", smtp_port=free_port(), smtp_sender=SENDER)
    uows = SqlUnitOfWorkFactory(engine)
    worker = Dispatcher(
        uows, SmtpMailer(settings, connect_timeout=5), fake_render, clock=clock, batch_size=2
    )
    report = asyncio.run(worker.drain())
    assert report == DispatchReport(claimed=2, retry=2) and report.unanswered == 2
    rows = outbox(engine)
    assert {r.lease_until for r in rows} == {None}
    assert [r.available_at for r in rows] == [FIXED_NOW + timedelta(seconds=30)] * 2 + [
        FIXED_NOW
    ] * 3
    assert in_use(engine) == 0
    clock.advance(timedelta(seconds=1))
    assert asyncio.run(Dispatcher(uows, FakeMailer(sender=SENDER), fake_render, clock=clock)
                       .run_once()).claimed == 3  # fmt: skip

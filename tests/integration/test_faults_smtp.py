"""Fault: the SMTP server is down for the whole quarter close, then comes back.

TW I 2021 of test_sweep_tw1 (three reports, the 2021 holidays) is played from Monday 29 March
to Wednesday 21 April on a fixed clock: the sweep at 08:00 WIB on every working day, the
workflow steps at 10:00, and a drain of the outbox every 30 simulated minutes from 07:00 to
18:00 (the scheduler drains every 30 s, all day; at night nothing new is enqueued and a
retried row would only be tried more often, which the 1 h cap already bounds). The real
SmtpMailer points at a port where nothing listens, so every attempt is refused for 23 days.
Nothing may be dead-lettered, no attempt is counted, and once aiosmtpd starts on that port
every message owed arrives exactly once (counted by Message-ID at the server).

Runs on PostgreSQL (the production database; the dispatcher's SQLite path is covered by
test_dispatcher). It is the slowest fault test: each drain renders every due row.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.database import create_db_engine
from db.migrate import upgrade
from db.uow import SqlUnitOfWorkFactory
from db.workflow_models import OutboxMessage
from engine.clock import JAKARTA, FixedClock, local_date
from engine.outbox import BACKOFF_CAP
from engine.workflow import DocKind
from kinerja.demo.scenario import actor_for, step
from kinerja.notify_app import renderer
from kinerja.settings import load_settings
from notifications.dispatcher import Dispatcher, DispatchReport
from notifications.mailer import SmtpMailer, message_id_for
from tests.integration.sweeps import sweep_at
from tests.integration.test_dispatcher import WAIT, Inbox, free_port
from tests.integration.test_sweep_tw1 import (
    EVENTS,
    EXPECTED,
    SWEEP_DAYS,
    build_world,
    claimed_rows,
    expected_rows,
    wib,
)

SENDER = "Kinerja Kabupaten Gresik <kinerja@gresikkab.go.id>"
TICK = timedelta(minutes=30)
OUTAGE_START = wib(date(2021, 3, 29), 7)  # Monday before the quarter ends, 07:00 WIB
SERVER_BACK = wib(date(2021, 4, 21), 12)  # after the last approval of the quarter


def rows(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def drain(worker: Dispatcher) -> DispatchReport:
    return asyncio.run(worker.drain())


def office_hours(moment: datetime) -> bool:
    return 7 <= moment.astimezone(JAKARTA).hour < 18


def play(
    engine: Engine,
    report_ids: dict[str, int],
    clock: FixedClock,
    worker: Dispatcher,
    until: datetime,
) -> int:
    """Sweep, act and drain from the clock's moment until `until`; returns the drains run."""
    drains = 0
    while clock.now() < until:
        now = clock.now()
        local = now.astimezone(JAKARTA)
        day = local_date(now, JAKARTA)
        if (local.hour, local.minute) == (8, 0) and day in SWEEP_DAYS:
            sweep_at(engine, now)
        if (local.hour, local.minute) == (10, 0):
            for alias, action, role in EVENTS.get(day, []):
                actor = actor_for(engine, DocKind.REPORT, report_ids[alias], role, now)
                step(engine, DocKind.REPORT, report_ids[alias], action, actor, now)
        if office_hours(now):
            report = drain(worker)
            drains += 1
            assert (report.sent, report.dead, report.paused) == (0, 0, False), (now, report)
        clock.advance(TICK)
    return drains


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_db_engine(postgres_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_smtp_down_for_the_quarter_close_then_everything_owed_arrives_once(
    pg_engine: Engine,
) -> None:
    engine = pg_engine
    world = build_world(engine)
    port = free_port()  # nothing listens here until the server "comes back"
    settings = load_settings({}, smtp_host="127.0.0.1", smtp_port=port, smtp_sender=SENDER)
    clock = FixedClock(OUTAGE_START)
    worker = Dispatcher(
        SqlUnitOfWorkFactory(engine),
        SmtpMailer(settings, connect_timeout=5, local_hostname="kinerja.test"),
        renderer(settings),
        clock=clock,
    )

    drains = play(engine, world.report_ids, clock, worker, SERVER_BACK)

    assert drains == 23 * 22 + 10  # 23 days and 5 hours, every 30 minutes of office hours
    owed = rows(engine)
    assert claimed_rows(world) == expected_rows(world, EXPECTED)  # the sweep did its work
    kinds = Counter(row.kind for row in owed)
    assert kinds["digest"] >= 15 and len(kinds) > 1, kinds  # digests and workflow notices
    # 23 days of refused connections: nothing dead, no attempt counted, each row tried again
    # within the 1 h cap, and the server's silence recorded for the admin.
    for row in owed:
        assert (row.status, row.attempts, row.sent_at) == ("pending", 0, None), row
        assert clock.now() <= row.available_at <= clock.now() + BACKOFF_CAP, row
        assert row.last_error is not None and "Connect call failed" in row.last_error, row

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=WAIT)
    controller.start()
    try:
        back = clock.now()
        total = DispatchReport()
        while clock.now() < back + BACKOFF_CAP + TICK:  # the scheduler keeps draining
            total.add(drain(worker))
            clock.advance(TICK)
        assert (total.sent, total.dead, total.retry) == (len(owed), 0, 0)
        clock.advance(timedelta(days=2))
        assert drain(worker).claimed == 0  # nothing is sent a second time
    finally:
        controller.stop()

    sent = rows(engine)
    assert {row.status for row in sent} == {"sent"}
    assert all(back <= (row.sent_at or back - TICK) <= back + BACKOFF_CAP for row in sent)
    received = inbox.message_ids()
    assert set(received.values()) == {1}, received  # each message exactly once
    assert set(received) == {message_id_for(row.dedupe_key, SENDER) for row in sent}
    assert sorted(r.rcpt_tos[0] for r in inbox.received) == sorted(
        row.recipient_email for row in sent
    )

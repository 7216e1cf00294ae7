"""The scheduler's ticks: working days only, one sweeper at a time, and no rung sent twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine
from sqlmodel import Session, select

from db.database import advisory_lock, create_db_engine
from db.migrate import upgrade
from db.models import QuarterlyReport
from db.workflow_models import LadderRung, OutboxMessage
from engine.clock import JAKARTA, FixedClock
from notifications.scheduler import (
    DRAIN_SECONDS,
    MISFIRE_GRACE_SECONDS,
    SWEEP_LOCK,
    build_scheduler,
)
from tests.integration.sweeps import tick as daily_tick
from tests.integration.test_sweep_tw1 import build_world


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=JAKARTA)


def test_the_two_jobs_are_configured_as_designed() -> None:
    scheduler = build_scheduler(zone=JAKARTA, sweep_hour=8, daily=lambda: None, drain=lambda: None)
    scheduler.start(paused=True)  # jobs get their defaults once added to a running scheduler
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert set(jobs) == {"daily-sweep", "outbox-drain"}
    daily, drain = jobs["daily-sweep"], jobs["outbox-drain"]
    assert isinstance(daily.trigger, CronTrigger)
    fields = {f.name: str(f) for f in daily.trigger.fields}
    assert (fields["day_of_week"], fields["hour"], fields["minute"]) == ("mon-fri", "8", "0")
    assert str(daily.trigger.timezone) == "Asia/Jakarta"
    assert isinstance(drain.trigger, IntervalTrigger)
    assert drain.trigger.interval == timedelta(seconds=DRAIN_SECONDS)
    for job in (daily, drain):
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS


def test_daily_tick_skips_holidays_and_opens_the_quarter(engine: Engine) -> None:
    build_world(engine)
    # Good Friday 2 April 2021: a holiday, nothing happens.
    outcome = daily_tick(engine, FixedClock(at(date(2021, 4, 2))))
    assert (outcome.ran, outcome.reason) == (False, "bukan hari kerja")
    # Thursday 1 April: TW II opens for the three positions with an approved PK.
    outcome = daily_tick(engine, FixedClock(at(date(2021, 4, 1))))
    assert outcome.ran
    assert outcome.opened == 3
    assert outcome.sweep is not None and outcome.sweep.enqueued_rungs > 0
    with Session(engine) as session:
        quarters = Counter(r.quarter for r in session.exec(select(QuarterlyReport)))
    assert quarters == {1: 3, 2: 3}
    again = daily_tick(engine, FixedClock(at(date(2021, 4, 1))))
    assert (again.opened, again.sweep and again.sweep.enqueued_rungs) == (0, 0)


@pytest.mark.postgres
def test_the_advisory_lock_lets_one_instance_sweep(postgres_url: str) -> None:
    engine = create_db_engine(postgres_url)
    upgrade(engine)
    try:
        build_world(engine)
        with advisory_lock(engine, SWEEP_LOCK) as held:
            assert held
            outcome = daily_tick(engine, FixedClock(at(date(2021, 3, 29))))
            assert (outcome.ran, outcome.reason) == (False, "instans lain sedang menyapu")
        outcome = daily_tick(engine, FixedClock(at(date(2021, 3, 29))))
        assert outcome.ran
    finally:
        engine.dispose()


def tick_together(engines: list[Engine], moment: datetime) -> list[BaseException]:
    """Both instances run the daily tick at the same moment (released by one barrier)."""
    barrier = threading.Barrier(len(engines), timeout=60)
    errors: list[BaseException] = []

    def tick(engine: Engine) -> None:
        try:
            barrier.wait()
            daily_tick(engine, FixedClock(moment))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=tick, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a tick hung"
    return errors


@pytest.mark.postgres
def test_two_schedulers_through_a_quarter_send_no_rung_twice(postgres_url: str) -> None:
    """Two instances tick at the same moment every day from 1 March to 30 April 2021."""
    engines = [create_db_engine(postgres_url) for _ in range(2)]
    upgrade(engines[0])
    try:
        build_world(engines[0])
        day = date(2021, 3, 1)
        while day <= date(2021, 4, 30):
            errors = tick_together(engines, at(day))
            assert not errors, errors
            day += timedelta(days=1)
        with Session(engines[0]) as session:
            rungs = list(session.exec(select(LadderRung)))
            digests = list(
                session.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest"))
            )
        items = Counter(
            (item["doc"], item["step"], item["rung"], digest.recipient_official_id)
            for digest in digests
            for item in digest.payload["items"]
        )
        assert rungs, "the quarter must produce reminders"
        assert sum(items.values()) == len(rungs)
        assert len({r.key for r in rungs}) == len(rungs)
    finally:
        for engine in engines:
            engine.dispose()

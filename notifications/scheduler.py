"""The scheduler: APScheduler 3 with two ticks, and no job per document.

The daily tick (working days, at the configured hour in Asia/Jakarta) opens the
quarter's reports and sweeps the reminder ladders; the drain tick (every 30
seconds) hands due outbox rows to the dispatcher. Our tables hold all state, so
a restart loses nothing; jobs coalesce, tolerate a late start, and never run
twice at once. On PostgreSQL the daily tick runs under an advisory lock so
several instances may run side by side and only one sweeps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine
from sqlmodel import Session

from db.database import transaction
from db.holidays_repo import load_calendar
from db.locks import advisory_lock
from db.reports import open_reports
from engine.clock import Clock, local_date
from engine.periods import Quarter
from notifications.sweep import SweepConfig, SweepResult, sweep

log = logging.getLogger("kinerja.scheduler")
DRAIN_SECONDS = 30
MISFIRE_GRACE_SECONDS = 3600
SWEEP_LOCK = "kinerja.daily-sweep"


@dataclass(frozen=True)
class DailyOutcome:
    """What one daily tick did (or why it did nothing)."""

    ran: bool
    reason: str = ""
    opened: int = 0
    sweep: SweepResult | None = None


def daily_tick(engine: Engine, clock: Clock, zone: ZoneInfo, config: SweepConfig) -> DailyOutcome:
    """Open this quarter's reports and sweep the ladders, if today is a working day."""
    now = clock.now()
    today = local_date(now, zone)
    with Session(engine) as session:
        if not load_calendar(session).is_working_day(today):
            return DailyOutcome(False, "bukan hari kerja")
    with advisory_lock(engine, SWEEP_LOCK) as held:
        if not held:
            log.info("another instance holds the sweep lock; skipping")
            return DailyOutcome(False, "instans lain sedang menyapu")
        quarter = Quarter.of(today)
        with transaction(engine) as session:
            opened = len(open_reports(session, quarter.year, quarter.number, now))
        result = sweep(engine, now, zone, config)
    log.info(
        "daily tick %s: %d reports opened, %d rungs in %d digests",
        today, opened, result.enqueued_rungs, result.digests,
    )  # fmt: skip
    return DailyOutcome(True, opened=opened, sweep=result)


def build_scheduler(
    *,
    zone: ZoneInfo,
    sweep_hour: int,
    daily: Callable[[], object],
    drain: Callable[[], object],
    blocking: bool = False,
) -> BaseScheduler:
    """A scheduler with the two ticks; the caller starts and shuts it down."""
    defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS}
    scheduler: BaseScheduler = (
        BlockingScheduler(timezone=zone, job_defaults=defaults)
        if blocking
        else BackgroundScheduler(timezone=zone, job_defaults=defaults)
    )
    scheduler.add_job(
        daily,
        CronTrigger(day_of_week="mon-fri", hour=sweep_hour, minute=0, timezone=zone),
        id="daily-sweep",
        name="buka laporan dan sapu pengingat",
        replace_existing=True,
    )
    scheduler.add_job(
        drain,
        IntervalTrigger(seconds=DRAIN_SECONDS, timezone=zone),
        id="outbox-drain",
        name="kirim antrean email",
        replace_existing=True,
    )
    return scheduler

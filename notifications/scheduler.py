"""The scheduler: APScheduler 3 with three ticks, and no job per document.

The daily tick (working days, at the configured hour in Asia/Jakarta) opens the
quarter's reports and sweeps the reminder ladders; the drain tick (every 30
seconds) hands due outbox rows to the dispatcher; the clean-up tick (hourly)
deletes expired browser sessions and login-throttle rows idle for a day (every
instance may run it: deleting what is already gone is harmless). Our tables hold all state, so
a restart loses nothing; jobs coalesce, tolerate a late start, and never run
twice at once. The daily tick runs under a cluster lock (an advisory lock on
PostgreSQL, given by the container), so several instances may run side by side
and only one sweeps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from engine.clock import Clock, local_date
from engine.policy import Policy
from engine.ports import ClusterLock, UnitOfWorkFactory
from engine.usecases.accounts import purge_sign_in_records
from engine.usecases.reminders import LOCK_HELD, SWEEP_LOCK, DailyOutcome
from engine.usecases.reminders import daily_tick as tick

__all__ = [
    "CLEANUP_MINUTES",
    "DRAIN_SECONDS",
    "MISFIRE_GRACE_SECONDS",
    "SWEEP_LOCK",
    "build_scheduler",
    "cleanup",
    "daily_tick",
]

log = logging.getLogger("kinerja.scheduler")
DRAIN_SECONDS = 30
CLEANUP_MINUTES = 60
MISFIRE_GRACE_SECONDS = 3600


def daily_tick(
    uows: UnitOfWorkFactory, lock: ClusterLock, clock: Clock, policy: Policy
) -> DailyOutcome:
    """Open this quarter's reports and sweep the ladders, if today is a working day."""
    now = clock.now()
    with uows(write=True) as uow:
        outcome = tick(uow, lock, now=now, policy=policy)
    if outcome.reason == LOCK_HELD:
        log.info("another instance holds the sweep lock; skipping")
    elif outcome.sweep is not None:
        log.info(
            "daily tick %s: %d reports opened, %d rungs in %d digests",
            local_date(now, policy.zone), outcome.opened, outcome.sweep.enqueued_rungs,
            outcome.sweep.digests,
        )  # fmt: skip
    return outcome


def cleanup(uows: UnitOfWorkFactory, clock: Clock) -> tuple[int, int]:
    """Delete expired sessions and idle, unlocked throttle rows: how many of each."""
    with uows() as uow:
        sessions, throttles = purge_sign_in_records(uow, now=clock.now())
    if sessions or throttles:
        log.info("clean-up: %d expired sessions, %d throttle rows deleted", sessions, throttles)
    return sessions, throttles


def build_scheduler(
    *,
    zone: ZoneInfo,
    sweep_hour: int,
    daily: Callable[[], object],
    drain: Callable[[], object],
    clean: Callable[[], object] | None = None,
    blocking: bool = False,
) -> BaseScheduler:
    """A scheduler with the ticks; the caller starts and shuts it down."""
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
    if clean is not None:
        scheduler.add_job(
            clean,
            IntervalTrigger(minutes=CLEANUP_MINUTES, timezone=zone),
            id="sign-in-cleanup",
            name="hapus sesi kedaluwarsa dan catatan percobaan masuk lama",
            replace_existing=True,
        )
    return scheduler

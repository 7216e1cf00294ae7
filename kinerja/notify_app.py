"""Wiring of reminders and mail: the dispatcher, the scheduler's ticks (the daily sweep, the
outbox drain, the hourly clean-up of sign-in records), the demo's days."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler

from engine.clock import Clock, FixedClock
from engine.outbox import OutboxEntry
from engine.usecases.reminders import DailyOutcome
from kinerja.bootstrap import Container
from kinerja.settings import Settings
from notifications.dispatcher import Dispatcher, DispatchReport, Renderer
from notifications.mailer import SmtpMailer
from notifications.render import Email, render
from notifications.scheduler import build_scheduler, cleanup, daily_tick


def renderer(settings: Settings) -> Renderer:
    """Outbox message -> Email, with links to the configured public address."""

    def render_row(row: OutboxEntry) -> Email:
        return render(
            row.kind, row.payload, base_url=settings.base_url, recipient_name=row.recipient_name
        )

    return render_row


def dispatcher(container: Container, clock: Clock | None = None) -> Dispatcher:
    """The dispatcher sending through the configured SMTP server (on the container's clock
    unless another is given)."""
    return Dispatcher(
        container.uow,
        SmtpMailer(container.settings),
        renderer(container.settings),
        clock=clock or container.clock,
    )


def drain(container: Container, *, at_least: datetime | None = None) -> DispatchReport:
    """Send every due outbox row now (one event loop per call: the scheduler runs in threads).

    `at_least`: send as if the clock read at least this moment (`kinerja demo advance`: the
    digests of the days it played are due on those days, which a frozen demo clock has not
    reached; a drain on the clock's own moment left them pending).
    """
    behind = at_least is not None and container.clock.now() < at_least
    clock = FixedClock(at_least) if behind and at_least is not None else None
    return asyncio.run(dispatcher(container, clock).drain())


def daily(container: Container) -> DailyOutcome:
    """Open this quarter's reports and sweep, as the daily tick does."""
    return daily_tick(container.uow, container.cluster_lock, container.clock, container.policy)


def cleanup_tick(container: Container) -> tuple[int, int]:
    """Delete expired sessions and idle throttle rows: (sessions, throttle rows) deleted."""
    return cleanup(container.uow, container.clock)


def sweep_moment(container: Container, day: date) -> datetime:
    """When the scheduler's daily tick runs on `day` (KINERJA_SWEEP_HOUR, local time)."""
    hour = container.settings.sweep_hour
    return datetime(day.year, day.month, day.day, hour, tzinfo=container.zone)


def advance(container: Container, first: date, last: date) -> list[tuple[date, DailyOutcome]]:
    """Run the daily tick for every day from `first` to `last`, as the scheduler would have."""
    outcomes = []
    day = first
    while day <= last:
        clock = FixedClock(sweep_moment(container, day))
        outcome = daily_tick(container.uow, container.cluster_lock, clock, container.policy)
        outcomes.append((day, outcome))
        day += timedelta(days=1)
    return outcomes


def scheduler(container: Container, *, blocking: bool) -> BaseScheduler:
    """The configured scheduler (not started)."""
    return build_scheduler(
        zone=container.zone,
        sweep_hour=container.settings.sweep_hour,
        daily=lambda: daily(container),
        drain=lambda: drain(container),
        clean=lambda: cleanup_tick(container),
        blocking=blocking,
    )

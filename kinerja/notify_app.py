"""Wiring of reminders and mail: sweep settings, the dispatcher, the scheduler, the demo catcher."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

from apscheduler.schedulers.base import BaseScheduler

from db.workflow_models import OutboxMessage
from engine.clock import FixedClock
from kinerja.bootstrap import Container, deadline_rules
from kinerja.settings import Settings
from notifications.dispatcher import Dispatcher, DispatchReport
from notifications.ladder import LadderPolicy
from notifications.mailer import SmtpMailer
from notifications.render import Email, render
from notifications.scheduler import DailyOutcome, build_scheduler, daily_tick
from notifications.sweep import SweepConfig


def sweep_config(settings: Settings) -> SweepConfig:
    """The ladder and deadlines configured in settings."""
    offsets = tuple(int(p) for p in settings.reminder_offsets.split(",") if p.strip())
    return SweepConfig(
        policy=LadderPolicy(
            reminder_offsets=offsets,
            superior_after=settings.escalate_superior_after,
            head_after=settings.escalate_head_after,
        ),
        rules=deadline_rules(settings),
    )


def renderer(settings: Settings) -> Any:
    """Outbox row -> Email, with links to the configured public address."""

    def render_row(row: OutboxMessage) -> Email:
        return render(
            row.kind, row.payload, base_url=settings.base_url, recipient_name=row.recipient_name
        )

    return render_row


def dispatcher(container: Container) -> Dispatcher:
    """The dispatcher sending through the configured SMTP server."""
    return Dispatcher(
        container.engine,
        SmtpMailer(container.settings),
        renderer(container.settings),
        clock=container.clock,
    )


def drain(container: Container) -> DispatchReport:
    """Send every due outbox row now (one event loop per call: the scheduler runs in threads)."""
    return asyncio.run(dispatcher(container).drain())


def daily(container: Container) -> DailyOutcome:
    """Open this quarter's reports and sweep, as the daily tick does."""
    return daily_tick(
        container.engine, container.clock, container.zone, sweep_config(container.settings)
    )


def advance(container: Container, first: date, last: date) -> list[tuple[date, DailyOutcome]]:
    """Run the daily tick for every day from `first` to `last`, as the scheduler would have."""
    config = sweep_config(container.settings)
    hour = container.settings.sweep_hour
    outcomes = []
    day = first
    while day <= last:
        moment = datetime(day.year, day.month, day.day, hour, tzinfo=container.zone)
        outcome = daily_tick(container.engine, FixedClock(moment), container.zone, config)
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
        blocking=blocking,
    )

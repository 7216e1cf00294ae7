"""The reminder sweep and the daily tick on a database, as the CLI and the scheduler run them.

Each call opens a writer's unit of work on `engine` and runs one use case
(engine.usecases.reminders) with the default rules (domain.md: the ladder 7, 3, 1, 0
working days, escalations after 1 and 3, deadlines 5, 3, 3) in Asia/Jakarta.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from db.database import advisory_lock
from db.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from engine.clock import Clock
from engine.policy import Policy
from engine.usecases.reminders import DailyOutcome, SweepResult, sweep
from notifications.scheduler import daily_tick
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)


def sweep_at(
    engine: Engine, now: datetime, *, dry_run: bool = False, policy: Policy = POLICY
) -> SweepResult:
    """`kinerja sweep` at `now`."""
    with SqlUnitOfWork(engine, write=True) as uow:
        return sweep(uow, now=now, policy=policy, dry_run=dry_run)


def tick(engine: Engine, clock: Clock, policy: Policy = POLICY) -> DailyOutcome:
    """The scheduler's daily tick at the clock's moment (under the cluster lock)."""
    return daily_tick(
        SqlUnitOfWorkFactory(engine), lambda name: advisory_lock(engine, name), clock, policy
    )

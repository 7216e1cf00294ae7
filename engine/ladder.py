"""The reminder and escalation ladder: a pure policy of which rungs are due now.

For a pending step of a document (submit, verify or approve) with its deadline,
the ladder has reminders to whoever must act at configured working-day offsets
before the deadline and on the day, then escalations after it: to the direct
superior, then to the head of the agency. A rung is due when its day has come
and it was not sent yet; a sweep after days of downtime therefore owes at most
one rung of each kind (the latest reminder, each escalation), never every
missed repetition. Rungs are keyed by (document, visit, step, rung): completing
the step ends its ladder, and a return for revision starts a new visit. A step
without a deadline or without anyone to act (`PendingStep.remindable`) has no ladder.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from engine.calendar import WorkingCalendar
from engine.org import Holding
from engine.pending import PendingStep

SUPERIOR_RUNG = "escalate-superior"
HEAD_RUNG = "escalate-head"


class Audience(StrEnum):
    """Who a rung goes to, resolved to an official on the day by the sweep."""

    ACTOR = "actor"
    """Whoever must take the step (holder, verifier or approver)."""
    SUPERIOR = "superior"
    """The direct superior of the position that must act."""
    HEAD = "head"
    """The head of the agency."""


@dataclass(frozen=True)
class LadderPolicy:
    """The configurable offsets, in working days (domain.md defaults)."""

    reminder_offsets: tuple[int, ...] = (7, 3, 1, 0)
    superior_after: int = 1
    head_after: int = 3


@dataclass(frozen=True, slots=True)
class Rung:
    """One message of a ladder: whom it is for and from which day it is owed."""

    pending: PendingStep
    name: str
    kind: str
    audience: Audience
    due_on: date
    key: str = field(init=False, repr=False, compare=False)
    """The dedupe key: (document, visit, step, rung)."""

    def __post_init__(self) -> None:
        # Worked out once: a sweep reads it to check, claim and group thousands of rungs.
        object.__setattr__(self, "key", self.pending.key_prefix + self.name)


@dataclass(frozen=True, slots=True)
class Planned:
    """A due rung resolved to the official who receives it, with its item in their digest."""

    rung: Rung
    recipient: Holding
    item: dict[str, Any]


@dataclass(frozen=True)
class Schedule:
    """The days of one ladder: they depend only on the deadline (and the calendar and policy).

    Thousands of pending documents share a handful of deadlines, so a sweep works each
    schedule out once (`LadderDates`) instead of once per document.
    """

    reminders: tuple[tuple[str, date], ...]
    """(rung name, due day) of each reminder, the earliest first."""
    superior_on: date
    head_on: date

    def owed(self, today: date) -> tuple[tuple[str, date] | None, bool, bool]:
        """The latest reminder due on `today` (if any), and whether each escalation is due."""
        latest = None
        for reminder in self.reminders:
            if reminder[1] <= today:
                latest = reminder
        return latest, self.superior_on <= today, self.head_on <= today


def schedule(deadline: date, calendar: WorkingCalendar, policy: LadderPolicy) -> Schedule:
    """The days of the ladder of a step due on `deadline`."""
    # The larger the offset, the earlier the working day: the earliest reminder comes first.
    reminders = tuple(
        (
            f"remind-{offset}",
            deadline if offset == 0 else calendar.add_working_days(deadline, -offset),
        )
        for offset in sorted(set(policy.reminder_offsets), reverse=True)
    )
    return Schedule(
        reminders,
        calendar.add_working_days(deadline, policy.superior_after),
        calendar.add_working_days(deadline, policy.head_after),
    )


class LadderDates:
    """`schedule` per deadline, worked out once: one calendar and policy, many documents."""

    __slots__ = ("_calendar", "_owed", "_policy", "_schedules")

    def __init__(self, calendar: WorkingCalendar, policy: LadderPolicy) -> None:
        self._calendar = calendar
        self._policy = policy
        self._schedules: dict[date, Schedule] = {}
        self._owed: dict[tuple[date, date], tuple[tuple[str, date] | None, bool, bool]] = {}

    def of(self, deadline: date) -> Schedule:
        """The schedule of a step due on `deadline`."""
        found = self._schedules.get(deadline)
        if found is None:
            found = self._schedules[deadline] = schedule(deadline, self._calendar, self._policy)
        return found

    def owed(self, deadline: date, today: date) -> tuple[tuple[str, date] | None, bool, bool]:
        """`Schedule.owed` of the step due on `deadline`, cached per (deadline, today)."""
        key = (deadline, today)
        found = self._owed.get(key)
        if found is None:
            found = self._owed[key] = self.of(deadline).owed(today)
        return found


def escalates_to_superior(pending: PendingStep) -> bool:
    """Whether the ladder has a rung for the direct superior (not the actor's own position)."""
    return pending.superior_position_id is not None and (
        pending.superior_position_id != pending.actor_position_id
    )


def escalates_to_head(pending: PendingStep) -> bool:
    """Whether the ladder has a rung for the head (the head needs none about the head's step)."""
    return pending.head_position_id is not None and pending.head_position_id not in (
        pending.actor_position_id,
        pending.superior_position_id,
    )


def ladder(
    pending: PendingStep,
    calendar: WorkingCalendar,
    policy: LadderPolicy,
    *,
    dates: LadderDates | None = None,
) -> list[Rung]:
    """Every rung of a pending step with the day it becomes due.

    Pass `dates` to share the schedules of one calendar and policy across many steps.
    """
    if pending.deadline is None or pending.actor_position_id is None:
        return []
    days = (
        dates.of(pending.deadline)
        if dates is not None
        else schedule(pending.deadline, calendar, policy)
    )
    rungs = [
        Rung(pending, name, "reminder", Audience.ACTOR, due_on) for name, due_on in days.reminders
    ]
    if escalates_to_superior(pending):
        rungs.append(
            Rung(pending, SUPERIOR_RUNG, "escalation", Audience.SUPERIOR, days.superior_on)
        )
    if escalates_to_head(pending):
        rungs.append(Rung(pending, HEAD_RUNG, "escalation", Audience.HEAD, days.head_on))
    return rungs


def due_rungs(
    pending: Iterable[PendingStep],
    sent: Collection[str],
    today: date,
    calendar: WorkingCalendar,
    policy: LadderPolicy,
    *,
    dates: LadderDates | None = None,
) -> list[Rung]:
    """The rungs due on `today` and not sent: the latest reminder, and each escalation.

    Older reminders are never candidates: once the latest went out, none is owed. The days
    come from `dates` (one schedule per deadline), so the cost per step is a few key lookups.
    """
    dates = LadderDates(calendar, policy) if dates is None else dates
    owed: list[Rung] = []
    for step in pending:
        deadline = step.deadline
        if deadline is None or step.actor_position_id is None:
            continue  # no ladder
        latest, superior_due, head_due = dates.owed(deadline, today)
        if latest is None and not superior_due and not head_due:
            continue
        prefix = step.key_prefix
        if latest is not None and prefix + latest[0] not in sent:
            owed.append(Rung(step, latest[0], "reminder", Audience.ACTOR, latest[1]))
        if superior_due and escalates_to_superior(step) and prefix + SUPERIOR_RUNG not in sent:
            days = dates.of(deadline)
            owed.append(
                Rung(step, SUPERIOR_RUNG, "escalation", Audience.SUPERIOR, days.superior_on)
            )
        if head_due and escalates_to_head(step) and prefix + HEAD_RUNG not in sent:
            days = dates.of(deadline)
            owed.append(Rung(step, HEAD_RUNG, "escalation", Audience.HEAD, days.head_on))
    return owed


def superseded_reminders(
    steps: Iterable[PendingStep],
    sent: set[str],
    calendar: WorkingCalendar,
    policy: LadderPolicy,
    *,
    dates: LadderDates | None = None,
) -> set[str]:
    """Reminders no longer owed because a later reminder of the same step already went out.

    The ladder owes the latest reminder due today. After the clock was set back, that can
    be older than one already sent (remind-3 after remind-0): it must not go out then, nor
    any reminder between it and the one sent (docs/faults.md, clock jump).
    """
    dates = LadderDates(calendar, policy) if dates is None else dates
    docs_with_sent = {key.partition(":")[0] for key in sent}
    owed_no_more: set[str] = set()
    for pending in steps:
        if pending.doc not in docs_with_sent or pending.deadline is None:
            continue
        prefix = pending.key_prefix
        reminders = dates.of(pending.deadline).reminders  # the earliest first
        last = max((due_on for name, due_on in reminders if prefix + name in sent), default=None)
        if last is not None:
            owed_no_more.update(prefix + name for name, due_on in reminders if due_on <= last)
    return owed_no_more

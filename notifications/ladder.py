"""The reminder and escalation ladder: a pure policy of which rungs are due now.

For a pending step of a document (submit, verify or approve) with its deadline,
the ladder has reminders to whoever must act at configured working-day offsets
before the deadline and on the day, then escalations after it: to the direct
superior, then to the head of the agency. A rung is due when its day has come
and it was not sent yet; a sweep after days of downtime therefore owes at most
one rung of each kind (the latest reminder, each escalation), never every
missed repetition. Rungs are keyed by (document, visit, step, rung): completing
the step ends its ladder, and a return for revision starts a new visit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from engine.calendar import WorkingCalendar
from engine.workflow import State


class Step(StrEnum):
    """The step a pending document waits for."""

    SUBMIT = "submit"
    VERIFY = "verify"
    APPROVE = "approve"

    @property
    def label(self) -> str:
        """The step's name in emails."""
        return {"submit": "pengajuan", "verify": "verifikasi", "approve": "persetujuan"}[self.value]


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


@dataclass(frozen=True)
class PendingStep:
    """A document waiting for a step, with its deadline and the position that must act."""

    doc: str
    visit: int
    step: Step
    deadline: date
    actor_position_id: int
    superior_position_id: int | None
    head_position_id: int | None


@dataclass(frozen=True)
class Rung:
    """One message of a ladder: whom it is for and from which day it is owed."""

    pending: PendingStep
    name: str
    kind: str
    audience: Audience
    due_on: date

    @property
    def key(self) -> str:
        """The dedupe key: (document, visit, step, rung)."""
        p = self.pending
        return f"{p.doc}:visit{p.visit}:{p.step.value}:{self.name}"


def ladder(pending: PendingStep, calendar: WorkingCalendar, policy: LadderPolicy) -> list[Rung]:
    """Every rung of a pending step with the day it becomes due."""
    rungs = [
        Rung(
            pending,
            f"remind-{offset}",
            "reminder",
            Audience.ACTOR,
            pending.deadline
            if offset == 0
            else calendar.add_working_days(pending.deadline, -offset),
        )
        for offset in sorted(set(policy.reminder_offsets), reverse=True)
    ]
    # The head needs no escalation about a step that is already the head's.
    if pending.superior_position_id is not None and (
        pending.superior_position_id != pending.actor_position_id
    ):
        rungs.append(
            Rung(
                pending,
                "escalate-superior",
                "escalation",
                Audience.SUPERIOR,
                calendar.add_working_days(pending.deadline, policy.superior_after),
            )
        )
    if pending.head_position_id is not None and pending.head_position_id not in (
        pending.actor_position_id,
        pending.superior_position_id,
    ):
        rungs.append(
            Rung(
                pending,
                "escalate-head",
                "escalation",
                Audience.HEAD,
                calendar.add_working_days(pending.deadline, policy.head_after),
            )
        )
    return rungs


def due_rungs(
    pending: Iterable[PendingStep],
    sent: Collection[str],
    today: date,
    calendar: WorkingCalendar,
    policy: LadderPolicy,
) -> list[Rung]:
    """The rungs due on `today` and not sent: the latest reminder, and each escalation."""
    owed: list[Rung] = []
    for step in pending:
        rungs = [r for r in ladder(step, calendar, policy) if r.due_on <= today]
        reminders = [r for r in rungs if r.kind == "reminder"]
        escalations = [r for r in rungs if r.kind == "escalation"]
        latest = max(reminders, key=lambda r: r.due_on, default=None)
        candidates: Sequence[Rung] = ([latest] if latest else []) + escalations
        # Older reminders are never candidates: once the latest went out, none is owed.
        owed.extend(r for r in candidates if r.key not in sent)
    return owed


def waiting_step(state: State, one_step: bool) -> Step | None:
    """The step a document in `state` waits for (None once approved).

    The sweep, Tugas Saya and the dashboard all ask this one function.
    """
    if state is State.DRAFT:
        return Step.SUBMIT
    if state is State.SUBMITTED:
        return Step.APPROVE if one_step else Step.VERIFY
    if state is State.VERIFIED:
        return Step.APPROVE
    return None

"""The reminder sweep and the scheduler's daily tick.

The sweep works out the rungs due now and enqueues one digest per recipient. It reads only
pending documents (not approved; indexed on state) and the rungs already sent for them, so
its cost follows the pending work, not the history. What thousands of documents share is
worked out once per sweep: the parties per position and the deadlines per quarter
(`engine.pending.PendingWork`), the ladder's days per deadline (`engine.ladder.LadderDates`).
Each rung is claimed with an insert that ignores an existing key before it goes into a
digest, so two schedulers sweeping at once never send a rung twice; the claims and the
digests (`RemindersDue` events, written by the outbox repository) go in bulk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine.acting import ActingRules
from engine.calendar import WorkingCalendar
from engine.clock import local_date
from engine.events import Recipient, RemindersDue
from engine.ladder import (
    Audience,
    LadderDates,
    Planned,
    Rung,
    due_rungs,
    superseded_reminders,
)
from engine.org import Holding, OrgTree
from engine.pending import PendingWork
from engine.periods import Quarter
from engine.policy import Policy
from engine.ports import ClusterLock, UnitOfWork, writes
from engine.usecases.organisation import closed_positions
from engine.usecases.reports import add_missing_reports, quarter_start
from engine.workflow import Action, DocKind

__all__ = [
    "LOCK_HELD",
    "NOT_A_WORKING_DAY",
    "SWEEP_LOCK",
    "DailyOutcome",
    "SweepResult",
    "daily_tick",
    "plan",
    "sweep",
]

SWEEP_LOCK = "kinerja.daily-sweep"
"""The cluster lock of the daily tick: of several instances, one sweeps."""
NOT_A_WORKING_DAY = "bukan hari kerja"
LOCK_HELD = "instans lain sedang menyapu"
"""Why a daily tick did nothing: a weekend or holiday, or another instance sweeping."""


@dataclass
class SweepResult:
    """What a sweep found and enqueued."""

    at: datetime
    today: date
    pending: int = 0
    planned: list[Planned] = field(default_factory=list)
    enqueued_rungs: int = 0
    digests: int = 0

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready summary for `kinerja sweep --json`."""
        return {
            "at": self.at.isoformat(),
            "today": self.today.isoformat(),
            "pending_documents": self.pending,
            "due_rungs": [
                {
                    "key": p.rung.key,
                    "rung": p.rung.name,
                    "to": p.recipient.official.name,
                    "nip": p.recipient.official.nip,
                    "due_on": p.rung.due_on.isoformat(),
                }
                for p in self.planned
            ],
            "enqueued_rungs": self.enqueued_rungs,
            "digests": self.digests,
        }


@dataclass(frozen=True)
class DailyOutcome:
    """What one daily tick did (or why it did nothing)."""

    ran: bool
    reason: str = ""
    opened: int = 0
    sweep: SweepResult | None = None


def plan(uow: UnitOfWork, *, now: datetime, policy: Policy) -> SweepResult:
    """The due rungs and their recipients, without writing anything."""
    today = local_date(now, policy.zone)
    pending = uow.pending
    calendar = pending.calendar()
    tree = pending.org_tree()
    docs = pending.pending_documents()
    result = SweepResult(at=now, today=today, pending=len(docs))
    work = PendingWork(tree, calendar, policy.deadlines, pending.dpa_dates())
    steps = [step for step in map(work.step_of, docs) if step.remindable]
    sent = uow.reminders.sent_rungs(sorted({s.doc for s in steps}))
    dates = LadderDates(calendar, policy.ladder)
    done = sent | superseded_reminders(steps, sent, calendar, policy.ladder, dates=dates)
    rungs = due_rungs(steps, done, today, calendar, policy.ladder, dates=dates)
    result.planned = _resolve(rungs, tree, calendar, today, policy.acting_rules)
    return result


@writes
def sweep(uow: UnitOfWork, *, now: datetime, policy: Policy, dry_run: bool = False) -> SweepResult:
    """Plan, then claim each rung (insert-or-ignore) and enqueue one digest per recipient.

    With `dry_run`, only plan: nothing is written.
    """
    result = plan(uow, now=now, policy=policy)
    if dry_run:
        return result
    _enqueue(uow, result, now)
    uow.commit()
    return result


@writes
def daily_tick(
    uow: UnitOfWork, lock: ClusterLock, *, now: datetime, policy: Policy
) -> DailyOutcome:
    """Open this quarter's reports and sweep the ladders, if today is a working day.

    Under the cluster lock `SWEEP_LOCK`: of several instances ticking at once, the one that
    holds it sweeps and the others skip.
    """
    today = local_date(now, policy.zone)
    if not uow.pending.calendar().is_working_day(today):
        return DailyOutcome(False, NOT_A_WORKING_DAY)
    with lock(SWEEP_LOCK) as held:
        if not held:
            return DailyOutcome(False, LOCK_HELD)
        quarter = Quarter.of(today)
        first = quarter_start(quarter.year, quarter.number)
        closed = closed_positions(uow.pending.org_tree().positions, first)
        opened = len(add_missing_reports(uow.reports, quarter.year, quarter.number, now, closed))
        result = plan(uow, now=now, policy=policy)
        _enqueue(uow, result, now)
        uow.commit()
    return DailyOutcome(True, opened=opened, sweep=result)


def _enqueue(uow: UnitOfWork, result: SweepResult, now: datetime) -> None:
    """Claim the planned rungs and collect one `RemindersDue` per recipient of a new one."""
    stamp = now.isoformat()
    keys = digest_keys(result.planned, stamp)
    claimed = uow.reminders.claim_rungs(result.planned, keys, now)
    by_recipient: dict[int, list[Planned]] = {}
    for planned in result.planned:
        if planned.rung.key in claimed:
            by_recipient.setdefault(planned.recipient.official.id, []).append(planned)
    result.enqueued_rungs = len(claimed)
    uow.collect(
        *(
            RemindersDue(
                recipient=Recipient(
                    official_id, items[0].recipient.official.email, items[0].recipient.official.name
                ),
                at=now,
                dedupe_key=keys[official_id],
                payload={"sweep_at": stamp, "items": [p.item for p in items]},
            )
            for official_id, items in by_recipient.items()
        )
    )
    result.digests = uow.publish()


def digest_keys(planned: Iterable[Planned], stamp: str) -> dict[int, str]:
    """Each recipient's digest key: who, when, and a hash of the rungs it carries.

    Rung keys are claimed once ever, so the key is new whenever the digest carries anything:
    a sweep at the very moment of an earlier one (a clock set back, or frozen by
    KINERJA_FIXED_NOW) gets its own digest instead of claiming rungs into one already queued.
    """
    keys: dict[int, list[str]] = {}
    for p in planned:
        keys.setdefault(p.recipient.official.id, []).append(p.rung.key)
    return {
        official_id: f"digest:{official_id}:{stamp}:"
        + hashlib.sha256("\n".join(sorted(rung_keys)).encode()).hexdigest()[:12]
        for official_id, rung_keys in keys.items()
    }


def _recipient(
    tree: OrgTree,
    position_id: int,
    today: date,
    rules: ActingRules,
    acts: tuple[DocKind, Action] | None,
) -> Holding | None:
    """Who is reminded for a position: the first of its holders who may take the step
    `acts` (a Plh is not reminded to submit or approve a PK: the acting rules do not let
    them; None: an escalation, for whoever holds the post), else the nearest held superior."""
    for holding in tree.holders(position_id, today):
        if acts is None or rules.permits(*acts, holding.status):
            return holding
    return tree.nearest_held_superior(position_id, today)


def _resolve(
    rungs: Iterable[Rung],
    tree: OrgTree,
    calendar: WorkingCalendar,
    today: date,
    rules: ActingRules,
) -> list[Planned]:
    """Each rung with the official who receives it on `today` and its digest item."""
    # Per sweep: the same positions and deadlines come up again and again.
    recipients: dict[tuple[int, tuple[DocKind, Action] | None], Holding | None] = {}
    holders: dict[int, Holding | None] = {}
    days_to: dict[date, int] = {}
    periods: dict[tuple[int, int | None], str] = {}
    details: dict[str, dict[str, Any]] = {}
    planned: list[Planned] = []
    for rung in rungs:
        pending = rung.pending
        if rung.audience is Audience.ACTOR:
            position_id = pending.actor_position_id
        elif rung.audience is Audience.SUPERIOR:
            position_id = pending.superior_position_id
        else:
            position_id = pending.head_position_id
        if position_id is None:
            continue
        doc = pending.document
        assert doc is not None  # a remindable step is of a document
        # The one who must act is reminded only if the acting rules let them act; an
        # escalation informs whoever holds the post above.
        acts = (doc.kind, pending.step.action) if rung.audience is Audience.ACTOR else None
        key = (position_id, acts)
        if key in recipients:
            recipient = recipients[key]
        else:
            recipient = recipients[key] = _recipient(tree, position_id, today, rules, acts)
        if recipient is None:
            continue
        # The item's text is the document's, whatever the rung: worked out once per document
        # (a sweep sees one pending step per document).
        detail = details.get(pending.doc)
        if detail is None:
            detail = details[pending.doc] = _detail(
                rung, tree, today, calendar, holders, days_to, periods
            )
        planned.append(Planned(rung, recipient, {"rung": rung.kind, "doc": pending.doc, **detail}))
    return planned


def _detail(
    rung: Rung,
    tree: OrgTree,
    today: date,
    calendar: WorkingCalendar,
    holders: dict[int, Holding | None],
    days_to: dict[date, int],
    periods: dict[tuple[int, int | None], str],
) -> dict[str, Any]:
    """What a digest says about the rung's document (the memo dicts are the sweep's)."""
    pending = rung.pending
    doc = pending.document
    actor, deadline = pending.actor_position_id, pending.deadline
    assert doc is not None and actor is not None and deadline is not None  # planned: remindable
    if actor not in holders:
        holders[actor] = tree.acting_holder(actor, today)
    doer = holders[actor]
    if deadline not in days_to:
        days_to[deadline] = calendar.working_days_between(today, deadline)
    period_key = (doc.year, doc.quarter)
    if period_key not in periods:
        periods[period_key] = Quarter(doc.year, doc.quarter).label if doc.quarter else str(doc.year)
    position = tree.position(doc.position_id)
    return {
        "doc_label": doc.kind.label,
        "period": periods[period_key],
        "position": position.title,
        "holder": doer.official.name if doer else "(kosong)",
        "holder_title": doer.display_title if doer else position.title,
        "step": pending.step.value,
        "step_label": pending.step.label,
        "deadline": deadline.isoformat(),
        "days_left": days_to[deadline],
        "overdue": today > deadline,
    }

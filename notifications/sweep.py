"""The sweep: work out the rungs due now and enqueue one digest per recipient.

It reads only pending documents (not approved; indexed on state) and the rungs
already sent for them, so its cost follows the pending work, not the history.
What thousands of documents share is worked out once per sweep: the ladder's days
per deadline (`ladder.LadderDates`), the parties per position, the deadlines per
quarter. Each rung is claimed with an insert that ignores an existing key before it
goes into a digest, so two schedulers sweeping at once never send a rung twice; the
claims and the digests are written in bulk.
"""

from __future__ import annotations

import functools
import gc
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.database import transaction
from db.documents import one_month_after
from db.holidays_repo import load_calendar
from db.models import PerjanjianKinerja, QuarterlyReport
from db.org_repo import load_org_tree
from db.upsert import insert_ignore
from db.workflow_models import AgencyYear, LadderRung, OutboxMessage
from engine.calendar import WorkingCalendar
from engine.clock import local_date
from engine.gate import parties
from engine.org import (
    Holding,
    OrgTree,
)
from engine.periods import Quarter
from engine.workflow import DocKind, State
from notifications.deadlines import DeadlineRules, pk_deadlines, report_deadlines
from notifications.ladder import (
    Audience,
    LadderDates,
    LadderPolicy,
    PendingStep,
    Rung,
    Step,
    due_rungs,
    superseded_reminders,
    waiting_step,
)

REFS_PER_QUERY = 10_000
"""Documents per `IN (...)` when reading sent rungs (SQLite allows 32,766 parameters)."""
PENDING_STATES = (State.DRAFT.value, State.SUBMITTED.value, State.VERIFIED.value)
RUNGS = LadderRung.metadata.tables["ladder_rung"]
OUTBOX = OutboxMessage.metadata.tables["outbox"]


@dataclass(frozen=True)
class SweepConfig:
    """The ladder and the deadlines, from settings."""

    policy: LadderPolicy = field(default_factory=LadderPolicy)
    rules: DeadlineRules = field(default_factory=DeadlineRules)


@dataclass(frozen=True, slots=True)
class Planned:
    """A due rung resolved to the official who receives it, with its digest item."""

    rung: Rung
    recipient: Holding
    item: dict[str, Any]


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


@dataclass(frozen=True, slots=True)
class PendingDoc:
    """A pending report or PK: only the columns the ladder and the task list need."""

    ref: str
    kind: DocKind
    position_id: int
    year: int
    quarter: int | None
    state: State
    visit: int


def pending_documents(session: Session) -> list[PendingDoc]:
    """Reports and first-revision PKs that are not approved yet.

    Only the columns the ladder needs are selected: building ORM objects (and parsing their
    timestamps) for every pending row was a tenth of a sweep's time.
    """
    report = QuarterlyReport.metadata.tables["report"]
    pk = PerjanjianKinerja.metadata.tables["pk"]
    states = {state.value: state for state in State}
    reports = session.connection().execute(
        sa_select(
            report.c.id, report.c.position_id, report.c.year, report.c.quarter,
            report.c.state, report.c.visit,
        ).where(report.c.state.in_(PENDING_STATES))
    )  # fmt: skip
    docs = [
        PendingDoc(f"LAP-{id_}", DocKind.REPORT, position_id, year, quarter, states[state], visit)
        for id_, position_id, year, quarter, state, visit in reports.all()
    ]
    pks = session.connection().execute(
        sa_select(pk.c.id, pk.c.position_id, pk.c.year, pk.c.state, pk.c.visit).where(
            pk.c.state.in_(PENDING_STATES), pk.c.revision == 1
        )
    )
    docs += [
        PendingDoc(f"PK-{id_}", DocKind.PK, position_id, year, None, states[state], visit)
        for id_, position_id, year, state, visit in pks.all()
    ]
    return docs


@dataclass(frozen=True)
class _Roles:
    """Who acts on a position's documents: per step, the acting position and its superior."""

    one_step: bool
    actors: dict[Step, tuple[int, int | None]]
    head_id: int


def _roles(tree: OrgTree, position_id: int) -> _Roles:
    who = parties(tree, position_id)
    actors: dict[Step, tuple[int, int | None]] = {}
    for step, actor in ((Step.SUBMIT, who.holder), (Step.VERIFY, who.verifier),
                        (Step.APPROVE, who.approver)):  # fmt: skip
        if actor is not None:  # the head's own approval is recorded by the admin
            superior = tree.superior(actor.id)  # the holder's or the verifier's superior
            actors[step] = (actor.id, None if superior is None else superior.id)
    return _Roles(who.one_step, actors, tree.head_of_agency(position_id).id)


def pending_steps(
    session: Session,
    docs: Iterable[PendingDoc],
    tree: OrgTree,
    calendar: WorkingCalendar,
    rules: DeadlineRules,
) -> list[PendingStep]:
    """Each pending document's current step, deadline and the positions of its ladder."""
    dpa = {(row.agency_id, row.year): row.dpa_date for row in session.exec(select(AgencyYear))}
    steps = []
    # Thousands of documents share a few quarters and a few thousand positions: work each
    # deadline set and each position's parties out once per sweep.
    roles_of = functools.cache(lambda position_id: _roles(tree, position_id))
    quarter_deadlines = functools.cache(
        lambda year, quarter, one_step: report_deadlines(
            Quarter(year, quarter), calendar, rules, one_step=one_step
        )
    )
    pk_deadlines_of = functools.cache(
        lambda ratified, one_step: pk_deadlines(
            one_month_after(ratified), calendar, rules, one_step=one_step
        )
    )
    for doc in docs:
        roles = roles_of(doc.position_id)
        step = waiting_step(doc.state, roles.one_step)
        assert step is not None  # pending documents are not approved
        who = roles.actors.get(step)
        if who is None:
            continue  # the head's own approval is recorded by the admin: nobody to remind
        if doc.kind is DocKind.REPORT:
            assert doc.quarter is not None
            deadlines = quarter_deadlines(doc.year, doc.quarter, roles.one_step)
        else:
            ratified = dpa.get((tree.position(doc.position_id).agency_id, doc.year))
            if ratified is None:
                continue  # no DPA date yet: no PK deadline to remind of
            deadlines = pk_deadlines_of(ratified, roles.one_step)
        steps.append(
            PendingStep(doc.ref, doc.visit, step, deadlines[step], who[0], who[1], roles.head_id)
        )
    return steps


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a sweep (then restore it as it was).

    A sweep over thousands of pending documents builds tens of thousands of small objects
    that live until it returns (steps, rungs, digest items); as they piled up the collector
    walked the whole heap two or three times per sweep, a fifth of its CPU time, to find
    nothing: they hold no reference cycles, and reference counting frees them when the
    result is dropped. Cycles made meanwhile elsewhere in the process wait for the next
    collection, which runs as soon as the collector is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _recipient(tree: OrgTree, position_id: int, today: date) -> Holding | None:
    return tree.acting_holder(position_id, today) or tree.nearest_held_superior(position_id, today)


def plan(session: Session, now: datetime, zone: ZoneInfo, config: SweepConfig) -> SweepResult:
    """The due rungs and their recipients, without writing anything."""
    with collector_paused():
        return _plan(session, now, zone, config)


def _plan(session: Session, now: datetime, zone: ZoneInfo, config: SweepConfig) -> SweepResult:
    today = local_date(now, zone)
    calendar = load_calendar(session)
    tree = load_org_tree(session)
    docs = pending_documents(session)
    result = SweepResult(at=now, today=today, pending=len(docs))
    steps = pending_steps(session, docs, tree, calendar, config.rules)
    sent = _sent_keys(session, sorted({s.doc for s in steps}))
    dates = LadderDates(calendar, config.policy)
    done = sent | superseded_reminders(steps, sent, calendar, config.policy, dates=dates)
    result.planned = _resolve(
        due_rungs(steps, done, today, calendar, config.policy, dates=dates),
        {d.ref: d for d in docs},
        tree,
        calendar,
        today,
    )
    return result


def _sent_keys(session: Session, refs: list[str]) -> set[str]:
    """The rung keys already sent for these documents (history of other documents unread)."""
    sent: set[str] = set()
    for begin in range(0, len(refs), REFS_PER_QUERY):
        chunk = refs[begin : begin + REFS_PER_QUERY]
        sent.update(session.exec(select(col(LadderRung.key)).where(col(LadderRung.doc).in_(chunk))))
    return sent


def _resolve(
    rungs: Iterable[Rung],
    docs: dict[str, PendingDoc],
    tree: OrgTree,
    calendar: WorkingCalendar,
    today: date,
) -> list[Planned]:
    """Each rung with the official who receives it on `today` and its digest item."""
    # Per sweep, as in pending_steps: the same positions and deadlines come up again and again.
    recipient_of = functools.cache(lambda position_id: _recipient(tree, position_id, today))
    holder_of = functools.cache(lambda position_id: tree.acting_holder(position_id, today))
    days_to = functools.cache(lambda deadline: calendar.working_days_between(today, deadline))
    period_of = functools.cache(
        lambda year, quarter: Quarter(year, quarter).label if quarter else str(year)
    )
    details: dict[str, dict[str, Any]] = {}
    planned: list[Planned] = []
    for rung in rungs:
        pending = rung.pending
        if rung.audience is Audience.ACTOR:
            position_id: int | None = pending.actor_position_id
        elif rung.audience is Audience.SUPERIOR:
            position_id = pending.superior_position_id
        else:
            position_id = pending.head_position_id
        recipient = None if position_id is None else recipient_of(position_id)
        if recipient is None:
            continue
        # The item's text is the document's, whatever the rung: worked out once per document
        # (a sweep sees one pending step per document).
        detail = details.get(pending.doc)
        if detail is None:
            doer = holder_of(pending.actor_position_id)
            doc = docs[pending.doc]
            position = tree.position(doc.position_id)
            detail = details[pending.doc] = {
                "doc_label": doc.kind.label,
                "period": period_of(doc.year, doc.quarter),
                "position": position.title,
                "holder": doer.official.name if doer else "(kosong)",
                "holder_title": doer.display_title if doer else position.title,
                "step": pending.step.value,
                "step_label": pending.step.label,
                "deadline": pending.deadline.isoformat(),
                "days_left": days_to(pending.deadline),
                "overdue": today > pending.deadline,
            }
        planned.append(Planned(rung, recipient, {"rung": rung.kind, "doc": pending.doc, **detail}))
    return planned


def sweep(
    engine: Engine, now: datetime, zone: ZoneInfo, config: SweepConfig, *, dry_run: bool = False
) -> SweepResult:
    """Plan, then claim each rung (insert-or-ignore) and enqueue one digest per recipient."""
    with collector_paused(), transaction(engine) as session:
        result = plan(session, now, zone, config)
        if dry_run:
            return result
        stamp = now.isoformat()
        digest_key = digest_keys(result.planned, stamp)
        claims = [
            {
                "key": p.rung.key, "doc": p.rung.pending.doc, "visit": p.rung.pending.visit,
                "step": p.rung.pending.step.value, "rung": p.rung.name,
                "recipient_official_id": p.recipient.official.id,
                "digest_key": digest_key[p.recipient.official.id],
            }
            for p in result.planned
        ]  # fmt: skip
        claims.sort(key=lambda claim: claim["key"])  # in index order: fewer pages to touch
        claimed = insert_ignore(session, RUNGS, "key", claims, same={"created_at": now})
        by_recipient: dict[int, list[Planned]] = {}
        for planned in result.planned:
            if planned.rung.key in claimed:
                by_recipient.setdefault(planned.recipient.official.id, []).append(planned)
        result.enqueued_rungs = len(claimed)
        rows = [
            {
                "dedupe_key": digest_key[official_id],
                "recipient_official_id": official_id,
                "recipient_email": items[0].recipient.official.email,
                "recipient_name": items[0].recipient.official.name,
                "payload": {"sweep_at": stamp, "items": [p.item for p in items]},
            }
            for official_id, items in by_recipient.items()
        ]
        same = {"kind": "digest", "status": "pending", "attempts": 0, "available_at": now,
                "created_at": now}  # fmt: skip
        result.digests = len(insert_ignore(session, OUTBOX, "dedupe_key", rows, same=same))
    return result


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

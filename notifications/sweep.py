"""The sweep: work out the rungs due now and enqueue one digest per recipient.

It reads only pending documents (not approved; indexed on state) and the rungs
already sent for them, so its cost follows the pending work, not the history.
Each rung is claimed with an insert that ignores an existing key before it goes
into a digest, so two schedulers sweeping at once never send a rung twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.database import transaction
from db.documents import one_month_after
from db.holidays_repo import load_calendar
from db.models import PerjanjianKinerja, PositionRow, QuarterlyReport
from db.org_repo import load_org
from db.upsert import insert_ignore
from db.workflow_models import AgencyYear, LadderRung, OutboxMessage
from engine.calendar import WorkingCalendar
from engine.clock import local_date
from engine.gate import parties
from engine.org import Holding, OrgTree
from engine.periods import Quarter
from engine.workflow import DocKind, State
from notifications.deadlines import DeadlineRules, pk_deadlines, report_deadlines
from notifications.ladder import (
    Audience,
    LadderPolicy,
    PendingStep,
    Rung,
    Step,
    due_rungs,
    waiting_step,
)

PENDING_STATES = (State.DRAFT.value, State.SUBMITTED.value, State.VERIFIED.value)
RUNGS = LadderRung.metadata.tables["ladder_rung"]
OUTBOX = OutboxMessage.metadata.tables["outbox"]


@dataclass(frozen=True)
class SweepConfig:
    """The ladder and the deadlines, from settings."""

    policy: LadderPolicy = field(default_factory=LadderPolicy)
    rules: DeadlineRules = field(default_factory=DeadlineRules)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class _Doc:
    ref: str
    kind: DocKind
    position_id: int
    year: int
    quarter: int | None
    state: State
    visit: int


def pending_documents(session: Session) -> list[_Doc]:
    """Reports and first-revision PKs that are not approved yet."""
    reports = session.exec(
        select(QuarterlyReport).where(col(QuarterlyReport.state).in_(PENDING_STATES))
    )
    docs = [
        _Doc(
            f"LAP-{r.id}", DocKind.REPORT, r.position_id, r.year, r.quarter, State(r.state), r.visit
        )
        for r in reports
    ]
    docs += [
        _Doc(f"PK-{p.id}", DocKind.PK, p.position_id, p.year, None, State(p.state), p.visit)
        for p in session.exec(
            select(PerjanjianKinerja).where(
                col(PerjanjianKinerja.state).in_(PENDING_STATES),
                PerjanjianKinerja.revision == 1,
            )
        )
    ]
    return docs


def pending_steps(
    session: Session,
    docs: Iterable[_Doc],
    tree: OrgTree,
    calendar: WorkingCalendar,
    rules: DeadlineRules,
) -> list[PendingStep]:
    """Each pending document's current step, deadline and the positions of its ladder."""
    dpa = {(row.agency_id, row.year): row.dpa_date for row in session.exec(select(AgencyYear))}
    agency_of = {row.id: row.agency_id for row in session.exec(select(PositionRow))}
    steps = []
    for doc in docs:
        who = parties(tree, doc.position_id)
        step = waiting_step(doc.state, who.one_step)
        assert step is not None  # pending documents are not approved
        if doc.kind is DocKind.REPORT:
            assert doc.quarter is not None
            quarter = Quarter(doc.year, doc.quarter)
            deadlines = report_deadlines(quarter, calendar, rules, one_step=who.one_step)
        else:
            ratified = dpa.get((agency_of[doc.position_id], doc.year))
            if ratified is None:
                continue  # no DPA date yet: no PK deadline to remind of
            deadlines = pk_deadlines(
                one_month_after(ratified), calendar, rules, one_step=who.one_step
            )
        actor = {Step.SUBMIT: who.holder, Step.VERIFY: who.verifier, Step.APPROVE: who.approver}[
            step
        ]
        if actor is None:
            continue  # the head's own approval is recorded by the admin: nobody to remind
        superior = tree.superior(actor.id)  # the holder's or the verifier's superior
        head = tree.head_of_agency(doc.position_id)
        steps.append(
            PendingStep(
                doc=doc.ref,
                visit=doc.visit,
                step=step,
                deadline=deadlines[step],
                actor_position_id=actor.id,
                superior_position_id=None if superior is None else superior.id,
                head_position_id=head.id,
            )
        )
    return steps


def _recipient(tree: OrgTree, position_id: int, today: date) -> Holding | None:
    return tree.acting_holder(position_id, today) or tree.nearest_held_superior(position_id, today)


def plan(session: Session, now: datetime, zone: ZoneInfo, config: SweepConfig) -> SweepResult:
    """The due rungs and their recipients, without writing anything."""
    today = local_date(now, zone)
    calendar = load_calendar(session)
    tree = load_org(session).tree
    docs = pending_documents(session)
    result = SweepResult(at=now, today=today, pending=len(docs))
    steps = pending_steps(session, docs, tree, calendar, config.rules)
    refs = sorted({s.doc for s in steps})
    sent: set[str] = set()
    if refs:
        sent = set(session.exec(select(col(LadderRung.key)).where(col(LadderRung.doc).in_(refs))))
    labels = {d.ref: d for d in docs}
    for rung in due_rungs(steps, sent, today, calendar, config.policy):
        pending = rung.pending
        position_id = {
            Audience.ACTOR: pending.actor_position_id,
            Audience.SUPERIOR: pending.superior_position_id,
            Audience.HEAD: pending.head_position_id,
        }[rung.audience]
        if position_id is None:
            continue
        recipient = _recipient(tree, position_id, today)
        if recipient is None:
            continue
        doer = tree.acting_holder(pending.actor_position_id, today)
        doc = labels[pending.doc]
        position = tree.position(doc.position_id)
        period = Quarter(doc.year, doc.quarter).label if doc.quarter else str(doc.year)
        days = calendar.working_days_between(today, pending.deadline)
        result.planned.append(
            Planned(
                rung,
                recipient,
                {
                    "rung": rung.kind,
                    "doc": doc.ref,
                    "doc_label": doc.kind.label,
                    "period": period,
                    "position": position.title,
                    "holder": doer.official.name if doer else "(kosong)",
                    "holder_title": doer.display_title if doer else position.title,
                    "step": pending.step.value,
                    "step_label": pending.step.label,
                    "deadline": pending.deadline.isoformat(),
                    "days_left": days,
                    "overdue": today > pending.deadline,
                },
            )
        )
    return result


def sweep(
    engine: Engine, now: datetime, zone: ZoneInfo, config: SweepConfig, *, dry_run: bool = False
) -> SweepResult:
    """Plan, then claim each rung (insert-or-ignore) and enqueue one digest per recipient."""
    with transaction(engine) as session:
        result = plan(session, now, zone, config)
        if dry_run:
            return result
        by_recipient: dict[int, list[Planned]] = {}
        stamp = now.isoformat()
        for planned in result.planned:
            official = planned.recipient.official
            digest_key = f"digest:{official.id}:{stamp}"
            claimed = insert_ignore(
                session,
                RUNGS,
                [{
                    "key": planned.rung.key, "doc": planned.rung.pending.doc,
                    "visit": planned.rung.pending.visit, "step": planned.rung.pending.step.value,
                    "rung": planned.rung.name, "recipient_official_id": official.id,
                    "digest_key": digest_key, "created_at": now,
                }],
                "key",
            )  # fmt: skip
            if claimed:
                result.enqueued_rungs += 1
                by_recipient.setdefault(official.id, []).append(planned)
        rows = [
            {
                "dedupe_key": f"digest:{official_id}:{stamp}",
                "kind": "digest",
                "recipient_official_id": official_id,
                "recipient_email": items[0].recipient.official.email,
                "recipient_name": items[0].recipient.official.name,
                "payload": {"sweep_at": stamp, "items": [p.item for p in items]},
                "status": "pending",
                "attempts": 0,
                "available_at": now,
                "created_at": now,
            }
            for official_id, items in by_recipient.items()
        ]
        result.digests = insert_ignore(session, OUTBOX, rows, "dedupe_key")
    return result

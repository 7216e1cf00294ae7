"""The sweep: work out the rungs due now and enqueue one digest per recipient.

It reads only pending documents (not approved; indexed on state) and the rungs
already sent for them, so its cost follows the pending work, not the history.
Each rung is claimed with an insert that ignores an existing key before it goes
into a digest, so two schedulers sweeping at once never send a rung twice.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Table
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
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
    LadderPolicy,
    PendingStep,
    Rung,
    Step,
    due_rungs,
    ladder,
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
    """Reports and first-revision PKs that are not approved yet.

    Only the columns the ladder needs are selected: building ORM objects (and parsing their
    timestamps) for every pending row was a tenth of a sweep's time.
    """
    report = QuarterlyReport.metadata.tables["report"]
    pk = PerjanjianKinerja.metadata.tables["pk"]
    reports = session.connection().execute(
        sa_select(
            report.c.id, report.c.position_id, report.c.year, report.c.quarter,
            report.c.state, report.c.visit,
        ).where(report.c.state.in_(PENDING_STATES))
    )  # fmt: skip
    docs = [
        _Doc(
            f"LAP-{r.id}",
            DocKind.REPORT,
            r.position_id,
            r.year,
            r.quarter,
            State(r.state),
            r.visit,
        )
        for r in reports
    ]
    pks = session.connection().execute(
        sa_select(pk.c.id, pk.c.position_id, pk.c.year, pk.c.state, pk.c.visit).where(
            pk.c.state.in_(PENDING_STATES), pk.c.revision == 1
        )
    )
    docs += [
        _Doc(f"PK-{p.id}", DocKind.PK, p.position_id, p.year, None, State(p.state), p.visit)
        for p in pks
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
    steps = []
    # Thousands of documents share a few quarters and a few thousand positions: work each
    # deadline set and each position's parties out once per sweep.
    parties_of = functools.cache(lambda position_id: parties(tree, position_id))
    quarter_deadlines = functools.cache(
        lambda year, quarter, one_step: report_deadlines(
            Quarter(year, quarter), calendar, rules, one_step=one_step
        )
    )
    for doc in docs:
        who = parties_of(doc.position_id)
        step = waiting_step(doc.state, who.one_step)
        assert step is not None  # pending documents are not approved
        if doc.kind is DocKind.REPORT:
            assert doc.quarter is not None
            deadlines = quarter_deadlines(doc.year, doc.quarter, who.one_step)
        else:
            ratified = dpa.get((tree.position(doc.position_id).agency_id, doc.year))
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
    tree = load_org_tree(session)
    docs = pending_documents(session)
    result = SweepResult(at=now, today=today, pending=len(docs))
    steps = pending_steps(session, docs, tree, calendar, config.rules)
    refs = sorted({s.doc for s in steps})
    sent: set[str] = set()
    for begin in range(0, len(refs), REFS_PER_QUERY):
        chunk = refs[begin : begin + REFS_PER_QUERY]
        sent.update(session.exec(select(col(LadderRung.key)).where(col(LadderRung.doc).in_(chunk))))
    labels = {d.ref: d for d in docs}
    # Per sweep, as in pending_steps: the same positions and deadlines come up again and again.
    recipient_of = functools.cache(lambda position_id: _recipient(tree, position_id, today))
    holder_of = functools.cache(lambda position_id: tree.acting_holder(position_id, today))
    days_to = functools.cache(lambda deadline: calendar.working_days_between(today, deadline))
    done = sent | superseded_reminders(steps, sent, calendar, config.policy)
    for rung in due_rungs(steps, done, today, calendar, config.policy):
        pending = rung.pending
        position_id = {
            Audience.ACTOR: pending.actor_position_id,
            Audience.SUPERIOR: pending.superior_position_id,
            Audience.HEAD: pending.head_position_id,
        }[rung.audience]
        if position_id is None:
            continue
        recipient = recipient_of(position_id)
        if recipient is None:
            continue
        doer = holder_of(pending.actor_position_id)
        doc = labels[pending.doc]
        position = tree.position(doc.position_id)
        period = Quarter(doc.year, doc.quarter).label if doc.quarter else str(doc.year)
        days = days_to(pending.deadline)
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
        digest_key = digest_keys(result.planned, stamp)
        claims = [
            {
                "key": p.rung.key, "doc": p.rung.pending.doc, "visit": p.rung.pending.visit,
                "step": p.rung.pending.step.value, "rung": p.rung.name,
                "recipient_official_id": p.recipient.official.id,
                "digest_key": digest_key[p.recipient.official.id], "created_at": now,
            }
            for p in result.planned
        ]  # fmt: skip
        claimed = _claim(session, claims)
        for planned in result.planned:
            if planned.rung.key in claimed:
                result.enqueued_rungs += 1
                by_recipient.setdefault(planned.recipient.official.id, []).append(planned)
        rows = [
            {
                "dedupe_key": digest_key[official_id],
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


def superseded_reminders(
    steps: Iterable[PendingStep],
    sent: set[str],
    calendar: WorkingCalendar,
    policy: LadderPolicy,
) -> set[str]:
    """Reminders no longer owed because a later reminder of the same step already went out.

    The ladder owes the latest reminder due today. After the clock was set back, that can
    be older than one already sent (remind-3 after remind-0): it must not go out then, nor
    any reminder between it and the one sent (docs/faults.md, clock jump).
    """
    docs_with_sent = {key.partition(":")[0] for key in sent}
    owed_no_more: set[str] = set()
    for pending in steps:
        if pending.doc not in docs_with_sent:
            continue
        reminders = [r for r in ladder(pending, calendar, policy) if r.kind == "reminder"]
        last = max((r.due_on for r in reminders if r.key in sent), default=None)
        if last is not None:
            owed_no_more.update(r.key for r in reminders if r.due_on <= last)
    return owed_no_more


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


def _claim(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    """Insert the rungs, ignoring keys already there; the keys this insert claimed.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING key, executed for all rows at once
    (SQLAlchemy batches it into multi-row statements) instead of one statement per rung:
    a rung another sweep holds returns nothing, so it is left out of this sweep's digests
    exactly as before.
    """
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    table: Table = RUNGS
    statement = (
        module.insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
    )
    return set(session.execute(statement, rows).scalars())

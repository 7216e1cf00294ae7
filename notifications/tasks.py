"""What waits for whom: the "Tugas Saya" list, with the same deadlines as the reminders.

A pending document waits for one step (submit, verify or approve); the official
who acts for that step's position on the day (the acting official while one is
appointed, as the acting rules allow) has it on their list, with its deadline
and an overdue mark. The head's own documents wait for the administrator.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.documents import one_month_after
from db.holidays_repo import load_calendar
from db.models import PerjanjianKinerja, QuarterlyReport
from db.org_repo import committed_org_tree
from db.workflow_models import AgencyYear, TransitionLog
from engine.errors import NotFoundError
from engine.gate import DEFAULT_ACTING_RULES, ActingRules, acting_holding, parties
from engine.org import OrgTree
from engine.periods import Quarter
from engine.workflow import Action, Actor, DocKind, State, parse_ref
from notifications.deadlines import DeadlineRules, pk_deadlines, report_deadlines
from notifications.ladder import Step, waiting_step
from notifications.sweep import PENDING_STATES, pending_documents
from notifications.sweep import PendingDoc as Doc

_ACTION = {Step.SUBMIT: Action.SUBMIT, Step.VERIFY: Action.VERIFY, Step.APPROVE: Action.APPROVE}


@dataclass(frozen=True)
class Task:
    """One document waiting for the actor."""

    ref: str
    kind: DocKind
    doc_id: int
    period: str
    position_title: str
    state: State
    step: Step
    deadline: date | None
    days_left: int | None
    overdue: bool
    acting_title: str
    acting_prefix: str
    returned_reason: str | None

    def as_json(self) -> dict[str, Any]:
        """The task for the API."""
        return {
            "ref": self.ref,
            "kind": self.kind.value,
            "id": self.doc_id,
            "period": self.period,
            "position": self.position_title,
            "state": self.state.value,
            "step": self.step.value,
            "deadline": None if self.deadline is None else self.deadline.isoformat(),
            "days_left": self.days_left,
            "overdue": self.overdue,
            "acting_as": self.acting_title,
            "returned_reason": self.returned_reason,
        }


def my_tasks(
    session: Session,
    actor: Actor,
    today: date,
    *,
    rules: DeadlineRules | None = None,
    acting_rules: ActingRules = DEFAULT_ACTING_RULES,
) -> list[Task]:
    """The documents waiting for `actor` on `today`, overdue first, then by deadline."""
    rules = rules or DeadlineRules()
    tree, docs = _documents_for(session, actor, today)
    if not docs:
        return []
    calendar = load_calendar(session)
    dpa = _dpa_dates(session, {doc.year for doc in docs if doc.kind is DocKind.PK})
    tasks: list[Task] = []
    returned: list[tuple[DocKind, int]] = []
    for doc in docs:
        who = parties(tree, doc.position_id)
        step = waiting_step(doc.state, who.one_step)
        assert step is not None  # pending documents are not approved
        position = {Step.SUBMIT: who.holder, Step.VERIFY: who.verifier, Step.APPROVE: who.approver}[
            step
        ]
        if position is None:  # the head's own document: the administrator records it
            if not actor.is_admin or doc.state is State.DRAFT:
                continue
            title, prefix = "Administrator", ""
        else:
            if actor.official_id is None:
                continue
            holding = acting_holding(
                tree,
                position.id,
                actor.official_id,
                today,
                kind=doc.kind,
                action=_ACTION[step],
                rules=acting_rules,
            )
            if holding is None:
                continue
            title, prefix = holding.display_title, holding.status.prefix
        if doc.kind is DocKind.REPORT:
            assert doc.quarter is not None
            quarter = Quarter(doc.year, doc.quarter)
            deadlines = report_deadlines(quarter, calendar, rules, one_step=who.one_step)
            period = quarter.label
        else:
            ratified = dpa.get((tree.position(doc.position_id).agency_id, doc.year))
            deadlines = (
                {}
                if ratified is None
                else pk_deadlines(one_month_after(ratified), calendar, rules, one_step=who.one_step)
            )
            period = f"Tahun {doc.year}"
        deadline = deadlines.get(step)
        days = None if deadline is None else calendar.working_days_between(today, deadline)
        doc_id = parse_ref(doc.ref)[1]
        if doc.state is State.DRAFT and doc.visit > 1:
            returned.append((doc.kind, doc_id))
        tasks.append(
            Task(
                ref=doc.ref,
                kind=doc.kind,
                doc_id=doc_id,
                period=period,
                position_title=tree.position(doc.position_id).title,
                state=doc.state,
                step=step,
                deadline=deadline,
                days_left=days,
                overdue=deadline is not None and today > deadline,
                acting_title=title,
                acting_prefix=prefix,
                returned_reason=None,
            )
        )
    reasons = _return_reasons(session, returned)
    tasks = [
        t if (t.kind, t.doc_id) not in reasons else _with_reason(t, reasons[(t.kind, t.doc_id)])
        for t in tasks
    ]
    tasks.sort(key=lambda t: (not t.overdue, t.deadline or date.max, t.ref))
    return tasks


def _documents_for(session: Session, actor: Actor, today: date) -> tuple[OrgTree, list[Doc]]:
    """The tree to decide with and the pending documents that may wait for `actor`.

    A document waits for whoever acts for its submit, verify or approve position, which is
    its own position or a superior of it; so an official's documents are the pending ones of
    the positions they hold today and of everything under them: only those are read. The
    tree is the committed one (`db.org_repo.committed_org_tree`: one small query while the
    organisation is unchanged). The administrator records the heads' approvals in every
    agency: every pending document.
    """
    tree = committed_org_tree(session)
    if actor.is_admin:
        return tree, pending_documents(session)
    if actor.official_id is None:
        return tree, []
    try:
        held = [h.position.id for h in tree.holdings_of(actor.official_id, today)]
    except NotFoundError:  # an official created after the tree was read: holds nothing yet
        return tree, []
    mine = {position.id for root in held for _, position in tree.walk(root)}
    return tree, pending_documents_of(session, mine) if mine else []


def pending_documents_of(session: Session, position_ids: Collection[int]) -> list[Doc]:
    """`notifications.sweep.pending_documents`, only of the given positions."""
    ids = sorted(position_ids)
    report = QuarterlyReport.metadata.tables["report"]
    pk = PerjanjianKinerja.metadata.tables["pk"]
    connection = session.connection()
    reports = connection.execute(
        sa_select(
            report.c.id, report.c.position_id, report.c.year, report.c.quarter,
            report.c.state, report.c.visit,
        ).where(report.c.state.in_(PENDING_STATES), report.c.position_id.in_(ids))
    )  # fmt: skip
    docs = [
        Doc(
            f"LAP-{r.id}", DocKind.REPORT, r.position_id, r.year, r.quarter, State(r.state), r.visit
        )
        for r in reports
    ]
    pks = connection.execute(
        sa_select(pk.c.id, pk.c.position_id, pk.c.year, pk.c.state, pk.c.visit).where(
            pk.c.state.in_(PENDING_STATES), pk.c.revision == 1, pk.c.position_id.in_(ids)
        )
    )
    docs += [
        Doc(f"PK-{p.id}", DocKind.PK, p.position_id, p.year, None, State(p.state), p.visit)
        for p in pks
    ]
    return docs


def _dpa_dates(session: Session, years: set[int]) -> dict[tuple[int, int], date]:
    """When each agency's DPA was ratified, for the years of the pending PKs (one query)."""
    if not years:
        return {}
    table = AgencyYear.metadata.tables["agency_year"].c
    rows = session.connection().execute(
        sa_select(table.agency_id, table.year, table.dpa_date).where(table.year.in_(sorted(years)))
    )
    return {(row.agency_id, row.year): row.dpa_date for row in rows}


def _with_reason(task: Task, reason: str) -> Task:
    return Task(**{**task.__dict__, "returned_reason": reason})


def _return_reasons(
    session: Session, docs: list[tuple[DocKind, int]]
) -> dict[tuple[DocKind, int], str]:
    """The comment of the last step that sent each document back to draft."""
    reasons: dict[tuple[DocKind, int], str] = {}
    for kind in DocKind:
        ids = [doc_id for k, doc_id in docs if k is kind]
        if not ids:
            continue
        rows = session.exec(
            select(TransitionLog)
            .where(
                TransitionLog.doc_type == kind.value,
                col(TransitionLog.doc_id).in_(ids),
                TransitionLog.to_state == State.DRAFT.value,
            )
            .order_by(col(TransitionLog.id))
        )
        for row in rows:
            if row.comment:
                reasons[(kind, row.doc_id)] = row.comment
    return reasons

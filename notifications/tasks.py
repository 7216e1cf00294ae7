"""What waits for whom: the "Tugas Saya" list, with the same deadlines as the reminders.

A pending document waits for one step (submit, verify or approve); the official
who acts for that step's position on the day (the acting official while one is
appointed, as the acting rules allow) has it on their list, with its deadline
and an overdue mark. The head's own documents wait for the administrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from db.documents import one_month_after
from db.holidays_repo import load_calendar
from db.models import PositionRow
from db.org_repo import load_org
from db.workflow_models import AgencyYear, TransitionLog
from engine.gate import DEFAULT_ACTING_RULES, ActingRules, acting_holding, parties
from engine.periods import Quarter
from engine.workflow import Action, Actor, DocKind, State, parse_ref
from notifications.deadlines import DeadlineRules, pk_deadlines, report_deadlines
from notifications.ladder import Step, waiting_step
from notifications.sweep import pending_documents

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
    tree = load_org(session).tree
    calendar = load_calendar(session)
    dpa = {(row.agency_id, row.year): row.dpa_date for row in session.exec(select(AgencyYear))}
    agency_of = {row.id: row.agency_id for row in session.exec(select(PositionRow))}
    tasks: list[Task] = []
    returned: list[tuple[DocKind, int]] = []
    for doc in pending_documents(session):
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
            ratified = dpa.get((agency_of[doc.position_id], doc.year))
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

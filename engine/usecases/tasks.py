"""Tugas Saya: what waits for whom, with the same steps and deadlines as the reminders.

A pending document waits for one step (submit, verify or approve); the official who acts
for that step's position on the day (the acting official while one is appointed, as the
acting rules allow) has it on their list, with its deadline and an overdue mark. The
head's own documents wait for the administrator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from engine.clock import local_date
from engine.errors import NotFoundError
from engine.gate import acting_holding
from engine.org import OrgTree
from engine.pending import PendingDoc, PendingWork, Step
from engine.periods import Quarter
from engine.policy import Policy
from engine.ports import UnitOfWork
from engine.workflow import Actor, DocKind, State

__all__ = ["Task", "my_tasks"]


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


def my_tasks(uow: UnitOfWork, actor: Actor, *, now: datetime, policy: Policy) -> list[Task]:
    """The documents waiting for `actor` today, overdue first, then by deadline."""
    today = local_date(now, policy.zone)
    pending = uow.pending
    tree, docs = _documents_for(uow, actor, today)
    if not docs:
        return []
    calendar = pending.calendar()
    work = PendingWork(
        tree,
        calendar,
        policy.deadlines,
        pending.dpa_dates({doc.year for doc in docs if doc.kind is DocKind.PK}),
    )
    tasks: list[Task] = []
    returned: list[tuple[DocKind, int]] = []
    for doc in docs:
        waiting = work.step_of(doc)
        if waiting.actor_position_id is None:  # the head's own document: the admin records it
            if not actor.is_admin or doc.state is State.DRAFT:
                continue
            title, prefix = "Administrator", ""
        else:
            if actor.official_id is None:
                continue
            holding = acting_holding(
                tree,
                waiting.actor_position_id,
                actor.official_id,
                today,
                kind=doc.kind,
                action=waiting.step.action,
                rules=policy.acting_rules,
            )
            if holding is None:
                continue
            title, prefix = holding.display_title, holding.status.prefix
        deadline = waiting.deadline
        if doc.state is State.DRAFT and doc.visit > 1:
            returned.append((doc.kind, doc.doc_id))
        tasks.append(
            Task(
                ref=doc.ref,
                kind=doc.kind,
                doc_id=doc.doc_id,
                period=_period(doc),
                position_title=tree.position(doc.position_id).title,
                state=doc.state,
                step=waiting.step,
                deadline=deadline,
                days_left=None
                if deadline is None
                else calendar.working_days_between(today, deadline),
                overdue=deadline is not None and today > deadline,
                acting_title=title,
                acting_prefix=prefix,
                returned_reason=None,
            )
        )
    reasons = pending.return_reasons(returned) if returned else {}
    tasks = [
        replace(t, returned_reason=reasons[(t.kind, t.doc_id)])
        if (t.kind, t.doc_id) in reasons
        else t
        for t in tasks
    ]
    tasks.sort(key=lambda t: (not t.overdue, t.deadline or date.max, t.ref))
    return tasks


def _period(doc: PendingDoc) -> str:
    if doc.kind is DocKind.REPORT:
        assert doc.quarter is not None
        return Quarter(doc.year, doc.quarter).label
    return f"Tahun {doc.year}"


def _documents_for(uow: UnitOfWork, actor: Actor, today: date) -> tuple[OrgTree, list[PendingDoc]]:
    """The tree to decide with and the pending documents that may wait for `actor`.

    A document waits for whoever acts for its submit, verify or approve position, which is
    its own position or a superior of it; so an official's documents are the pending ones of
    the positions they hold today and of everything under them: only those are read. The
    tree is the committed one (one small query while the organisation is unchanged). The
    administrator records the heads' approvals in every agency: every pending document.
    """
    pending = uow.pending
    tree = pending.committed_org_tree()
    if actor.is_admin:
        return tree, pending.pending_documents()
    if actor.official_id is None:
        return tree, []
    try:
        held = [h.position.id for h in tree.holdings_of(actor.official_id, today)]
    except NotFoundError:  # an official created after the tree was read: holds nothing yet
        return tree, []
    mine = {position.id for root in held for _, position in tree.walk(root)}
    return tree, pending.pending_documents(mine) if mine else []

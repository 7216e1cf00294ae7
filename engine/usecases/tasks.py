"""Tugas Saya: what waits for whom, with the same steps and deadlines as the reminders.

A pending document waits for one step (submit, verify or approve); the official who acts
for that step's position on the day (the acting official while one is appointed, as the
acting rules allow) has it on their list, with its deadline and an overdue mark. The
head's own documents wait for the administrator.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from engine.calendar import WorkingCalendar
from engine.clock import local_date
from engine.errors import NotFoundError, ValidationError
from engine.gate import acting_holding
from engine.org import OrgTree
from engine.pending import PendingDoc, PendingWork, Step
from engine.periods import Quarter
from engine.policy import Policy
from engine.ports import UnitOfWork
from engine.recap import bidang_of
from engine.usecases.pk_revision import change_reason, holder_change
from engine.usecases.recap import recap_basis
from engine.workflow import Actor, DocKind, State

__all__ = [
    "SORTS",
    "RevisionPrompt",
    "Task",
    "TaskList",
    "TaskQuery",
    "list_tasks",
    "my_tasks",
    "revision_prompts",
]

SORTS = {
    "tenggat": "Tenggat",
    "menunggu": "Lama menunggu",
    "capaian": "Capaian",
    "jabatan": "Jabatan",
}
"""The orders Tugas Saya offers (query value -> label)."""
REVISION_LABEL = " (PK Perubahan)"
"""Added to the period of a PK Perubahan ("Tahun 2021 (PK Perubahan)")."""


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
    version: int = 1
    """The document's version as listed: a bulk action expects it unchanged."""
    holder: str = ""
    """Who holds the document's position today ("Plt. Nama" when acting), or empty."""
    capaian: Decimal | None = None
    """The report's capaian (its position in its quarter, as the dashboard computes it)."""
    waiting_days: int | None = None
    """Working days since the document entered its state (None: it never moved yet)."""
    position_id: int = 0
    bidang_id: int | None = None
    bidang: str = ""
    period_key: str = ""
    """The period as a filter value: "2021-1" for TW I 2021, "2021" for a PK."""
    revision: bool = False
    """A PK Perubahan (never late: it has no deadline)."""

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
            "version": self.version,
            "holder": self.holder or None,
            "capaian": None if self.capaian is None else str(self.capaian),
            "waiting_days": self.waiting_days,
        }


def my_tasks(uow: UnitOfWork, actor: Actor, *, now: datetime, policy: Policy) -> list[Task]:
    """The documents waiting for `actor` today, overdue first, then by deadline."""
    today = local_date(now, policy.zone)
    pending = uow.pending
    tree, docs, revisions = _documents_for(uow, actor, today)
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
        deadline = None if doc.doc_id in revisions else waiting.deadline  # no PK Perubahan is late
        position = tree.position(doc.position_id)
        unit = bidang_of(tree, position)
        holds = tree.acting_holder(doc.position_id, today)
        if doc.state is State.DRAFT and doc.visit > 1:
            returned.append((doc.kind, doc.doc_id))
        tasks.append(
            Task(
                ref=doc.ref,
                kind=doc.kind,
                doc_id=doc.doc_id,
                period=_period(doc) + (REVISION_LABEL if doc.doc_id in revisions else ""),
                position_title=position.title,
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
                version=doc.version,
                holder=_holder_name(holds.status.prefix, holds.official.name) if holds else "",
                position_id=doc.position_id,
                bidang_id=None if unit is None else unit.id,
                bidang="" if unit is None else unit.unit_name,
                period_key=f"{doc.year}-{doc.quarter}" if doc.quarter else str(doc.year),
                revision=doc.kind is DocKind.PK and doc.doc_id in revisions,
            )
        )
    reasons = pending.return_reasons(returned) if returned else {}
    entered = pending.entered_at([(t.kind, t.doc_id) for t in tasks]) if tasks else {}
    scores = _capaian(uow, tree, tasks)
    tasks = [
        replace(
            t,
            returned_reason=reasons.get((t.kind, t.doc_id)),
            waiting_days=_waited(entered.get((t.kind, t.doc_id)), today, calendar, policy),
            capaian=scores.get((t.position_id, t.period_key)) if t.kind is DocKind.REPORT else None,
        )
        for t in tasks
    ]
    tasks.sort(key=lambda t: (not t.overdue, t.deadline or date.max, t.ref))
    return tasks


def _holder_name(prefix: str, name: str) -> str:
    return f"{prefix} {name}" if prefix else name


def _waited(
    at: datetime | None, today: date, calendar: WorkingCalendar, policy: Policy
) -> int | None:
    """Working days from the day the document took its last step to today."""
    if at is None:
        return None
    return max(0, calendar.working_days_between(local_date(at, policy.zone), today))


PER_AGENCY = 3
"""Up to this many agencies listed, each agency's recap is read; beyond (the
administrator's list), the regency's."""


def _capaian(
    uow: UnitOfWork, tree: OrgTree, tasks: list[Task]
) -> dict[tuple[int, str], Decimal | None]:
    """(position id, period key) -> capaian of each listed report's position in its quarter,
    computed by the recap the dashboard uses (`RecapRepository.recap`, kept while nothing it
    reads changed), with the realisations not verified yet counted: the verifier judges
    exactly those. One recap per quarter and agency listed, so a change elsewhere in the
    regency costs an official's list one agency's recap, not the regency's."""
    reports = [t for t in tasks if t.kind is DocKind.REPORT]
    agencies = {tree.position(t.position_id).agency_id for t in reports}
    scopes: list[str | None] = [None]
    if len(agencies) <= PER_AGENCY:
        codes = {a.id: a.code for a in uow.organisation.agencies()}
        scopes = [codes[i] for i in sorted(agencies) if i in codes]
    found: dict[tuple[int, str], Decimal | None] = {}
    for key in sorted({t.period_key for t in reports}):
        year, quarter = (int(part) for part in key.split("-"))
        basis = recap_basis(uow, year, include_unverified=True)
        for code in scopes:
            data = uow.recaps.recap(year=year, quarter=quarter, agency_code=code, basis=basis)
            found.update({(g.position_id, key): g.capaian.value for g in data.recap.positions})
    return found


def _period(doc: PendingDoc) -> str:
    if doc.kind is DocKind.REPORT:
        assert doc.quarter is not None
        return Quarter(doc.year, doc.quarter).label
    return f"Tahun {doc.year}"


def _documents_for(
    uow: UnitOfWork, actor: Actor, today: date
) -> tuple[OrgTree, list[PendingDoc], set[int]]:
    """The tree to decide with, the pending documents that may wait for `actor` and the ids
    of the PK Perubahan among them (read apart: they have no deadline).

    A document waits for whoever acts for its submit, verify or approve position, which is
    its own position or a superior of it; so an official's documents are the pending ones of
    the positions they hold today and of everything under them: only those are read. The
    tree is the committed one (one small query while the organisation is unchanged). The
    administrator records the heads' approvals in every agency: every pending document.
    """
    pending = uow.pending
    tree = pending.committed_org_tree()
    if actor.is_admin:
        revisions = uow.pks.pending_revisions()
        return tree, pending.pending_documents() + revisions, {d.doc_id for d in revisions}
    if actor.official_id is None:
        return tree, [], set()
    try:
        held = [h.position.id for h in tree.holdings_of(actor.official_id, today)]
    except NotFoundError:  # an official created after the tree was read: holds nothing yet
        return tree, [], set()
    mine = {position.id for root in held for _, position in tree.walk(root)}
    if not mine:
        return tree, [], set()
    revisions = uow.pks.pending_revisions(mine)
    return tree, pending.pending_documents(mine) + revisions, {d.doc_id for d in revisions}


@dataclass(frozen=True)
class RevisionPrompt:
    """A new holder's prompt to make the PK Perubahan of an approved PK signed by their
    predecessor (PermenPAN-RB 53/2014), until a revision exists."""

    pk_id: int
    year: int
    position_title: str
    reason: str

    @property
    def url(self) -> str:
        """The PK's page with the PK Perubahan form open and its reason prefilled."""
        return f"/pk/{self.pk_id}?perubahan=pejabat#perubahan"


def revision_prompts(
    uow: UnitOfWork, actor: Actor, *, now: datetime, policy: Policy
) -> list[RevisionPrompt]:
    """The PK Perubahan `actor` should make now: for each post they hold today whose PK of
    this year is approved and was signed by somebody who no longer holds it (derived from
    the assignments and the PK's signatory, nothing stored)."""
    if actor.official_id is None:
        return []
    today = local_date(now, policy.zone)
    tree = uow.pending.committed_org_tree()
    try:
        held = tree.holdings_of(actor.official_id, today)
    except NotFoundError:
        return []
    prompts = []
    lines = uow.pks.of_year(today.year, sorted({h.position.id for h in held}))
    latest = {line.position_id: line for line in lines}  # oldest first: the last one stays
    for line in latest.values():
        holding = holder_change(tree, line, actor.official_id, today, policy.acting_rules)
        if holding is not None:
            reason = change_reason(holding, line)
            prompts.append(RevisionPrompt(line.id, today.year, holding.position.title, reason))
    return prompts


@dataclass(frozen=True)
class TaskQuery:
    """How Tugas Saya is sorted and filtered (query parameters; empty: everything)."""

    sort: str = "tenggat"
    step: str = ""
    bidang: int | None = None
    period: str = ""
    overdue_only: bool = False


@dataclass(frozen=True)
class TaskList:
    """The tasks shown, with the choices the filters offer (from all the tasks)."""

    tasks: list[Task]
    total: int
    query: TaskQuery
    bidang_options: list[tuple[int, str]]
    period_options: list[tuple[str, str]]
    prompts: list[RevisionPrompt] = field(default_factory=list)


def list_tasks(
    uow: UnitOfWork, actor: Actor, query: TaskQuery, *, now: datetime, policy: Policy
) -> TaskList:
    """Tugas Saya sorted and filtered on the server (the page works without scripts)."""
    if query.sort not in SORTS:
        raise ValidationError(
            f"Urutan '{query.sort}' tidak dikenal", log_message=f"unknown sort {query.sort!r}"
        )
    if query.step and query.step not in {s.value for s in Step}:
        raise ValidationError(
            f"Langkah '{query.step}' tidak dikenal", log_message=f"unknown step {query.step!r}"
        )
    every = my_tasks(uow, actor, now=now, policy=policy)
    shown = [
        t
        for t in every
        if (not query.step or t.step.value == query.step)
        and (query.bidang is None or t.bidang_id == query.bidang)
        and (not query.period or t.period_key == query.period)
        and (not query.overdue_only or t.overdue)
    ]
    shown.sort(key=_SORT_KEYS[query.sort])
    bidang = sorted({(t.bidang_id, t.bidang) for t in every if t.bidang_id is not None})
    periods = {t.period_key: t.period.removesuffix(REVISION_LABEL) for t in every}
    return TaskList(
        tasks=shown,
        total=len(every),
        query=query,
        bidang_options=[(i, title) for i, title in bidang if i is not None],
        period_options=sorted(periods.items(), reverse=True),
        prompts=revision_prompts(uow, actor, now=now, policy=policy),
    )


def _by_deadline(t: Task) -> tuple[Any, ...]:
    return (not t.overdue, t.deadline or date.max, t.ref)


_SORT_KEYS: dict[str, Any] = {
    "tenggat": _by_deadline,
    # longest waiting first; never moved (None) last
    "menunggu": lambda t: (t.waiting_days is None, -(t.waiting_days or 0), _by_deadline(t)),
    # lowest capaian first (what needs a look); none last
    "capaian": lambda t: (t.capaian is None, t.capaian or 0, _by_deadline(t)),
    "jabatan": lambda t: (t.position_title, t.period_key, t.ref),
}

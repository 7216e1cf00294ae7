"""Dokumen saya: every PK and report an official holds, held, verified or approved.

After submitting, Tugas Saya is empty: this is where a Kepala Seksi finds her report
again, her PK and her earlier quarters, and where a Kepala Bidang finds what she
verified, even after moving post. Which documents are hers follows the reading rule of
`engine.gate.may_view` (a holder then or now, or whoever acted on the document): every
line here opens. A fixed number of queries whatever the number of documents: the
organisation, the reader's log rows, the documents of the positions she held (and those
below them), the calendar and the DPA dates, and one recap per year shown. The capaian
is the position's summary capaian of the quarter as the dashboard and the recap compute it
(reports not verified yet included, marked by their state); the deadline is the one of
the step the document waits for, as Tugas Saya and the reminder sweep have it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from engine.clock import local_date
from engine.deadlines import Step
from engine.errors import ValidationError
from engine.gate import parties
from engine.org import OrgTree
from engine.pending import PendingDoc, PendingWork
from engine.periods import Quarter
from engine.policy import Policy
from engine.ports import UnitOfWork
from engine.records import DocumentFilter
from engine.usecases.recap import recap_basis
from engine.workflow import Action, Actor, DocKind, State

__all__ = ["RELATIONS", "MyDocument", "MyDocuments", "my_documents"]

RELATIONS = {
    "pemegang": "Pemegang jabatan",
    "dulu-pemegang": "Dulu pemegang",
    "verifikator": "Verifikator",
    "penyetuju": "Penyetuju",
}
"""My relation to a document (the filter's values) and how users read it."""
PAGE_SIZE = 100
"""Documents per page."""


@dataclass(frozen=True)
class MyDocument:
    """One PK or report of mine, as the list shows it."""

    kind: DocKind
    id: int
    ref: str
    position_id: int
    position_title: str
    year: int
    quarter: int | None
    state: State
    relations: tuple[str, ...]
    capaian: Decimal | None = None
    category: str | None = None
    step: Step | None = None
    deadline: date | None = None
    overdue: bool = False
    revision: int = 1
    """A PK's revision (2 on: a PK Perubahan, which has no deadline)."""

    @property
    def url(self) -> str:
        """Where the document opens."""
        return f"/laporan/{self.id}" if self.kind is DocKind.REPORT else f"/pk/{self.id}"

    @property
    def period(self) -> str:
        """ "TW II 2021" for a report, "Tahun 2021" for a PK ("Tahun 2021 (Perubahan 1)")."""
        if self.quarter is None:
            change = f" (Perubahan {self.revision - 1})" if self.revision > 1 else ""
            return f"Tahun {self.year}{change}"
        return Quarter(self.year, self.quarter).label


@dataclass(frozen=True)
class MyDocuments:
    """A page of my documents, the filters applied and what they may be set to."""

    items: list[MyDocument]
    total: int
    page: int
    pages: int
    years: list[int]
    year: int | None
    period: str
    state: str
    relation: str
    search: str
    oldest_first: bool


def my_documents(
    uow: UnitOfWork,
    actor: Actor,
    *,
    now: datetime,
    policy: Policy,
    year: int | None = None,
    period: str = "",
    state: str = "",
    relation: str = "",
    search: str = "",
    oldest_first: bool = False,
    page: int = 1,
) -> MyDocuments:
    """My PKs and reports, newest first (or oldest), narrowed by year, period ("pk" or a
    quarter "1"-"4"), state, relation and a search on the position title or reference."""
    _check(period, state, relation, page)
    me = actor.official_id
    found: list[MyDocument] = []
    years: set[int] = set()
    if me is not None:
        tree = uow.documents.org_tree()
        today = local_date(now, policy.zone)
        acted = uow.workflow.acted_by(me)
        held = {a.position_id for a in tree.assignments_of(me)}
        below = {p.id for pid in held for _, p in tree.walk(pid)}
        where = DocumentFilter(year=year, state=state or None)
        for kind in (DocKind.PK, DocKind.REPORT):
            if period and (period == "pk") != (kind is DocKind.PK):
                continue
            if kind is DocKind.REPORT and period:
                where = DocumentFilter(year=year, quarter=int(period), state=state or None)
            rows, _ = uow.documents.page(kind, where, visible=below, offset=0, limit=100_000)
            for row in rows:
                years.add(int(row["year"]))
                mine = _relations(
                    tree, me, kind, row, acted.get((kind, int(row["id"])), set()), today
                )
                if mine:
                    found.append(_item(kind, row, mine))
    needle = search.strip().casefold()
    if needle:
        found = [
            d for d in found if needle in d.position_title.casefold() or needle in d.ref.casefold()
        ]
    if relation:
        found = [d for d in found if relation in d.relations]
    found.sort(key=lambda d: (d.position_title, d.id))  # within a period: by title
    found.sort(key=lambda d: (d.year, d.quarter or 0), reverse=not oldest_first)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    if shown and me is not None:
        shown = _with_progress(uow, tree, shown, now=now, policy=policy)
    return MyDocuments(
        items=shown,
        total=len(found),
        page=min(page, pages),
        pages=pages,
        years=sorted(years | ({year} if year else set()), reverse=True),
        year=year,
        period=period,
        state=state,
        relation=relation,
        search=search.strip(),
        oldest_first=oldest_first,
    )


def _check(period: str, state: str, relation: str, page: int) -> None:
    if period not in ("", "pk", "1", "2", "3", "4"):
        raise ValidationError(
            "Periode harus PK atau triwulan 1 sampai 4", log_message=f"bad period {period!r}"
        )
    if state and state not in {s.value for s in State}:
        raise ValidationError(f"Status '{state}' tidak dikenal", log_message=f"bad state {state!r}")
    if relation and relation not in RELATIONS:
        raise ValidationError(
            f"Hubungan '{relation}' tidak dikenal", log_message=f"bad relation {relation!r}"
        )
    if page < 1:
        raise ValidationError("Halaman dimulai dari 1", log_message=f"bad page {page}")


def _relations(
    tree: OrgTree,
    me: int,
    kind: DocKind,
    row: dict[str, object],
    actions: set[Action],
    today: date,
) -> tuple[str, ...]:
    """How I relate to a document: holder now, holder in its year, verifier, approver."""
    position_id = int(row["position_id"])  # type: ignore[call-overload]
    year = int(row["year"])  # type: ignore[call-overload]
    found = []
    if any(h.official.id == me for h in tree.holders(position_id, today)):
        found.append("pemegang")
    elif tree.held_between(me, position_id, date(year, 1, 1), date(year, 12, 31)):
        found.append("dulu-pemegang")
    if Action.VERIFY in actions:
        found.append("verifikator")
    if Action.APPROVE in actions:
        found.append("penyetuju")
    if actions & {Action.RETURN, Action.REOPEN} and not found:
        approver = parties(tree, position_id).approver
        held_approver = approver is not None and tree.held_between(
            me, approver.id, date(year, 1, 1), date(year, 12, 31)
        )
        found.append("penyetuju" if held_approver else "verifikator")
    return tuple(found)


def _item(kind: DocKind, row: dict[str, object], relations: tuple[str, ...]) -> MyDocument:
    quarter = row.get("quarter")
    return MyDocument(
        kind=kind,
        id=int(row["id"]),  # type: ignore[call-overload]
        ref=str(row["ref"]),
        position_id=int(row["position_id"]),  # type: ignore[call-overload]
        position_title=str(row["position_title"]),
        year=int(row["year"]),  # type: ignore[call-overload]
        quarter=None if quarter is None else int(quarter),  # type: ignore[call-overload]
        state=State(str(row["state"])),
        relations=relations,
        revision=int(row.get("revision") or 1),  # type: ignore[call-overload]
    )


def _with_progress(
    uow: UnitOfWork, tree: OrgTree, items: list[MyDocument], *, now: datetime, policy: Policy
) -> list[MyDocument]:
    """Add each report's capaian (the recap's score of its position in its quarter, one
    recap per year) and each open document's waiting step and deadline."""
    years = sorted({d.year for d in items})
    pending = uow.pending
    work = PendingWork(tree, pending.calendar(), policy.deadlines, pending.dpa_dates(years))
    scores: dict[tuple[int, int, int], tuple[Decimal | None, str | None]] = {}
    for year in years:
        quarters = {d.quarter for d in items if d.year == year and d.quarter is not None}
        if not quarters:
            continue
        basis = recap_basis(uow, year, include_unverified=True)
        for number in sorted(quarters):  # the recap of a quarter is cached until data changes
            recap = uow.recaps.recap(year=year, quarter=number, basis=basis).recap
            for group in recap.positions:
                category = None if group.category is None else group.category.name
                scores[(year, number, group.position_id)] = (group.capaian.value, category)
    today = local_date(now, policy.zone)
    result = []
    for doc in items:
        capaian, category = (None, None)
        if doc.quarter is not None:
            capaian, category = scores.get((doc.year, doc.quarter, doc.position_id), (None, None))
        step = deadline = None
        if doc.state is not State.APPROVED:
            pending_doc = PendingDoc(
                doc.kind, doc.id, doc.position_id, doc.year, doc.quarter, doc.state, 0
            )
            waiting = work.step_of(pending_doc)
            step, deadline = waiting.step, waiting.deadline if doc.revision == 1 else None
        result.append(
            replace(
                doc,
                capaian=capaian,
                category=category,
                step=step,
                deadline=deadline,
                overdue=deadline is not None and today > deadline,
            )
        )
    return result

"""Importing the catalogue workbook: the catalogue, then the PK targets and budget lines.

The workbook (documents/xlsx/catalogue_*, docs/catalogue-excel.md) is checked whole
first: every sheet, row and cell by the reader, then what only the database can tell
(a row that would change a PK which is not a draft). Only a clean workbook is written,
in the caller's unit of work with one commit: the catalogue (idempotent), then the
targets and budget lines into each position's PK of the year (a draft is created
where there is none). A row equal to what is stored changes nothing, so an export
imports back with nothing changed. A refusal while writing is a problem at its row,
and then nothing is committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from engine.catalogue_workbook import (
    CatalogueWorkbook,
    PositionBudget,
    TargetRow,
    WorkbookRead,
)
from engine.drafts import require_draft
from engine.errors import ValidationError
from engine.imports import ImportReport
from engine.ports import CatalogueRepository, PkStatus, UnitOfWork, writes
from engine.usecases.audit import record_import
from engine.usecases.pk import add_pk, write_budget, write_target
from engine.workflow import DocKind, State

__all__ = ["import_catalogue_workbook"]

WORKBOOK = "impor buku kerja katalog"
"""Who a PK changed by the catalogue workbook is remembered as having been saved by."""


@writes
def import_catalogue_workbook(
    uow: UnitOfWork,
    workbook: CatalogueWorkbook,
    *,
    now: datetime,
    actor: str | None = None,
    scope: tuple[str, int] | None = None,
) -> ImportReport:
    """Check the whole workbook, then write it and commit; or raise with every problem.
    Recorded in the admin log (its counts) when `actor` ran it. `scope` (agency code,
    year): a workbook naming another agency or year is refused (the planning page's)."""
    repo = uow.catalogue
    agencies = frozenset(a.code for a in uow.organisation.agencies())
    agency, year = workbook.guide(agencies)
    if scope is not None and agency is not None and year is not None and (agency, year) != scope:
        raise ValidationError(
            f"Buku kerja ini untuk {agency} tahun {year}; di sini hanya buku kerja "
            f"{scope[0]} tahun {scope[1]} yang diterima",
            log_message=f"workbook {agency} {year} outside scope {scope}",
        )
    read = workbook.read(repo.known(agency, year))
    plans = _plans(repo, workbook, agency, year, read) if year else []
    if workbook.has_problems or read.document is None:
        raise workbook.error()
    report = repo.write(read.document)
    _write_plans(uow, workbook, plans, read.document.year, now, report)
    if workbook.has_problems:
        raise workbook.error()
    subject = f"Buku kerja katalog {read.document.agency} tahun {read.document.year}"
    record_import(uow, actor, "catalogue.workbook", subject, report, now=now)
    uow.commit()
    return report


@dataclass
class _PkPlan:
    """What changes in one position's PK: the target rows that differ, the new budget."""

    position_id: int
    pk: PkStatus | None
    targets: list[TargetRow] = field(default_factory=list)
    unchanged: int = 0
    budget: PositionBudget | None = None
    budget_stored: bool = False


def _plans(
    repo: CatalogueRepository,
    workbook: CatalogueWorkbook,
    agency: str | None,
    year: int,
    read: WorkbookRead,
) -> list[_PkPlan]:
    """The changes per PK; a change to a PK that is not a draft is a problem at its row."""
    position_ids = repo.position_ids(agency)
    pks = repo.latest_pks(year)
    plans: dict[str, _PkPlan] = {}

    def plan_of(code: str) -> _PkPlan:
        if code not in plans:
            position_id = position_ids[code]
            plans[code] = _PkPlan(position_id, pks.get(position_id))
        return plans[code]

    def editable(pk: PkStatus | None, row: object) -> bool:
        if pk is None:
            return True
        try:
            require_draft(DocKind.PK, pk.id, pk.state)
        except ValidationError as exc:
            workbook.problem(row, "position", exc.message)
            return False
        return True

    for target in read.targets:
        plan = plan_of(target.position)
        if plan.pk is not None and _same_target(repo, plan.pk, target):
            plan.unchanged += 1
        elif editable(plan.pk, target.row):
            plan.targets.append(target)
    for budget in read.budgets:
        plan = plan_of(budget.position)
        stored = repo.budget_lines(plan.pk.id) if plan.pk is not None else ()
        if stored == budget.lines:
            continue
        if editable(plan.pk, budget.rows[0]):
            plan.budget, plan.budget_stored = budget, bool(stored)
    return [plan for plan in plans.values() if plan.targets or plan.budget or plan.unchanged]


def _clean(text: str | None) -> str | None:
    return None if text is None or not text.strip() else text.strip()


def _same_target(repo: CatalogueRepository, pk: PkStatus, target: TargetRow) -> bool:
    """Whether the PK already holds exactly these targets for the indicator."""
    stored = repo.stored_target(pk.id, target.indicator)
    if stored is None:
        return False
    before = (stored.annual, *stored.quarters, stored.reason)
    after = (target.annual, *target.quarters, target.reason)
    return tuple(map(_clean, before)) == tuple(map(_clean, after))


def _write_plans(
    uow: UnitOfWork,
    workbook: CatalogueWorkbook,
    plans: list[_PkPlan],
    year: int,
    now: datetime,
    report: ImportReport,
) -> None:
    """Write targets and budget lines through the PK's own steps (engine/usecases/pk.py);
    a refusal becomes a problem at its row."""
    for plan in plans:
        for _ in range(plan.unchanged):
            report.count("target PK", "unchanged")
        if not plan.targets and plan.budget is None:
            continue
        pk = plan.pk
        if pk is None:
            pk = PkStatus(add_pk(uow.pks, plan.position_id, year, now), State.DRAFT)
            report.count("perjanjian kinerja (draf)", "created")
        for target in plan.targets:
            try:
                existed = uow.catalogue.stored_target(pk.id, target.indicator) is not None
                write_target(
                    uow.documents, uow.pks, uow.reports, pk.id, target.indicator,
                    annual=target.annual, quarters=list(target.quarters), tw4_reason=target.reason,
                )  # fmt: skip
            except ValidationError as exc:
                workbook.problem(target.row, "indicator", exc.message)
                continue
            report.count("target PK", "updated" if existed else "created")
        if plan.budget is not None:
            try:
                write_budget(uow.documents, uow.pks, pk.id, plan.budget.lines)
            except ValidationError as exc:
                workbook.problem(plan.budget.rows[0], "position", exc.message)
                continue
            report.count("anggaran PK", "updated" if plan.budget_stored else "created")
        # An open page of this draft PK was built on the version before the import.
        uow.documents.mark_saved(DocKind.PK, pk.id, version=None, by=WORKBOOK, now=now)

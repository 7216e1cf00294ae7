"""Perjanjian Kinerja: started, revised (PK Perubahan), targets and budget lines in draft,
the DPA date its deadline follows.

Every edit asks `engine.drafts.require_draft` first; the pages and the API also ask
whether the user may fill the draft (`check_editable`); the CLI is the operator's
console. What a target may be is engine.pk's rule. State never changes here: that is
the gate's job (engine.usecases.workflow.take_action).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from engine.budget import BudgetLine
from engine.deadlines import pk_due
from engine.drafts import require_draft
from engine.errors import ValidationError
from engine.inputs import check_input
from engine.pk import LOCKED_REPORT_STATES, checked_targets
from engine.policy import JAKARTA, Policy
from engine.ports import DocumentRepository, PkRepository, ReportRepository, UnitOfWork, writes
from engine.records import Revision, StoredTargets
from engine.text import SINGLE_LINE_PROBLEM, bad_character, single_line
from engine.usecases.documents import CONSOLE, check_editable, record_save
from engine.usecases.reports import find_indicator
from engine.workflow import Actor, DocKind, State

__all__ = [
    "TargetInput",
    "add_pk",
    "add_revision",
    "create_pk",
    "revise_pk",
    "save_budget",
    "save_targets",
    "set_budget_lines",
    "set_dpa_date",
    "set_target",
    "write_budget",
    "write_target",
]

TEXT_LIMIT = 500
"""Longest program, kegiatan or sub kegiatan accepted from the page."""


@dataclass(frozen=True)
class TargetInput:
    """What a user typed for one indicator's targets in a PK."""

    annual: str
    quarters: tuple[str, str, str, str]
    tw4_reason: str = ""


# --- steps (no commit: parts of a use case, or of a bulk writer's own transaction) ---------


def add_pk(pks: PkRepository, position_id: int, year: int, now: datetime) -> int:
    """Start the PK of a position for a year (revision 1, draft); refused if one exists."""
    existing = pks.revisions(position_id, year)
    if existing:
        raise ValidationError(
            f"Jabatan ini sudah punya Perjanjian Kinerja {year} (PK-{existing[0].id}); "
            "gunakan PK Perubahan untuk merevisinya",
            log_message=f"pk exists for position {position_id} {year}",
        )
    return pks.add(position_id, year, now)


def write_target(
    documents: DocumentRepository,
    pks: PkRepository,
    reports: ReportRepository,
    pk_id: int,
    code: str,
    *,
    annual: str,
    quarters: Sequence[str | None],
    tw4_reason: str | None = None,
) -> tuple[StoredTargets, list[str]]:
    """Set an indicator's targets in a draft PK; the targets stored and the warnings to show.

    In a PK Perubahan, a quarter whose report is already verified keeps the target of
    the revision before.
    """
    head = documents.head(DocKind.PK, pk_id)
    require_draft(head.kind, head.id, head.state)
    indicator = find_indicator(documents, head, code)
    locked: dict[int, str | None] = {}
    if head.revision > 1:
        done = reports.quarters_in(head.position_id, head.year, LOCKED_REPORT_STATES)
        if done:
            before = pks.revision_targets(
                head.position_id, head.year, head.revision - 1, indicator.id
            )
            locked = {q: None if before is None else before.quarter(q) for q in done}
    stored, warnings = checked_targets(
        indicator, annual=annual, quarters=quarters, tw4_reason=tw4_reason, locked=locked
    )
    pks.save_targets(head.id, indicator.id, stored)
    return stored, warnings


def write_budget(
    documents: DocumentRepository, pks: PkRepository, pk_id: int, lines: Sequence[BudgetLine]
) -> Decimal:
    """Replace the budget lines of a draft PK; the total."""
    head = documents.head(DocKind.PK, pk_id)
    require_draft(head.kind, head.id, head.state)
    for line in lines:
        if not line.program.strip() or line.anggaran < 0:
            raise ValidationError(
                "Setiap baris anggaran butuh program dan anggaran tidak negatif",
                log_message="invalid budget line",
            )
        for label, text in (
            ("Program", line.program),
            ("Kegiatan", line.kegiatan or ""),
            ("Sub kegiatan", line.sub_kegiatan or ""),
        ):
            single_line(text, label, field="budget")
    pks.replace_budget(head.id, [replace(line, program=line.program.strip()) for line in lines])
    return sum((line.anggaran for line in lines), Decimal(0))


# --- the console's use cases ----------------------------------------------------------------


@writes
def create_pk(uow: UnitOfWork, position_code: str, year: int, *, now: datetime) -> Revision:
    """Start the PK (draft) of the position with this code for a year; refused for a
    position closed before the year."""
    position_id = uow.documents.position_id(position_code)
    position = uow.admin.position(position_id)
    closed_on = None if position is None else position.closed_on
    if closed_on is not None and closed_on < date(year, 1, 1):
        raise ValidationError(
            f"Jabatan {position_code} ditutup (hari terakhir {closed_on.isoformat()}): "
            f"tidak ada PK {year}",
            log_message=f"position {position_code} closed on {closed_on}",
        )
    pk_id = add_pk(uow.pks, position_id, year, now)
    uow.commit()
    return Revision(pk_id, 1, None, State.DRAFT)


def add_revision(
    documents: DocumentRepository, pks: PkRepository, pk_id: int, reason: str, now: datetime
) -> Revision:
    """PK Perubahan: a new draft revision of an approved PK, with its targets and budget.

    The approved revision stays as it is (readable, and in force until the new one is
    approved).
    """
    if not reason.strip():
        raise ValidationError(
            "Alasan PK Perubahan wajib diisi", log_message="pk revision reason missing"
        )
    head = documents.head(DocKind.PK, pk_id)
    latest = pks.revisions(head.position_id, head.year)[-1]
    if latest.id != head.id or head.state is not State.APPROVED:
        raise ValidationError(
            f"PK Perubahan hanya dari revisi terakhir yang sudah disetujui (PK-{latest.id})",
            log_message=f"pk {pk_id} is not the latest approved revision",
        )
    revision = head.revision + 1
    new_id = pks.add(head.position_id, head.year, now, revision=revision, reason=reason.strip())
    pks.copy_contents(head.id, new_id)
    return Revision(new_id, revision, reason.strip(), State.DRAFT)


@writes
def revise_pk(uow: UnitOfWork, pk_id: int, reason: str, *, now: datetime) -> Revision:
    """Make the PK Perubahan of an approved PK (`add_revision`) and commit."""
    revision = add_revision(uow.documents, uow.pks, pk_id, reason, now)
    uow.commit()
    return revision


@writes
def set_target(
    uow: UnitOfWork,
    pk_id: int,
    code: str,
    *,
    annual: str,
    quarters: Sequence[str | None],
    tw4_reason: str | None = None,
    now: datetime,
    zone: ZoneInfo = JAKARTA,
    expected_version: int | None = None,
    by: str = CONSOLE,
) -> list[str]:
    """Set one indicator's targets in a draft PK and commit; the warnings to show. The PK's
    version moves on; `expected_version` refuses a stale one (ConflictError)."""
    _, warnings = write_target(
        uow.documents, uow.pks, uow.reports, pk_id, code,
        annual=annual, quarters=quarters, tw4_reason=tw4_reason,
    )  # fmt: skip
    _console_save(uow, pk_id, now=now, zone=zone, expected_version=expected_version, by=by)
    uow.commit()
    return warnings


@writes
def set_budget_lines(
    uow: UnitOfWork,
    pk_id: int,
    lines: Sequence[BudgetLine],
    *,
    now: datetime,
    zone: ZoneInfo = JAKARTA,
    expected_version: int | None = None,
    by: str = CONSOLE,
) -> Decimal:
    """Replace the budget lines of a draft PK and commit; the total. The PK's version moves
    on; `expected_version` refuses a stale one (ConflictError)."""
    total = write_budget(uow.documents, uow.pks, pk_id, lines)
    _console_save(uow, pk_id, now=now, zone=zone, expected_version=expected_version, by=by)
    uow.commit()
    return total


def _console_save(
    uow: UnitOfWork,
    pk_id: int,
    *,
    now: datetime,
    zone: ZoneInfo,
    expected_version: int | None,
    by: str,
) -> None:
    version = uow.documents.record(DocKind.PK, pk_id).version
    record_save(
        uow, DocKind.PK, pk_id, version, by, now=now, zone=zone,
        expected_version=expected_version,
    )  # fmt: skip


@writes
def set_dpa_date(uow: UnitOfWork, agency_code: str, year: int, dpa_date: date) -> date:
    """Record when the agency's DPA was ratified; the PK deadline (one month later)."""
    uow.pks.set_dpa_date(uow.pks.agency_id(agency_code), year, dpa_date)
    uow.commit()
    return pk_due(dpa_date)


# --- the pages' and the API's use cases -----------------------------------------------------


@writes
def save_targets(
    uow: UnitOfWork,
    pk_id: int,
    targets: Mapping[str, TargetInput],
    actor: Actor,
    *,
    now: datetime,
    policy: Policy,
    expected_version: int | None = None,
) -> tuple[dict[str, str], list[str]]:
    """Store typed targets in a draft PK `actor` may fill, all or nothing; (field errors by
    code, warnings). On errors nothing is kept (the unit of work is rolled back);
    ConflictError when `expected_version` is not the PK's any more."""
    view = check_editable(uow, DocKind.PK, pk_id, actor, now=now, policy=policy).view
    record_save(
        uow, DocKind.PK, pk_id, view.version, actor.name, now=now, zone=policy.zone,
        expected_version=expected_version,
    )  # fmt: skip
    errors: dict[str, str] = {}
    warnings: list[str] = []
    for code, typed in targets.items():
        if not typed.annual.strip() and not any(q.strip() for q in typed.quarters):
            continue  # an untouched row: nothing to store yet
        try:
            _, warned = write_target(
                uow.documents, uow.pks, uow.reports, pk_id, code,
                annual=typed.annual, quarters=list(typed.quarters), tw4_reason=typed.tw4_reason,
            )  # fmt: skip
        except ValidationError as exc:
            errors[code] = exc.message
            continue
        warnings += [f"{code}: {w}" for w in warned]
    if errors:
        uow.rollback()
        return errors, []
    uow.commit()
    return {}, warnings


@writes
def save_budget(
    uow: UnitOfWork,
    pk_id: int,
    rows: Sequence[tuple[str, str, str, str]],
    actor: Actor,
    *,
    now: datetime,
    policy: Policy,
    expected_version: int | None = None,
) -> dict[str, str]:
    """Replace the budget lines of a draft PK `actor` may fill from typed rows (program,
    kegiatan, sub kegiatan, anggaran) and commit; field errors keyed "row.N" (1-based).
    ConflictError when `expected_version` is not the PK's any more.

    Rows left wholly empty are dropped.
    """
    lines: list[BudgetLine] = []
    errors: dict[str, str] = {}
    for number, (program, kegiatan, sub, amount) in enumerate(rows, start=1):
        if not any(part.strip() for part in (program, kegiatan, sub, amount)):
            continue
        if not program.strip():
            errors[f"row.{number}"] = "Program wajib diisi"
            continue
        try:
            value = check_input(amount, "Anggaran")
        except ValidationError as exc:
            errors[f"row.{number}"] = exc.message
            continue
        if any(len(part) > TEXT_LIMIT for part in (program, kegiatan, sub)):
            errors[f"row.{number}"] = f"Teks paling banyak {TEXT_LIMIT} karakter"
            continue
        if any(bad_character(part) is not None for part in (program, kegiatan, sub)):
            errors[f"row.{number}"] = f"Program, kegiatan dan sub kegiatan {SINGLE_LINE_PROBLEM}"
            continue
        lines.append(
            BudgetLine(program.strip(), value, kegiatan.strip() or None, sub.strip() or None)
        )
    if errors:
        return errors
    view = check_editable(uow, DocKind.PK, pk_id, actor, now=now, policy=policy).view
    record_save(
        uow, DocKind.PK, pk_id, view.version, actor.name, now=now, zone=policy.zone,
        expected_version=expected_version,
    )  # fmt: skip
    write_budget(uow.documents, uow.pks, pk_id, lines)
    uow.commit()
    return {}


# --- PK Perubahan from the page ----------------------------------------------------------------

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

from engine.acting import ActingRules
from engine.budget import BudgetLine
from engine.clock import local_date
from engine.deadlines import pk_due
from engine.drafts import require_draft
from engine.errors import FieldError, ForbiddenError, ValidationError
from engine.inputs import check_input
from engine.org import AssignmentStatus, Holding, OrgTree
from engine.pk import LOCKED_REPORT_STATES, checked_targets
from engine.policy import JAKARTA, Policy
from engine.ports import DocumentRepository, PkRepository, ReportRepository, UnitOfWork, writes
from engine.records import PkLine, Revision, StoredTargets
from engine.roles import may_plan
from engine.text import SINGLE_LINE_PROBLEM, bad_character, single_line
from engine.usecases.audit import record_admin
from engine.usecases.documents import CONSOLE, check_editable, record_save
from engine.usecases.reports import find_indicator
from engine.workflow import Action, Actor, DocKind, State

__all__ = [
    "REVISION_REASONS",
    "RevisionOptions",
    "TargetInput",
    "add_pk",
    "add_revision",
    "create_pk",
    "revise_pk",
    "revision_options",
    "save_budget",
    "save_targets",
    "set_budget_lines",
    "set_dpa_date",
    "set_target",
    "start_revision",
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

REVISION_REASONS = {
    "pejabat": "Pergantian pejabat",
    "apbd": "APBD Perubahan (program, kegiatan atau anggaran berubah)",
    "prioritas": "Perubahan prioritas",
}
"""Why a PK may be revised (PermenPAN-RB 53/2014): form value -> how it is written."""
PROMPTED = frozenset({AssignmentStatus.DEFINITIF, AssignmentStatus.PLT, AssignmentStatus.PJ})
"""A new holder of these kinds is prompted to make the PK Perubahan (a Plh stands in only)."""


@dataclass(frozen=True)
class RevisionOptions:
    """Whether `actor` may start the PK Perubahan of an approved PK, and what the form shows."""

    offered: bool
    """The PK is the latest revision and approved: a revision can be made from it."""
    allowed: bool
    refusal: str
    locked: tuple[int, ...]
    """Quarters whose report is verified: their targets stay as they are."""
    kind: str = ""
    reason: str = ""
    """The reason prefilled (a change of holder), or empty."""


def holder_change(
    tree: OrgTree, line: PkLine, official_id: int, today: date, rules: ActingRules
) -> Holding | None:
    """The holding through which `official_id` holds the post of an approved PK signed by
    somebody who no longer holds it (a new definitif holder, a Plt or a Pj who may submit
    PKs), or None."""
    if line.state is not State.APPROVED or not line.first_nip:
        return None
    holders = tree.holders(line.position_id, today)
    if any(h.official.nip == line.first_nip for h in holders):
        return None
    for holding in holders:
        if (
            holding.official.id == official_id
            and holding.status in PROMPTED
            and rules.permits(DocKind.PK, Action.SUBMIT, holding.status)
        ):
            return holding
    return None


def change_reason(holding: Holding, line: PkLine) -> str:
    """The prefilled reason of the PK Perubahan a new holder makes."""
    who = f"{holding.status.prefix} {holding.official.name}".strip()
    before = f" menggantikan {line.first_name}" if line.first_name else ""
    return f"{who}{before} sebagai {holding.position.title} (PermenPAN-RB 53/2014)"


def _may_revise(
    uow: UnitOfWork, position_id: int, actor: Actor, today: date, policy: Policy
) -> bool:
    """The holder acting for the post (as the acting rules let them submit a PK), the
    agency's planning holder, or the administrator."""
    tree = uow.documents.org_tree()
    if may_plan(actor, tree.position(position_id).agency_id, today, tree=tree):
        return True
    if actor.official_id is None:
        return False
    return any(
        h.official.id == actor.official_id
        and policy.acting_rules.permits(DocKind.PK, Action.SUBMIT, h.status)
        for h in tree.holders(position_id, today)
    )


def revision_options(
    uow: UnitOfWork, pk_id: int, actor: Actor, *, now: datetime, policy: Policy
) -> RevisionOptions:
    """What the PK page offers for a PK Perubahan of this PK."""
    head = uow.documents.head(DocKind.PK, pk_id)
    latest = uow.pks.revisions(head.position_id, head.year)[-1]
    if latest.id != head.id or head.state is not State.APPROVED:
        return RevisionOptions(False, False, "", ())
    today = local_date(now, policy.zone)
    locked = tuple(
        sorted(uow.reports.quarters_in(head.position_id, head.year, LOCKED_REPORT_STATES))
    )
    if not _may_revise(uow, head.position_id, actor, today, policy):
        refusal = (
            "PK Perubahan dibuat oleh pemegang jabatan ini (definitif, Plt. atau Pj.) atau "
            "pemegang jabatan perencanaan"
        )
        return RevisionOptions(True, False, refusal, locked)
    kind = reason = ""
    if actor.official_id is not None:
        line = uow.pks.of_year(head.year, [head.position_id])[-1]
        tree = uow.documents.org_tree()
        holding = holder_change(tree, line, actor.official_id, today, policy.acting_rules)
        if holding is not None:
            kind, reason = "pejabat", change_reason(holding, line)
    return RevisionOptions(True, True, "", locked, kind, reason)


@writes
def start_revision(
    uow: UnitOfWork,
    pk_id: int,
    actor: Actor,
    *,
    kind: str,
    reason: str,
    by: str,
    now: datetime,
    policy: Policy,
) -> Revision:
    """The PK Perubahan of an approved PK, started from its page by its holder or the
    planning holder with one of `REVISION_REASONS` and an explanation; commit. The
    approved revision stays readable; verified quarters keep their targets."""
    if kind not in REVISION_REASONS:
        raise FieldError("jenis", "Pilih alasan PK Perubahan", log_message=f"reason {kind!r}")
    text = single_line(reason.strip(), "Penjelasan alasan", field="alasan")
    if not text:
        raise FieldError(
            "alasan", "Jelaskan alasan PK Perubahan", log_message="revision reason empty"
        )
    if len(text) > TEXT_LIMIT:
        raise FieldError(
            "alasan", f"Alasan paling banyak {TEXT_LIMIT} karakter", log_message="reason too long"
        )
    head = uow.documents.head(DocKind.PK, pk_id)
    if not _may_revise(uow, head.position_id, actor, local_date(now, policy.zone), policy):
        raise ForbiddenError(
            "PK Perubahan hanya dapat dibuat oleh pemegang jabatan ini (definitif, Plt. atau "
            "Pj.) atau pemegang jabatan perencanaan",
            log_message=f"{actor.name} may not revise PK-{pk_id}",
        )
    label = REVISION_REASONS[kind]
    written = text if text.startswith(label) else f"{label}: {text}"
    revision = add_revision(uow.documents, uow.pks, pk_id, written, now)
    record_admin(
        uow,
        by,
        "pk.revise",
        f"PK-{pk_id} tahun {head.year}: PK Perubahan {revision.revision - 1}",
        None,
        {"PK baru": f"PK-{revision.id}", "alasan": written},
        now=now,
    )
    uow.commit()
    return revision

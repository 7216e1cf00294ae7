"""Creating and editing workflow documents: PKs (targets, budget lines, revisions) and reports.

Every edit goes through `require_editable` (only a draft changes). State never
changes here: that is the gate's job (engine.usecases.workflow.take_action).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, delete, func, select

from db.editable import require_editable
from db.indicator_repo import load_indicators
from db.models import (
    Agency,
    PerjanjianKinerja,
    PkTarget,
    PositionRow,
    QuarterlyReport,
)
from db.workflow_models import AgencyYear, PkBudgetLine, TransitionLog
from engine.budget import BudgetLine
from engine.capaian import parse_target
from engine.clock import JAKARTA, local_date
from engine.errors import NotFoundError, ValidationError
from engine.indicators import Indicator
from engine.targets import QuarterTargets
from engine.workflow import Action, DocKind, State

LOCKED_REPORT_STATES = (State.VERIFIED.value, State.APPROVED.value)


def _not_found(what: str) -> NotFoundError:
    return NotFoundError(f"{what} tidak ditemukan", log_message=f"{what} not found")


def get_pk(session: Session, pk_id: int) -> PerjanjianKinerja:
    """The PK row or NotFoundError."""
    row = session.get(PerjanjianKinerja, pk_id)
    if row is None:
        raise _not_found(f"Perjanjian Kinerja PK-{pk_id}")
    return row


def get_report(session: Session, report_id: int) -> QuarterlyReport:
    """The report row or NotFoundError."""
    row = session.get(QuarterlyReport, report_id)
    if row is None:
        raise _not_found(f"Laporan LAP-{report_id}")
    return row


def position_by_code(session: Session, code: str) -> PositionRow:
    """A position by its code or NotFoundError."""
    row = session.exec(select(PositionRow).where(PositionRow.code == code)).first()
    if row is None:
        raise _not_found(f"Jabatan '{code}'")
    return row


def create_pk(session: Session, position_id: int, year: int, now: datetime) -> PerjanjianKinerja:
    """Start the PK of a position for a year (revision 1, draft); refused if one exists."""
    existing = session.exec(
        select(PerjanjianKinerja).where(
            PerjanjianKinerja.position_id == position_id, PerjanjianKinerja.year == year
        )
    ).first()
    if existing is not None:
        raise ValidationError(
            f"Jabatan ini sudah punya Perjanjian Kinerja {year} (PK-{existing.id}); "
            "gunakan PK Perubahan untuk merevisinya",
            log_message=f"pk exists for position {position_id} {year}",
        )
    row = PerjanjianKinerja(position_id=position_id, year=year, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row


def revise_pk(session: Session, pk_id: int, reason: str, now: datetime) -> PerjanjianKinerja:
    """PK Perubahan: a new draft revision of an approved PK, with its targets and budget.

    The approved revision stays as it is (readable, and in force until the new one is
    approved).
    """
    if not reason.strip():
        raise ValidationError(
            "Alasan PK Perubahan wajib diisi", log_message="pk revision reason missing"
        )
    current = get_pk(session, pk_id)
    latest = session.exec(
        select(PerjanjianKinerja)
        .where(
            PerjanjianKinerja.position_id == current.position_id,
            PerjanjianKinerja.year == current.year,
        )
        .order_by(col(PerjanjianKinerja.revision).desc())
    ).first()
    assert latest is not None
    if latest.id != current.id or current.state != State.APPROVED.value:
        raise ValidationError(
            f"PK Perubahan hanya dari revisi terakhir yang sudah disetujui (PK-{latest.id})",
            log_message=f"pk {pk_id} is not the latest approved revision",
        )
    revision = PerjanjianKinerja(
        position_id=current.position_id,
        year=current.year,
        revision=current.revision + 1,
        revision_reason=reason.strip(),
        created_at=now,
        updated_at=now,
    )
    session.add(revision)
    session.flush()
    assert revision.id is not None
    for target in session.exec(select(PkTarget).where(PkTarget.pk_id == current.id)):
        data = target.model_dump(exclude={"id", "pk_id"})
        session.add(PkTarget(pk_id=revision.id, **data))
    for line in session.exec(select(PkBudgetLine).where(PkBudgetLine.pk_id == current.id)):
        data = line.model_dump(exclude={"id", "pk_id"})
        session.add(PkBudgetLine(pk_id=revision.id, **data))
    session.flush()
    return revision


def indicator_by_code(
    session: Session, row: PerjanjianKinerja | QuarterlyReport, code: str
) -> Indicator:
    """An indicator of the document's position and year by its code."""
    for indicator in load_indicators(session, year=row.year, position_ids=[row.position_id]):
        if indicator.code == code:
            return indicator
    raise _not_found(f"Indikator '{code}' jabatan ini tahun {row.year}")


def set_target(
    session: Session,
    pk_id: int,
    indicator_code: str,
    *,
    annual: str,
    quarters: Sequence[str | None],
    tw4_reason: str | None = None,
) -> tuple[PkTarget, list[str]]:
    """Set an indicator's targets in a draft PK; returns the row and the warnings to show.

    Targets are checked as typed ("80", "80-90", "1.027.733,50"). In a PK Perubahan,
    a quarter whose report is already verified keeps its target.
    """
    pk = get_pk(session, pk_id)
    require_editable(pk)
    indicator = indicator_by_code(session, pk, indicator_code)
    if len(quarters) != 4:
        raise ValidationError("Isi target TW I sampai TW IV", log_message="need four quarters")
    parsed_annual = parse_target(annual)
    parsed = [None if not q or not q.strip() else parse_target(q) for q in quarters]
    _check_locked_quarters(session, pk, indicator.id, quarters)
    check = QuarterTargets(
        parsed_annual, (parsed[0], parsed[1], parsed[2], parsed[3]), indicator.target_mode
    ).check(indicator.rollup)
    if check.reason_required and not (tw4_reason or "").strip() and None not in parsed:
        raise ValidationError(
            f"{indicator.code}: {check.reason_required}; isi alasannya",
            log_message=f"tw4 reason required for {indicator.code}",
        )
    row = session.exec(
        select(PkTarget).where(PkTarget.pk_id == pk.id, PkTarget.indicator_id == indicator.id)
    ).first()
    values = {
        "annual": annual.strip(),
        "tw1": _clean(quarters[0]),
        "tw2": _clean(quarters[1]),
        "tw3": _clean(quarters[2]),
        "tw4": _clean(quarters[3]),
        "tw4_reason": (tw4_reason or "").strip() or None,
    }
    if row is None:
        row = PkTarget.model_validate({"pk_id": pk.id, "indicator_id": indicator.id, **values})
    else:
        for name, value in values.items():
            setattr(row, name, value)
    session.add(row)
    session.flush()
    return row, list(check.warnings)


def _same_target(typed: str | None, stored: str | None) -> bool:
    """Whether two typed targets mean the same ("1.000" and "1000" do)."""
    typed, stored = _clean(typed), _clean(stored)
    if typed is None or stored is None:
        return typed == stored
    return parse_target(typed) == parse_target(stored)


def _clean(text: str | None) -> str | None:
    return None if text is None or not text.strip() else text.strip()


def _check_locked_quarters(
    session: Session, pk: PerjanjianKinerja, indicator_id: int, quarters: Sequence[str | None]
) -> None:
    if pk.revision == 1:
        return
    locked = set(
        session.exec(
            select(QuarterlyReport.quarter).where(
                QuarterlyReport.position_id == pk.position_id,
                QuarterlyReport.year == pk.year,
                col(QuarterlyReport.state).in_(LOCKED_REPORT_STATES),
            )
        )
    )
    if not locked:
        return
    previous = session.exec(
        select(PkTarget)
        .join(PerjanjianKinerja)
        .where(
            PerjanjianKinerja.position_id == pk.position_id,
            PerjanjianKinerja.year == pk.year,
            PerjanjianKinerja.revision == pk.revision - 1,
            PkTarget.indicator_id == indicator_id,
        )
    ).first()
    for quarter in sorted(locked):
        before = None if previous is None else getattr(previous, f"tw{quarter}")
        if _same_target(quarters[quarter - 1], before) is False:
            raise ValidationError(
                f"Target TW {('I', 'II', 'III', 'IV')[quarter - 1]} tidak dapat diubah: "
                "laporannya sudah diverifikasi",
                log_message=f"quarter {quarter} target locked for pk {pk.id}",
            )


def set_budget_lines(session: Session, pk_id: int, lines: Sequence[BudgetLine]) -> Decimal:
    """Replace the budget lines of a draft PK; returns the total."""
    pk = get_pk(session, pk_id)
    require_editable(pk)
    for line in lines:
        if not line.program.strip() or line.anggaran < 0:
            raise ValidationError(
                "Setiap baris anggaran butuh program dan anggaran tidak negatif",
                log_message="invalid budget line",
            )
    assert pk.id is not None
    session.exec(delete(PkBudgetLine).where(col(PkBudgetLine.pk_id) == pk.id))
    for ordinal, line in enumerate(lines, start=1):
        session.add(
            PkBudgetLine(
                pk_id=pk.id,
                ordinal=ordinal,
                program=line.program.strip(),
                kegiatan=line.kegiatan,
                sub_kegiatan=line.sub_kegiatan,
                anggaran=line.anggaran,
            )
        )
    session.flush()
    return sum((line.anggaran for line in lines), Decimal(0))


def one_month_after(day: date) -> date:
    """The same day a calendar month later (clamped to the month's last day)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def set_dpa_date(session: Session, agency_code: str, year: int, dpa_date: date) -> date:
    """Record when the DPA was ratified; returns the PK deadline (one month later)."""
    agency = session.exec(select(Agency).where(Agency.code == agency_code)).first()
    if agency is None or agency.id is None:
        raise _not_found(f"Perangkat daerah '{agency_code}'")
    row = session.get(AgencyYear, (agency.id, year))
    if row is None:
        row = AgencyYear(agency_id=agency.id, year=year, dpa_date=dpa_date)
    row.dpa_date = dpa_date
    session.add(row)
    session.flush()
    return one_month_after(dpa_date)


def pk_deadline(session: Session, pk: PerjanjianKinerja) -> date | None:
    """One month after the DPA of the PK's agency and year, if the DPA date is known."""
    position = session.get(PositionRow, pk.position_id)
    assert position is not None
    row = session.get(AgencyYear, (position.agency_id, pk.year))
    return None if row is None else one_month_after(row.dpa_date)


def is_pk_late(
    session: Session, pk: PerjanjianKinerja, today: date, zone: ZoneInfo = JAKARTA
) -> bool:
    """Flag (never block) a PK first submitted after its deadline, or unsubmitted past it.

    The first submission counts (a PK returned and resubmitted later was on time),
    judged on the regency's calendar date, not the UTC one.
    """
    deadline = pk_deadline(session, pk)
    if deadline is None or pk.revision > 1:
        return False
    first = session.exec(
        select(func.min(TransitionLog.at)).where(
            TransitionLog.doc_type == DocKind.PK.value,
            TransitionLog.doc_id == pk.id,
            TransitionLog.action == Action.SUBMIT.value,
        )
    ).one()
    if first is not None:
        return local_date(_aware(first), zone) > deadline
    return today > deadline


def _aware(moment: datetime) -> datetime:
    """SQL aggregates bypass the column type: SQLite hands back naive UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

"""What the catalogue workbook's import reads besides the catalogue itself.

What the database knows of the workbook's agency and year (positions, indicators,
duties), and the PKs its Target and Anggaran sheets change: their latest revisions
(db/catalog_xlsx_export.py), stored targets and budget lines. The rules (only a draft
changes, a row equal to what is stored is no change) are the import use case's,
engine/usecases/catalogue_workbook.py; the PK writes are the PK repository's.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from db.models import Agency, IndicatorRow, PkTarget, PositionDuty, PositionRow
from db.workflow_models import PkBudgetLine
from engine.budget import BudgetLine
from engine.catalogue_workbook import Duties, Known, StoredIndicator, TargetEntry
from engine.targets import Rollup, TargetMode


def known(session: Session, agency: str | None, year: int | None) -> Known:
    """What the database knows of `agency` (its positions) and, with `year`, its catalogue."""
    row = session.exec(select(Agency).where(Agency.code == agency)).first() if agency else None
    if row is None:
        return Known(None)
    positions = {
        p.id: p.code
        for p in session.exec(select(PositionRow).where(PositionRow.agency_id == row.id))
    }
    indicators: dict[str, StoredIndicator] = {}
    duties: dict[str, Duties] = {}
    if year is not None:
        for item in session.exec(
            select(IndicatorRow).where(IndicatorRow.agency_id == row.id, IndicatorRow.year == year)
        ):
            indicators[item.code] = StoredIndicator(
                positions[item.position_id], TargetMode(item.target_mode), Rollup(item.rollup)
            )
        texts: dict[str, dict[str, list[str]]] = {}
        for duty in session.exec(
            select(PositionDuty)
            .where(col(PositionDuty.position_id).in_(list(positions)), PositionDuty.year == year)
            .order_by(col(PositionDuty.ordinal))
        ):
            kinds = texts.setdefault(positions[duty.position_id], {})
            kinds.setdefault(duty.kind, []).append(duty.text)
        duties = {
            code: (tuple(kinds.get("tugas", [])), tuple(kinds.get("fungsi", [])))
            for code, kinds in texts.items()
        }
    return Known(frozenset(positions.values()), indicators, duties)


def position_ids(session: Session, agency: str | None) -> dict[str, int]:
    """The agency's positions: code -> id."""
    return {
        code: position_id
        for code, position_id in session.exec(
            select(PositionRow.code, PositionRow.id).join(Agency).where(Agency.code == agency)
        )
        if position_id is not None
    }


def stored_target(session: Session, pk_id: int, indicator: str) -> TargetEntry | None:
    """The targets a PK holds for the indicator with this code, None when it has none."""
    row = session.exec(
        select(PkTarget, PositionRow.code)
        .join(IndicatorRow, col(IndicatorRow.id) == PkTarget.indicator_id)
        .join(PositionRow, col(PositionRow.id) == IndicatorRow.position_id)
        .where(PkTarget.pk_id == pk_id, IndicatorRow.code == indicator)
    ).first()
    if row is None:
        return None
    target, position = row
    quarters = (target.tw1, target.tw2, target.tw3, target.tw4)
    return TargetEntry(position, indicator, target.annual, quarters, target.tw4_reason)


def budget_lines(session: Session, pk_id: int) -> tuple[BudgetLine, ...]:
    """A PK's budget lines in order."""
    return tuple(
        BudgetLine(line.program, line.anggaran, line.kegiatan, line.sub_kegiatan)
        for line in session.exec(
            select(PkBudgetLine)
            .where(PkBudgetLine.pk_id == pk_id)
            .order_by(col(PkBudgetLine.ordinal))
        )
    )

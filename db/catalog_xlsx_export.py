"""What the database holds, as the rows of the catalogue workbook (template and export).

The export is the import's inverse: importing it back changes nothing. Targets
and budget lines come from the latest revision of each position's PK of the
year, whatever its state.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from db.models import (
    Agency,
    IndicatorRow,
    IndicatorVariable,
    PerjanjianKinerja,
    PkTarget,
    PositionDuty,
    PositionRow,
)
from db.workflow_models import PkBudgetLine
from documents.xlsx.catalogue_layout import BUDGET, INDICATORS, POSITIONS, TARGETS, VARIABLES
from documents.xlsx.catalogue_writer import Row, WorkbookContent
from engine.errors import NotFoundError, ValidationError


def choose_agency(session: Session, code: str | None) -> Agency:
    """The agency named by `code`, or the only one when `code` is None."""
    agencies = list(session.exec(select(Agency).order_by(col(Agency.code))))
    if code is None:
        if len(agencies) == 1:
            return agencies[0]
        if not agencies:
            raise ValidationError(
                "Belum ada perangkat daerah; impor organisasinya dulu",
                log_message="no agency in the database",
            )
        raise ValidationError(
            "Pilih perangkat daerah: " + ", ".join(a.code for a in agencies),
            log_message="several agencies, none chosen",
        )
    for agency in agencies:
        if agency.code == code:
            return agency
    raise NotFoundError(
        f"Perangkat daerah '{code}' tidak dikenal", log_message=f"unknown agency {code}"
    )


def _positions(session: Session, agency: Agency) -> list[PositionRow]:
    return list(
        session.exec(
            select(PositionRow)
            .where(PositionRow.agency_id == agency.id)
            .order_by(col(PositionRow.sort_order), col(PositionRow.id))
        )
    )


def template_content(session: Session, agency: Agency, year: int) -> WorkbookContent:
    """The empty workbook: only the agency's positions, listed for reference."""
    rows: list[Row] = [{"position": p.code, "title": p.title} for p in _positions(session, agency)]
    return WorkbookContent(agency.code, year, rows={POSITIONS: rows})


def export_content(session: Session, agency: Agency, year: int) -> WorkbookContent:
    """The catalogue of `agency` for `year`, with the targets and budget of its PKs."""
    positions = _positions(session, agency)
    code_of = {p.id: p.code for p in positions}
    duties: dict[int, dict[str, list[str]]] = {}
    for duty in session.exec(
        select(PositionDuty)
        .where(col(PositionDuty.position_id).in_(list(code_of)), PositionDuty.year == year)
        .order_by(col(PositionDuty.ordinal))
    ):
        duties.setdefault(duty.position_id, {}).setdefault(duty.kind, []).append(duty.text)
    position_rows: list[Row] = [
        {
            "position": p.code,
            "title": p.title,
            "tugas": "\n".join(duties.get(p.id or 0, {}).get("tugas", [])) or None,
            "fungsi": "\n".join(duties.get(p.id or 0, {}).get("fungsi", [])) or None,
        }
        for p in positions
    ]
    indicators = list(
        session.exec(
            select(IndicatorRow)
            .where(IndicatorRow.agency_id == agency.id, IndicatorRow.year == year)
            .order_by(col(IndicatorRow.sort_order), col(IndicatorRow.id))
        )
    )
    indicator_code = {row.id: row.code for row in indicators}
    content = WorkbookContent(agency.code, year, rows={POSITIONS: position_rows})
    content.rows[INDICATORS] = [_indicator_row(row, code_of, indicator_code) for row in indicators]
    content.rows[VARIABLES] = _variable_rows(session, indicators)
    content.rows[TARGETS], content.rows[BUDGET] = _pk_rows(
        session, year, positions, [row.id for row in indicators if row.id is not None]
    )
    return content


def _indicator_row(
    row: IndicatorRow, position_code: dict[int | None, str], indicator_code: dict[int | None, str]
) -> Row:
    return {
        "position": position_code[row.position_id],
        "code": row.code,
        "kind": row.kind,
        "kinerja": row.kinerja,
        "name": row.name,
        "unit": row.unit,
        "preset": row.preset,
        "expression": row.expression,
        "polarity": row.polarity,
        "rollup": row.rollup,
        "quarterly_targets": row.target_mode,
        "decimals": row.decimals,
        "parent": indicator_code.get(row.parent_id) if row.parent_id else None,
        "data_source": row.data_source,
        "note": row.note,
    }


def _variable_rows(session: Session, indicators: list[IndicatorRow]) -> list[Row]:
    by_indicator: dict[int, list[IndicatorVariable]] = {}
    ids = [row.id for row in indicators if row.id is not None]
    for variable in session.exec(
        select(IndicatorVariable)
        .where(col(IndicatorVariable.indicator_id).in_(ids))
        .order_by(col(IndicatorVariable.ordinal))
    ):
        by_indicator.setdefault(variable.indicator_id, []).append(variable)
    return [
        {
            "indicator": row.code,
            "name": variable.name,
            "label": variable.label,
            "unit": variable.unit or None,
            "order": order,
        }
        for row in indicators
        for order, variable in enumerate(by_indicator.get(row.id or 0, []), start=1)
    ]


def latest_pks(session: Session, year: int) -> dict[int, PerjanjianKinerja]:
    """The latest revision of each position's PK of `year`, by position id."""
    latest: dict[int, PerjanjianKinerja] = {}
    for pk in session.exec(
        select(PerjanjianKinerja)
        .where(PerjanjianKinerja.year == year)
        .order_by(col(PerjanjianKinerja.revision))
    ):
        latest[pk.position_id] = pk
    return latest


def _pk_rows(
    session: Session, year: int, positions: list[PositionRow], indicator_ids: list[int]
) -> tuple[list[Row], list[Row]]:
    pks = latest_pks(session, year)
    order = {indicator_id: index for index, indicator_id in enumerate(indicator_ids)}
    targets: list[Row] = []
    budget: list[Row] = []
    codes = {
        indicator_id: code
        for indicator_id, code in session.exec(
            select(IndicatorRow.id, IndicatorRow.code).where(
                col(IndicatorRow.id).in_(indicator_ids)
            )
        )
    }
    for position in positions:
        pk = pks.get(position.id or 0)
        if pk is None:
            continue
        rows = session.exec(select(PkTarget).where(PkTarget.pk_id == pk.id)).all()
        for target in sorted(rows, key=lambda t: order.get(t.indicator_id, len(order))):
            if target.indicator_id not in codes:
                continue
            targets.append(
                {
                    "position": position.code,
                    "indicator": codes[target.indicator_id],
                    "annual": target.annual,
                    "tw1": target.tw1,
                    "tw2": target.tw2,
                    "tw3": target.tw3,
                    "tw4": target.tw4,
                    "tw4_reason": target.tw4_reason,
                }
            )
        for line in session.exec(
            select(PkBudgetLine)
            .where(PkBudgetLine.pk_id == pk.id)
            .order_by(col(PkBudgetLine.ordinal))
        ):
            budget.append(
                {
                    "position": position.code,
                    "program": line.program,
                    "kegiatan": line.kegiatan,
                    "sub_kegiatan": line.sub_kegiatan,
                    "anggaran": line.anggaran,
                }
            )
    return targets, budget

"""What the catalogue workbook reads from the database, as engine values.

The export: an agency's catalogue of a year with the targets and budget lines of the
latest revision of each position's PK of the year, whatever its state
(documents/xlsx/catalogue_export.py turns the contents into rows). The export is the
import's inverse: importing it back changes nothing.

The import: what the database knows of the workbook's agency and year (positions,
indicators, duties), and the PKs its Target and Anggaran sheets change (their latest
revisions, stored targets and budget lines). The rules (only a draft changes, a row
equal to what is stored is no change) are the import use case's,
engine/usecases/catalogue_workbook.py; the PK writes are the PK repository's.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session, col, select

from db.imports import stored_manuals
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
from engine.budget import BudgetLine
from engine.capaian import Polarity
from engine.catalogue import IndicatorSpec
from engine.catalogue_workbook import (
    BudgetEntry,
    CatalogueContents,
    Duties,
    Known,
    PositionEntry,
    StoredIndicator,
    TargetEntry,
)
from engine.formulas import GrowthBasis, InputKind, Preset, Variable
from engine.indicators import IndicatorKind, Origin
from engine.ports import AgencyInfo
from engine.targets import Rollup, TargetMode

# --- the export ------------------------------------------------------------------------


def _positions(session: Session, agency_id: int) -> list[PositionRow]:
    return list(
        session.exec(
            select(PositionRow)
            .where(PositionRow.agency_id == agency_id)
            .order_by(col(PositionRow.sort_order), col(PositionRow.id))
        )
    )


def template_positions(session: Session, agency_id: int) -> list[PositionEntry]:
    """The agency's positions (code and title) in the organisation's order."""
    return [PositionEntry(p.code, p.title) for p in _positions(session, agency_id)]


def catalogue_contents(session: Session, agency: AgencyInfo, year: int) -> CatalogueContents:
    """The catalogue of `agency` for `year`, with the targets and budget of its PKs."""
    positions = _positions(session, agency.id)
    code_of = {p.id: p.code for p in positions}
    duties: dict[int, dict[str, list[str]]] = {}
    for duty in session.exec(
        select(PositionDuty)
        .where(col(PositionDuty.position_id).in_(list(code_of)), PositionDuty.year == year)
        .order_by(col(PositionDuty.ordinal))
    ):
        duties.setdefault(duty.position_id, {}).setdefault(duty.kind, []).append(duty.text)
    entries = tuple(
        PositionEntry(
            p.code,
            p.title,
            tuple(duties.get(p.id or 0, {}).get("tugas", [])),
            tuple(duties.get(p.id or 0, {}).get("fungsi", [])),
        )
        for p in positions
    )
    indicators = list(
        session.exec(
            select(IndicatorRow)
            .where(IndicatorRow.agency_id == agency.id, IndicatorRow.year == year)
            .order_by(col(IndicatorRow.sort_order), col(IndicatorRow.id))
        )
    )
    indicator_code = {row.id: row.code for row in indicators}
    variables = _variables(session, indicators)
    specs = tuple(
        _spec(row, code_of, indicator_code, variables.get(row.id or 0, ())) for row in indicators
    )
    manuals = stored_manuals(session, [row.id for row in indicators if row.id is not None])
    specs = tuple(
        replace(s, manual=manuals.get(r.id or 0)) for s, r in zip(specs, indicators, strict=True)
    )
    targets, budget = _pk_entries(
        session, year, positions, [row.id for row in indicators if row.id is not None]
    )
    return CatalogueContents(agency.code, year, entries, specs, targets, budget)


def _spec(
    row: IndicatorRow,
    position_code: dict[int | None, str],
    indicator_code: dict[int | None, str],
    variables: tuple[Variable, ...],
) -> IndicatorSpec:
    return IndicatorSpec(
        code=row.code,
        position=position_code[row.position_id],
        kind=IndicatorKind(row.kind),
        kinerja=row.kinerja,
        name=row.name,
        unit=row.unit,
        expression=row.expression,
        preset=None if row.preset is None else Preset(row.preset),
        variables=variables,
        data_source=row.data_source,
        polarity=Polarity(row.polarity),
        rollup=Rollup(row.rollup),
        target_mode=TargetMode(row.target_mode),
        decimals=row.decimals,
        parent=indicator_code.get(row.parent_id) if row.parent_id else None,
        note=row.note,
        origin=Origin(row.origin),
        origin_note=row.origin_note,
        growth_basis=None if row.growth_basis is None else GrowthBasis(row.growth_basis),
    )


def _variables(session: Session, indicators: list[IndicatorRow]) -> dict[int, tuple[Variable, ...]]:
    by_indicator: dict[int, list[Variable]] = {}
    ids = [row.id for row in indicators if row.id is not None]
    for variable in session.exec(
        select(IndicatorVariable)
        .where(col(IndicatorVariable.indicator_id).in_(ids))
        .order_by(col(IndicatorVariable.ordinal))
    ):
        by_indicator.setdefault(variable.indicator_id, []).append(
            Variable(
                variable.name,
                variable.label,
                variable.unit or "",
                None if variable.kind is None else InputKind(variable.kind),
                variable.negative,
            )
        )
    return {key: tuple(items) for key, items in by_indicator.items()}


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


def _pk_entries(
    session: Session, year: int, positions: list[PositionRow], indicator_ids: list[int]
) -> tuple[tuple[TargetEntry, ...], tuple[BudgetEntry, ...]]:
    pks = latest_pks(session, year)
    order = {indicator_id: index for index, indicator_id in enumerate(indicator_ids)}
    targets: list[TargetEntry] = []
    budget: list[BudgetEntry] = []
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
                TargetEntry(
                    position.code,
                    codes[target.indicator_id],
                    target.annual,
                    (target.tw1, target.tw2, target.tw3, target.tw4),
                    target.tw4_reason,
                )
            )
        for line in session.exec(
            select(PkBudgetLine)
            .where(PkBudgetLine.pk_id == pk.id)
            .order_by(col(PkBudgetLine.ordinal))
        ):
            budget.append(
                BudgetEntry(
                    position.code,
                    BudgetLine(line.program, line.anggaran, line.kegiatan, line.sub_kegiatan),
                )
            )
    return tuple(targets), tuple(budget)


# --- the import ------------------------------------------------------------------------


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

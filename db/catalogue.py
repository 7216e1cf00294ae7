"""The indicator catalogue: reading indicators as engine values, and its repository.

Every part of the application reads indicators (the workflow's completeness check, the
report and PK pages, the recap), always through `load_indicators`, with their formulas
parsed. `SqlCatalogue` (`engine.ports.CatalogueRepository`, on the unit of work's
session) gathers what the catalogue's use cases read and write: the facts a catalogue
file is checked against and its writer (db/imports.py), the indicators, and what the
catalogue workbook's export and import read (db/catalogue_workbook.py).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from typing import Any

from sqlalchemy import Row, Select
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from db import catalogue_workbook as workbook
from db.imports import catalogue_facts, stored_manuals, write_catalog
from db.models import Agency, IndicatorRow, IndicatorVariable
from engine.budget import BudgetLine
from engine.capaian import Polarity
from engine.catalogue import CatalogDocument, CatalogueFacts
from engine.catalogue_workbook import CatalogueContents, Known, PositionEntry, TargetEntry
from engine.formulas import Formula, GrowthBasis, InputKind, Preset, Variable, parse
from engine.imports import ImportReport
from engine.indicators import Indicator, IndicatorKind, Origin
from engine.manual import ManualEntry
from engine.ports import AgencyInfo, PkStatus
from engine.targets import Rollup, TargetMode
from engine.workflow import State

_INDICATOR = IndicatorRow.metadata.tables["indicator"]
_VARIABLE = IndicatorVariable.metadata.tables["indicator_variable"]
_AGENCY = Agency.metadata.tables["agency"]
_COLUMNS = (
    "id", "code", "position_id", "year", "kind", "kinerja", "name", "unit", "expression",
    "data_source", "polarity", "rollup", "target_mode", "decimals", "parent_id", "note", "preset",
    "origin", "origin_note", "confirmed", "growth_basis",
)  # fmt: skip


def load_indicators(
    session: Session,
    *,
    year: int,
    agency_code: str | None = None,
    position_ids: Collection[int] | None = None,
) -> list[Indicator]:
    """The indicators of a year (optionally of one agency or some positions), in catalogue order.

    Two queries whatever the number of indicators: the indicators, then all their variables,
    both read as plain columns (a regency has thousands; ORM objects cost half the time).
    """
    i, v = _INDICATOR.c, _VARIABLE.c

    def scoped(query: Select[Any]) -> Select[Any]:
        query = query.where(i.year == year)
        if agency_code is not None:
            query = query.join(_AGENCY, _AGENCY.c.id == i.agency_id).where(
                _AGENCY.c.code == agency_code
            )
        if position_ids is not None:
            query = query.where(i.position_id.in_(list(position_ids)))
        return query

    connection = session.connection()
    rows = connection.execute(
        scoped(sa_select(*(i[name] for name in _COLUMNS)).select_from(_INDICATOR)).order_by(
            i.sort_order, i.id
        )
    ).all()
    if not rows:
        return []
    variables: dict[int, list[Variable]] = {}
    # The variables of the same indicators, selected by the same filters (not an IN list of
    # thousands of ids).
    for item in connection.execute(
        scoped(
            sa_select(v.indicator_id, v.name, v.label, v.unit, v.kind, v.negative).select_from(
                _VARIABLE.join(_INDICATOR, i.id == v.indicator_id)
            )
        ).order_by(v.indicator_id, v.ordinal)
    ):
        variables.setdefault(item.indicator_id, []).append(
            Variable(
                item.name,
                item.label,
                item.unit,
                None if item.kind is None else InputKind(item.kind),
                bool(item.negative),
            )
        )
    return [_indicator(row, variables.get(row.id, [])) for row in rows]


def _indicator(row: Row[Any], variables: list[Variable]) -> Indicator:
    """Map an indicator row and its variables to the engine's Indicator (formula re-checked)."""
    return Indicator(
        id=row.id,
        code=row.code,
        position_id=row.position_id,
        year=row.year,
        kind=_KINDS[row.kind],
        kinerja=row.kinerja,
        name=row.name,
        unit=row.unit,
        formula=parsed_formula(row.expression, tuple(variables)),
        data_source=row.data_source,
        polarity=_POLARITIES[row.polarity],
        rollup=_ROLLUPS[row.rollup],
        target_mode=_TARGET_MODES[row.target_mode],
        decimals=row.decimals,
        parent_id=row.parent_id,
        note=row.note,
        preset=None if row.preset is None else Preset(row.preset),
        origin=Origin(row.origin),
        origin_note=row.origin_note,
        confirmed=bool(row.confirmed),
        growth_basis=None if row.growth_basis is None else GrowthBasis(row.growth_basis),
    )


# Enum lookups by value, done for every indicator: a dict is several times cheaper than
# calling the Enum class. An unknown stored value raises KeyError, as the call would raise.
_KINDS = {k.value: k for k in IndicatorKind}
_POLARITIES = {p.value: p for p in Polarity}
_ROLLUPS = {r.value: r for r in Rollup}
_TARGET_MODES = {m.value: m for m in TargetMode}


@functools.lru_cache(maxsize=8192)
def parsed_formula(expression: str, variables: tuple[Variable, ...]) -> Formula:
    """`engine.formulas.parse`, remembered: a regency's thousands of indicators share a few
    dozen formulas, and parsing (ast, whitelist, compiling) was most of loading them.

    Safe to share: parsing is a pure function of the expression and the variables, and a
    Formula is never changed after it is built. A formula that fails to parse raises every
    time (exceptions are not cached).
    """
    return parse(expression, variables)


# --- the repository --------------------------------------------------------------------


class SqlCatalogue:
    """The indicator catalogue and the PK rows its workbook carries."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def facts(self) -> CatalogueFacts:
        """The agencies, positions and indicators a catalogue file is checked against."""
        return catalogue_facts(self._session)

    def write(self, document: CatalogDocument) -> ImportReport:
        """Upsert the catalogue's duties, indicators and variables in this transaction."""
        return write_catalog(self._session, document)

    def manuals(self, indicator_ids: Collection[int]) -> dict[int, ManualEntry]:
        """The stored Manual IK entries of these indicators, by indicator id (none: no row)."""
        return stored_manuals(self._session, list(indicator_ids))

    def confirm(self, indicator_id: int) -> None:
        """Record that the agency confirmed this (derived) indicator."""
        row = self._session.get(IndicatorRow, indicator_id)
        if row is not None and not row.confirmed:
            row.confirmed = True
            self._session.flush()

    def latest_year(self) -> int | None:
        """The newest year with indicators."""
        year: int | None = self._session.exec(select(func.max(col(IndicatorRow.year)))).one()
        return year

    def indicators(self, *, year: int, position_ids: Collection[int]) -> list[Indicator]:
        """The indicators of these positions for a year, in catalogue order."""
        return load_indicators(self._session, year=year, position_ids=position_ids)

    def positions(self, agency_id: int) -> list[PositionEntry]:
        """The agency's positions (codes and titles) in the organisation's order."""
        return workbook.template_positions(self._session, agency_id)

    def contents(self, agency: AgencyInfo, year: int) -> CatalogueContents:
        """The agency's catalogue of a year with its PKs' targets and budget."""
        return workbook.catalogue_contents(self._session, agency, year)

    def known(self, agency: str | None, year: int | None) -> Known:
        """What a workbook naming this agency and year is checked against."""
        return workbook.known(self._session, agency, year)

    def position_ids(self, agency: str | None) -> dict[str, int]:
        """The agency's positions: code -> id."""
        return workbook.position_ids(self._session, agency)

    def latest_pks(self, year: int) -> dict[int, PkStatus]:
        """The latest revision of each position's PK of `year`, by position id."""
        return {
            position_id: PkStatus(pk.id, State(pk.state))
            for position_id, pk in workbook.latest_pks(self._session, year).items()
            if pk.id is not None
        }

    def stored_target(self, pk_id: int, indicator: str) -> TargetEntry | None:
        """The targets a PK holds for an indicator (by code)."""
        return workbook.stored_target(self._session, pk_id, indicator)

    def budget_lines(self, pk_id: int) -> tuple[BudgetLine, ...]:
        """A PK's budget lines in order."""
        return workbook.budget_lines(self._session, pk_id)

"""Reading indicators out of the database as engine values, formulas parsed."""

from __future__ import annotations

import functools
from collections.abc import Collection

from sqlmodel import Session, col, select

from db.models import Agency, IndicatorRow, IndicatorVariable
from engine.capaian import Polarity
from engine.formulas import Formula, Preset, Variable, parse
from engine.indicators import Indicator, IndicatorKind
from engine.targets import Rollup, TargetMode


def load_indicators(
    session: Session,
    *,
    year: int,
    agency_code: str | None = None,
    position_ids: Collection[int] | None = None,
) -> list[Indicator]:
    """The indicators of a year (optionally of one agency or some positions), in catalogue order.

    Two queries whatever the number of indicators: the indicators, then all their variables.
    """
    query = select(IndicatorRow).where(IndicatorRow.year == year)
    if agency_code is not None:
        query = query.join(Agency).where(Agency.code == agency_code)
    if position_ids is not None:
        query = query.where(col(IndicatorRow.position_id).in_(list(position_ids)))
    rows = list(session.exec(query.order_by(col(IndicatorRow.sort_order), col(IndicatorRow.id))))
    ids = [row.id for row in rows if row.id is not None]
    variables: dict[int, list[Variable]] = {}
    if ids:
        for item in session.exec(
            select(IndicatorVariable)
            .where(col(IndicatorVariable.indicator_id).in_(ids))
            .order_by(col(IndicatorVariable.indicator_id), col(IndicatorVariable.ordinal))
        ):
            variables.setdefault(item.indicator_id, []).append(
                Variable(item.name, item.label, item.unit)
            )
    return [to_indicator(row, variables.get(row.id or 0, [])) for row in rows]


def to_indicator(row: IndicatorRow, variables: list[Variable]) -> Indicator:
    """Map a row and its variables to the engine's Indicator (the formula is re-checked)."""
    assert row.id is not None
    return Indicator(
        id=row.id,
        code=row.code,
        position_id=row.position_id,
        year=row.year,
        kind=IndicatorKind(row.kind),
        kinerja=row.kinerja,
        name=row.name,
        unit=row.unit,
        formula=parsed_formula(row.expression, tuple(variables)),
        data_source=row.data_source,
        polarity=Polarity(row.polarity),
        rollup=Rollup(row.rollup),
        target_mode=TargetMode(row.target_mode),
        decimals=row.decimals,
        parent_id=row.parent_id,
        note=row.note,
        preset=None if row.preset is None else Preset(row.preset),
    )


@functools.lru_cache(maxsize=8192)
def parsed_formula(expression: str, variables: tuple[Variable, ...]) -> Formula:
    """`engine.formulas.parse`, remembered: a regency's thousands of indicators share a few
    dozen formulas, and parsing (ast, whitelist, compiling) was most of loading them.

    Safe to share: parsing is a pure function of the expression and the variables, and a
    Formula is never changed after it is built. A formula that fails to parse raises every
    time (exceptions are not cached).
    """
    return parse(expression, variables)

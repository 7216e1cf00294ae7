"""Feeding the recap: targets and realisations of a year in a fixed number of queries.

Whatever the number of indicators, this runs five queries (organisation,
indicators, their variables, the PK targets, the report entries) and hands plain
values to `engine.recap`. Targets and entries are read as plain columns (SQLAlchemy
Core), not ORM objects: a regency has tens of thousands of them. The targets of a
position are those of its latest PK revision among the states asked for (by default:
approved, the PK in force); realisations come from its quarterly reports of the year.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from sqlalchemy import Select
from sqlalchemy import select as sa_select
from sqlmodel import Session

from db.indicator_repo import load_indicators
from db.models import (
    Agency,
    IndicatorRow,
    PerjanjianKinerja,
    PkTarget,
    QuarterlyReport,
    ReportEntry,
)
from db.organisation import load_org
from engine.capaian import Target, parse_target
from engine.errors import ValidationError
from engine.indicators import Indicator
from engine.recap import IndicatorInput, Recap, build_recap
from engine.result import Result
from engine.targets import QuarterTargets

_INDICATOR = IndicatorRow.metadata.tables["indicator"]
_AGENCY = Agency.metadata.tables["agency"]
_TARGET = PkTarget.metadata.tables["pk_target"]
_PK = PerjanjianKinerja.metadata.tables["pk"]
_ENTRY = ReportEntry.metadata.tables["report_entry"]
_REPORT = QuarterlyReport.metadata.tables["report"]

APPROVED_ONLY = ("approved",)
"""Targets come from the PK in force: the latest approved revision."""


def recap_inputs(
    session: Session,
    *,
    year: int,
    agency_code: str | None = None,
    pk_states: Collection[str] | None = APPROVED_ONLY,
    report_states: Collection[str] | None = None,
) -> list[IndicatorInput]:
    """Indicators of `year` with their targets and four quarterly results."""
    indicators = load_indicators(session, year=year, agency_code=agency_code)
    if not indicators:
        return []
    # The indicators of the year (and agency) are selected by joining the indicator table
    # with the same filters, never by a list of ids: an IN list of thousands of ids made
    # SQLite probe the entry index once per report and per id (17 s for a regency).
    ind, ag = _INDICATOR.c, _AGENCY.c

    def of_year(query: Select[Any], column: Any) -> Select[Any]:
        query = query.join(_INDICATOR, ind.id == column).where(ind.year == year)
        if agency_code is not None:
            query = query.join(_AGENCY, ag.id == ind.agency_id).where(ag.code == agency_code)
        return query

    t, pk = _TARGET.c, _PK.c
    pk_query = of_year(
        sa_select(t.indicator_id, t.annual, t.tw1, t.tw2, t.tw3, t.tw4, pk.position_id, pk.revision)
        .select_from(_TARGET.join(_PK))
        .where(pk.year == year),
        t.indicator_id,
    )
    if pk_states is not None:
        pk_query = pk_query.where(pk.state.in_(list(pk_states)))
    latest: dict[int, int] = {}
    targets: dict[tuple[int, int], TargetRow] = {}
    connection = session.connection()
    for row in connection.execute(pk_query):
        targets[(row.revision, row.indicator_id)] = TargetRow(
            row.annual, row.tw1, row.tw2, row.tw3, row.tw4
        )
        latest[row.position_id] = max(latest.get(row.position_id, 0), row.revision)
    e, r = _ENTRY.c, _REPORT.c
    entry_query = of_year(
        sa_select(e.indicator_id, e.inputs, e.no_data_reason, r.quarter)
        .select_from(_ENTRY.join(_REPORT))
        .where(r.year == year),
        e.indicator_id,
    )
    if report_states is not None:
        entry_query = entry_query.where(r.state.in_(list(report_states)))
    entries: dict[tuple[int, int], EntryValues] = {
        (row.indicator_id, row.quarter): EntryValues(row.inputs, row.no_data_reason)
        for row in connection.execute(entry_query)
    }
    result = []
    for indicator in indicators:
        in_force = latest.get(indicator.position_id)
        target = targets.get((in_force, indicator.id)) if in_force is not None else None
        quarters = [realisation(indicator, entries.get((indicator.id, q))) for q in range(1, 5)]
        result.append(IndicatorInput(indicator, quarter_targets(indicator, target), quarters))
    return result


@dataclass(frozen=True, slots=True)
class TargetRow:
    """The target columns of a PK target row (what `quarter_targets` reads)."""

    annual: str
    tw1: str | None
    tw2: str | None
    tw3: str | None
    tw4: str | None


@dataclass(frozen=True, slots=True)
class EntryValues:
    """The columns of a report entry that `realisation` reads."""

    inputs: Mapping[str, Any]
    no_data_reason: str | None


class TargetLike(Protocol):
    """A PK target: the table row or its plain columns."""

    @property
    def annual(self) -> str: ...
    @property
    def tw1(self) -> str | None: ...
    @property
    def tw2(self) -> str | None: ...
    @property
    def tw3(self) -> str | None: ...
    @property
    def tw4(self) -> str | None: ...


class EntryLike(Protocol):
    """A report entry: the table row or its plain columns."""

    @property
    def inputs(self) -> Mapping[str, Any]: ...
    @property
    def no_data_reason(self) -> str | None: ...


def quarter_targets(indicator: Indicator, row: TargetLike | None) -> QuarterTargets | None:
    """The PK target row as engine values; None when absent or unreadable."""
    if row is None:
        return None
    try:
        quarters = (_target(row.tw1), _target(row.tw2), _target(row.tw3), _target(row.tw4))
        return QuarterTargets(parse_target(row.annual), quarters, indicator.target_mode)
    except ValidationError:
        return None


@functools.lru_cache(maxsize=8192)
def _target(text: str | None) -> Target | None:
    # Remembered: a regency's targets repeat a few hundred distinct texts, and a Target is
    # immutable; parsing is a pure function of the text (errors are raised every time).
    return None if text is None or not text.strip() else parse_target(text)


def realisation(indicator: Indicator, entry: EntryLike | None) -> Result:
    """The realisation of one indicator in one report: the formula over the stored inputs."""
    if entry is None:
        return Result.missing("laporan belum dibuat")
    if entry.no_data_reason:
        return Result.missing(f"tidak ada data: {entry.no_data_reason}")
    values: dict[str, Decimal | None] = {}
    for name in indicator.formula.variables:
        raw = entry.inputs.get(name)
        try:
            values[name] = None if raw in (None, "") else Decimal(str(raw))
        except InvalidOperation:
            values[name] = None
    return indicator.formula.evaluate(values)


def load_recap(
    session: Session,
    *,
    year: int,
    quarter: int | None,
    agency_code: str | None = None,
    pk_states: Collection[str] | None = APPROVED_ONLY,
    report_states: Collection[str] | None = None,
) -> Recap:
    """The recap of a quarter (or the year) computed by the engine from one pass of queries."""
    tree = load_org(session).tree
    items = recap_inputs(
        session,
        year=year,
        agency_code=agency_code,
        pk_states=pk_states,
        report_states=report_states,
    )
    return build_recap(tree, items, year=year, quarter=quarter)

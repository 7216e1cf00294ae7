"""Feeding the recap: targets and realisations of a year in a fixed number of queries.

Whatever the number of indicators, this runs five queries (organisation,
indicators, their variables, the PK targets, the report entries) and hands plain
values to `engine.recap`. The targets of a position are those of its latest PK
revision among the states asked for (by default: approved, the PK in force);
realisations come from its quarterly reports of the year.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, col, select

from db.indicator_repo import load_indicators
from db.models import PerjanjianKinerja, PkTarget, QuarterlyReport, ReportEntry
from db.org_repo import load_org
from engine.capaian import Target, parse_target
from engine.errors import ValidationError
from engine.indicators import Indicator
from engine.recap import IndicatorInput, Recap, build_recap
from engine.result import Result
from engine.targets import QuarterTargets

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
    ids = [indicator.id for indicator in indicators]
    if not ids:
        return []
    pk_query = (
        select(PkTarget, PerjanjianKinerja.position_id, PerjanjianKinerja.revision)
        .join(PerjanjianKinerja)
        .where(PerjanjianKinerja.year == year, col(PkTarget.indicator_id).in_(ids))
    )
    if pk_states is not None:
        pk_query = pk_query.where(col(PerjanjianKinerja.state).in_(list(pk_states)))
    latest: dict[int, int] = {}
    targets: dict[tuple[int, int], PkTarget] = {}
    for target, position_id, revision in session.exec(pk_query):
        targets[(revision, target.indicator_id)] = target
        latest[position_id] = max(latest.get(position_id, 0), revision)
    entry_query = (
        select(ReportEntry, QuarterlyReport.quarter)
        .join(QuarterlyReport)
        .where(QuarterlyReport.year == year, col(ReportEntry.indicator_id).in_(ids))
    )
    if report_states is not None:
        entry_query = entry_query.where(col(QuarterlyReport.state).in_(list(report_states)))
    entries: dict[tuple[int, int], ReportEntry] = {
        (entry.indicator_id, quarter): entry for entry, quarter in session.exec(entry_query)
    }
    result = []
    for indicator in indicators:
        in_force = latest.get(indicator.position_id)
        row = targets.get((in_force, indicator.id)) if in_force is not None else None
        quarters = [realisation(indicator, entries.get((indicator.id, q))) for q in range(1, 5)]
        result.append(IndicatorInput(indicator, quarter_targets(indicator, row), quarters))
    return result


def quarter_targets(indicator: Indicator, row: PkTarget | None) -> QuarterTargets | None:
    """The PK target row as engine values; None when absent or unreadable."""
    if row is None:
        return None
    try:
        quarters = (_target(row.tw1), _target(row.tw2), _target(row.tw3), _target(row.tw4))
        return QuarterTargets(parse_target(row.annual), quarters, indicator.target_mode)
    except ValidationError:
        return None


def _target(text: str | None) -> Target | None:
    return None if text is None or not text.strip() else parse_target(text)


def realisation(indicator: Indicator, entry: ReportEntry | None) -> Result:
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

"""The dashboard: capaian of a period per agency, bidang and position, and how far the reports are.

Everything comes from a fixed number of queries (years, the recap, the organisation,
the reports, the holidays), whatever the period or the number of reports. The numbers
are the recap every other reader gets (`engine.usecases.recap`); the progress is worked
out as `engine.usecases.progress` does, with the reminder sweep's deadlines. The bidang
filter narrows the bidang shown, the workflow counts and the report table; the agency
totals stay whole. The workbook download (`dashboard_export`) gives the same recap with
the same period and bidang. Realisations of reports not verified yet are left out unless
`include_unverified` (the page's switch); either way the recap lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from engine.clock import local_date
from engine.errors import ValidationError
from engine.gate import may_view
from engine.org import Level, OrgTree, Position
from engine.periods import Quarter
from engine.policy import Policy
from engine.ports import UnitOfWork
from engine.progress import (
    MISSING,
    MISSING_LABEL,
    ProgressSummary,
    ReportProgress,
    summarise,
)
from engine.recap import GroupScore, IndicatorInput, Recap, bidang_of, build_recap
from engine.usecases.progress import period_progress
from engine.usecases.recap import RecapExport, period_label, recap_basis, recap_export
from engine.workflow import Actor, DocKind, State

__all__ = [
    "BidangScores",
    "Dashboard",
    "Period",
    "ReportLine",
    "dashboard_export",
    "show_dashboard",
]

OVERDUE_FILTER = "terlambat"
"""The value of the status filter that keeps only overdue reports."""
STATUS_OPTIONS = {MISSING: MISSING_LABEL.capitalize()} | {
    state.value: state.label.capitalize() for state in State
}
"""The status filter's choices (report states and "not created yet") with their labels."""


@dataclass(frozen=True)
class Period:
    """The year and quarter shown (quarter None: the whole year)."""

    year: int
    quarter: int | None

    @property
    def label(self) -> str:
        """The period as users read it: "TW I 2021" or "Tahun 2021"."""
        return period_label(self.year, self.quarter)


@dataclass(frozen=True)
class BidangScores:
    """A bidang: its total and its positions (tree order)."""

    position: Position
    total: GroupScore
    positions: list[GroupScore]


@dataclass(frozen=True)
class ReportLine:
    """A line of the report table: the workflow row and the position's capaian in its quarter."""

    progress: ReportProgress
    capaian: Decimal | None
    category: str | None
    readable: bool = True
    """The reader may open the report (the page links only to those)."""


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard shows for a period and its filters."""

    period: Period
    years: list[int]
    """The years to choose from, newest first (those with data, and the period's)."""
    units: list[Position]
    chosen: Position | None
    status: str
    recap: Recap
    leaders: list[GroupScore]
    sections: list[BidangScores]
    summary: ProgressSummary
    rows: list[ReportLine]


def show_dashboard(
    uow: UnitOfWork,
    *,
    year: int | None,
    quarter: str | None,
    bidang: str = "",
    status: str = "",
    now: datetime,
    policy: Policy,
    include_unverified: bool = False,
    actor: Actor | None = None,
) -> Dashboard:
    """The dashboard of a year and quarter (default: today's), filterable by bidang and status.

    `status` is a report state, "missing" (not created yet) or "terlambat" (overdue only).
    With `actor`, each report line says whether that reader may open the report (the gate's
    `may_view`, with the reports they acted on read in one query), so the page links only
    to what opens.
    """
    today = local_date(now, policy.zone)
    repo = uow.recaps
    years = repo.years_with_data()
    period = choose_period(year, quarter, years, Quarter.of(today))
    basis = recap_basis(uow, period.year, include_unverified=include_unverified)
    data = repo.recap(year=period.year, quarter=period.quarter, basis=basis)
    items, recap = data.items, data.recap
    tree = repo.org_tree()
    rows = period_progress(
        uow,
        period.year,
        period.quarter,
        expected=positions_with_indicators(tree, items),
        now=now,
        policy=policy,
        tree=tree,
    )
    units = bidang_units(tree)
    chosen = choose_bidang(bidang, units)
    if status and status not in (*STATUS_OPTIONS, OVERDUE_FILTER):
        raise ValidationError(
            f"Status '{status}' tidak dikenal", log_message=f"unknown status filter {status!r}"
        )
    if chosen is not None:
        rows = [row for row in rows if row.bidang == chosen]
    shown = [row for row in rows if _status_matches(row, status)]
    return Dashboard(
        period=period,
        years=sorted({*years, period.year}, reverse=True),
        units=units,
        chosen=chosen,
        status=status,
        recap=recap,
        leaders=[] if chosen is not None else leader_scores(tree, recap),
        sections=bidang_sections(tree, recap, chosen),
        summary=summarise(rows),
        rows=readable_lines(
            uow, report_lines(shown, tree, items, recap), actor, tree, now=now, policy=policy
        ),
    )


def dashboard_export(
    uow: UnitOfWork,
    *,
    year: int | None,
    quarter: str | None,
    bidang: str = "",
    now: datetime,
    policy: Policy,
    include_unverified: bool = False,
) -> RecapExport:
    """The workbook data of the dashboard's period (chosen as the page does) and bidang."""
    years = uow.recaps.years_with_data()
    period = choose_period(year, quarter, years, Quarter.of(local_date(now, policy.zone)))
    return recap_export(
        uow,
        year=period.year,
        quarter=period.quarter,
        bidang=bidang,
        now=now,
        include_unverified=include_unverified,
    )


def choose_period(
    year: int | None, quarter: str | None, years: list[int], current: Quarter
) -> Period:
    """The period asked for; without one, today's quarter, or else the latest year with data."""
    if year is None and quarter is None:
        if not years or current.year in years:
            return Period(current.year, current.number)
        return Period(years[0], None)
    chosen_year = current.year if year is None else year
    if not 2000 <= chosen_year <= 2100:
        raise ValidationError(
            f"Tahun {chosen_year} di luar rentang", log_message=f"year {chosen_year} out of range"
        )
    if quarter in (None, ""):
        return Period(chosen_year, None)
    if quarter not in ("1", "2", "3", "4"):
        raise ValidationError(
            "Triwulan harus 1 sampai 4 atau kosong (setahun)",
            log_message=f"bad quarter {quarter!r}",
        )
    return Period(chosen_year, int(quarter))


def bidang_units(tree: OrgTree) -> list[Position]:
    """The Bidang and the Sekretariat (Administrator-level positions), in tree order."""
    return [
        position
        for root in tree.roots()
        for _, position in tree.walk(root.id)
        if position.level is Level.ADMINISTRATOR
    ]


def choose_bidang(code: str, units: list[Position]) -> Position | None:
    """The bidang of the filter's code (None: all); an unknown code is refused."""
    if not code:
        return None
    for unit in units:
        if unit.code == code:
            return unit
    raise ValidationError(f"Bidang '{code}' tidak dikenal", log_message=f"unknown bidang {code!r}")


def positions_with_indicators(tree: OrgTree, items: list[IndicatorInput]) -> list[int]:
    """Positions expected to report (those with indicators in the year), in tree order."""
    having = {item.indicator.position_id for item in items}
    return [
        position.id
        for root in tree.roots()
        for _, position in tree.walk(root.id)
        if position.id in having
    ]


def leader_scores(tree: OrgTree, recap: Recap) -> list[GroupScore]:
    """Scores of positions that belong to no bidang (the head of the agency)."""
    outside = {p.id for p in tree.positions if bidang_of(tree, p) is None}
    return [group for group in recap.positions if group.position_id in outside]


def bidang_sections(tree: OrgTree, recap: Recap, chosen: Position | None) -> list[BidangScores]:
    """Each bidang of the recap (or only the chosen one) with the scores of its positions."""
    units = {unit.id: unit for unit in bidang_units(tree)}
    unit_of = {p.id: unit.id for p in tree.positions if (unit := bidang_of(tree, p)) is not None}
    sections = []
    for total in recap.bidang:
        unit = units.get(total.position_id)
        if unit is None or (chosen is not None and unit != chosen):
            continue
        members = [g for g in recap.positions if unit_of.get(g.position_id) == unit.id]
        sections.append(BidangScores(unit, total, members))
    return sections


def report_lines(
    rows: list[ReportProgress], tree: OrgTree, items: list[IndicatorInput], recap: Recap
) -> list[ReportLine]:
    """Attach to each report the capaian of its position in its own quarter."""
    recaps = {recap.quarter: recap}
    by_quarter: dict[tuple[int, int], GroupScore] = {}
    for number in sorted({row.quarter.number for row in rows}):
        if number not in recaps:
            recaps[number] = build_recap(
                tree, items, year=recap.year, quarter=number, basis=recap.basis
            )
        for group in recaps[number].positions:
            by_quarter[(number, group.position_id)] = group
    result = []
    for row in rows:
        score = by_quarter.get((row.quarter.number, row.position.id))
        value = None if score is None else score.capaian.value
        category = None if score is None or score.category is None else score.category.name
        result.append(ReportLine(row, value, category))
    return result


def readable_lines(
    uow: UnitOfWork,
    lines: list[ReportLine],
    actor: Actor | None,
    tree: OrgTree,
    *,
    now: datetime,
    policy: Policy,
) -> list[ReportLine]:
    """Mark the lines whose report `actor` may not open (None or the administrator: all)."""
    if actor is None or actor.is_admin or not lines:
        return lines
    me = actor.official_id
    acted = set() if me is None else set(uow.workflow.acted_by(me))
    today = local_date(now, policy.zone)
    by_position: dict[tuple[int, int], bool] = {}  # the tree's answer, once per position
    marked = []
    for line in lines:
        row = line.progress
        key = (row.position.id, row.quarter.year)
        if key not in by_position:
            by_position[key] = may_view(key[0], actor, today, tree=tree, year=key[1])
        readable = row.report_id is not None and (
            by_position[key] or (DocKind.REPORT, row.report_id) in acted
        )
        marked.append(replace(line, readable=readable))
    return marked


def _status_matches(row: ReportProgress, status: str) -> bool:
    if not status:
        return True
    if status == OVERDUE_FILTER:
        return row.overdue
    return row.status == status

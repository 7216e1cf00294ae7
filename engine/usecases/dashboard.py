"""The dashboard: capaian of a period per agency, bidang and position, and how far the reports are.

Everything comes from a fixed number of queries (years, the recap, the organisation,
the reports, the holidays), whatever the period or the number of reports. The numbers
are the recap every other reader gets (`engine.usecases.recap`); the progress is worked
out as `engine.usecases.progress` does, with the reminder sweep's deadlines. The bidang
filter narrows the bidang shown, the workflow counts and the report table; the agency
totals stay whole. The workbook download (`dashboard_export`) gives the same recap with
the same period and bidang. Realisations of reports not verified yet are left out unless
`include_unverified` (the page's switch); either way the recap lists them.

Without a period the dashboard opens on the latest ended quarter that has a verified or
approved report: what a head can already rely on. At the top: the agency's
headline with the reports still pending, the red list (indicators at or below the
narrative threshold, `Policy.narrative_threshold`, with holder, kendala and report) and
the progress per bidang; then each indicator's TW I-IV trend. Where several agencies
share a deployment, the administrator and the holders of a regency role
(`engine.roles.may_view_regency`) get the regency view (capaian and completion per
agency) and may pick any agency; everyone else sees the agency of their own post.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from engine.clock import local_date
from engine.errors import ValidationError
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
from engine.recap import (
    GroupScore,
    IndicatorInput,
    Recap,
    bidang_of,
    build_recap,
)
from engine.usecases.dashboard_focus import (
    Period,
    agency_names,
    choose_agency,
    dashboard_period,
    dashboard_scope,
    of_agency,
)
from engine.usecases.dashboard_top import (
    PENDING_STATES,
    AgencyLine,
    ReadCheck,
    RedItem,
    Trend,
    UnitProgress,
    red_items,
    red_list,
    regency_lines,
    trends,
    unit_progress,
)
from engine.usecases.progress import period_progress
from engine.usecases.recap import RecapExport, recap_basis, recap_export
from engine.workflow import Actor, State

__all__ = [
    "AgencyLine",
    "BidangScores",
    "Dashboard",
    "Period",
    "RedItem",
    "ReportLine",
    "Trend",
    "UnitProgress",
    "dashboard_export",
    "dashboard_scope",
    "show_dashboard",
]

OVERDUE_FILTER = "terlambat"
"""The value of the status filter that keeps only overdue reports."""
STATUS_OPTIONS = {MISSING: MISSING_LABEL.capitalize()} | {
    state.value: state.label.capitalize() for state in State
}
"""The status filter's choices (report states and "not created yet") with their labels."""


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
    automatic: bool = False
    """The period was chosen by the dashboard (the latest verified quarter)."""
    agencies: list[tuple[int, str]] = field(default_factory=list)
    """(id, name) of the agencies the reader may pick (two or more: the filter shows)."""
    agency: int | None = None
    """The agency shown (None: the regency view)."""
    regency: list[AgencyLine] = field(default_factory=list)
    red: list[RedItem] = field(default_factory=list)
    threshold: str = ""
    progress: list[UnitProgress] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)
    pending: int = 0
    """Reports of the period not verified yet (draft or submitted): not counted above."""


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
    agency: str = "",
) -> Dashboard:
    """The dashboard of a year and quarter (default: the latest verified quarter), filterable
    by agency, bidang and status.

    `status` is a report state, "missing" (not created yet) or "terlambat" (overdue only).
    `agency` is an agency's id; without it a reader of several agencies gets the regency
    view. With `actor`, each report says whether that reader may open it (the gate's
    `may_view`, with the reports they acted on read in one query), so the page links only
    to what opens; without `actor` (the CLI, tests) every agency is visible.
    """
    today = local_date(now, policy.zone)
    repo = uow.recaps
    years = repo.years_with_data()
    tree = repo.org_tree()
    names = agency_names(tree)
    visible = dashboard_scope(actor, tree, today)
    choices = [(a, name) for a, name in names.items() if visible is None or a in visible]
    shown_agency = choose_agency(agency, choices, names)
    automatic = year is None and quarter is None
    period = dashboard_period(uow, year, quarter, years, Quarter.of(today))
    basis = recap_basis(uow, period.year, include_unverified=include_unverified)
    data = repo.recap(year=period.year, quarter=period.quarter, basis=basis)
    items, recap = data.items, data.recap
    mine = None
    if shown_agency is not None and len(names) > 1:
        mine = {p.id for p in tree.positions if p.agency_id == shown_agency}
        recap, items = of_agency(recap, items, mine)
    rows = period_progress(
        uow,
        period.year,
        period.quarter,
        expected=positions_with_indicators(tree, items),
        now=now,
        policy=policy,
        tree=tree,
        only=mine,
    )
    units = [] if shown_agency is None else bidang_units(tree, shown_agency)
    chosen = choose_bidang(bidang, units)
    if status and status not in (*STATUS_OPTIONS, OVERDUE_FILTER):
        raise ValidationError(
            f"Status '{status}' tidak dikenal", log_message=f"unknown status filter {status!r}"
        )
    if chosen is not None:
        rows = [row for row in rows if row.bidang == chosen]
    reader = ReadCheck(uow, actor, tree, today)
    red_scores = red_list(recap, policy.narrative_threshold, tree, chosen)
    regency = shown_agency is None
    shown = [] if regency else [row for row in rows if _status_matches(row, status)]
    calendar = None if regency else uow.pending.calendar()
    return Dashboard(
        period=period,
        years=sorted({*years, period.year}, reverse=True),
        units=units,
        chosen=chosen,
        status=status,
        recap=recap,
        leaders=[] if regency or chosen is not None else leader_scores(tree, recap),
        sections=[] if regency else bidang_sections(tree, recap, chosen),
        summary=summarise(rows),
        rows=readable_lines(report_lines(shown, tree, items, recap), reader),
        automatic=automatic,
        agencies=choices,
        agency=shown_agency,
        regency=regency_lines(recap, rows, tree, names, red_scores) if regency else [],
        red=[]
        if regency
        else red_items(uow, red_scores, period.year, period.quarter, reader, tree, today),
        threshold=policy.narrative_threshold,
        progress=[] if calendar is None else unit_progress(rows, calendar, today),
        trends=[] if regency else trends(items, recap, tree, chosen),
        pending=sum(1 for row in rows if row.state in PENDING_STATES),
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
    period = dashboard_period(uow, year, quarter, uow.recaps.years_with_data(),
                              Quarter.of(local_date(now, policy.zone)))  # fmt: skip
    return recap_export(
        uow,
        year=period.year,
        quarter=period.quarter,
        bidang=bidang,
        now=now,
        include_unverified=include_unverified,
    )


def bidang_units(tree: OrgTree, agency_id: int | None = None) -> list[Position]:
    """The Bidang and the Sekretariat (Administrator-level positions), in tree order, of
    every agency or of one."""
    return [
        position
        for root in tree.roots()
        if agency_id is None or root.agency_id == agency_id
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
    unit_of = {
        g.position_id: unit.id
        for g in recap.positions
        if (unit := bidang_of(tree, tree.position(g.position_id))) is not None
    }
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


def readable_lines(lines: list[ReportLine], reader: ReadCheck) -> list[ReportLine]:
    """Mark the lines whose report the reader may not open."""
    return [
        replace(
            line,
            readable=reader(
                line.progress.position.id, line.progress.quarter.year, line.progress.report_id
            ),
        )
        for line in lines
    ]


def _status_matches(row: ReportProgress, status: str) -> bool:
    if not status:
        return True
    if status == OVERDUE_FILTER:
        return row.overdue
    return row.status == status

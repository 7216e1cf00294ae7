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

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from engine.calendar import WorkingCalendar
from engine.clock import local_date
from engine.errors import ForbiddenError, NotFoundError, ValidationError
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
from engine.recap import (
    COUNTED_STATES,
    GroupScore,
    IndicatorInput,
    IndicatorScore,
    Recap,
    bidang_of,
    build_recap,
    score,
)
from engine.roles import may_view_regency
from engine.usecases.progress import period_progress
from engine.usecases.recap import RecapExport, period_label, recap_basis, recap_export
from engine.workflow import Actor, DocKind, State

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

PENDING_STATES = frozenset({State.DRAFT, State.SUBMITTED})
"""Reports whose realisations the recap leaves out until they are verified."""
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
class RedItem:
    """An indicator at or below the narrative threshold: who holds it, why, and its report."""

    score: IndicatorScore
    position: Position
    holder: str
    """Whoever acts for the position, with the acting prefix: "Plt. Budi Santoso"."""
    kendala: str
    report_id: int | None
    readable: bool


@dataclass(frozen=True)
class UnitProgress:
    """The reports of a bidang (None: the head of the agency) in the period."""

    unit: Position | None
    label: str
    counts: dict[str, int]
    expected: int
    done: int
    """Verified or approved: their realisations count."""
    overdue: int
    late_days: int
    """Working days past the deadline of the latest overdue report (0: none overdue)."""


@dataclass(frozen=True)
class Trend:
    """An indicator's capaian in TW I-IV (cumulative as its targets say) and its categories."""

    score: IndicatorScore
    values: tuple[Decimal | None, ...]
    categories: tuple[str | None, ...]


@dataclass(frozen=True)
class AgencyLine:
    """An agency in the regency view: its capaian and how many reports are done."""

    agency_id: int
    name: str
    total: GroupScore | None
    expected: int
    done: int
    pending: int
    overdue: int
    red: int


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
        red=[] if regency else red_items(uow, red_scores, period, reader, tree, today),
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


def dashboard_period(
    uow: UnitOfWork, year: int | None, quarter: str | None, years: list[int], current: Quarter
) -> Period:
    """The period asked for; without one, the latest quarter with verified data, else
    `choose_period`'s default."""
    if year is None and quarter is None:
        found = latest_verified(uow, years, current)
        if found is not None:
            return found
    return choose_period(year, quarter, years, current)


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


def latest_verified(uow: UnitOfWork, years: list[int], current: Quarter) -> Period | None:
    """The latest quarter ended before `current` that has a verified or approved report (one
    query per year looked at, newest first; usually one). A quarter is reported on after
    it ends, so `current` itself never counts."""
    for year in years:
        if year > current.year:
            continue
        counted = [
            row.quarter
            for row in uow.pending.reports_of(year=year, quarter=None)
            if row.state.value in COUNTED_STATES and Quarter(year, row.quarter) < current
        ]
        if counted:
            return Period(year, max(counted))
    return None


def agency_names(tree: OrgTree) -> dict[int, str]:
    """Each agency's id and name (its head's unit), in tree order."""
    return {root.agency_id: root.unit_name for root in tree.roots()}


def dashboard_scope(actor: Actor | None, tree: OrgTree, on: date) -> frozenset[int] | None:
    """The agencies whose dashboard `actor` reads on `on` (None: every agency, with the
    regency view).

    The administrator and the holders of a regency role (Bupati, Sekda, Bappeda,
    Inspektorat) read every agency; anyone else the agencies of the posts they hold that
    day. Where the deployment has one agency only, everyone signed in reads it (as
    before the regency view existed). No actor: the CLI and tests, every agency.
    """
    if actor is None or may_view_regency(actor, on, tree=tree):
        return None
    agencies = {root.agency_id for root in tree.roots()}
    if len(agencies) <= 1:
        return None
    if actor.official_id is None:
        return frozenset()
    try:
        holdings = tree.holdings_of(actor.official_id, on)
    except NotFoundError:
        return frozenset()
    return frozenset(h.position.agency_id for h in holdings)


def choose_agency(text: str, choices: list[tuple[int, str]], known: Collection[int]) -> int | None:
    """The agency of the filter (an id among `choices`); without one, the reader's only
    agency, or None (the regency view) when they read several."""
    ids = [agency_id for agency_id, _ in choices]
    if text:
        try:
            wanted = int(text)
        except ValueError:
            wanted = -1
        if wanted in ids:
            return wanted
        if wanted in known:
            raise ForbiddenError(
                "Anda hanya dapat melihat dasbor perangkat daerah tempat Anda bertugas",
                log_message=f"dashboard of agency {wanted} refused",
            )
        raise ValidationError(
            f"Perangkat daerah '{text}' tidak dikenal",
            log_message=f"unknown agency filter {text!r}",
        )
    if not ids and known:
        raise ForbiddenError(
            "Dasbor hanya untuk pegawai yang memegang jabatan di perangkat daerah",
            log_message="dashboard refused: no post held today",
        )
    return ids[0] if len(ids) == 1 else None


def of_agency(
    recap: Recap, items: list[IndicatorInput], mine: Collection[int]
) -> tuple[Recap, list[IndicatorInput]]:
    """The recap and its inputs narrowed to one agency's positions (the regency's recap is
    cached whole)."""
    narrowed = replace(
        recap,
        indicators=[s for s in recap.indicators if s.indicator.position_id in mine],
        positions=[g for g in recap.positions if g.position_id in mine],
        bidang=[g for g in recap.bidang if g.position_id in mine],
        agency=[g for g in recap.agency if g.position_id in mine],
    )
    return narrowed, [item for item in items if item.indicator.position_id in mine]


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


class ReadCheck:
    """Whether a reader may open a report: the gate's `may_view` once per position and year,
    and the reports they acted on read once (only when asked)."""

    def __init__(self, uow: UnitOfWork, actor: Actor | None, tree: OrgTree, today: date) -> None:
        self._uow, self._actor, self._tree, self._today = uow, actor, tree, today
        self._acted: set[tuple[DocKind, int]] | None = None
        self._by_position: dict[tuple[int, int], bool] = {}

    def __call__(self, position_id: int, year: int, report_id: int | None) -> bool:
        """True when the report exists and the reader may open it."""
        actor = self._actor
        if report_id is None:
            return False
        if actor is None or actor.is_admin:
            return True
        key = (position_id, year)
        if key not in self._by_position:
            self._by_position[key] = may_view(
                position_id, actor, self._today, tree=self._tree, year=year
            )
        if self._by_position[key]:
            return True
        if self._acted is None:
            me = actor.official_id
            self._acted = set() if me is None else set(self._uow.workflow.acted_by(me))
        return (DocKind.REPORT, report_id) in self._acted


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


def in_unit(tree: OrgTree, chosen: Position | None) -> Callable[[int], bool]:
    """Whether a position belongs to the chosen bidang (every position without a filter)."""
    if chosen is None:
        return lambda _position_id: True
    return lambda position_id: bidang_of(tree, tree.position(position_id)) == chosen


def red_list(
    recap: Recap, threshold: str, tree: OrgTree, chosen: Position | None
) -> list[IndicatorScore]:
    """Indicators whose capaian falls in the threshold category or a worse one (the scale
    runs from best to worst), lowest capaian first. A threshold the scale does not name
    lists nothing, as it asks no narrative."""
    names = [category.name for category in recap.basis.rules.scale.categories]
    if threshold not in names:
        return []
    low = set(names[names.index(threshold) :])
    inside = in_unit(tree, chosen)
    found = [
        s
        for s in recap.indicators
        if s.category is not None and s.category.name in low and inside(s.indicator.position_id)
    ]
    return sorted(found, key=lambda s: (s.capaian.value or Decimal(0), s.indicator.code))


def red_items(
    uow: UnitOfWork,
    scores: list[IndicatorScore],
    period: Period,
    reader: ReadCheck,
    tree: OrgTree,
    today: date,
) -> list[RedItem]:
    """The red list with each indicator's holder (on the period's last day, or today when
    that is later than today), the kendala written in its report and the report (one query
    for every entry)."""
    if not scores:
        return []
    entries = uow.recaps.entry_inputs(
        year=period.year, indicator_ids=[s.indicator.id for s in scores]
    )
    on = min(today, Quarter(period.year, period.quarter or 4).last_day)
    result = []
    for s in scores:
        quarters = [period.quarter] if period.quarter else [4, 3, 2, 1]
        entry = next(
            (e for q in quarters if (e := entries.get((s.indicator.id, q))) is not None), None
        )
        position = tree.position(s.indicator.position_id)
        holding = tree.acting_holder(position.id, on)
        holder = "lowong" if holding is None else f"{holding.status.prefix} {holding.official.name}"
        report_id = None if entry is None else entry.report_id
        result.append(
            RedItem(
                score=s,
                position=position,
                holder=holder.strip(),
                kendala="" if entry is None else (entry.kendala or "").strip(),
                report_id=report_id,
                readable=reader(position.id, period.year, report_id),
            )
        )
    return result


def unit_progress(
    rows: list[ReportProgress], calendar: WorkingCalendar, today: date
) -> list[UnitProgress]:
    """The reports per bidang (the head of the agency's apart), in tree order: counts per
    status, how many are done and how many overdue, by how many working days at most."""
    groups: dict[int | None, list[ReportProgress]] = {}
    for row in rows:
        groups.setdefault(None if row.bidang is None else row.bidang.id, []).append(row)
    result = []
    for group in groups.values():
        unit = group[0].bidang
        late = [
            calendar.working_days_between(row.deadline, today)
            for row in group
            if row.overdue and row.deadline is not None
        ]
        result.append(
            UnitProgress(
                unit=unit,
                label="Pimpinan" if unit is None else unit.unit_name,
                counts=summarise(group).counts,
                expected=len(group),
                done=sum(1 for row in group if row.status in COUNTED_STATES),
                overdue=len(late),
                late_days=max(late, default=0),
            )
        )
    return result


def trends(
    items: list[IndicatorInput], recap: Recap, tree: OrgTree, chosen: Position | None
) -> list[Trend]:
    """Each indicator's capaian in TW I, II, III and IV, under the recap's basis (pure: the
    inputs are the recap's)."""
    rules, extra = recap.basis.rules, recap.basis.include_unverified
    inside = in_unit(tree, chosen)
    scored = {s.indicator.id: s for s in recap.indicators}
    result = []
    for item in items:
        if not inside(item.indicator.position_id):
            continue
        scores = [score(item, q, rules=rules, include_unverified=extra) for q in range(1, 5)]
        result.append(
            Trend(
                score=scored[item.indicator.id],
                values=tuple(s.capaian.value for s in scores),
                categories=tuple(None if s.category is None else s.category.name for s in scores),
            )
        )
    return result


def regency_lines(
    recap: Recap,
    rows: list[ReportProgress],
    tree: OrgTree,
    names: dict[int, str],
    red: list[IndicatorScore],
) -> list[AgencyLine]:
    """Each agency's capaian and reports (done, pending, overdue) and red indicators."""
    totals = {tree.position(g.position_id).agency_id: g for g in recap.agency}
    by_agency: dict[int, list[ReportProgress]] = {}
    for row in rows:
        by_agency.setdefault(row.position.agency_id, []).append(row)
    reds: dict[int, int] = {}
    for s in red:
        agency_id = tree.position(s.indicator.position_id).agency_id
        reds[agency_id] = reds.get(agency_id, 0) + 1
    lines = []
    for agency_id, name in names.items():
        group = by_agency.get(agency_id, [])
        lines.append(
            AgencyLine(
                agency_id=agency_id,
                name=name,
                total=totals.get(agency_id),
                expected=len(group),
                done=sum(1 for row in group if row.status in COUNTED_STATES),
                pending=sum(1 for row in group if row.state in PENDING_STATES),
                overdue=sum(1 for row in group if row.overdue),
                red=reds.get(agency_id, 0),
            )
        )
    return lines


def _status_matches(row: ReportProgress, status: str) -> bool:
    if not status:
        return True
    if status == OVERDUE_FILTER:
        return row.overdue
    return row.status == status

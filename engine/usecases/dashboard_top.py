"""The top of the head's dashboard: the red list, the progress per bidang, each
indicator's TW I-IV trend and the regency view, worked out from what `show_dashboard`
(engine.usecases.dashboard) already read: the recap, the report rows, the organisation tree
and the calendar. Pure except for `red_items`, which reads the kendala of the listed
indicators in one query; `ReadCheck` asks the gate whether a reader may open a report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine.calendar import WorkingCalendar
from engine.gate import may_view
from engine.org import OrgTree, Position
from engine.periods import Quarter
from engine.ports import UnitOfWork
from engine.progress import ReportProgress, summarise
from engine.recap import (
    COUNTED_STATES,
    GroupScore,
    IndicatorInput,
    IndicatorScore,
    Recap,
    bidang_of,
    score,
)
from engine.workflow import Actor, DocKind, State

__all__ = [
    "AgencyLine",
    "ReadCheck",
    "RedItem",
    "Trend",
    "UnitProgress",
]

PENDING_STATES = frozenset({State.DRAFT, State.SUBMITTED})
"""Reports whose realisations the recap leaves out until they are verified."""


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
    year: int,
    quarter: int | None,
    reader: ReadCheck,
    tree: OrgTree,
    today: date,
) -> list[RedItem]:
    """The red list with each indicator's holder (on the last day of `quarter`, or of the
    year when None, or today when that is earlier), the kendala written in its report and
    the report (one query for every entry)."""
    if not scores:
        return []
    entries = uow.recaps.entry_inputs(year=year, indicator_ids=[s.indicator.id for s in scores])
    on = min(today, Quarter(year, quarter or 4).last_day)
    result = []
    for s in scores:
        quarters = [quarter] if quarter else [4, 3, 2, 1]
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
                readable=reader(position.id, year, report_id),
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

"""Dasbor: capaian of a period per agency, bidang and position, and how far the reports are.

Everything comes from a fixed number of queries (organisation, indicators,
targets, entries, reports, holidays, years), whatever the period or the number
of reports; the numbers are the engine's recap (the same as `load_recap`) and the
deadlines are the reminder sweep's. The bidang filter narrows the bidang shown,
the workflow counts and the report table; the agency totals stay whole.
`/dasbor/rekap.xlsx` gives the same recap as an Excel workbook, with the same filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from db.dashboard_query import years_with_data
from db.org_repo import load_org
from db.recap_cache import cached_recap
from documents.colours import CATEGORY_COLOURS, EXTRA_CATEGORY_COLOURS, text_colour
from documents.xlsx.common import CONTENT_TYPE
from documents.xlsx.recap import load_recap_export, recap_workbook_bytes
from engine.errors import ValidationError
from engine.org import Level, OrgTree, Position
from engine.periods import Quarter
from engine.recap import (
    GroupScore,
    IndicatorInput,
    Recap,
    bidang_of,
    build_recap,
)
from engine.workflow import State
from notifications.progress import (
    MISSING,
    ReportProgress,
    load_progress,
    summarise,
)
from notifications.progress import (
    MISSING_LABEL as REPORT_MISSING_LABEL,
)
from web.auth import PageUser
from web.charts import Bar, bar_chart
from web.deps import web_of
from web.render import page

router = APIRouter()

OVERDUE_FILTER = "terlambat"
"""The value of the status filter that keeps only overdue reports."""


@dataclass(frozen=True)
class Period:
    """The year and quarter shown (quarter None: the whole year)."""

    year: int
    quarter: int | None

    @property
    def label(self) -> str:
        """The period as users read it: "TW I 2021" or "Tahun 2021"."""
        if self.quarter is None:
            return f"Tahun {self.year}"
        return Quarter(self.year, self.quarter).label


@dataclass(frozen=True)
class BidangSection:
    """A bidang: its total, its positions and their chart."""

    position: Position
    total: GroupScore
    positions: list[GroupScore]
    chart: Markup


@dataclass(frozen=True)
class TableRow:
    """A line of the report table: the workflow row and the position's capaian in its quarter."""

    progress: ReportProgress
    capaian: Decimal | None
    category: str | None


@router.get("/dasbor", response_class=HTMLResponse)
def dashboard(
    request: Request,
    user: PageUser,
    year: int | None = None,
    quarter: str | None = None,
    bidang: str = "",
    state: str = "",
) -> HTMLResponse:
    """The dashboard of a year and quarter (default: today's), filterable by bidang and state.

    `state` is a report state, "missing" (not created yet) or "terlambat" (overdue only).
    """
    status = state
    web = web_of(request)
    today = web.today()
    with Session(web.deps.engine) as session:
        years = years_with_data(session)
    period = choose_period(year, quarter, years, Quarter.of(today))
    data = cached_recap(web.deps.engine, year=period.year, quarter=period.quarter)
    items, recap = data.items, data.recap
    with Session(web.deps.engine) as session:
        tree = load_org(session).tree
        expected = positions_with_indicators(tree, items)
        rows = load_progress(
            session,
            tree,
            year=period.year,
            quarter=period.quarter,
            expected=expected,
            rules=web.settings.deadlines,
            today=today,
        )
    units = bidang_units(tree)
    chosen = choose_bidang(bidang, units)
    if status and status not in (*_STATUS_OPTIONS, OVERDUE_FILTER):
        raise ValidationError(
            f"Status '{status}' tidak dikenal", log_message=f"unknown status filter {status!r}"
        )
    if chosen is not None:
        rows = [row for row in rows if row.bidang == chosen]
    summary = summarise(rows)
    shown = [row for row in rows if _status_matches(row, status)]
    legend = category_legend()
    context: dict[str, Any] = {
        "period": period,
        "years": sorted({*years, period.year}, reverse=True),
        "quarters": [(q, Quarter(period.year, q).label) for q in range(1, 5)],
        "units": units,
        "chosen": chosen,
        "status": status,
        "status_options": [(key, _STATUS_OPTIONS[key]) for key in _STATUS_OPTIONS],
        "overdue_filter": OVERDUE_FILTER,
        "recap": recap,
        "categories": legend,
        "category_style": {name: f"background:{bg};color:{fg}" for name, bg, fg in legend},
        "leaders": [] if chosen is not None else leader_scores(tree, recap),
        "sections": bidang_sections(tree, recap, chosen),
        "summary": summary,
        "rows": table_rows(shown, tree, items, recap),
        "xlsx_url": xlsx_url(period, chosen),
    }
    return page(request, "dashboard.html", context, user)


@router.get("/dasbor/rekap.xlsx")
def dashboard_xlsx(
    request: Request,
    user: PageUser,
    year: int | None = None,
    quarter: str | None = None,
    bidang: str = "",
) -> Response:
    """The recap of the dashboard's period (and bidang filter) as an Excel workbook."""
    web = web_of(request)
    with Session(web.deps.engine) as session:
        years = years_with_data(session)
        period = choose_period(year, quarter, years, Quarter.of(web.today()))
        export = load_recap_export(
            session, year=period.year, quarter=period.quarter, bidang=bidang, now=web.now()
        )
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", export.filename)
    return Response(
        recap_workbook_bytes(export),
        media_type=CONTENT_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def xlsx_url(period: Period, chosen: Position | None) -> str:
    """The download link of the period and bidang shown (the status filter does not apply)."""
    query = {
        "year": str(period.year),
        "quarter": "" if period.quarter is None else str(period.quarter),
        "bidang": "" if chosen is None else chosen.code,
    }
    return "/dasbor/rekap.xlsx?" + urlencode(query)


_STATUS_OPTIONS = {MISSING: REPORT_MISSING_LABEL.capitalize()} | {
    state.value: state.label.capitalize() for state in State
}


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


def category_legend() -> list[tuple[str, str, str]]:
    """(name, background, text colour) of every category, then missing and not computable."""
    colours = CATEGORY_COLOURS | EXTRA_CATEGORY_COLOURS
    return [(name, colour, text_colour(colour)) for name, colour in colours.items()]


def leader_scores(tree: OrgTree, recap: Recap) -> list[GroupScore]:
    """Scores of positions that belong to no bidang (the head of the agency)."""
    outside = {p.id for p in tree.positions if bidang_of(tree, p) is None}
    return [group for group in recap.positions if group.position_id in outside]


def bidang_sections(tree: OrgTree, recap: Recap, chosen: Position | None) -> list[BidangSection]:
    """Each bidang of the recap (or only the chosen one) with its positions and chart."""
    units = {unit.id: unit for unit in bidang_units(tree)}
    unit_of = {p.id: unit.id for p in tree.positions if (unit := bidang_of(tree, p)) is not None}
    sections = []
    for total in recap.bidang:
        unit = units.get(total.position_id)
        if unit is None or (chosen is not None and unit != chosen):
            continue
        members = [g for g in recap.positions if unit_of.get(g.position_id) == unit.id]
        chart = bar_chart(
            [
                Bar(
                    label=g.label,
                    value=g.capaian.value,
                    colour=None if g.category is None else g.category.color,
                    category=None if g.category is None else g.category.name,
                )
                for g in members
            ],
            title=f"Capaian per jabatan, {unit.unit_name}",
            chart_id=f"grafik-{unit.code}",
        )
        sections.append(BidangSection(unit, total, members, chart))
    return sections


def table_rows(
    rows: list[ReportProgress], tree: OrgTree, items: list[IndicatorInput], recap: Recap
) -> list[TableRow]:
    """Attach to each report the capaian of its position in its own quarter."""
    recaps = {recap.quarter: recap}
    by_quarter: dict[tuple[int, int], GroupScore] = {}
    for number in sorted({row.quarter.number for row in rows}):
        if number not in recaps:
            recaps[number] = build_recap(tree, items, year=recap.year, quarter=number)
        for group in recaps[number].positions:
            by_quarter[(number, group.position_id)] = group
    result = []
    for row in rows:
        score = by_quarter.get((row.quarter.number, row.position.id))
        value = None if score is None else score.capaian.value
        category = None if score is None or score.category is None else score.category.name
        result.append(TableRow(row, value, category))
    return result


def _status_matches(row: ReportProgress, status: str) -> bool:
    if not status:
        return True
    if status == OVERDUE_FILTER:
        return row.overdue
    return row.status == status

"""Dasbor: capaian of a period per agency, bidang and position, and how far the reports are.

The route parses the filters, asks `engine.usecases.dashboard.show_dashboard` and draws
the page: the category legend, a bar chart per bidang and the download link are
presentation, everything else is the use case's. `/dasbor/rekap.xlsx` gives the same
recap as an Excel workbook, with the same period and bidang filter. `semua_laporan=1`
counts the realisations of reports not verified yet too (by default they are left out);
either way the page lists them apart, marked "belum diverifikasi".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from documents.colours import EXTRA_CATEGORY_COLOURS, text_colour
from documents.xlsx.common import CONTENT_TYPE
from documents.xlsx.recap import recap_workbook_bytes
from engine.capaian import Scale
from engine.org import Position
from engine.periods import Quarter
from engine.recap import GroupScore, IndicatorScore
from engine.targets import ROMAN
from engine.usecases.dashboard import (
    OVERDUE_FILTER,
    STATUS_OPTIONS,
    BidangScores,
    Period,
    Trend,
    dashboard_export,
    show_dashboard,
)
from web.auth import PageUser
from web.charts import Bar, bar_chart, sparkline
from web.deps import UowDep, web_of
from web.render import page

router = APIRouter()
LISTED = 100
"""At most this many indicators in each "shown apart" list (the count says how many)."""
RED_LISTED = 50
"""At most this many indicators in the red list (the heading says how many in all)."""
RED_TOP = 5
"""The lowest this many are shown at the top; the rest open on demand (the fold)."""


@dataclass(frozen=True)
class BidangSection:
    """A bidang: its total, its positions and their chart."""

    position: Position
    total: GroupScore
    positions: list[GroupScore]
    chart: Markup


@router.get("/dasbor", response_class=HTMLResponse)
def dashboard(
    request: Request,
    user: PageUser,
    uow: UowDep,
    year: int | None = None,
    quarter: str | None = None,
    bidang: str = "",
    state: str = "",
    semua_laporan: str = "",
    dinas: str = "",
) -> HTMLResponse:
    """The dashboard of a year and quarter (default: the latest verified quarter),
    filterable by agency (`dinas`, an id), bidang and state.

    `state` is a report state, "missing" (not created yet) or "terlambat" (overdue only).
    """
    web = web_of(request)
    everything = semua_laporan == "1"
    shown = show_dashboard(
        uow, year=year, quarter=quarter, bidang=bidang, status=state, agency=dinas,
        now=web.now(), policy=web.deps.policy, include_unverified=everything, actor=user.actor,
    )  # fmt: skip
    period = shown.period
    legend = category_legend(shown.recap.basis.rules.scale)
    colours = {name: bg for name, bg, _fg in legend}
    charts = [(trend, trend_chart(trend, colours)) for trend in shown.trends]
    red = {item.score.indicator.id for item in shown.red}
    unverified = [s for s in shown.recap.indicators if s.unverified]
    flagged = [s for s in shown.recap.indicators if s.capaian.flag]
    context: dict[str, Any] = {
        "period": period,
        "years": shown.years,
        "quarters": [(q, Quarter(period.year, q).label) for q in range(1, 5)],
        "units": shown.units,
        "chosen": shown.chosen,
        "status": shown.status,
        "status_options": list(STATUS_OPTIONS.items()),
        "overdue_filter": OVERDUE_FILTER,
        "recap": shown.recap,
        "categories": legend,
        "category_style": {name: f"background:{bg};color:{fg}" for name, bg, fg in legend},
        "leaders": shown.leaders,
        "sections": [with_chart(section) for section in shown.sections],
        "summary": shown.summary,
        "rows": shown.rows,
        "xlsx_url": xlsx_url(period, shown.chosen, everything),
        "include_unverified": everything,
        "rules": shown.recap.basis.rules,
        "unverified": unverified[:LISTED],
        "unverified_count": len(unverified),
        "flagged": flagged[:LISTED],
        "flagged_count": len(flagged),
        "quarter_states": quarter_states,
        "automatic": shown.automatic,
        "agencies": shown.agencies,
        "agency": shown.agency,
        "agency_name": dict(shown.agencies).get(shown.agency or -1, ""),
        "regency": shown.regency,
        "red": shown.red[:RED_LISTED],
        "red_count": len(shown.red),
        "red_top": RED_TOP,
        "threshold": shown.threshold,
        "progress": shown.progress,
        "trends": charts,
        "red_charts": {
            trend.score.indicator.id: chart
            for trend, chart in charts
            if trend.score.indicator.id in red
        },
        "pending": shown.pending,
        "headline": shown.recap.agency[0]
        if shown.agency is not None and shown.recap.agency
        else None,
    }
    return page(request, "dashboard.html", context, user)


def trend_chart(trend: Trend, colours: dict[str, str]) -> Markup:
    """The TW I-IV sparkline of an indicator, coloured by each quarter's category."""
    return sparkline(
        trend.values,
        [None if name is None else colours.get(name) for name in trend.categories],
        label=trend.score.indicator.name,
    )


@router.get("/dasbor/rekap.xlsx")
def dashboard_xlsx(
    request: Request,
    user: PageUser,
    uow: UowDep,
    year: int | None = None,
    quarter: str | None = None,
    bidang: str = "",
    semua_laporan: str = "",
) -> Response:
    """The recap of the dashboard's period (and bidang filter) as an Excel workbook."""
    web = web_of(request)
    export = dashboard_export(
        uow, year=year, quarter=quarter, bidang=bidang, now=web.now(), policy=web.deps.policy,
        include_unverified=semua_laporan == "1",
    )  # fmt: skip
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", export.filename)
    return Response(
        recap_workbook_bytes(export),
        media_type=CONTENT_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def xlsx_url(period: Period, chosen: Position | None, everything: bool = False) -> str:
    """The download link of the period and bidang shown (the status filter does not apply)."""
    query = {
        "year": str(period.year),
        "quarter": "" if period.quarter is None else str(period.quarter),
        "bidang": "" if chosen is None else chosen.code,
    }
    if everything:
        query["semua_laporan"] = "1"
    return "/dasbor/rekap.xlsx?" + urlencode(query)


def category_legend(scale: Scale) -> list[tuple[str, str, str]]:
    """(name, background, text colour) of every category of the year's scale, then missing
    and not computable."""
    colours = {c.name: c.color for c in scale.categories} | EXTRA_CATEGORY_COLOURS
    return [(name, colour, text_colour(colour)) for name, colour in colours.items()]


def quarter_states(score: IndicatorScore) -> str:
    """The unverified quarters of an indicator as people read them: "TW II diajukan"."""
    names = {"submitted": "diajukan", "draft": "draf"}
    return ", ".join(
        f"TW {ROMAN[q - 1]} {names.get(state, state)}" for q, state in score.unverified
    )


def with_chart(section: BidangScores) -> BidangSection:
    """The bidang with the bar chart of its positions' capaian."""
    unit = section.position
    chart = bar_chart(
        [
            Bar(
                label=g.label,
                value=g.capaian.value,
                colour=None if g.category is None else g.category.color,
                category=None if g.category is None else g.category.name,
            )
            for g in section.positions
        ],
        title=f"Capaian per jabatan, {unit.unit_name}",
        chart_id=f"grafik-{unit.code}",
    )
    return BidangSection(unit, section.total, section.positions, chart)

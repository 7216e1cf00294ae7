"""What the dashboard reads besides the recap: the reports of a period and the years with data.

Each function is one query, whatever the number of reports, so that the
dashboard costs the same for a quarter as for the whole year.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import union
from sqlmodel import Session, col, select

from db.models import IndicatorRow, QuarterlyReport
from engine.workflow import State


@dataclass(frozen=True)
class ReportRow:
    """The columns of a quarterly report the dashboard shows."""

    id: int
    position_id: int
    year: int
    quarter: int
    state: State


def reports_of(session: Session, *, year: int, quarter: int | None) -> list[ReportRow]:
    """The reports of a quarter (or of every quarter of the year), in one query."""
    query = select(QuarterlyReport).where(QuarterlyReport.year == year)
    if quarter is not None:
        query = query.where(QuarterlyReport.quarter == quarter)
    query = query.order_by(col(QuarterlyReport.quarter), col(QuarterlyReport.id))
    return [
        ReportRow(
            id=r.id, position_id=r.position_id, year=r.year, quarter=r.quarter, state=State(r.state)
        )
        for r in session.exec(query)
        if r.id is not None
    ]


def years_with_data(session: Session) -> list[int]:
    """Years that have indicators or reports, newest first (one query)."""
    both = union(
        select(col(IndicatorRow.year).label("year")),
        select(col(QuarterlyReport.year).label("year")),
    ).subquery()
    years = session.exec(select(both.c.year).order_by(both.c.year.desc()))
    return [int(year) for year in years]

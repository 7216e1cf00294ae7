"""The years the dashboard offers: those with indicators or reports, in one query."""

from __future__ import annotations

from sqlalchemy import union
from sqlmodel import Session, col, select

from db.models import IndicatorRow, QuarterlyReport


def years_with_data(session: Session) -> list[int]:
    """Years that have indicators or reports, newest first (one query)."""
    both = union(
        select(col(IndicatorRow.year).label("year")),
        select(col(QuarterlyReport.year).label("year")),
    ).subquery()
    years = session.exec(select(both.c.year).order_by(both.c.year.desc()))
    return [int(year) for year in years]

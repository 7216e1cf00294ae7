"""The formula inputs behind a recap: what staff typed in each quarterly report of a year.

`db.recap_query.recap_inputs` turns report entries into realisations and keeps
only the results; an exported recap must also show the values the formulas
ran on, so that a reader can redo the arithmetic. One query, whatever the
number of indicators, over the same entries (reports in any state).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from db.models import QuarterlyReport, ReportEntry
from engine.ports import EntryInputs


def entry_inputs(
    session: Session,
    *,
    year: int,
    indicator_ids: Collection[int],
    report_states: Collection[str] | None = None,
) -> dict[tuple[int, int], EntryInputs]:
    """Inputs per (indicator id, quarter) for the indicators asked for, in one query."""
    if not indicator_ids:
        return {}
    query = (
        select(ReportEntry, QuarterlyReport.quarter, QuarterlyReport.state)
        .join(QuarterlyReport)
        .where(QuarterlyReport.year == year, col(ReportEntry.indicator_id).in_(indicator_ids))
    )
    if report_states is not None:
        query = query.where(col(QuarterlyReport.state).in_(list(report_states)))
    return {
        (entry.indicator_id, quarter): EntryInputs(
            indicator_id=entry.indicator_id,
            quarter=quarter,
            report_id=entry.report_id,
            report_state=state,
            inputs={str(k): "" if v is None else str(v) for k, v in (entry.inputs or {}).items()},
            no_data_reason=entry.no_data_reason,
        )
        for entry, quarter, state in session.exec(query)
    }

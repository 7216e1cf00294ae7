"""The report repository: quarterly reports, their entries, and the report as shown.

`SqlReports` implements engine.ports.ReportRepository on a session. The read model
(`report`) is plain JSON-ready rows computed by the engine's formulas and capaian,
the same computation as the recap; which report opens when and what may be typed
is decided in engine/usecases/reports.py.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from db.documents import SqlDocuments, document_record, get_report
from db.indicator_repo import load_indicators
from db.models import PerjanjianKinerja, PkTarget, QuarterlyReport, ReportEntry
from db.recap_query import quarter_targets, realisation
from engine.capaian import capaian, category
from engine.records import ReportRecord, StoredEntry
from engine.targets import period_realisation
from engine.usecases.reports import EntryInput, add_missing_reports, write_entry
from engine.workflow import State


def _number(value: Any) -> str | None:
    return None if value is None else str(value)


class SqlReports:
    """engine.ports.ReportRepository on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def report(self, report_id: int) -> ReportRecord:
        session = self.session
        report = get_report(session, report_id)
        document = document_record(session, report)
        pk = self._approved_pk(report.position_id, report.year)
        targets = {}
        if pk is not None:
            targets = {
                t.indicator_id: t
                for t in session.exec(select(PkTarget).where(PkTarget.pk_id == pk.id))
            }
        entries = {
            e.indicator_id: e
            for e in session.exec(select(ReportEntry).where(ReportEntry.report_id == report.id))
        }
        # Earlier quarters' entries, for cumulative targets measured to date.
        earlier = {
            (e.indicator_id, q): e
            for e, q in session.exec(
                select(ReportEntry, QuarterlyReport.quarter)
                .join(QuarterlyReport)
                .where(
                    QuarterlyReport.position_id == report.position_id,
                    QuarterlyReport.year == report.year,
                    QuarterlyReport.quarter <= report.quarter,
                )
            )
        }
        rows = []
        indicators = load_indicators(session, year=report.year, position_ids=[report.position_id])
        for indicator in indicators:
            entry = entries.get(indicator.id)
            own = realisation(indicator, entry)
            goals = quarter_targets(indicator, targets.get(indicator.id))
            results = [realisation(indicator, earlier.get((indicator.id, q))) for q in range(1, 5)]
            target = None if goals is None else goals.for_quarter(report.quarter)
            measured = (
                own if goals is None
                else period_realisation(goals.mode, results, report.quarter, indicator.rollup)
            )  # fmt: skip
            score = capaian(target, measured, indicator.polarity)
            group = category(score)
            rows.append(
                {
                    "indicator": indicator.code,
                    "indicator_id": indicator.id,
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "expression": indicator.formula.expression,
                    "inputs": [
                        {
                            "name": v.name,
                            "label": v.label,
                            "unit": v.unit,
                            "value": None if entry is None else entry.inputs.get(v.name),
                        }
                        for v in indicator.formula.variables.values()
                    ],
                    "no_data_reason": None if entry is None else entry.no_data_reason,
                    "kendala": None if entry is None else entry.kendala,
                    "upaya": None if entry is None else entry.upaya,
                    "realisation": _number(own.value),
                    "realisation_status": own.outcome.value,
                    "realisation_reason": own.reason,
                    "measured_to_date": _number(measured.value),
                    "target": None if target is None else str(target),
                    "capaian": _number(score.value),
                    "capaian_status": score.outcome.value,
                    "capaian_reason": score.reason,
                    "category": None if group is None else group.name,
                    "decimals": indicator.decimals,
                }
            )
        return ReportRecord(document, report.quarter, None if pk is None else pk.id, rows)

    def _approved_pk(self, position_id: int, year: int) -> PerjanjianKinerja | None:
        """The latest approved PK revision of a position and year."""
        return self.session.exec(
            select(PerjanjianKinerja)
            .where(
                PerjanjianKinerja.position_id == position_id,
                PerjanjianKinerja.year == year,
                PerjanjianKinerja.state == State.APPROVED.value,
            )
            .order_by(col(PerjanjianKinerja.revision).desc())
        ).first()

    def positions_with_approved_pk(self, year: int) -> set[int]:
        return set(
            self.session.exec(
                select(PerjanjianKinerja.position_id).where(
                    PerjanjianKinerja.year == year,
                    PerjanjianKinerja.state == State.APPROVED.value,
                )
            )
        )

    def report_positions(self, year: int, quarter: int) -> set[int]:
        return set(
            self.session.exec(
                select(QuarterlyReport.position_id).where(
                    QuarterlyReport.year == year, QuarterlyReport.quarter == quarter
                )
            )
        )

    def add_reports(
        self, year: int, quarter: int, position_ids: Sequence[int], now: datetime
    ) -> list[int]:
        created = [
            QuarterlyReport(
                position_id=position_id, year=year, quarter=quarter, created_at=now, updated_at=now
            )
            for position_id in position_ids
        ]
        self.session.add_all(created)
        self.session.flush()
        return [row.id for row in created if row.id is not None]

    def _entry_row(self, report_id: int, indicator_id: int) -> ReportEntry | None:
        return self.session.exec(
            select(ReportEntry).where(
                ReportEntry.report_id == report_id, ReportEntry.indicator_id == indicator_id
            )
        ).first()

    def entry(self, report_id: int, indicator_id: int) -> StoredEntry | None:
        row = self._entry_row(report_id, indicator_id)
        if row is None:
            return None
        return StoredEntry(dict(row.inputs), row.no_data_reason, row.kendala, row.upaya)

    def save_entry(self, report_id: int, indicator_id: int, entry: StoredEntry) -> None:
        row = self._entry_row(report_id, indicator_id)
        if row is None:
            row = ReportEntry(report_id=report_id, indicator_id=indicator_id, inputs={})
        row.inputs = dict(entry.inputs)
        row.no_data_reason = entry.no_data_reason
        row.kendala = entry.kendala
        row.upaya = entry.upaya
        self.session.add(row)
        self.session.flush()

    def quarters_in(self, position_id: int, year: int, states: Collection[State]) -> set[int]:
        return set(
            self.session.exec(
                select(QuarterlyReport.quarter).where(
                    QuarterlyReport.position_id == position_id,
                    QuarterlyReport.year == year,
                    col(QuarterlyReport.state).in_(sorted(s.value for s in states)),
                )
            )
        )


# --- for callers holding their own session (the demo's bulk generator, test set-ups): the
# use cases' steps on that session, committed by the caller.


def open_reports(session: Session, year: int, quarter: int, now: datetime) -> list[QuarterlyReport]:
    """Open the quarter's missing reports (`engine.usecases.reports.add_missing_reports`)."""
    opened = add_missing_reports(SqlReports(session), year, quarter, now)
    return [get_report(session, report_id) for report_id in opened]


def fill_entry(
    session: Session,
    report_id: int,
    indicator_code: str,
    *,
    values: Mapping[str, str] | None = None,
    no_data_reason: str | None = None,
    kendala: str | None = None,
    upaya: str | None = None,
) -> StoredEntry:
    """Store an indicator's entry in a draft (`engine.usecases.reports.write_entry`)."""
    typed = EntryInput(values or {}, no_data_reason, kendala, upaya)
    return write_entry(SqlDocuments(session), SqlReports(session), report_id, indicator_code, typed)

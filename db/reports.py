"""Quarterly reports: opened for each position with an approved PK, then filled in draft."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session, select

from db.documents import get_report, indicator_by_code
from db.editable import require_editable
from db.models import PerjanjianKinerja, QuarterlyReport, ReportEntry
from engine.errors import ValidationError
from engine.inputs import check_input
from engine.workflow import State


def open_reports(session: Session, year: int, quarter: int, now: datetime) -> list[QuarterlyReport]:
    """Create the quarter's report for every position with an approved PK (idempotent)."""
    approved = set(
        session.exec(
            select(PerjanjianKinerja.position_id).where(
                PerjanjianKinerja.year == year,
                PerjanjianKinerja.state == State.APPROVED.value,
            )
        )
    )
    existing = set(
        session.exec(
            select(QuarterlyReport.position_id).where(
                QuarterlyReport.year == year, QuarterlyReport.quarter == quarter
            )
        )
    )
    created = [
        QuarterlyReport(
            position_id=position_id, year=year, quarter=quarter, created_at=now, updated_at=now
        )
        for position_id in sorted(approved - existing)
    ]
    session.add_all(created)
    session.flush()
    return created


def fill_entry(
    session: Session,
    report_id: int,
    indicator_code: str,
    *,
    values: Mapping[str, str] | None = None,
    no_data_reason: str | None = None,
    kendala: str | None = None,
    upaya: str | None = None,
) -> ReportEntry:
    """Store an indicator's inputs (typed the Indonesian way) or a no-data reason in a draft.

    Inputs merge with what was already filled; an empty value clears it.
    """
    report = get_report(session, report_id)
    require_editable(report)
    indicator = indicator_by_code(session, report, indicator_code)
    unknown = sorted(set(values or {}) - set(indicator.formula.variables))
    if unknown:
        known = ", ".join(indicator.formula.variables)
        raise ValidationError(
            f"{indicator.code}: variabel tidak dikenal: {', '.join(unknown)} (yang ada: {known})",
            log_message=f"unknown variables {unknown} for {indicator.code}",
        )
    entry: ReportEntry | None = session.exec(
        select(ReportEntry).where(
            ReportEntry.report_id == report.id, ReportEntry.indicator_id == indicator.id
        )
    ).first()
    if entry is None:
        assert report.id is not None
        entry = ReportEntry(report_id=report.id, indicator_id=indicator.id, inputs={})
    inputs = dict(entry.inputs)
    for name, raw in (values or {}).items():
        if raw is None or not str(raw).strip():
            inputs.pop(name, None)
        else:
            label = indicator.formula.variables[name].display
            inputs[name] = str(check_input(str(raw), f"{indicator.code} {label}"))
    entry.inputs = inputs
    if no_data_reason is not None:
        entry.no_data_reason = no_data_reason.strip() or None
    if kendala is not None:
        entry.kendala = kendala.strip() or None
    if upaya is not None:
        entry.upaya = upaya.strip() or None
    session.add(entry)
    session.flush()
    return entry

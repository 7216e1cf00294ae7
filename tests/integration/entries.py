"""Entries written into a draft report inside a test's own session.

The tests that build a year by hand hold one session for many steps; this stores an
indicator's entry there through the engine's own step (`engine.usecases.reports.write_entry`),
without the use case's commit or version move.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from db.documents import SqlDocuments, SqlReports
from engine.records import StoredEntry
from engine.usecases.reports import EntryInput, write_entry


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

"""The audit repository: the transition log as an auditor reads it.

`SqlAudit` implements engine.ports.AuditRepository on a session; the hash chain is
checked in engine/usecases/audit.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session, col, select

from db.models import PerjanjianKinerja, QuarterlyReport
from db.workflow_models import TransitionLog
from engine.audit import HASHED_FIELDS
from engine.records import LogEntry
from engine.workflow import DocKind


def log_entry(row: TransitionLog) -> LogEntry:
    """A log row as the engine reads it: its hashed fields exactly as stored."""
    return LogEntry(
        id=row.id or 0,
        fields={name: getattr(row, name) for name in HASHED_FIELDS},
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class SqlAudit:
    """engine.ports.AuditRepository on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def log(self, kind: DocKind, doc_id: int) -> list[LogEntry]:
        rows = self.session.exec(
            select(TransitionLog)
            .where(TransitionLog.doc_type == kind.value, TransitionLog.doc_id == doc_id)
            .order_by(col(TransitionLog.id))
        )
        return [log_entry(row) for row in rows]

    def heads(self) -> dict[tuple[DocKind, int], str | None]:
        heads: dict[tuple[DocKind, int], str | None] = {}
        for doc_id, head in self.session.exec(
            select(PerjanjianKinerja.id, PerjanjianKinerja.audit_hash)
        ):
            heads[(DocKind.PK, doc_id)] = head  # type: ignore[index]
        for doc_id, head in self.session.exec(
            select(QuarterlyReport.id, QuarterlyReport.audit_hash)
        ):
            heads[(DocKind.REPORT, doc_id)] = head  # type: ignore[index]
        return heads

    def entries(self) -> Iterator[LogEntry]:
        query = select(TransitionLog).order_by(
            col(TransitionLog.doc_type), col(TransitionLog.doc_id), col(TransitionLog.id)
        )
        for row in self.session.exec(query.execution_options(yield_per=2000)):
            yield log_entry(row)

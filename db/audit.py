"""The audit repositories: the transition log as an auditor reads it, and the admin log.

`SqlAudit` implements engine.ports.AuditRepository on a session, `SqlAdminLog`
engine.ports.AdminLogRepository; the hash chains are computed and checked in engine
(engine/audit.py, engine/usecases/audit.py): db/ only stores and reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, fields

from sqlalchemy import func, or_, text
from sqlmodel import Session, col, select

from db.database import lock_key
from db.models import PerjanjianKinerja, QuarterlyReport
from db.workflow_models import AdminLog, TransitionLog
from engine.audit import HASHED_FIELDS, AdminLogQuery, AdminLogRow
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


ADMIN_LOG_LOCK = lock_key("admin_log")
"""The PostgreSQL advisory lock that serialises appends to the admin log's chain."""


def admin_row(row: AdminLog) -> AdminLogRow:
    """An admin log row as the engine reads it, exactly as stored (the same fields)."""
    stored = {f.name: getattr(row, f.name) for f in fields(AdminLogRow)}
    return AdminLogRow(**(stored | {"id": row.id or 0}))


class SqlAdminLog:
    """engine.ports.AdminLogRepository on one session.

    Rows are inserted with the id the engine numbered (the last + 1), never from the
    table's sequence, so ids stay contiguous whatever transactions rolled back."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def last(self) -> AdminLogRow | None:
        if self.session.get_bind().dialect.name == "postgresql":
            # Held until this transaction ends: a second admin action waits here, then
            # reads the row this one appended (READ COMMITTED reads after the wait).
            self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADMIN_LOG_LOCK})
        row = self.session.exec(select(AdminLog).order_by(col(AdminLog.id).desc()).limit(1)).first()
        return None if row is None else admin_row(row)

    def append(self, row: AdminLogRow) -> None:
        self.session.add(AdminLog(**asdict(row)))
        self.session.flush()

    def page(self, query: AdminLogQuery) -> tuple[list[AdminLogRow], int]:
        conditions = []
        if query.action:
            conditions.append(
                or_(
                    col(AdminLog.action) == query.action,
                    col(AdminLog.action).startswith(query.action + ".", autoescape=True),
                )
            )
        if query.text:
            conditions.append(
                or_(
                    *(
                        func.coalesce(column, "").icontains(query.text, autoescape=True)
                        for column in (
                            col(AdminLog.actor),
                            col(AdminLog.subject),
                            col(AdminLog.before),
                            col(AdminLog.after),
                        )
                    )
                )
            )
        if query.since is not None:
            conditions.append(col(AdminLog.at) >= query.since)
        if query.until is not None:
            conditions.append(col(AdminLog.at) < query.until)
        total = self.session.exec(
            select(func.count()).select_from(AdminLog).where(*conditions)
        ).one()
        rows = self.session.exec(
            select(AdminLog)
            .where(*conditions)
            .order_by(col(AdminLog.id).desc())
            .offset(query.offset)
            .limit(query.limit)
        )
        return [admin_row(row) for row in rows], int(total)

    def actions(self) -> list[str]:
        found = self.session.exec(select(AdminLog.action).distinct())
        return sorted(found)

    def rows(self) -> Iterator[AdminLogRow]:
        query = select(AdminLog).order_by(col(AdminLog.id))
        for row in self.session.exec(query.execution_options(yield_per=2000)):
            yield admin_row(row)

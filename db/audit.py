"""The audit repositories: the transition log as an auditor reads it, the admin log, and
what people said and were told about a document (its comment threads, and the outbox read
as each official's notifications).

`SqlAudit` implements engine.ports.AuditRepository on a session, `SqlAdminLog`
engine.ports.AdminLogRepository, `SqlComments` and `SqlNotifications` the thread ports;
the hash chains are computed and checked in engine
(engine/audit.py, engine/usecases/audit.py): db/ only stores and reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, fields
from datetime import datetime

from sqlalchemy import func, or_, text
from sqlmodel import Session, col, select

from db.database import lock_key
from db.models import PerjanjianKinerja, QuarterlyReport
from db.workflow_models import AdminLog, Comment, NotificationRead, OutboxMessage, TransitionLog
from engine.audit import HASHED_FIELDS, AdminLogQuery, AdminLogRow
from engine.ports.threads import CommentRecord, Notice
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


def _comment(row: Comment) -> CommentRecord:
    fields_ = {f.name: getattr(row, f.name) for f in fields(CommentRecord) if f.name != "doc_kind"}
    return CommentRecord(**(fields_ | {"id": row.id or 0, "doc_kind": DocKind(row.doc_type)}))


class SqlComments:
    """engine.ports.CommentRepository on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, comment: CommentRecord) -> CommentRecord:
        stored = {k: v for k, v in asdict(comment).items() if k not in ("id", "doc_kind")}
        row = Comment(**stored, doc_type=comment.doc_kind.value)
        self.session.add(row)
        self.session.flush()
        return _comment(row)

    def of_document(self, kind: DocKind, doc_id: int) -> list[CommentRecord]:
        rows = self.session.exec(
            select(Comment)
            .where(Comment.doc_type == kind.value, Comment.doc_id == doc_id)
            .order_by(col(Comment.id))
        )
        return [_comment(row) for row in rows]

    def get(self, comment_id: int) -> CommentRecord | None:
        row = self.session.get(Comment, comment_id)
        return None if row is None else _comment(row)


class SqlNotifications:
    """engine.ports.NotificationRepository: the outbox by recipient (index
    ix_outbox_recipient_created), and one read mark per official."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def unread(self, official_id: int) -> int:
        mark = (
            select(NotificationRead.read_at)
            .where(NotificationRead.official_id == official_id)
            .scalar_subquery()
        )
        query = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.recipient_official_id == official_id,
                or_(mark.is_(None), col(OutboxMessage.created_at) > mark),
            )
        )
        return int(self.session.exec(query).one())

    def page(self, official_id: int, *, offset: int, limit: int) -> tuple[list[Notice], int]:
        mine = OutboxMessage.recipient_official_id == official_id
        total = self.session.exec(select(func.count()).select_from(OutboxMessage).where(mine))
        rows = self.session.exec(
            select(OutboxMessage)
            .where(mine)
            .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
            .offset(offset)
            .limit(limit)
        )
        found = [Notice(r.id or 0, r.kind, r.payload, r.created_at) for r in rows]
        return found, int(total.one())

    def read_at(self, official_id: int) -> datetime | None:
        row = self.session.get(NotificationRead, official_id)
        return None if row is None else row.read_at

    def mark_read(self, official_id: int, at: datetime) -> None:
        newest = self.session.exec(
            select(func.max(OutboxMessage.created_at)).where(
                OutboxMessage.recipient_official_id == official_id
            )
        ).one()
        at = max(at, newest) if newest is not None else at
        row = self.session.get(NotificationRead, official_id)
        if row is None:
            self.session.add(NotificationRead(official_id=official_id, read_at=at))
        elif row.read_at < at:
            row.read_at = at
            self.session.add(row)
        self.session.flush()

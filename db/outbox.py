"""The outbox repository (engine.ports.OutboxRepository): the outbox's only reader and writer.

Messages go in once per dedupe key (insert-or-ignore): one row as a plain statement (a
workflow action's email), many in bulk (a sweep's digests, values converted once). A
dispatcher claims due rows with a lease in one short write transaction (PostgreSQL
`FOR UPDATE SKIP LOCKED`, SQLite `BEGIN IMMEDIATE` from the writer's unit of work) and
records each outcome in its own commit on the connection it holds for the batch, so the
statements here are built once per shape and run as Core statements. The admin lists the
newest rows and revives dead letters.

`insert_ignore` is the bulk insert-or-ignore the sweep's digests and rungs share.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Dialect,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    func,
    or_,
    update,
)
from sqlalchemy import column as sa_column
from sqlalchemy import select as sa_select
from sqlalchemy import table as sa_table
from sqlalchemy.dialects import postgresql, sqlite

from db.workflow_models import OutboxMessage
from engine.events import OutboxDraft, OutboxStatus
from engine.outbox import OutboxChange, OutboxEntry

OUTBOX = OutboxMessage.metadata.tables["outbox"]
_COLUMNS = (
    OUTBOX.c.id, OUTBOX.c.dedupe_key, OUTBOX.c.kind, OUTBOX.c.recipient_official_id,
    OUTBOX.c.recipient_email, OUTBOX.c.recipient_name, OUTBOX.c.payload, OUTBOX.c.status,
    OUTBOX.c.attempts, OUTBOX.c.available_at, OUTBOX.c.created_at, OUTBOX.c.lease_until,
    OUTBOX.c.sent_at, OUTBOX.c.last_error,
)  # fmt: skip
_STATUSES = {status.value: status for status in OutboxStatus}
_PENDING = OutboxStatus.PENDING.value


class SqlOutbox:
    """engine.ports.OutboxRepository on the unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, messages: Sequence[OutboxDraft]) -> int:
        """Insert the messages, ignoring dedupe keys already present; how many were new."""
        if not messages:
            return 0
        if len(messages) == 1:
            (m,) = messages
            row = {
                "dedupe_key": m.dedupe_key,
                "kind": m.kind,
                "recipient_official_id": m.recipient_official_id,
                "recipient_email": m.recipient_email,
                "recipient_name": m.recipient_name,
                "payload": dict(m.payload),
                "status": _PENDING,
                "attempts": 0,
                "available_at": m.available_at,
                "created_at": m.available_at,
            }
            result = self._connection.execute(_insert(self._connection.dialect.name), row)
            return max(int(result.rowcount or 0), 0)
        # Many (a sweep's digests): one statement per batch of rows, values converted once
        # (what every message shares, the kind and the instant of a sweep, once in all).
        first = messages[0]
        same: dict[str, Any] = {"status": _PENDING, "attempts": 0}
        if all(m.kind == first.kind and m.available_at == first.available_at for m in messages):
            same |= {"kind": first.kind, "available_at": first.available_at}
            same["created_at"] = first.available_at
        rows = [
            {
                "dedupe_key": m.dedupe_key,
                "recipient_official_id": m.recipient_official_id,
                "recipient_email": m.recipient_email,
                "recipient_name": m.recipient_name,
                "payload": dict(m.payload),
            }
            for m in messages
        ]
        if "kind" not in same:
            for row, m in zip(rows, messages, strict=True):
                row.update(kind=m.kind, available_at=m.available_at, created_at=m.available_at)
        return len(insert_ignore(self._connection, OUTBOX, "dedupe_key", rows, same=same))

    def claim(self, *, now: datetime, limit: int, lease_until: datetime) -> list[OutboxEntry]:
        """Lease up to `limit` due pending messages, oldest first; rows another
        transaction has locked are skipped (PostgreSQL), never waited for."""
        connection = self._connection
        due = _due(connection.dialect.name == "postgresql")
        entries = [_entry(row) for row in connection.execute(due, {"now": now, "limit": limit})]
        if entries:
            connection.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_([entry.id for entry in entries]))
                .values(lease_until=lease_until)
            )
        return [_leased(entry, lease_until) for entry in entries]

    def record(self, entry: OutboxEntry, change: OutboxChange) -> bool:
        """Write `change` to a pending message and give its lease back; False when the
        message was not ours any more."""
        values: dict[str, Any] = {"lease_until": None}
        if change.status is not None:
            values["status"] = change.status.value
        if change.attempts is not None:
            values["attempts"] = change.attempts
        if change.available_at is not None:
            values["available_at"] = change.available_at
        if change.sent_at is not None:
            values["sent_at"] = change.sent_at
        if change.last_error is not None:
            values["last_error"] = change.last_error
        own = change.own_lease and entry.lease_until is not None  # claimed rows carry one
        statement = _update(tuple(sorted(values)), own=own)
        params = {**values, "row_id": entry.id, "our_lease": entry.lease_until}
        return bool(self._connection.execute(statement, params).rowcount)

    def release(self, entries: Sequence[OutboxEntry]) -> None:
        """Give back the leases of claimed messages that will not be sent now."""
        if entries:
            self._connection.execute(
                _update(("lease_until",), own=True),
                [
                    {"lease_until": None, "row_id": e.id, "our_lease": e.lease_until}
                    for e in entries
                ],
            )

    def newest(self, status: OutboxStatus | None, limit: int) -> list[OutboxEntry]:
        """The newest messages, optionally of one status."""
        query = sa_select(*_COLUMNS)
        if status is not None:
            query = query.where(OUTBOX.c.status == status.value)
        query = query.order_by(OUTBOX.c.id.desc()).limit(limit)
        return [_entry(row) for row in self._connection.execute(query)]

    def counts(self) -> dict[OutboxStatus, int]:
        """How many messages are in each status (every status, zero included)."""
        found = dict.fromkeys(OutboxStatus, 0)
        rows = self._connection.execute(
            sa_select(OUTBOX.c.status, func.count()).group_by(OUTBOX.c.status)
        )
        for status, count in rows:
            if status in _STATUSES:
                found[_STATUSES[status]] = int(count)
        return found

    def revive(self, ids: Sequence[int] | None, now: datetime) -> list[int]:
        """Make dead messages pending again (attempts 0, due `now`); the ids revived."""
        dead = OUTBOX.c.status == OutboxStatus.DEAD.value
        query = sa_select(OUTBOX.c.id).where(dead)
        if ids is not None:
            query = query.where(OUTBOX.c.id.in_(list(ids)))
        revived = sorted(self._connection.execute(query).scalars())
        if revived:
            self._connection.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_(revived), dead)
                .values(status=_PENDING, attempts=0, available_at=now, lease_until=None)
            )
        return revived


def _entry(row: Any) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        dedupe_key=row.dedupe_key,
        kind=row.kind,
        recipient_official_id=row.recipient_official_id,
        recipient_email=row.recipient_email,
        recipient_name=row.recipient_name,
        payload=row.payload,
        status=_STATUSES[row.status],
        attempts=row.attempts,
        available_at=row.available_at,
        created_at=row.created_at,
        lease_until=row.lease_until,
        sent_at=row.sent_at,
        last_error=row.last_error,
    )


def _leased(entry: OutboxEntry, lease_until: datetime) -> OutboxEntry:
    return OutboxEntry(
        entry.id, entry.dedupe_key, entry.kind, entry.recipient_official_id,
        entry.recipient_email, entry.recipient_name, entry.payload, entry.status,
        entry.attempts, entry.available_at, entry.created_at, lease_until, entry.sent_at,
        entry.last_error,
    )  # fmt: skip


@functools.cache
def _insert(dialect_name: str) -> Insert:
    """Insert-or-ignore of one row on the dedupe key."""
    module: Any = postgresql if dialect_name == "postgresql" else sqlite
    return module.insert(OUTBOX).on_conflict_do_nothing(  # type: ignore[no-any-return]
        index_elements=["dedupe_key"]
    )


@functools.cache
def _due(skip_locked: bool) -> Select[Any]:
    """The due pending rows no live lease holds, oldest first (built once)."""
    now = bindparam("now", type_=OUTBOX.c.available_at.type)
    query = (
        sa_select(*_COLUMNS)
        .where(
            OUTBOX.c.status == _PENDING,
            OUTBOX.c.available_at <= now,
            or_(OUTBOX.c.lease_until.is_(None), OUTBOX.c.lease_until <= now),
        )
        .order_by(OUTBOX.c.available_at, OUTBOX.c.id)
        .limit(bindparam("limit"))
    )
    return query.with_for_update(skip_locked=True) if skip_locked else query


@functools.lru_cache(maxsize=32)
def _update(columns: tuple[str, ...], *, own: bool) -> Update:
    """UPDATE outbox SET <columns> WHERE id = :row_id AND status = 'pending'
    [AND lease_until = :our_lease], built once per shape (a handful exist)."""
    conditions = [OUTBOX.c.id == bindparam("row_id"), OUTBOX.c.status == _PENDING]
    if own:
        conditions.append(OUTBOX.c.lease_until == bindparam("our_lease"))
    return update(OUTBOX).where(*conditions).values({name: bindparam(name) for name in columns})


# --- bulk insert-or-ignore -------------------------------------------------------------


def insert_ignore(
    connection: Connection,
    table: Table,
    key: str,
    rows: list[dict[str, Any]],
    *,
    same: dict[str, Any],
) -> set[Any]:
    """Insert the rows (each with the values `same`), skipping existing keys; the keys inserted.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING key for all rows (SQLAlchemy batches it
    into multi-row statements within the parameter limits): a key another transaction holds
    returns nothing, so the caller knows which rows are its own (the sweep's rungs and
    digests). The rows are completed and
    converted for the database here, in place (the `same` values converted once in all), and
    the statement names bare columns, so SQLAlchemy has no per-row type processing left to
    do: that was half of a sweep's writing time with thousands of rungs.
    """
    if not rows:
        return set()
    dialect = connection.dialect
    varying = [name for name in rows[0] if name not in same]
    convert = [(name, fn) for name in varying if (fn := _processor(table, name, dialect))]
    fixed = {name: _bind(table, name, dialect, value) for name, value in same.items()}
    for row in rows:  # in place: thousands of rows, no copies
        row.update(fixed)
        for name, fn in convert:
            row[name] = fn(row[name])
    bare = sa_table(table.name, *(sa_column(name) for name in [*varying, *fixed]))
    module: Any = postgresql if dialect.name == "postgresql" else sqlite
    statement = module.insert(bare).on_conflict_do_nothing(index_elements=[key])
    return set(connection.execute(statement.returning(bare.c[key]), rows).scalars())


def _processor(table: Table, name: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The conversion SQLAlchemy would apply to a value of the column (None: none needed)."""
    column_type = table.c[name].type
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _bind(table: Table, name: str, dialect: Dialect, value: Any) -> Any:
    convert = _processor(table, name, dialect)
    return value if convert is None else convert(value)

"""The outbox rows outside the send loop: how an outcome is recorded, and the admin's views.

`OutboxLedger` is where a dispatcher's batch writes its outcomes; `list_outbox` and
`retry_dead` are what `kinerja outbox` and the admin page use.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, update
from sqlalchemy.sql.dml import Update
from sqlmodel import Session, col, select

from db.database import WRITE_OPTION
from db.workflow_models import OutboxMessage

log = logging.getLogger("notifications.dispatcher")  # the same logger as the send loop


def dead_values(error: str, *, attempts: int | None = None) -> dict[str, Any]:
    """The values of a dead-lettered row (`kinerja outbox list --status dead` shows them)."""
    values: dict[str, Any] = {"status": "dead", "lease_until": None, "last_error": error}
    if attempts is not None:
        values["attempts"] = attempts
    return values


class OutboxLedger:
    """Where one batch writes its outcomes: one connection, one short transaction each.

    Each outcome is committed before the next message goes out (that is what bounds a crash
    to one duplicate), so its cost is paid once per message on the critical path. Hence a
    connection held for the batch (no pool checkout, and on PostgreSQL no pre-ping, per
    message), prepared Core statements, and no hop to a worker thread: the loop has nothing
    else to do meanwhile (it runs one drain), and on a busy machine the hop alone can cost
    more than the write. A commit is short (one row, by primary key); the claim, which may
    wait for other dispatchers' locks, still runs in a thread.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def update(self, row: OutboxMessage, values: dict[str, Any], *, own: bool = True) -> None:
        """Update a pending row; with `own`, only while it still carries our lease.

        A row whose lease ran out may have been claimed by another dispatcher; its record
        wins. A successful send is recorded regardless (the message did go out).
        """
        own = own and row.lease_until is not None  # claimed rows always carry one
        statement = update_statement(tuple(sorted(values)), own=own)
        params = {**values, "row_id": row.id, "our_lease": row.lease_until}
        if self._commit(statement, params) == 0:
            log.warning("outbox %s: lease lost before recording %s", row.id, values)

    def _commit(self, statement: Update, params: dict[str, Any]) -> int:
        if self._connection is None:
            self._connection = self._engine.connect()
            self._connection.execution_options(**{WRITE_OPTION: True})
        try:
            with self._connection.begin():
                return self._connection.execute(statement, params).rowcount
        except BaseException:
            self.close()  # a fresh connection for the next outcome, should one come
            raise

    def close(self) -> None:
        """Give the connection back to the pool."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()


@functools.lru_cache(maxsize=32)
def update_statement(columns: tuple[str, ...], *, own: bool) -> Update:
    """UPDATE outbox SET <columns> WHERE id = :row_id AND status = 'pending'
    [AND lease_until = :our_lease], built once per shape (a handful exist)."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    conditions = [table.c.id == bindparam("row_id"), table.c.status == "pending"]
    if own:
        conditions.append(table.c.lease_until == bindparam("our_lease"))
    return update(table).where(*conditions).values({name: bindparam(name) for name in columns})


def list_outbox(
    session: Session, status: str | None = None, limit: int = 50
) -> Sequence[OutboxMessage]:
    """The newest outbox rows, optionally of one status, for the admin to inspect."""
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(col(OutboxMessage.status) == status)
    query = query.order_by(col(OutboxMessage.id).desc()).limit(limit)
    return session.exec(query).all()


def retry_dead(session: Session, ids: Sequence[int] | None, now: datetime) -> list[int]:
    """Give dead messages a fresh start (pending, attempts 0, due `now`); returns their ids.

    Only dead rows are touched; `ids` None means every dead row. The caller commits.
    """
    query = select(OutboxMessage.id).where(col(OutboxMessage.status) == "dead")
    if ids is not None:
        query = query.where(col(OutboxMessage.id).in_(list(ids)))
    revived = sorted(i for i in session.exec(query).all() if i is not None)
    if revived:
        session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(revived), col(OutboxMessage.status) == "dead")
            .values(status="pending", attempts=0, available_at=now, lease_until=None)
            .execution_options(synchronize_session=False)
        )
    return revived

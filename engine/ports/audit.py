"""The admin log's port: append-only rows in one hash chain, listed and checked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from engine.audit import AdminLogQuery, AdminLogRow


class AdminLogRepository(Protocol):
    """The admin log: who changed which assignment, account, name, holiday or setting."""

    def last(self) -> AdminLogRow | None:
        """The newest row (None for an empty log), with the chain locked until the write
        transaction ends, so that two admin actions cannot both append after it (PostgreSQL:
        a transaction-level advisory lock; SQLite: the write lock `writing()` holds)."""
        ...

    def append(self, row: AdminLogRow) -> None:
        """Store a row (id, prev_hash and hash computed by the engine) in this transaction."""
        ...

    def page(self, query: AdminLogQuery) -> tuple[list[AdminLogRow], int]:
        """The rows matching `query`, newest first, from its offset; and how many match."""
        ...

    def actions(self) -> list[str]:
        """The action codes the log holds, sorted (the page's filter)."""
        ...

    def rows(self) -> Iterator[AdminLogRow]:
        """Every row, by id (to check the chain)."""
        ...

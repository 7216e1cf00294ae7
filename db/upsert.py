"""Insert-or-ignore on a unique key, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_ignore(session: Session, table: Table, rows: Sequence[dict[str, Any]], key: str) -> int:
    """Insert `rows`, skipping those whose `key` already exists; returns how many went in."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(table)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=[key])
        # psycopg reports -1 for INSERT ... ON CONFLICT unless SQLAlchemy keeps the count.
        .execution_options(preserve_rowcount=True)
    )
    result = session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)

"""Insert-or-ignore on a unique key, on SQLite and PostgreSQL alike, for many rows at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.dialects import postgresql, sqlite


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

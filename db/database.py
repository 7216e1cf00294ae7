"""What differs between the database backends, and how to reach them.

Engines and sessions are built from a URL on request (never at import time), with SQLite
tuned for a small multi-process deployment; `database_unavailable` tells an outage from
a bug; `UTCDateTime` stores an aware datetime the same way on both backends;
`advisory_lock` is the scheduler's cluster lock (engine.ports.ClusterLock). Below them,
the statements the repositories share: a bulk insert-or-ignore (`insert_ignore`) and
fingerprints of committed rows (`Stamp`).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Dialect,
    Engine,
    Select,
    Table,
    create_engine,
    event,
    func,
    literal,
    text,
)
from sqlalchemy import column as sa_column
from sqlalchemy import exc as sa_exc
from sqlalchemy import select as sa_select
from sqlalchemy import table as sa_table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 5000
POSTGRES_CONNECT_TIMEOUT_S = 5
"""How long opening a PostgreSQL connection may take before the request fails with 503."""


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (
        None,
        "",
        ":memory:",
    ):
        return None
    return Path(parsed.database)


def create_db_engine(url: str, *, echo: bool = False, **pool: Any) -> Engine:
    """Create an engine for `url`, with SQLite tuned for a small multi-process deployment.

    SQLite gets WAL (readers do not block the writer), enforced foreign keys and
    a busy timeout; the directory of the database file is created if missing.
    PostgreSQL gets a pre-ping (a pooled connection that died while the server was
    away is replaced, not handed to a request) and a connect timeout (a server that
    does not answer costs a request seconds, not minutes), so the application
    recovers by itself once the server is back. A `connect_timeout` in the URL wins.
    `pool` goes to SQLAlchemy as it is (pool_size, max_overflow, pool_timeout, poolclass:
    the tests of a saturated pool).
    """
    if (path := _sqlite_file(url)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"echo": echo, **pool}
    if url.startswith("postgresql"):
        kwargs["pool_pre_ping"] = True
        if "connect_timeout" not in make_url(url).query:
            kwargs["connect_args"] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
    return engine


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database cannot be reached or cannot serve right now.

    Connection refused or lost, a connect or pool timeout, a locked SQLite file past its
    busy timeout, a serialization failure: the request did not happen and may be tried
    again (HTTP 503). Errors about the statement or the data (integrity, programming)
    are not this.
    """
    if isinstance(exc, sa_exc.OperationalError | sa_exc.TimeoutError):
        return True
    return isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated


OUTAGE_ERRORS: tuple[type[Exception], ...] = (sa_exc.DBAPIError, sa_exc.TimeoutError)
"""The exception classes `database_unavailable` may say yes to (the web maps them to 503)."""

WRITE_OPTION = "kinerja_write"


def _begin_sqlite(connection: Any) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE) and so queue on the busy
    timeout instead of failing when another writer commits between their read and write."""
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN (pysqlite's own handling would defer it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A write session: committed on success, rolled back on any error.

    On SQLite it holds the write lock from the start (BEGIN IMMEDIATE).
    """
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with Session(bind=connection, expire_on_commit=False) as session, session.begin():
            yield session


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC on every backend (the column type of every instant).

    SQLite has no time zone type, so values are stored as naive UTC and handed
    back aware; PostgreSQL stores ``timestamptz``. Naive input is refused so
    that a local time can never be stored by mistake.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"UTCDateTime needs an aware datetime, got {value!r}")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- fingerprints of committed rows -----------------------------------------------------
#
# For caches of what is computed from rows (the organisation tree, the recap). A part is
# (tag, row count, sum of a change counter, highest id) over some rows. Counters only grow
# (`db.models.count_changes`) and ids are never taken back, so each commit that inserts or
# changes such rows moves the fingerprint; reading it is an index or small-table scan
# instead of reading the rows themselves. Read fingerprints only in sessions that have
# written nothing: uncommitted (and later rolled-back) counts must never key a cache.

StampPart = Select[int, int, Any, Any]
Stamp = tuple[tuple[int, ...], ...]


def stamp_part(tag: int, counter: Any, ident: Any) -> StampPart:
    """One part of a fingerprint: its tag, the row count, the counter's sum, the highest id."""
    return sa_select(
        literal(tag).label("tag"),
        func.count().label("rows"),
        func.coalesce(func.sum(counter), 0).label("changes"),
        func.coalesce(func.max(ident), 0).label("last_id"),
    )


def as_stamp(rows: Any) -> Stamp:
    """The fetched parts as a comparable value."""
    return tuple(sorted(tuple(int(x) for x in row) for row in rows))


# --- the cluster lock -------------------------------------------------------------------


def lock_key(name: str) -> int:
    """A stable 32-bit key for a job name (PostgreSQL advisory locks take a bigint)."""
    return zlib.crc32(name.encode("utf-8"))


@contextmanager
def advisory_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Try to take a session-level advisory lock; yields whether we hold it.

    On PostgreSQL several instances may run the scheduler side by side: the one
    that gets the lock sweeps, the others skip. SQLite deployments run one
    instance, and its write transactions serialise anyway, so the lock is always
    granted there.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = lock_key(name)
    with engine.connect() as connection:
        acquired = bool(
            connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        )
        connection.commit()
        try:
            yield acquired
        finally:
            if acquired:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()


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


def refresh_statistics(engine: Engine) -> None:
    """After a bulk write (a generated regency, a seeded demo, an imported organisation or
    catalogue) on PostgreSQL, ANALYZE, so the planner knows the tables' sizes at once: with
    the statistics of empty tables it joined the recap's entries by nested loops over every
    indicator and report (25 s for a generated regency, 15 ms after ANALYZE) until autovacuum
    came round. SQLite keeps no statistics unless asked, and its plans are tuned without."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()

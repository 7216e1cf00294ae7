"""What differs between the database backends, and how to reach them.

Engines and sessions are built from a URL on request (never at import time), with SQLite
tuned for a small multi-process deployment; `database_unavailable` tells an outage from
a bug; `UTCDateTime` stores an aware datetime the same way on both backends. Below them,
the statements the repositories share: fingerprints of committed rows (`Stamp`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, Select, create_engine, event, func, literal
from sqlalchemy import exc as sa_exc
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Dialect, make_url
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


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for `url`, with SQLite tuned for a small multi-process deployment.

    SQLite gets WAL (readers do not block the writer), enforced foreign keys and
    a busy timeout; the directory of the database file is created if missing.
    PostgreSQL gets a pre-ping (a pooled connection that died while the server was
    away is replaced, not handed to a request) and a connect timeout (a server that
    does not answer costs a request seconds, not minutes), so the application
    recovers by itself once the server is back. A `connect_timeout` in the URL wins.
    """
    if (path := _sqlite_file(url)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"echo": echo}
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

"""Cluster-wide locks: only one of several instances does a periodic job."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text


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

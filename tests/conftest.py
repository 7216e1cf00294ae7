"""Shared fixtures: a fixed clock, SQLite and PostgreSQL databases, migrated engines.

PostgreSQL tests run when KINERJA_TEST_POSTGRES_URL points at a server where the
user may create databases; each test gets its own database, dropped afterwards.
Without it they skip with a message on a laptop, and fail under CI=true.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from db.database import create_db_engine
from db.migrate import upgrade
from engine.clock import FixedClock

hypothesis_settings.register_profile("kinerja", database=None, print_blob=True)
hypothesis_settings.load_profile("kinerja")

POSTGRES_ENV = "KINERJA_TEST_POSTGRES_URL"
POSTGRES_HINT = (
    f"PostgreSQL tests skipped: set {POSTGRES_ENV}="
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres to run them"
)
# 1 April 2021, 09:00 in Jakarta: the first day after TW I 2021 closed.
FIXED_NOW = datetime(2021, 4, 1, 2, 0, tzinfo=UTC)


def in_ci() -> bool:
    """True on the CI runner, where a missing service is a failure, not a skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(available: bool, hint: str) -> None:
    """Skip (laptop) or fail (CI) when a service a test needs is missing."""
    if available:
        return
    if in_ci():
        pytest.fail(f"CI=true and a required service is missing: {hint}")
    pytest.skip(hint)


@pytest.fixture
def clock() -> FixedClock:
    """A clock fixed at FIXED_NOW."""
    return FixedClock(FIXED_NOW)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite file database."""
    return f"sqlite:///{tmp_path / 'kinerja.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped after the test."""
    server = os.environ.get(POSTGRES_ENV)
    require_service(bool(server), POSTGRES_HINT)
    assert server is not None
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"kinerja_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # a configured but unreachable server is never a silent skip
        admin.dispose()
        pytest.fail(f"cannot create a test database on {POSTGRES_ENV}: {exc}")
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated, empty database on each backend."""
    db_engine = create_db_engine(database_url)
    upgrade(db_engine)
    try:
        yield db_engine
    finally:
        db_engine.dispose()

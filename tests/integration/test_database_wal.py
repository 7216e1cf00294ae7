"""File SQLite databases run in WAL mode with the write lock taken up front.

WAL lets the pages and the dispatcher read while a workflow action writes; the benchmark of
transitions (bench/bench_transitions.py) measures this configuration.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.database import create_db_engine, transaction


def test_a_file_database_is_in_wal_mode_with_normal_sync(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'kinerja.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_a_write_transaction_holds_the_write_lock_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "kinerja.db"
    engine = create_db_engine(f"sqlite:///{path}")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with transaction(engine) as session:
            session.connection()  # nothing read or written yet
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released on commit
        other.execute("ROLLBACK")
    finally:
        other.close()
        engine.dispose()

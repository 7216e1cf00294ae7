"""Fault: the process is killed (SIGKILL) in the middle of a transition.

A real child process verifies a submitted TW III report of the seeded demo and is killed
while its transaction is open; the transition is all or nothing:

- PostgreSQL, the real CLI (`kinerja act`): the test holds `LOCK TABLE transition_log IN
  EXCLUSIVE MODE`, so the child's INSERT of the log row waits after its UPDATE of the
  document (its row lock on `report` is checked). SIGKILL, release the lock.
- SQLite and PostgreSQL, a child that runs the same use case (kinerja.workflow_app.act) and
  stops at the last moment, right before COMMIT, after the document, its log row and its
  outbox rows are written (SQLite inside BEGIN IMMEDIATE; the WAL drops what was never
  committed). SIGKILL.

Afterwards the document's state and version, the log and the outbox are exactly as before,
`kinerja audit verify` passes, and the same transition then succeeds.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from db.database import create_db_engine
from db.documents import position_by_code
from db.models import QuarterlyReport
from db.organisation import load_org
from tests.integration.test_faults_db import (  # noqa: F401 (fixtures)
    OCTOBER,
    SUBMITTER,
    VERIFIER,
    WAIT,
    no_open_transactions,
    pg_demo_template,
    pg_demo_url,
    written,
)

ROOT = Path(__file__).parents[2]
FIXED_NOW = "2021-10-08T09:00:00+07:00"  # OCTOBER, as the child's clock

# Runs the transition and stops right before its COMMIT (after the log row was written).
CHILD = """
import sys, time
from sqlalchemy import event
from kinerja.bootstrap import bootstrap
from kinerja.workflow_app import act

container = bootstrap()
logged = []

@event.listens_for(container.engine, "after_cursor_execute")
def seen(conn, cursor, statement, *args):
    if statement.lstrip().upper().startswith("INSERT INTO TRANSITION_LOG"):
        logged.append(statement)

@event.listens_for(container.engine, "commit")
def before_commit(conn):
    if logged:
        print("READY", flush=True)
        time.sleep(120)

ref, who, version = sys.argv[1:4]
act(container, ref, "verify", who, expected_version=int(version))
print("COMMITTED", flush=True)
"""


@dataclass
class Case:
    url: str
    engine: Engine
    report_id: int
    version: int
    verifier: str

    @property
    def ref(self) -> str:
        return f"LAP-{self.report_id}"

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
        return {**env, "KINERJA_DATABASE_URL": self.url, "KINERJA_FIXED_NOW": FIXED_NOW}

    def spawn(self, *argv: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, *argv],
            cwd=ROOT,
            env=self.environ(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def kinerja(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kinerja", *argv],
            cwd=ROOT,
            env=self.environ(),
            capture_output=True,
            text=True,
            timeout=WAIT * 2,
            check=False,
        )


def case_for(url: str) -> Iterator[Case]:
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            submitter = position_by_code(session, SUBMITTER)
            report = session.exec(
                select(QuarterlyReport).where(
                    QuarterlyReport.position_id == submitter.id,
                    QuarterlyReport.year == 2021,
                    QuarterlyReport.quarter == 3,
                )
            ).one()
            assert report.state == "submitted" and report.id is not None
            tree = load_org(session).tree
            holding = tree.acting_holder(
                position_by_code(session, VERIFIER).id or 0, OCTOBER.date()
            )
            assert holding is not None
        yield Case(url, engine, report.id, report.version, holding.official.email)
    finally:
        engine.dispose()


@pytest.fixture
def pg_case(pg_demo_url: str) -> Iterator[Case]:  # noqa: F811 (the imported fixture)
    yield from case_for(pg_demo_url)


@pytest.fixture
def sqlite_case(demo_template: Path, tmp_path: Path) -> Iterator[Case]:
    path = tmp_path / "kill.db"
    shutil.copyfile(demo_template, path)
    yield from case_for(f"sqlite:///{path}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def case(request: pytest.FixtureRequest) -> Case:
    fixture = "sqlite_case" if request.param == "sqlite" else "pg_case"
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]


def wait_for_line(child: subprocess.Popen[str], line: str) -> None:
    assert child.stdout is not None
    got = child.stdout.readline().strip()
    if got != line:
        child.kill()
        _, err = child.communicate(timeout=WAIT)
        pytest.fail(f"child printed {got!r} instead of {line!r}: {err[-3000:]}")


def kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=WAIT)
    assert child.returncode == -signal.SIGKILL


def check_untouched_then_succeeds(case: Case, before: tuple[str, int, int, int]) -> None:
    """Nothing of the killed transition is left; the audit chain holds; it can be redone."""
    if case.engine.dialect.name == "postgresql":
        assert no_open_transactions(case.engine)
    assert written(case.engine, case.report_id) == before
    audit = case.kinerja("audit", "verify")
    assert audit.returncode == 0, audit.stderr
    assert "Rantai audit utuh." in audit.stdout
    again = case.kinerja(
        "act", case.ref, "verify", "--as", case.verifier, "--expected-version", str(case.version)
    )
    assert again.returncode == 0, again.stderr
    state, version, logs, outbox = written(case.engine, case.report_id)
    assert (state, version, logs) == ("verified", before[1] + 1, before[2] + 1)
    assert outbox > before[3]
    assert case.kinerja("audit", "verify").returncode == 0


def test_killed_right_before_commit_leaves_nothing(case: Case) -> None:
    before = written(case.engine, case.report_id)
    assert before[:2] == ("submitted", case.version)
    child = case.spawn("-c", CHILD, case.ref, case.verifier, str(case.version))
    try:
        wait_for_line(child, "READY")  # UPDATE, log row and outbox rows sent, no COMMIT yet
        kill(child)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate(timeout=WAIT)
    check_untouched_then_succeeds(case, before)


@pytest.mark.postgres
def test_kinerja_act_killed_while_waiting_inside_its_transaction(pg_case: Case) -> None:
    case = pg_case
    before = written(case.engine, case.report_id)
    with case.engine.connect() as locker:
        locker.execute(text("LOCK TABLE transition_log IN EXCLUSIVE MODE"))  # reads still pass
        child = case.spawn(
            "-m", "kinerja", "act", case.ref, "verify", "--as", case.verifier,
            "--expected-version", str(case.version),
        )  # fmt: skip
        try:
            backend = waiting_insert(case.engine, child)
            # The document's UPDATE is done: its backend holds the row lock on report.
            holds = text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = :pid AND c.relname = 'report' AND l.mode = 'RowExclusiveLock'"
            )
            with case.engine.connect() as probe:
                assert probe.execute(holds, {"pid": backend}).scalar_one() == 1
            kill(child)
        finally:
            if child.poll() is None:
                child.kill()
                child.communicate(timeout=WAIT)
        locker.rollback()  # the lock goes; the orphaned backend finds its client gone
    check_untouched_then_succeeds(case, before)


def waiting_insert(engine: Engine, child: subprocess.Popen[str]) -> int:
    """The backend pid of the child's INSERT INTO transition_log, waiting on the lock."""
    query = text(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND query LIKE 'INSERT INTO transition_log%' AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if child.poll() is not None:
            _, err = child.communicate()
            pytest.fail(f"kinerja act ended ({child.returncode}) before blocking: {err[-3000:]}")
        with engine.connect() as connection:
            pid = connection.execute(query).scalar_one_or_none()
        if pid is not None:
            return int(pid)
        time.sleep(0.05)
    pytest.fail("kinerja act never reached its INSERT INTO transition_log")

"""Two processes verify the same report at the same moment: exactly one wins, every time.

Two long-lived worker processes (spawned, each with its own engine) meet at a
barrier and both call `take_action(VERIFY)` with the version the parent read.
The compare-and-swap in SqlWorkflowStore (and BEGIN IMMEDIATE on SQLite) must let
exactly one through and give the other a ConflictError; the log then has one
"verify" row per round and the hash chain still holds.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from importlib import resources
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from db.catalogue import load_indicators
from db.database import create_db_engine, transaction
from db.documents import open_reports, position_by_code
from db.models import PerjanjianKinerja, QuarterlyReport
from db.pks import create_pk, set_target
from db.uow import SqlUnitOfWork
from db.workflow import SqlWorkflowStore
from db.workflow_models import TransitionLog
from engine.clock import JAKARTA
from engine.errors import ActionRefusedError
from engine.indicators import Indicator
from engine.policy import Policy
from engine.targets import Rollup, TargetMode
from engine.usecases.workflow import take_action
from engine.workflow import Action, Actor, DocKind, Role, State
from kinerja.demo.scenario import actor_for, approve_all_the_way, holder_of, step
from kinerja.demo.seed import GRESIK_CATALOG_FILE, demo_org_text
from tests.conftest import FIXED_NOW
from tests.integration.entries import fill_entry
from tests.integration.files import import_catalog_text, import_org_text
from tests.integration.views import audit_of
from workflows.definitions import MACHINES

pytestmark = pytest.mark.slow

ROUNDS = 200
WAIT = 60.0  # seconds: the longest any barrier, queue or join may take before the test fails
YEAR = 2021
HOLDER_CODE = "kasi-ikm"
VERIFIER_CODE = "kabid-perindustrian"
ROOT = Path(__file__).parents[2]


def wib(day: int, month: int, hour: int = 9) -> datetime:
    """`hour` o'clock Jakarta time on a 2021 day, as an aware UTC datetime."""
    return datetime(YEAR, month, day, hour - 7, tzinfo=UTC)


def targets_for(indicator: Indicator) -> tuple[str, list[str]]:
    """Annual and TW I-IV targets that pass the indicator's TargetCheck without a reason."""
    if indicator.target_mode is TargetMode.CUMULATIVE:
        return "100", ["25", "50", "75", "100"]  # TW IV equals the annual target
    if indicator.rollup is Rollup.SUM:
        return "100", ["25", "25", "25", "25"]  # the quarters add up to the year
    return "100", ["100", "100", "100", "100"]  # last / average of the quarters is the year


def prepare_report(engine: Engine) -> tuple[int, int]:
    """Demo organisation and catalogue, an approved kasi-ikm PK, its filled TW I report."""
    import_org_text(engine, demo_org_text(), "demo")
    catalog = resources.files("kinerja.data").joinpath(GRESIK_CATALOG_FILE).read_text("utf-8")
    import_catalog_text(engine, catalog, GRESIK_CATALOG_FILE)
    with transaction(engine) as session:
        position = position_by_code(session, HOLDER_CODE)
        assert position.id is not None
        indicators = load_indicators(session, year=YEAR, position_ids=[position.id])
        assert indicators, "kasi-ikm has no 2021 indicators in the catalogue"
        pk = create_pk(session, position.id, YEAR, wib(11, 1))
        assert pk.id is not None
        pk_id = pk.id
        for indicator in indicators:
            annual, quarters = targets_for(indicator)
            row, warnings = set_target(
                session, pk_id, indicator.code, annual=annual, quarters=quarters
            )
            assert warnings == [], (indicator.code, warnings)
            assert row.tw4_reason is None
    approve_all_the_way(engine, DocKind.PK, pk_id, wib(20, 1), wib(22, 1), wib(26, 1))
    with transaction(engine) as session:
        pk_row = session.get(PerjanjianKinerja, pk_id)
        assert pk_row is not None
        assert pk_row.state == State.APPROVED.value
        (report,) = open_reports(session, YEAR, 1, wib(1, 4, 8))
        assert report.id is not None
        report_id = report.id
        for indicator in indicators:
            values = {name: str(120 - 30 * n) for n, name in enumerate(indicator.formula.variables)}
            fill_entry(session, report_id, indicator.code, values=values)
    with Session(engine) as session:
        view = SqlWorkflowStore(session).document(DocKind.REPORT, report_id)
    assert view.missing == (), view.missing
    assert view.state is State.DRAFT
    return pk_id, report_id


def report_row(engine: Engine, report_id: int) -> QuarterlyReport:
    with Session(engine) as session:
        row = session.get(QuarterlyReport, report_id)
        assert row is not None
        return row


# --- the worker process -------------------------------------------------------------------


def verify_worker(
    url: str,
    worker: int,
    report_id: int,
    verifier: Actor,
    tasks: Any,
    results: Any,
    barrier: Any,
) -> None:
    """Loop: take (round, version, now), meet the other worker at the barrier, verify.

    Reports (round, worker, outcome, detail) where outcome is "ok" or the exception
    type name. Exits on None or when no task comes for a while (the parent is gone).
    """
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:  # connect before the first round
            session.exec(select(func.count()).select_from(QuarterlyReport)).one()
        results.put((-1, worker, "ready", ""))
        while True:
            try:
                task = tasks.get(timeout=2 * WAIT)
            except queue.Empty:
                return
            if task is None:
                return
            round_, version, now = task
            try:
                barrier.wait(timeout=WAIT)
            except threading.BrokenBarrierError:
                results.put((round_, worker, "BrokenBarrierError", "the other worker never came"))
                return
            try:
                with SqlUnitOfWork(engine, write=True) as uow:
                    result = take_action(
                        uow,
                        DocKind.REPORT,
                        report_id,
                        Action.VERIFY,
                        verifier,
                        now=now,
                        policy=Policy(machines=MACHINES, zone=JAKARTA),
                        expected_version=version,
                    )
                results.put((round_, worker, "ok", str(result.version)))
            except Exception as exc:  # the parent decides what is acceptable
                results.put((round_, worker, type(exc).__name__, str(exc)))
    finally:
        engine.dispose()


def collect(results: Any, count: int, workers: list[BaseProcess]) -> list[tuple[Any, ...]]:
    """`count` results within WAIT seconds; fail at once if a worker died."""
    got: list[tuple[Any, ...]] = []
    deadline = time.monotonic() + WAIT
    while len(got) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"no result from the workers within {WAIT:.0f} s (got {got})")
        try:
            got.append(results.get(timeout=min(0.5, remaining)))
        except queue.Empty:
            dead = [f"{w.name} (exit {w.exitcode})" for w in workers if not w.is_alive()]
            if dead:
                pytest.fail(f"worker died: {', '.join(dead)}; results so far {got}")
    return got


def stop(workers: list[BaseProcess], task_queues: list[Any]) -> None:
    """Ask the workers to stop, then terminate (and kill) whatever is still running."""
    for tasks in task_queues:
        with contextlib.suppress(Exception):  # a closed queue: terminated below anyway
            tasks.put_nowait(None)
    for worker in workers:
        worker.join(timeout=10)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
            worker.join(timeout=5)
        if worker.is_alive():
            worker.kill()
            worker.join(timeout=5)
    for tasks in task_queues:
        tasks.cancel_join_thread()
        tasks.close()


# --- the test -----------------------------------------------------------------------------


def test_two_processes_verifying_at_once_exactly_one_wins(
    database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Spawned workers unpickle `verify_worker` by importing this module as
    # tests.integration.test_concurrent_verify; they inherit the parent's sys.path.
    monkeypatch.syspath_prepend(str(ROOT))
    _pk_id, report_id = prepare_report(engine)
    with Session(engine) as session:
        verifier_position = position_by_code(session, VERIFIER_CODE).id
    assert verifier_position is not None
    holder = actor_for(engine, DocKind.REPORT, report_id, Role.HOLDER, FIXED_NOW)
    verifier = actor_for(engine, DocKind.REPORT, report_id, Role.VERIFIER, FIXED_NOW)
    approver = actor_for(engine, DocKind.REPORT, report_id, Role.APPROVER, FIXED_NOW)
    # The verifier is the Kepala Bidang Perindustrian holder on the day.
    assert verifier == holder_of(engine, verifier_position, FIXED_NOW)
    assert len({holder.official_id, verifier.official_id, approver.official_id}) == 3
    start_version = report_row(engine, report_id).version

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    task_queues = [context.Queue(), context.Queue()]
    workers: list[BaseProcess] = [
        context.Process(
            target=verify_worker,
            args=(database_url, n, report_id, verifier, task_queues[n], results, barrier),
            name=f"verify-worker-{n}",
            daemon=True,
        )
        for n in range(2)
    ]
    wins: Counter[int] = Counter()
    started = time.monotonic()
    try:
        for worker in workers:
            worker.start()
        ready = collect(results, 2, workers)
        assert sorted((r[1], r[2]) for r in ready) == [(0, "ready"), (1, "ready")], ready
        for round_ in range(ROUNDS):
            base = FIXED_NOW + timedelta(seconds=3 * round_)
            step(engine, DocKind.REPORT, report_id, Action.SUBMIT, holder, base)
            submitted = report_row(engine, report_id)
            assert submitted.state == State.SUBMITTED.value
            for tasks in task_queues:
                tasks.put((round_, submitted.version, base + timedelta(seconds=1)))
            outcomes = sorted(collect(results, 2, workers), key=lambda r: r[2] != "ok")
            assert [o[0] for o in outcomes] == [round_, round_], outcomes
            assert sorted(o[1] for o in outcomes) == [0, 1], outcomes
            (_, winner, won, version), (_, _loser, lost, message) = outcomes
            assert (won, lost) == ("ok", "ConflictError"), f"round {round_}: {outcomes}"
            assert int(version) == submitted.version + 1
            # The loser is told who changed the document and how.
            assert verifier.name in message and "verifikasi" in message, message
            wins[winner] += 1
            after = report_row(engine, report_id)
            assert (after.state, after.version) == (State.VERIFIED.value, submitted.version + 1)
            if round_ == 0:
                # A verified report goes back to draft only through the approver.
                with pytest.raises(ActionRefusedError):
                    step(
                        engine,
                        DocKind.REPORT,
                        report_id,
                        Action.RETURN,
                        verifier,
                        base + timedelta(seconds=2),
                        comment="Tarik kembali",
                    )
            if round_ < ROUNDS - 1:
                step(
                    engine,
                    DocKind.REPORT,
                    report_id,
                    Action.RETURN,
                    approver,
                    base + timedelta(seconds=2),
                    comment=f"Putaran {round_ + 1}: lengkapi bukti dukung",
                )
    finally:
        stop(workers, task_queues)
        results.cancel_join_thread()
        results.close()
    elapsed = time.monotonic() - started
    assert all(w.exitcode is not None for w in workers)

    assert sum(wins.values()) == ROUNDS
    with Session(engine) as session:
        actions = Counter(
            session.exec(
                select(TransitionLog.action).where(
                    TransitionLog.doc_type == DocKind.REPORT.value,
                    TransitionLog.doc_id == report_id,
                )
            ).all()
        )
        report = audit_of(session)
        row = session.get(QuarterlyReport, report_id)
        assert row is not None
    assert actions == {"submit": ROUNDS, "verify": ROUNDS, "return": ROUNDS - 1}, actions
    assert report.ok, report.breaks
    assert report.rows == 3 + 3 * ROUNDS - 1  # the PK's three rows and the report's
    successes = sum(actions.values())
    assert row.version == successes + 1 == start_version + successes
    assert row.state == State.VERIFIED.value
    assert row.visit == ROUNDS  # every return started a new visit
    print(f"{database_url.split(':')[0]}: {ROUNDS} rounds in {elapsed:.1f} s, wins {dict(wins)}")

"""Benchmark full workflow cycles (submit -> verify -> approve) against a floor and a peer.

Kinerja: each step is `engine.usecases.workflow.take_action` in its own unit of work (db.uow),
one transaction through the real services: the
document view with the part of the organisation tree it is decided on (one query; the
completeness check on submit is one more), the gate, the compare-and-swap update, the
hash-chained transition_log row and the outbox row.
Floor: the same rows written with bare SQLAlchemy Core on the same tables and engine (select the
document, compare-and-swap update, log row with its hash, outbox insert-or-ignore), with
statements built once as Kinerja's are; no gate, no organisation: what the writes cost by
themselves.
Peer: the same cycle as most Python teams would write it: a django-fsm-2 model with @transition
methods, saved with a log row in `transaction.atomic()` by the Django ORM (bench/django_peer).

Each database (SQLite file in WAL mode, PostgreSQL scratch database) gets the demo organisation
(25 positions, approved PKs) and the four quarterly reports of every position whose report is
verified before approval, their entries filled. A round takes every such report through one cycle;
between rounds (untimed) the reports are put back to draft with the next visit and version, so
each cycle starts from a fresh draft and writes fresh outbox keys. The three systems run in turn
in every round; the table gives the median cycles per second over the rounds.

Run: `python -m bench bench_transitions`; `python -m bench.bench_transitions --profile` prints a
pyinstrument profile of the Kinerja rounds on SQLite instead.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, bindparam, create_engine, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col
from sqlmodel import select as select_rows

from db.database import WRITE_OPTION, create_db_engine, transaction
from db.documents import open_reports
from db.migrate import upgrade
from db.models import IndicatorRow, QuarterlyReport, ReportEntry
from db.organisation import load_org
from db.uow import SqlUnitOfWork
from db.workflow_models import OutboxMessage, TransitionLog
from engine.audit import entry_hash
from engine.clock import JAKARTA
from engine.gate import parties
from engine.org import OrgTree
from engine.policy import Policy
from engine.usecases.workflow import take_action
from engine.workflow import Action, Actor, DocKind
from kinerja.demo.performance import DEMO_YEAR
from kinerja.demo.seed import seed_demo
from workflows.definitions import MACHINES

REPEATS = 5  # timed rounds per system and database (plus one warm-up round)
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
WHEN = datetime(DEMO_YEAR, 4, 6, 10, 0, tzinfo=JAKARTA)  # TW I reporting window
STEPS = (Action.SUBMIT, Action.VERIFY, Action.APPROVE)
TARGET_PEER = 2.0
TARGET_FLOOR = 0.5

REPORT = QuarterlyReport.metadata.tables["report"]
LOG = TransitionLog.metadata.tables["transition_log"]
OUTBOX = OutboxMessage.metadata.tables["outbox"]


@dataclass(frozen=True)
class Job:
    """One report and the three officials who take it through a cycle."""

    report_id: int
    position_id: int
    quarter: int
    actors: tuple[Actor, Actor, Actor]


@dataclass(frozen=True)
class Row:
    """The medians measured on one database."""

    database: str
    cycles: int
    kinerja: float
    floor: float
    peer: float


# --- setup -------------------------------------------------------------------------------------


def _actor(tree: OrgTree, position_id: int) -> Actor:
    holding = tree.acting_holder(position_id, WHEN.date())
    assert holding is not None, f"position {position_id} is empty"
    return Actor(holding.official.id, holding.official.name, holding.official.nip)


def prepare(engine: Engine) -> list[Job]:
    """Migrate, seed the demo, open TW II-IV, fill every entry; the two-step reports as jobs."""
    upgrade(engine)
    seed_demo(engine, datetime(DEMO_YEAR, 1, 5, 8, tzinfo=JAKARTA), quarters=0)
    with transaction(engine) as session:
        for quarter in (2, 3, 4):
            open_reports(session, DEMO_YEAR, quarter, WHEN)
        reports = list(session.exec(select_rows(QuarterlyReport).order_by(col(QuarterlyReport.id))))
        indicators = list(
            session.exec(select_rows(IndicatorRow).where(col(IndicatorRow.year) == DEMO_YEAR))
        )
        for report in reports:
            for indicator in indicators:
                if indicator.position_id == report.position_id:
                    assert report.id is not None and indicator.id is not None
                    session.add(
                        ReportEntry(
                            report_id=report.id,
                            indicator_id=indicator.id,
                            inputs={},
                            no_data_reason="data belum tersedia (benchmark)",
                        )
                    )
        tree = load_org(session).tree
        jobs = []
        for report in reports:
            assert report.id is not None
            who = parties(tree, report.position_id)
            if who.one_step or who.verifier is None or who.approver is None:
                continue
            actors = (
                _actor(tree, who.holder.id),
                _actor(tree, who.verifier.id),
                _actor(tree, who.approver.id),
            )
            jobs.append(Job(report.id, report.position_id, report.quarter, actors))
    return jobs


def reset_reports(engine: Engine, jobs: Sequence[Job]) -> None:
    """Put the reports back to draft with the next visit and version (untimed)."""
    with engine.begin() as connection:
        connection.execute(
            update(REPORT)
            .where(REPORT.c.id.in_([job.report_id for job in jobs]))
            .values(state="draft", version=REPORT.c.version + 1, visit=REPORT.c.visit + 1)
        )


def count_approved(engine: Engine, jobs: Sequence[Job]) -> int:
    """How many of the jobs' reports are approved (a check, untimed)."""
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(REPORT)
                .where(
                    REPORT.c.id.in_([job.report_id for job in jobs]), REPORT.c.state == "approved"
                )
            ).scalar_one()
        )


# --- the three systems -------------------------------------------------------------------------


def kinerja_round(engine: Engine, jobs: Sequence[Job]) -> float:
    """Every job through submit, verify and approve with `take_action`; seconds taken."""
    policy = Policy(machines=MACHINES, zone=JAKARTA)
    began = time.perf_counter()
    for job in jobs:
        for action, actor in zip(STEPS, job.actors, strict=True):
            with SqlUnitOfWork(engine, write=True) as uow:
                take_action(
                    uow, DocKind.REPORT, job.report_id, action, actor, now=WHEN, policy=policy
                )
    return time.perf_counter() - began


_TARGETS = {Action.SUBMIT: "submitted", Action.VERIFY: "verified", Action.APPROVE: "approved"}
_SOURCES = {Action.SUBMIT: "draft", Action.VERIFY: "submitted", Action.APPROVE: "verified"}


_FLOOR_READ = select(REPORT.c.state, REPORT.c.version, REPORT.c.visit, REPORT.c.audit_hash).where(
    REPORT.c.id == bindparam("doc_id")
)
_FLOOR_CAS = (
    update(REPORT)
    .where(
        REPORT.c.id == bindparam("doc_id"),
        REPORT.c.version == bindparam("old_version"),
        REPORT.c.state == bindparam("old_state"),
    )
    .values(
        state=bindparam("new_state"),
        version=bindparam("new_version"),
        audit_hash=bindparam("new_hash"),
        updated_at=bindparam("now"),
    )
)
_FLOOR_LOG = LOG.insert()
_FLOOR_OUTBOX = {
    name: module.insert(OUTBOX).on_conflict_do_nothing(index_elements=["dedupe_key"])
    for name, module in (("postgresql", postgresql), ("sqlite", sqlite))
}


def floor_step(engine: Engine, job: Job, action: Action, actor: Actor, now: datetime) -> None:
    """The writes of one step with SQLAlchemy Core: read, compare-and-swap, log, outbox.

    The statements are built once and run with their values as parameters (as Kinerja's
    are): what is measured is the writes, not building statements.
    """
    with engine.connect() as connection:
        connection = connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            doc = connection.execute(_FLOOR_READ, {"doc_id": job.report_id}).one()
            if doc.state != _SOURCES[action]:
                raise RuntimeError(f"floor: report {job.report_id} is {doc.state}")
            target = _TARGETS[action]
            log = {
                "doc_type": DocKind.REPORT.value,
                "doc_id": job.report_id,
                "visit": doc.visit,
                "action": action.value,
                "from_state": doc.state,
                "to_state": target,
                "actor_official_id": actor.official_id,
                "actor_name": actor.name,
                "actor_nip": actor.nip,
                "acting_status": "definitif",
                "acting_position_id": job.position_id,
                "acting_title": "Jabatan",
                "comment": None,
                "at": now,
            }
            digest = entry_hash(log, doc.audit_hash)
            changed = connection.execute(
                _FLOOR_CAS,
                {
                    "doc_id": job.report_id,
                    "old_version": doc.version,
                    "old_state": doc.state,
                    "new_state": target,
                    "new_version": doc.version + 1,
                    "new_hash": digest,
                    "now": now,
                },
            ).rowcount
            if changed != 1:
                raise RuntimeError("floor: conflict")
            connection.execute(_FLOOR_LOG, {**log, "prev_hash": doc.audit_hash, "hash": digest})
            key = f"floor.{action.value}:R-{job.report_id}:visit{doc.visit}:v{doc.version + 1}"
            connection.execute(
                _FLOOR_OUTBOX[engine.dialect.name],
                {
                    "dedupe_key": key,
                    "kind": f"workflow.{target}",
                    "recipient_official_id": actor.official_id,
                    "recipient_email": "bench@example.invalid",
                    "recipient_name": actor.name,
                    "payload": {"event": target, "doc": f"R-{job.report_id}"},
                    "status": "pending",
                    "attempts": 0,
                    "available_at": now,
                    "created_at": now,
                },
            )


def floor_round(engine: Engine, jobs: Sequence[Job]) -> float:
    """Every job through the three steps' writes in bare Core; seconds taken."""
    now = WHEN.astimezone(UTC)
    began = time.perf_counter()
    for job in jobs:
        for action, actor in zip(STEPS, job.actors, strict=True):
            floor_step(engine, job, action, actor, now)
    return time.perf_counter() - began


class Peer:
    """The django-fsm-2 peer on one Django database alias."""

    def __init__(self, alias: str, jobs: Sequence[Job]) -> None:
        from bench.django_peer import create_tables
        from bench.django_peer.models import Report

        self.alias = alias
        create_tables(alias)
        created = Report.objects.using(alias).bulk_create(
            [Report(position_id=j.position_id, year=DEMO_YEAR, quarter=j.quarter) for j in jobs]
        )
        self.ids = [report.pk for report in created]
        if any(pk is None for pk in self.ids):  # SQLite before 3.35 returns no ids
            self.ids = list(Report.objects.using(alias).order_by("id").values_list("id", flat=True))
        self.actors = [tuple(a.official_id or 0 for a in j.actors) for j in jobs]

    def reset(self) -> None:
        from bench.django_peer.models import Report

        Report.objects.using(self.alias).update(state="draft")

    def round(self) -> float:
        """Every report through submit, verify and approve; seconds taken."""
        from bench.django_peer.models import take_step

        now = WHEN.astimezone(UTC)
        began = time.perf_counter()
        for report_id, actors in zip(self.ids, self.actors, strict=True):
            for action, actor_id in zip(("submit", "verify", "approve"), actors, strict=True):
                take_step(self.alias, report_id, action, actor_id, now)
        return time.perf_counter() - began

    def approved(self) -> int:
        from bench.django_peer.models import Report

        return int(Report.objects.using(self.alias).filter(state="approved").count())


# --- measuring ---------------------------------------------------------------------------------


def measure(database: str, engine: Engine, jobs: Sequence[Job], peer: Peer) -> Row:
    """Interleave the three systems round by round; medians of the timed rounds."""
    runs: dict[str, list[float]] = {"kinerja": [], "floor": [], "peer": []}
    systems: dict[str, tuple[Callable[[], None], Callable[[], float], Callable[[], int]]] = {
        "kinerja": (
            lambda: reset_reports(engine, jobs),
            lambda: kinerja_round(engine, jobs),
            lambda: count_approved(engine, jobs),
        ),
        "floor": (
            lambda: reset_reports(engine, jobs),
            lambda: floor_round(engine, jobs),
            lambda: count_approved(engine, jobs),
        ),
        "peer": (peer.reset, peer.round, peer.approved),
    }
    for repeat in range(REPEATS + 1):
        for name, (reset, run, check) in systems.items():
            reset()
            seconds = run()
            if check() != len(jobs):
                raise RuntimeError(f"{name} on {database}: not every report was approved")
            if repeat:  # the first round warms caches and connection pools
                runs[name].append(len(jobs) / seconds)
    row = Row(
        database,
        len(jobs),
        statistics.median(runs["kinerja"]),
        statistics.median(runs["floor"]),
        statistics.median(runs["peer"]),
    )
    print(
        f"{database}: kinerja {_spread(runs['kinerja'])}, floor {_spread(runs['floor'])}, "
        f"peer {_spread(runs['peer'])} cycles/s",
        flush=True,
    )
    return row


def _spread(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def run_sqlite(workdir: Path) -> Row:
    """Kinerja and floor on one SQLite file, the peer on another, all in WAL mode."""
    from bench.django_peer import SQLITE

    engine = create_db_engine(f"sqlite:///{workdir / 'kinerja.db'}")
    try:
        with engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        if mode != "wal":
            raise RuntimeError(f"SQLite journal mode is {mode}, expected wal")
        jobs = prepare(engine)
        return measure("sqlite (file, WAL)", engine, jobs, Peer(SQLITE, jobs))
    finally:
        engine.dispose()


def pg_available() -> bool:
    """True when the PostgreSQL server answers."""
    try:
        server = create_engine(f"{PG_SERVER}/postgres", connect_args={"connect_timeout": 3})
        with server.connect():
            pass
        server.dispose()
        return True
    except Exception:  # any failure means: skip PostgreSQL
        return False


def run_postgres(name: str) -> Row:
    """Kinerja, floor and peer on one scratch database, created and dropped here."""
    from bench.django_peer import POSTGRES, close

    server = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_db_engine(f"{PG_SERVER}/{name}")
    try:
        jobs = prepare(engine)
        return measure("postgresql", engine, jobs, Peer(POSTGRES, jobs))
    finally:
        engine.dispose()
        close(POSTGRES)
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def format_table(rows: Sequence[Row], skipped: Sequence[str]) -> str:
    cycles = rows[0].cycles if rows else 0
    title = (
        f"Transitions benchmark: {cycles} submit->verify->approve cycles per round, "
        f"median of {REPEATS} rounds, cycles/s (higher is better)"
    )
    header = (
        f"{'database':<20} {'kinerja':>8} {'floor':>8} {'peer':>8} "
        f"{'kinerja/peer':>13} {'kinerja/floor':>14}"
    )
    lines = [
        title,
        "floor: bare SQLAlchemy Core writes; peer: django-fsm-2 + Django ORM with a log row",
        header,
        "-" * len(header),
    ]
    for row in rows:
        lines.append(
            f"{row.database:<20} {row.kinerja:>8.1f} {row.floor:>8.1f} {row.peer:>8.1f} "
            f"{row.kinerja / row.peer:>12.2f}x {row.kinerja / row.floor:>13.2f}x"
        )
    lines.extend(f"{name:<20} skipped: server not reachable" for name in skipped)
    lines.append(
        f"targets: kinerja/peer >= {TARGET_PEER:.1f}x and kinerja/floor >= {TARGET_FLOOR:.2f}x"
    )
    for row in rows:
        peer_ok = row.kinerja / row.peer >= TARGET_PEER
        floor_ok = row.kinerja / row.floor >= TARGET_FLOOR
        lines.append(
            f"  {row.database}: peer target {'met' if peer_ok else 'NOT met'}, "
            f"floor target {'met' if floor_ok else 'NOT met'}"
        )
    return "\n".join(lines)


def main() -> str:
    """Run the benchmark on SQLite and PostgreSQL, print the table and return it."""
    from bench.django_peer import configure

    workdir = Path(tempfile.mkdtemp(prefix="kinerja-bench-"))
    pg_name = f"kinerja_bench_{os.getpid()}"
    has_pg = pg_available()
    configure(workdir / "peer.db", pg_name if has_pg else None)
    rows, skipped = [], []
    try:
        rows.append(run_sqlite(workdir))
        if has_pg:
            rows.append(run_postgres(pg_name))
        else:
            skipped.append("postgresql")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    table = format_table(rows, skipped)
    print(table)
    return table


def profile() -> None:
    """Print a pyinstrument profile of the Kinerja rounds on SQLite (for finding hot spots)."""
    from pyinstrument import Profiler

    workdir = Path(tempfile.mkdtemp(prefix="kinerja-bench-"))
    engine = create_db_engine(f"sqlite:///{workdir / 'kinerja.db'}")
    try:
        jobs = prepare(engine)
        reset_reports(engine, jobs)
        kinerja_round(engine, jobs)  # warm-up
        profiler = Profiler()
        with profiler:
            for _ in range(3):
                reset_reports(engine, jobs)
                kinerja_round(engine, jobs)
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    finally:
        engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    profile() if "--profile" in sys.argv[1:] else main()

"""Benchmark full workflow cycles (submit -> verify -> approve) against a same-work peer.

Kinerja: each step is `engine.usecases.workflow.take_action` in its own unit of work (db.uow),
one transaction through the real services: the document view with the part of the
organisation tree it is decided on (one query; the completeness check on submit is one more),
the gate, the compare-and-swap update, the hash-chained transition_log row and the outbox row.

Peer (the fair one, bench/django_peer/models.py): django-fsm-2 and the Django ORM doing the
same writes in the same transaction: the report read with who acts on it (one query), the
entries checked on submit (one more), a compare-and-swap save, the hash-chained log row
(engine.audit.entry_hash) and the outbox row for the next one to act, on tables with Kinerja's
columns and indexes. The benchmark counts the statements each side sends (SQLAlchemy's
before_cursor_execute, Django's execute_wrapper) and prints both; it checks that the peer
wrote the very rows Kinerja wrote (log rows with the same hashes, outbox rows with the same
dedupe keys and payloads, reports in the same end state) and stops if not.

Also measured, for reference: the floor (the same writes with bare SQLAlchemy Core on Kinerja's
tables: no gate, no organisation, no completeness read) and the old peer the benchmark
shipped with before issue 14 (no outbox row, no hash chain: 12 statements per cycle against
Kinerja's 16, on a database holding only the benchmark's reports), whose ratio is printed as
the old one beside the fair one.

Each database (a SQLite file in WAL mode per side; one PostgreSQL scratch database) gets the
demo organisation (25 positions, approved PKs) and the four quarterly reports of every
position, their entries filled; the jobs are the reports verified before approval. The peer's
tables receive a copy of the same rows, ids included. Before every run (untimed) each side is
put back to that data: the log and outbox rows the last run wrote are deleted and the reports
restored, so every run of every side starts from the same rows. A warm-up round (untimed)
counts the statements and compares the rows written; then --rounds timed rounds, the order
alternating: odd rounds Kinerja, peer, floor, old peer; even rounds peer, Kinerja, old peer,
floor. The table gives the median cycles per second over the timed rounds.

Run: `python -m bench bench_transitions [--rounds N] [--pg-url URL] [--pg-db NAME]`;
`python -m bench.bench_transitions --profile` prints a pyinstrument profile of the Kinerja
rounds on SQLite instead.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, delete, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlmodel import col
from sqlmodel import select as select_rows

from bench._options import Options, Outcome, parse, pg_available, scratch_database, scratch_name
from bench._peer_side import (
    LOG_COMPARED,
    OUTBOX_COMPARED,
    REPORT_RESTORED,
    FairPeer,
    OldPeer,
    statement_kind,
)
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

WHEN = datetime(DEMO_YEAR, 4, 6, 10, 0, tzinfo=JAKARTA)  # TW I reporting window
STEPS = (Action.SUBMIT, Action.VERIFY, Action.APPROVE)
NARRATIVE_GUARD_READS = 7
"""SELECTs a report submit adds since issue 17 item 4 (a low result needs kendala and upaya):
the report's sources and the year's capaian rules, to know each indicator's category. The peer
has no targets, indicators or rules to read, so it does not follow; the comparison counts them
as Kinerja's extra work (the ratio is the more conservative for it)."""


def peer_plus_guard(peer: Counter[str], cycles: int) -> Counter[str]:
    """The peer's statements plus the narrative guard's reads: what Kinerja should send."""
    return peer + Counter({"SELECT": NARRATIVE_GUARD_READS * cycles})


TARGETS = {"sqlite": 1.5, "postgresql": 1.4}  # issue 14: kinerja / same-work peer, binding

REPORT = QuarterlyReport.metadata.tables["report"]
LOG = TransitionLog.metadata.tables["transition_log"]
OUTBOX = OutboxMessage.metadata.tables["outbox"]

SIDES = ("kinerja", "peer", "floor", "old peer")
ORDERS = (SIDES, ("peer", "kinerja", "old peer", "floor"))
"""The order of the sides in odd and in even rounds."""


@dataclass(frozen=True)
class Job:
    """One report and the three officials who take it through a cycle."""

    report_id: int
    position_id: int
    quarter: int
    actors: tuple[Actor, Actor, Actor]


@dataclass(frozen=True)
class Row:
    """What was measured on one database."""

    database: str
    backend: str
    cycles: int
    rates: dict[str, list[float]]
    statements: dict[str, Counter[str]]
    start_rows: dict[str, tuple[int, int, int]]
    written: tuple[int, int]

    def median(self, side: str) -> float:
        return statistics.median(self.rates[side])

    def ratio(self, side: str, other: str) -> float:
        return self.median(side) / self.median(other)


# --- setup -------------------------------------------------------------------------------------


def _actor(tree: OrgTree, position_id: int) -> Actor:
    holding = tree.acting_holder(position_id, WHEN.date())
    assert holding is not None, f"position {position_id} is empty"
    return Actor(holding.official.id, holding.official.name, holding.official.nip)


def prepare(engine: Engine) -> list[Job]:
    """Migrate, seed the demo, open TW II-IV, fill every entry; the two-step reports as jobs."""
    upgrade(engine)
    seed_demo(engine, datetime(DEMO_YEAR, 1, 5, 8, tzinfo=JAKARTA), year=DEMO_YEAR, quarters=0)
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


# --- Kinerja's database: Kinerja and the floor ------------------------------------------------


class KinerjaSide:
    """Kinerja (or the floor) on Kinerja's database, put back to the prepared data per run."""

    def __init__(self, engine: Engine, jobs: Sequence[Job], run: Callable[[], float]) -> None:
        self.engine = engine
        self.jobs = jobs
        self.round = run
        with engine.connect() as connection:
            self.log_mark = int(connection.execute(select(func.max(LOG.c.id))).scalar() or 0)
            self.outbox_mark = int(connection.execute(select(func.max(OUTBOX.c.id))).scalar() or 0)
            ids = [job.report_id for job in jobs]
            columns = [REPORT.c[name] for name in REPORT_RESTORED]
            found = connection.execute(select(REPORT.c.id, *columns).where(REPORT.c.id.in_(ids)))
            self.restored = [
                {
                    "rid": row[0],
                    **{f"r_{n}": v for n, v in zip(REPORT_RESTORED, row[1:], strict=True)},
                }
                for row in found
            ]

    def reset(self) -> None:
        """Back to the prepared data (untimed): what a run wrote deleted, reports restored."""
        with self.engine.begin() as connection:
            connection.execute(delete(LOG).where(LOG.c.id > self.log_mark))
            connection.execute(delete(OUTBOX).where(OUTBOX.c.id > self.outbox_mark))
            connection.execute(_RESTORE, self.restored)

    def approved(self) -> int:
        return count_approved(self.engine, self.jobs)

    def counts(self) -> tuple[int, int, int]:
        """(reports, log rows, outbox rows) in Kinerja's tables now."""
        with self.engine.connect() as connection:
            return tuple(  # type: ignore[return-value]
                int(connection.execute(select(func.count()).select_from(t)).scalar_one())
                for t in (REPORT, LOG, OUTBOX)
            )

    def counting(self, counter: Counter[str]) -> AbstractContextManager[None]:
        return sqlalchemy_counting(self.engine, counter)

    def written(self) -> dict[str, list[tuple[Any, ...]]]:
        """What the last run wrote: the log and outbox rows and the reports' end state."""
        with self.engine.connect() as connection:
            log = connection.execute(
                select(*(LOG.c[n] for n in LOG_COMPARED))
                .where(LOG.c.id > self.log_mark)
                .order_by(LOG.c.id)
            )
            outbox = connection.execute(
                select(*(OUTBOX.c[n] for n in OUTBOX_COMPARED))
                .where(OUTBOX.c.id > self.outbox_mark)
                .order_by(OUTBOX.c.id)
            )
            reports = connection.execute(
                select(REPORT.c.id, REPORT.c.state, REPORT.c.version, REPORT.c.visit,
                       REPORT.c.audit_hash)
                .where(REPORT.c.id.in_([job.report_id for job in self.jobs]))
                .order_by(REPORT.c.id)
            )  # fmt: skip
            return {
                "log": [tuple(r) for r in log],
                "outbox": [tuple(r) for r in outbox],
                "reports": [tuple(r) for r in reports],
            }


_RESTORE = (
    update(REPORT)
    .where(REPORT.c.id == bindparam("rid"))
    .values({name: bindparam(f"r_{name}") for name in REPORT_RESTORED})
)


@contextmanager
def sqlalchemy_counting(engine: Engine, counter: Counter[str]) -> Iterator[None]:
    """Count the statements SQLAlchemy sends on `engine` by their first word."""

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        counter[statement_kind(statement)] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --- measuring ---------------------------------------------------------------------------------


def _compare(
    kinerja: dict[str, list[tuple[Any, ...]]], peer: dict[str, list[tuple[Any, ...]]]
) -> None:
    """Stop unless the peer wrote the rows Kinerja wrote (the benchmark compares the same work)."""
    for name, ours in kinerja.items():
        theirs = peer[name]
        if len(ours) != len(theirs):
            raise RuntimeError(f"peer wrote {len(theirs)} {name} rows, Kinerja {len(ours)}")
        for mine, other in zip(ours, theirs, strict=True):
            if tuple(mine) != tuple(other):
                raise RuntimeError(f"peer wrote another {name} row:\n {other}\n Kinerja:\n {mine}")


def measure(
    database: str, backend: str, sides: dict[str, Any], jobs: Sequence[Job], rounds: int
) -> Row:
    """A warm-up round counting statements and comparing rows, then `rounds` timed rounds."""
    statements: dict[str, Counter[str]] = {}
    written: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    start_rows: dict[str, tuple[int, int, int]] = {}
    for name in SIDES:
        side = sides[name]
        side.reset()
        if name in ("kinerja", "peer"):
            start_rows[name] = side.counts()
        statements[name] = Counter()
        with side.counting(statements[name]):
            side.round()
        if side.approved() != len(jobs):
            raise RuntimeError(f"{name} on {database}: not every report was approved")
        if name in ("kinerja", "peer"):
            written[name] = side.written()
    _compare(written["kinerja"], written["peer"])
    rates: dict[str, list[float]] = {name: [] for name in SIDES}
    for number in range(1, rounds + 1):
        for name in ORDERS[(number - 1) % 2]:
            side = sides[name]
            side.reset()
            seconds = side.round()
            if side.approved() != len(jobs):
                raise RuntimeError(f"{name} on {database}: not every report was approved")
            rates[name].append(len(jobs) / seconds)
    print(
        f"{database}: "
        + ", ".join(f"{name} {_spread(rates[name])}" for name in SIDES)
        + " cycles/s",
        flush=True,
    )
    log, outbox = (len(written["kinerja"][k]) for k in ("log", "outbox"))
    return Row(database, backend, len(jobs), rates, statements, start_rows, (log, outbox))


def _spread(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def run_backend(
    database: str, backend: str, url: str, aliases: tuple[str, str], rounds: int
) -> Row:
    """Kinerja and the floor on `url`; the fair and old peers on the two Django aliases."""
    engine = create_db_engine(url)
    try:
        if backend == "sqlite":
            with engine.connect() as connection:
                mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            if mode != "wal":
                raise RuntimeError(f"SQLite journal mode is {mode}, expected wal")
        jobs = prepare(engine)
        with transaction(engine) as session:
            tree = load_org(session).tree
        sides = {
            "kinerja": KinerjaSide(engine, jobs, lambda: kinerja_round(engine, jobs)),
            "floor": KinerjaSide(engine, jobs, lambda: floor_round(engine, jobs)),
            "peer": FairPeer(aliases[0], engine, tree, jobs, WHEN),
            "old peer": OldPeer(aliases[1], jobs, WHEN),
        }
        return measure(database, backend, sides, jobs, rounds)
    finally:
        engine.dispose()


def per_cycle(counter: Counter[str], cycles: int) -> str:
    total = sum(counter.values()) / cycles
    parts = ", ".join(f"{kind} {n / cycles:g}" for kind, n in sorted(counter.items()))
    return f"{total:g} ({parts})"


def format_table(rows: Sequence[Row], skipped: Sequence[str], rounds: int) -> str:
    cycles = rows[0].cycles if rows else 0
    header = (
        f"{'database':<19} {'kinerja':>8} {'peer':>8} {'floor':>8} {'old peer':>9} "
        f"{'fair: kinerja/peer':>19} {'old: kinerja/old peer':>22} {'kinerja/floor':>14}"
    )
    lines = [
        f"Transitions benchmark: {cycles} submit->verify->approve cycles per round, median of "
        f"{rounds} timed rounds (order alternating), cycles/s (higher is better)",
        "peer: django-fsm-2 + Django ORM doing Kinerja's writes (log row with hash chain, outbox "
        "row); floor: the same writes in bare SQLAlchemy Core;",
        "old peer: the peer shipped before issue 14 (no outbox row, no hash chain, a database of "
        "the benchmark's reports only)",
        header,
        "-" * len(header),
    ]
    for row in rows:
        lines.append(
            f"{row.database:<19} {row.median('kinerja'):>8.1f} {row.median('peer'):>8.1f} "
            f"{row.median('floor'):>8.1f} {row.median('old peer'):>9.1f} "
            f"{row.ratio('kinerja', 'peer'):>18.2f}x {row.ratio('kinerja', 'old peer'):>21.2f}x "
            f"{row.ratio('kinerja', 'floor'):>13.2f}x"
        )
    lines.extend(f"{name:<19} skipped: server not reachable" for name in skipped)
    lines.append(
        "statements per cycle (SQLAlchemy before_cursor_execute, Django execute_wrapper; "
        "COMMIT is a driver call on both sides, not counted):"
    )
    for row in rows:
        kinerja, peer = row.statements["kinerja"], row.statements["peer"]
        same = (
            f"same + {NARRATIVE_GUARD_READS} SELECT of the narrative guard"
            if kinerja == peer_plus_guard(peer, row.cycles)
            else "DIFFERENT"
        )
        lines.append(f"  {row.database}: kinerja {per_cycle(kinerja, row.cycles)}")
        lines.append(
            f"  {'':<{len(row.database)}}  peer    {per_cycle(peer, row.cycles)}  [{same}]"
        )
        lines.append(
            f"  {'':<{len(row.database)}}  floor {per_cycle(row.statements['floor'], row.cycles)}; "
            f"old peer {per_cycle(row.statements['old peer'], row.cycles)}"
        )
    for row in rows:
        (kr, kl, ko), (pr, pl, po) = row.start_rows["kinerja"], row.start_rows["peer"]
        log, outbox = row.written
        lines.append(
            f"  {row.database}: every run starts from {kr} reports, {kl} log and {ko} outbox rows "
            f"(peer: {pr}, {pl}, {po}); per round both write {log} log rows (same hashes) and "
            f"{outbox} outbox rows (same keys and payloads)"
        )
    lines.append(
        "target (issue 14, binding): fair kinerja/peer >= "
        + ", ".join(f"{TARGETS[b]:.1f}x on {b}" for b in TARGETS)
    )
    lines.extend(f"  {line}" for line in summary(rows))
    return "\n".join(lines)


def summary(rows: Sequence[Row]) -> list[str]:
    """The binding ratio of each database, with the old ratio beside it."""
    found = []
    for row in rows:
        fair, target = row.ratio("kinerja", "peer"), TARGETS[row.backend]
        met = "met" if fair >= target else "NOT met"
        found.append(
            f"transitions {row.backend}: kinerja/peer {fair:.2f}x (target >= {target:.1f}x: "
            f"{met}); old ratio kinerja/old peer {row.ratio('kinerja', 'old peer'):.2f}x"
        )
    return found


def run(options: Options) -> Outcome:
    """Run the benchmark on the chosen backends, print the table and return it."""
    from bench.django_peer import POSTGRES, POSTGRES_OLD, SQLITE, SQLITE_OLD, close, configure

    workdir = Path(tempfile.mkdtemp(prefix="kinerja-bench-"))
    rows: list[Row] = []
    skipped: list[str] = []
    has_pg = options.wants("postgresql") and pg_available(options)
    if options.wants("postgresql") and not has_pg:
        skipped.append("postgresql")
    pg_name = scratch_name(options, "transitions")
    pg_url = make_url(options.pg_url).set(database=pg_name).render_as_string(hide_password=False)
    configure(workdir, pg_url if has_pg else None)
    try:
        if options.wants("sqlite"):
            url = f"sqlite:///{workdir / 'kinerja.db'}"
            rows.append(
                run_backend(
                    "sqlite (file, WAL)", "sqlite", url, (SQLITE, SQLITE_OLD), options.rounds
                )
            )
        if has_pg:
            with scratch_database(options, pg_name) as url:
                try:
                    rows.append(
                        run_backend("postgresql", "postgresql", url, (POSTGRES, POSTGRES_OLD),
                                    options.rounds)
                    )  # fmt: skip
                finally:
                    close(POSTGRES)
                    close(POSTGRES_OLD)
    finally:
        for alias in (SQLITE, SQLITE_OLD):
            close(alias)
        shutil.rmtree(workdir, ignore_errors=True)
    table = format_table(rows, skipped, options.rounds)
    print(table)
    return Outcome(table, tuple(summary(rows)))


def main(argv: Sequence[str] | None = None) -> str:
    """`python -m bench.bench_transitions [options]`: print the table and return it."""
    return run(parse(argv, __doc__)).table


def profile() -> None:
    """Print a pyinstrument profile of the Kinerja rounds on SQLite (for finding hot spots)."""
    from pyinstrument import Profiler

    workdir = Path(tempfile.mkdtemp(prefix="kinerja-bench-"))
    engine = create_db_engine(f"sqlite:///{workdir / 'kinerja.db'}")
    try:
        jobs = prepare(engine)
        side = KinerjaSide(engine, jobs, lambda: kinerja_round(engine, jobs))
        side.reset()
        side.round()  # warm-up
        profiler = Profiler()
        with profiler:
            for _ in range(3):
                side.reset()
                side.round()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    finally:
        engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if "--profile" in sys.argv[1:]:
        profile()
    else:
        main()

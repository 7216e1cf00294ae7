"""Data for the sweep benchmark: a generated regency, pending reports near a deadline, history.

The regency has AGENCIES x POSITIONS_PER_AGENCY positions (head, sekretaris and four kabid,
twenty kasi/kasubag, pelaksana below them), one definitif official each. Reports are
generated in two parts:

- the *recent* reports, 2025 Q2 to 2026 Q1 for every position (10,000 rows): the only ones
  that can be pending. `set_pending(n)` makes the first n of them pending (2026 Q1 first, in
  draft, submitted and verified) and the rest approved, so one database serves several
  pending counts;
- the *history*, approved reports of earlier quarters (one ladder rung each, as a sent
  reminder), added in stages so that the same database grows from 10k to 100k to 1M reports.

1M reports fit the unique (position, year, quarter) as 2,500 positions x 4 quarters x 100
years; the years are unrealistic for a regency but nothing the sweep reads depends on them.
Setup writes with plain SQLAlchemy Core executemany on a connection with synchronous=OFF;
the timed code uses the application's own engine (db.database.create_db_engine).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    cast,
    create_engine,
    delete,
    func,
    literal,
    select,
    update,
)
from sqlmodel import Session

from db.admin import seed_holidays
from db.database import UTCDateTime, create_db_engine
from db.migrate import upgrade
from db.models import Agency, AssignmentRow, OfficialRow, PositionRow, QuarterlyReport, Regency
from db.workflow_models import LadderRung, OutboxMessage

AGENCIES = 50
POSITIONS_PER_AGENCY = 50
POSITIONS = AGENCIES * POSITIONS_PER_AGENCY
RECENT_QUARTERS = ((2026, 1), (2025, 4), (2025, 3), (2025, 2))
RECENT = POSITIONS * len(RECENT_QUARTERS)
SWEEP_AT = datetime(2026, 4, 6, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB, days before Q1's deadline
HOLIDAY_YEARS = range(2024, 2028)
BATCH = 50_000
_CREATED = datetime(2020, 1, 1, tzinfo=UTC)
HISTORY_RUNG = "remind-1-history"
_PENDING_CYCLE = ("draft", "draft", "submitted", "verified")

REPORTS = QuarterlyReport.metadata.tables["report"]
RUNGS = LadderRung.metadata.tables["ladder_rung"]
OUTBOX = OutboxMessage.metadata.tables["outbox"]


def create(url: str) -> Engine:
    """Migrate an empty database, seed the regency, holidays and the recent reports."""
    engine = create_db_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        seed_holidays(session, HOLIDAY_YEARS, _CREATED)
        session.commit()
    with _bulk(url) as connection:
        _seed_org(connection)
        rows = [
            _report(position, year, quarter, "approved")
            for year, quarter in RECENT_QUARTERS
            for position in range(1, POSITIONS + 1)
        ]
        connection.execute(REPORTS.insert(), rows)
    return engine


def grow_history(url: str, reports: int) -> None:
    """Add approved history until the report table holds `reports` rows (one rung each).

    Generated in the database (INSERT ... SELECT over a counting CTE): executemany of a
    million Python dicts took over a minute on SQLite, this takes seconds.
    """
    with _bulk(url) as connection:
        have = int(connection.execute(select(func.count()).select_from(REPORTS)).scalar_one())
        first, last = have - RECENT, reports - RECENT  # history indexes to add: [first, last)
        if last <= first:
            return
        floor = int(connection.execute(select(func.max(REPORTS.c.id))).scalar_one())
        counter = select(literal(first).label("i")).cte("counter", recursive=True)
        counter = counter.union_all(select(counter.c.i + 1).where(counter.c.i < last - 1))
        back = counter.c.i // POSITIONS  # quarters before 2025 Q2
        quarter_number = literal(2025 * 4) - back  # year * 4 + (quarter - 1); back 0 = 2025 Q1
        stamp = literal(_CREATED, UTCDateTime())
        history = select(
            counter.c.i % POSITIONS + 1, quarter_number // 4, quarter_number % 4 + 1,
            literal("approved"), literal(4), literal(1), stamp, stamp,
        )  # fmt: skip
        columns = ("position_id", "year", "quarter", "state", "version", "visit",
                   "created_at", "updated_at")  # fmt: skip
        connection.execute(REPORTS.insert().from_select(columns, history))
        doc = literal("LAP-") + cast(REPORTS.c.id, String)
        rungs = select(
            doc + literal(":visit1:submit:remind-1"), doc, literal(1), literal("submit"),
            literal(HISTORY_RUNG), doc, stamp,
        ).where(REPORTS.c.id > floor)  # fmt: skip
        connection.execute(
            RUNGS.insert().from_select(
                ("key", "doc", "visit", "step", "rung", "digest_key", "created_at"), rungs
            )
        )


def set_pending(engine: Engine, pending: int) -> None:
    """Make the first `pending` recent reports pending, the other recent ones approved."""
    with engine.begin() as connection:
        connection.execute(update(REPORTS).where(REPORTS.c.id <= RECENT).values(state="approved"))
        for offset, state in enumerate(_PENDING_CYCLE):
            ids = [i for i in range(1, pending + 1) if i % len(_PENDING_CYCLE) == offset]
            for chunk in _chunks(ids):
                connection.execute(
                    update(REPORTS).where(REPORTS.c.id.in_(chunk)).values(state=state)
                )
        reset_sweep_output(connection)


def reset_sweep_output(connection: Connection) -> None:
    """Forget what a sweep claimed and enqueued (rungs of recent reports, the outbox)."""
    connection.execute(delete(RUNGS).where(RUNGS.c.rung != HISTORY_RUNG))
    connection.execute(delete(OUTBOX))


@contextmanager
def _bulk(url: str) -> Iterator[Connection]:
    """A setup connection that does not wait for the disk (never used for timing)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA synchronous=OFF")
                connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB
                connection.commit()
            with connection.begin():
                yield connection
    finally:
        engine.dispose()


def _chunks(items: Any) -> Iterator[list[Any]]:
    items = list(items)
    for begin in range(0, len(items), BATCH):
        yield items[begin : begin + BATCH]


def _report(position: int, year: int, quarter: int, state: str) -> dict[str, Any]:
    return {
        "position_id": position, "year": year, "quarter": quarter, "state": state,
        "version": 4, "visit": 1, "created_at": _CREATED, "updated_at": _CREATED,
    }  # fmt: skip


def _seed_org(connection: Connection) -> None:
    regency = Regency.metadata.tables["regency"]
    agency = Agency.metadata.tables["agency"]
    position = PositionRow.metadata.tables["position"]
    official = OfficialRow.metadata.tables["official"]
    assignment = AssignmentRow.metadata.tables["assignment"]
    connection.execute(
        regency.insert(),
        [{"id": 1, "code": "bench", "name": "Kabupaten Bangku", "head_title": "Bupati"}],
    )
    connection.execute(
        agency.insert(),
        [
            {"id": a, "regency_id": 1, "code": f"dinas-{a}", "name": f"Dinas {a}",
             "short_name": f"D{a}", "place": "Bangku"}
            for a in range(1, AGENCIES + 1)
        ],
    )  # fmt: skip
    positions, officials, assignments = [], [], []
    since = date(2020, 1, 1)
    for a in range(AGENCIES):
        for slot, level, parent in _agency_shape():
            pid = a * POSITIONS_PER_AGENCY + slot + 1
            parent_id = None if parent is None else a * POSITIONS_PER_AGENCY + parent + 1
            positions.append(
                {"id": pid, "agency_id": a + 1, "code": f"p{slot}", "title": f"Jabatan {pid}",
                 "unit_name": f"Unit {pid}", "level": level, "parent_id": parent_id,
                 "sort_order": slot}
            )  # fmt: skip
            officials.append(
                {"id": pid, "nip": f"{197001012000011000 + pid}", "name": f"Pegawai {pid}",
                 "email": f"pegawai{pid}@bench.test"}
            )  # fmt: skip
            assignments.append(
                {"official_id": pid, "position_id": pid, "status": "definitif",
                 "valid_from": since, "valid_to": None, "decree": None}
            )  # fmt: skip
    connection.execute(position.insert(), positions)
    connection.execute(official.insert(), officials)
    connection.execute(assignment.insert(), assignments)


def _agency_shape() -> list[tuple[int, str, int | None]]:
    """(slot, level, parent slot): head, 5 administrators, 20 pengawas, pelaksana below."""
    shape: list[tuple[int, str, int | None]] = [(0, "jpt_pratama", None)]
    shape += [(s, "administrator", 0) for s in range(1, 6)]
    shape += [(s, "pengawas", 1 + (s - 6) // 4) for s in range(6, 26)]
    shape += [(s, "pelaksana", 6 + (s - 26) % 20) for s in range(26, POSITIONS_PER_AGENCY)]
    return shape

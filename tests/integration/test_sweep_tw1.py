"""A simulated TW I 2021 for the demo agency: the sweep sends exactly the expected rungs.

On a fixed clock, sweeping at 08:00 WIB on every working day from 1 March to 30 April 2021,
the sweep sends exactly the rungs of the EXPECTED table below to exactly the people named
there, with 2021's holidays respected (Isra Mi'raj Thu 11 March, Nyepi Sun 14 March, Wafat
Isa Almasih Fri 2 April), one digest per recipient per sweep; a second run of every sweep
sends nothing more. Runs on SQLite and PostgreSQL.

Three reports of TW I 2021 (the others have no PK, hence no report):

- kasi-ikm (Kepala Seksi IKM): holder's superior and verifier = Kepala Bidang Perindustrian,
  approver = Kepala Dinas. Submitted 5 Apr, verified 7 Apr, approved 12 Apr.
- pengelola-data (a pelaksana): direct superior = its Kepala Seksi (Pengendalian Usaha
  Perdagangan Kecil ...), verifier = Kepala Bidang Perdagangan, approver = Kepala Dinas.
  Submitted late on 13 Apr, verified 19 Apr, approved 21 Apr.
- kabid-koperasi (a Kepala Bidang, whose superior is the head): one step, the Kepala Dinas
  approves directly. Submitted 8 Apr, approved 16 Apr (late).

Workflow steps are taken at 10:00 WIB, after that day's 08:00 sweep.

Deadlines, by hand (TW I ends Wed 31 Mar; Fri 2 Apr is Good Friday):
- submission: 31 Mar + 5 wd = 1 Apr (1), 5 (2), 6 (3), 7 (4), Thu 8 Apr (5)
- verification: 8 Apr + 3 wd = 9, 12, Tue 13 Apr
- approval after verification: 13 Apr + 3 wd = 14, 15, Fri 16 Apr
- approval in one step: 8 Apr + 3 wd = Tue 13 Apr

Rung days, by hand:
- submission (deadline Thu 8 Apr):
    remind-7: 7, 6, 5, [2 Apr holiday], 1 Apr, 31, 30, Mon 29 Mar  (30 Mar without Good Friday)
    remind-3: 7, 6, Mon 5 Apr;  remind-1: Wed 7 Apr;  remind-0: Thu 8 Apr
    escalate-superior (+1): Fri 9 Apr;  escalate-head (+3): 9, 12, Tue 13 Apr
- verification (deadline Tue 13 Apr; reminders to the verifier, then the verifier's
  superior, who is the head, so there is no separate escalation to the head):
    remind-7: 12, 9, 8, 7, 6, 5, [2 Apr], Thu 1 Apr;  remind-3: 12, 9, Thu 8 Apr
    remind-1: Mon 12 Apr;  remind-0: Tue 13 Apr;  escalate-superior (+1): Wed 14 Apr
- approval after verification (deadline Fri 16 Apr; the head is the actor: no escalation):
    remind-7: 15, 14, 13, 12, 9, 8, Wed 7 Apr;  remind-3: 15, 14, Tue 13 Apr
    remind-1: Thu 15 Apr;  remind-0: Fri 16 Apr
- one-step approval (deadline Tue 13 Apr): as verification's reminders: 1, 8, 12, 13 Apr

A rung is "due and not yet sent": a step that starts after some of its reminder days owes
only its latest due reminder on the next sweep (e.g. kasi-ikm's verification, begun on 5 Apr,
gets its remind-7 of 1 Apr on 6 Apr).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.admin import load_calendar, seed_holidays
from db.catalogue import load_indicators
from db.database import create_db_engine, transaction
from db.documents import open_reports, position_by_code
from db.migrate import upgrade
from db.models import OfficialRow, QuarterlyReport
from db.pks import create_pk, set_target
from db.workflow_models import LadderRung, OutboxMessage
from engine.clock import JAKARTA, local_date
from engine.indicators import Indicator
from engine.targets import Rollup, TargetMode
from engine.usecases import reminders as reminders_module
from engine.usecases.reminders import SweepResult
from engine.workflow import Action, DocKind, Role, State
from kinerja.demo.scenario import actor_for, approve_all_the_way, step
from kinerja.demo.seed import GRESIK_CATALOG_FILE, demo_org_text, demo_people
from tests.integration.entries import fill_entry
from tests.integration.files import import_catalog_text, import_org_text
from tests.integration.sweeps import sweep_at

YEAR = 2021
DAY = timedelta(days=1)
D = date  # short for the tables


def wib(day: date, hour: int) -> datetime:
    """`hour` o'clock Jakarta time (UTC+7) on `day`, as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour - 7, tzinfo=UTC)


# Every weekday of March-April 2021 except the two weekday holidays (Nyepi is on a Sunday).
HOLIDAYS_ON_WEEKDAYS = {D(2021, 3, 11), D(2021, 4, 2)}
SWEEP_DAYS = [
    day
    for day in (D(2021, 3, 1) + n * DAY for n in range((D(2021, 4, 30) - D(2021, 3, 1)).days + 1))
    if day.weekday() < 5 and day not in HOLIDAYS_ON_WEEKDAYS
]

# The reports: alias -> position code.
REPORTS = {"ikm": "kasi-ikm", "data": "pengelola-data", "kop": "kabid-koperasi"}

# Workflow steps at 10:00 WIB: day -> (report, action, role acting).
EVENTS: dict[date, list[tuple[str, Action, Role]]] = {
    D(2021, 4, 5): [("ikm", Action.SUBMIT, Role.HOLDER)],
    D(2021, 4, 7): [("ikm", Action.VERIFY, Role.VERIFIER)],
    D(2021, 4, 8): [("kop", Action.SUBMIT, Role.HOLDER)],
    D(2021, 4, 12): [("ikm", Action.APPROVE, Role.APPROVER)],
    D(2021, 4, 13): [("data", Action.SUBMIT, Role.HOLDER)],
    D(2021, 4, 16): [("kop", Action.APPROVE, Role.APPROVER)],
    D(2021, 4, 19): [("data", Action.VERIFY, Role.VERIFIER)],
    D(2021, 4, 21): [("data", Action.APPROVE, Role.APPROVER)],
}

# Deadlines by (report, step), worked out in the module docstring.
DEADLINES = {
    ("ikm", "submit"): D(2021, 4, 8),
    ("ikm", "verify"): D(2021, 4, 13),
    ("ikm", "approve"): D(2021, 4, 16),
    ("data", "submit"): D(2021, 4, 8),
    ("data", "verify"): D(2021, 4, 13),
    ("data", "approve"): D(2021, 4, 16),
    ("kop", "submit"): D(2021, 4, 8),
    ("kop", "approve"): D(2021, 4, 13),
}

# pengelola-data's direct superior, the Kepala Seksi Pengendalian Usaha Perdagangan Kecil ...
KASI_DATA = "kasi-pengendalian-perdagangan-kecil"

# Who must take each step (the "holder" named in digest items): the report's holder submits,
# the nearest Kepala Bidang verifies, the Kepala Dinas approves.
ACTORS = {
    ("ikm", "submit"): "kasi-ikm",
    ("ikm", "verify"): "kabid-perindustrian",
    ("ikm", "approve"): "kepala-dinas",
    ("data", "submit"): "pengelola-data",
    ("data", "verify"): "kabid-perdagangan",
    ("data", "approve"): "kepala-dinas",
    ("kop", "submit"): "kabid-koperasi",
    ("kop", "approve"): "kepala-dinas",
}

# (day of the sweep, rung key, recipient position code). {ikm} etc. stand for the report refs.
EXPECTED: list[tuple[date, str, str]] = [
    # Mon 29 Mar: remind-7 of the submission deadline (8 Apr - 7 wd, skipping Good Friday).
    (D(2021, 3, 29), "{ikm}:visit1:submit:remind-7", "kasi-ikm"),
    (D(2021, 3, 29), "{data}:visit1:submit:remind-7", "pengelola-data"),
    (D(2021, 3, 29), "{kop}:visit1:submit:remind-7", "kabid-koperasi"),
    # Thu 1 Apr: the verification's remind-7 is due, but nothing is submitted yet: nothing.
    # Mon 5 Apr 08:00: remind-3 (8 Apr - 3 wd); kasi-ikm submits at 10:00.
    (D(2021, 4, 5), "{ikm}:visit1:submit:remind-3", "kasi-ikm"),
    (D(2021, 4, 5), "{data}:visit1:submit:remind-3", "pengelola-data"),
    (D(2021, 4, 5), "{kop}:visit1:submit:remind-3", "kabid-koperasi"),
    # Tue 6 Apr: kasi-ikm's report waits for verification; its remind-7 (1 Apr) is the latest
    # reminder due, to the Kepala Bidang Perindustrian.
    (D(2021, 4, 6), "{ikm}:visit1:verify:remind-7", "kabid-perindustrian"),
    # Wed 7 Apr: remind-1 of the submission; kasi-ikm's report is verified at 10:00.
    (D(2021, 4, 7), "{data}:visit1:submit:remind-1", "pengelola-data"),
    (D(2021, 4, 7), "{kop}:visit1:submit:remind-1", "kabid-koperasi"),
    # Thu 8 Apr: submission deadline (remind-0); kasi-ikm's approval remind-7 (7 Apr) to the
    # head; kabid-koperasi submits at 10:00.
    (D(2021, 4, 8), "{ikm}:visit1:approve:remind-7", "kepala-dinas"),
    (D(2021, 4, 8), "{data}:visit1:submit:remind-0", "pengelola-data"),
    (D(2021, 4, 8), "{kop}:visit1:submit:remind-0", "kabid-koperasi"),
    # Fri 9 Apr: pengelola-data is 1 wd late: its direct superior, the Kepala Seksi.
    # kabid-koperasi's one-step approval (due 13 Apr): remind-7 (1 Apr) and remind-3 (8 Apr)
    # are both due, only the latest goes out.
    (D(2021, 4, 9), "{data}:visit1:submit:escalate-superior", KASI_DATA),
    (D(2021, 4, 9), "{kop}:visit1:approve:remind-3", "kepala-dinas"),
    # Mon 12 Apr: remind-1 of the one-step approval; kasi-ikm's report is approved at 10:00,
    # so its approval remind-3 (13 Apr) never goes out.
    (D(2021, 4, 12), "{kop}:visit1:approve:remind-1", "kepala-dinas"),
    # Tue 13 Apr: pengelola-data 3 wd late: the head; one-step approval due today.
    # pengelola-data submits at 10:00.
    (D(2021, 4, 13), "{data}:visit1:submit:escalate-head", "kepala-dinas"),
    (D(2021, 4, 13), "{kop}:visit1:approve:remind-0", "kepala-dinas"),
    # Wed 14 Apr: pengelola-data's verification (deadline 13 Apr) owes its latest reminder,
    # remind-0, to the Kepala Bidang Perdagangan, and (1 wd late) the escalation to his
    # superior, the head.
    (D(2021, 4, 14), "{data}:visit1:verify:remind-0", "kabid-perdagangan"),
    (D(2021, 4, 14), "{data}:visit1:verify:escalate-superior", "kepala-dinas"),
    # Thu 15 Apr: nothing (the head gets no escalation about their own overdue approval).
    # Fri 16 Apr: nothing more about the verification; kabid-koperasi approved at 10:00.
    # Mon 19 Apr: nothing; verified at 10:00. Tue 20 Apr: the approval (deadline 16 Apr) owes
    # its latest reminder, remind-0, to the head. Approved on 21 Apr at 10:00.
    (D(2021, 4, 20), "{data}:visit1:approve:remind-0", "kepala-dinas"),
]

# The downtime run: sweeps in March, none from 1 to 12 April, then daily from 13 April.
DOWNTIME_SWEEP_DAYS = [d for d in SWEEP_DAYS if not D(2021, 4, 1) <= d <= D(2021, 4, 12)]
DOWNTIME_EXPECTED: list[tuple[date, str, str]] = [
    *[row for row in EXPECTED if row[0] == D(2021, 3, 29)],
    # Tue 13 Apr, first sweep after the downtime. pengelola-data's submission (deadline 8 Apr)
    # owes its latest reminder (remind-0; not remind-3 nor remind-1) and both escalations
    # (superior due 9 Apr, head due today). kabid-koperasi's one-step approval (deadline
    # 13 Apr) owes remind-0 only. kasi-ikm's report went through verification and approval
    # during the downtime: each completed step cancelled the rest of its ladder.
    (D(2021, 4, 13), "{data}:visit1:submit:remind-0", "pengelola-data"),
    (D(2021, 4, 13), "{data}:visit1:submit:escalate-superior", KASI_DATA),
    (D(2021, 4, 13), "{data}:visit1:submit:escalate-head", "kepala-dinas"),
    (D(2021, 4, 13), "{kop}:visit1:approve:remind-0", "kepala-dinas"),
    # From 14 Apr as in the daily run.
    *[row for row in EXPECTED if row[0] >= D(2021, 4, 14)],
]  # fmt: skip


def targets_for(indicator: Indicator) -> tuple[str, list[str]]:
    """Annual and TW I-IV targets that pass the indicator's TargetCheck without a reason."""
    if indicator.target_mode is TargetMode.CUMULATIVE:
        return "100", ["25", "50", "75", "100"]
    if indicator.rollup is Rollup.SUM:
        return "100", ["25", "25", "25", "25"]
    return "100", ["100", "100", "100", "100"]


@dataclass
class World:
    engine: Engine
    refs: dict[str, str]  # alias -> "LAP-n"
    report_ids: dict[str, int]  # alias -> report id
    position_of_official: dict[int, str]  # official id -> position code
    official_of_position: dict[str, int]
    names: dict[str, str]  # position code -> official name


def build_world(engine: Engine) -> World:
    """Demo organisation, 2021 catalogue and holidays; PKs approved and TW I opened in January."""
    import_org_text(engine, demo_org_text(), "demo")
    catalog = resources.files("kinerja.data").joinpath(GRESIK_CATALOG_FILE).read_text("utf-8")
    import_catalog_text(engine, catalog, GRESIK_CATALOG_FILE)
    with transaction(engine) as session:
        assert seed_holidays(session, [YEAR], wib(D(2021, 1, 4), 8)) > 0
    pk_ids: dict[str, int] = {}
    indicators: dict[str, list[Indicator]] = {}
    with transaction(engine) as session:
        for alias, code in REPORTS.items():
            position = position_by_code(session, code)
            assert position.id is not None
            indicators[alias] = load_indicators(session, year=YEAR, position_ids=[position.id])
            assert indicators[alias], code
            pk = create_pk(session, position.id, YEAR, wib(D(2021, 1, 11), 9))
            assert pk.id is not None
            pk_ids[alias] = pk.id
            for indicator in indicators[alias]:
                annual, quarters = targets_for(indicator)
                set_target(session, pk.id, indicator.code, annual=annual, quarters=quarters)
    for pk_id in pk_ids.values():
        approve_all_the_way(
            engine,
            DocKind.PK,
            pk_id,
            wib(D(2021, 1, 20), 9),
            wib(D(2021, 1, 22), 9),
            wib(D(2021, 1, 26), 9),
        )
    with transaction(engine) as session:
        opened = open_reports(session, YEAR, 1, wib(D(2021, 1, 27), 8))
        by_position = {r.position_id: r for r in opened}
        report_ids: dict[str, int] = {}
        for alias, code in REPORTS.items():
            report = by_position[position_by_code(session, code).id or 0]
            assert report.id is not None
            report_ids[alias] = report.id
            for indicator in indicators[alias]:
                values = {
                    name: str(120 - 30 * n) for n, name in enumerate(indicator.formula.variables)
                }
                fill_entry(session, report.id, indicator.code, values=values)
        assert len(opened) == len(REPORTS)  # only the positions with an approved PK
        position_of_nip = {nip: position for position, nip, _n, _e in demo_people()}
        officials = list(session.exec(select(OfficialRow)))
        position_of_official = {o.id: position_of_nip[o.nip] for o in officials if o.id}
        names = {position_of_nip[o.nip]: o.name for o in officials}
        calendar = load_calendar(session)
    # The seeded table holds the three TW I holidays of the title.
    assert {D(2021, 3, 11), D(2021, 3, 14), D(2021, 4, 2)} <= calendar.holidays
    return World(
        engine,
        {alias: f"LAP-{rid}" for alias, rid in report_ids.items()},
        report_ids,
        position_of_official,
        {code: oid for oid, code in position_of_official.items()},
        names,
    )


@dataclass
class Run:
    """What the simulated weeks produced: per sweep day, enqueued rungs and digests."""

    enqueued: dict[date, int]
    digests: dict[date, int]


def simulate(world: World, sweep_days: list[date]) -> Run:
    """Sweep at 08:00 (twice) on `sweep_days`, take EVENTS at 10:00, 1 Mar to 30 Apr."""
    enqueued: dict[date, int] = {}
    digests: dict[date, int] = {}
    day = D(2021, 3, 1)
    while day <= D(2021, 4, 30):
        if day in sweep_days:
            now = wib(day, 8)
            first = sweep_at(world.engine, now)
            assert first.today == day
            enqueued[day], digests[day] = first.enqueued_rungs, first.digests
            again = sweep_at(world.engine, now)
            assert (again.planned, again.enqueued_rungs, again.digests) == ([], 0, 0), day
        for alias, action, role in EVENTS.get(day, []):
            when = wib(day, 10)
            report_id = world.report_ids[alias]
            actor = actor_for(world.engine, DocKind.REPORT, report_id, role, when)
            step(world.engine, DocKind.REPORT, report_id, action, actor, when)
        day += DAY
    return Run(enqueued, digests)


def expected_rows(world: World, table: list[tuple[date, str, str]]) -> list[tuple[date, str, str]]:
    return sorted((day, key.format(**world.refs), code) for day, key, code in table)


def claimed_rows(world: World) -> list[tuple[date, str, str]]:
    with Session(world.engine) as session:
        rows = list(session.exec(select(LadderRung).order_by(col(LadderRung.id))))
    assert all(row.recipient_official_id is not None for row in rows)
    return sorted(
        (
            local_date(row.created_at, JAKARTA),
            row.key,
            world.position_of_official[row.recipient_official_id or 0],
        )
        for row in rows
    )


def digest_rows(world: World) -> list[OutboxMessage]:
    with Session(world.engine) as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "digest")
                .order_by(col(OutboxMessage.id))
            )
        )


def alias_of(world: World, ref: str) -> str:
    (alias,) = [a for a, r in world.refs.items() if r == ref]
    return alias


def check_digests(world: World, table: list[tuple[date, str, str]], sweep_days: list[date]) -> None:
    """One digest per recipient per sweep day, listing exactly that day's rungs for them."""
    wanted: dict[tuple[date, str], list[tuple[Any, ...]]] = defaultdict(list)
    for day, key, code in expected_rows(world, table):
        ref, _visit, step_name, rung = key.split(":")
        alias = alias_of(world, ref)
        deadline = DEADLINES[(alias, step_name)]
        wanted[(day, code)].append(
            (
                ref,
                step_name,
                "reminder" if rung.startswith("remind-") else "escalation",
                deadline.isoformat(),
                day > deadline,
                world.names[ACTORS[(alias, step_name)]],
            )
        )
    got: dict[tuple[date, str], list[tuple[Any, ...]]] = {}
    for row in digest_rows(world):
        day = local_date(row.created_at, JAKARTA)
        assert day in sweep_days  # never on a weekend or a holiday: no sweep ran then
        assert day.weekday() < 5 and day not in HOLIDAYS_ON_WEEKDAYS
        code = world.position_of_official[row.recipient_official_id or 0]
        assert (day, code) not in got, f"two digests for {code} on {day}"
        assert row.payload["sweep_at"] == wib(day, 8).isoformat()
        assert row.recipient_name == world.names[code]
        assert row.status == "pending"
        got[(day, code)] = sorted(
            (
                item["doc"],
                item["step"],
                item["rung"],
                item["deadline"],
                item["overdue"],
                item["holder"],
            )
            for item in row.payload["items"]
        )
    assert got == {k: sorted(v) for k, v in wanted.items()}


def test_sweep_days_are_the_working_days_of_march_and_april_2021() -> None:
    assert len(SWEEP_DAYS) == 43  # 23 weekdays in March - 1 (Isra Mi'raj) + 22 in April - 1
    assert D(2021, 3, 11) not in SWEEP_DAYS and D(2021, 4, 2) not in SWEEP_DAYS
    assert D(2021, 3, 12) in SWEEP_DAYS and D(2021, 3, 15) in SWEEP_DAYS
    assert all(day in SWEEP_DAYS for day in EVENTS)


def test_tw1_2021_every_working_day_sends_exactly_the_expected_rungs(engine: Engine) -> None:
    world = build_world(engine)
    run = simulate(world, SWEEP_DAYS)

    assert claimed_rows(world) == expected_rows(world, EXPECTED)
    # Per sweep, the result counted the rungs it claimed (and the digests, below).
    per_day = Counter(day for day, _k, _c in EXPECTED)
    recipients = Counter(day for day, _c in {(day, code) for day, _k, code in EXPECTED})
    assert {d: n for d, n in run.enqueued.items() if n} == dict(per_day)
    # One digest row per recipient per sweep day, with exactly their items.
    check_digests(world, EXPECTED, SWEEP_DAYS)
    assert len(digest_rows(world)) == sum(recipients.values()) == 19
    # 13 Apr: the head gets both items (an escalation and a reminder) in one digest.
    assert recipients[D(2021, 4, 13)] == 1 and per_day[D(2021, 4, 13)] == 2
    # All three reports ended approved: nothing is pending, so a sweep after finds nothing.
    with Session(engine) as session:
        states = {r.state for r in session.exec(select(QuarterlyReport))}
    assert states == {State.APPROVED.value}
    assert sweep_at(engine, wib(D(2021, 5, 3), 8)).pending == 0


def test_after_downtime_each_owed_rung_is_sent_once(engine: Engine) -> None:
    world = build_world(engine)
    run = simulate(world, DOWNTIME_SWEEP_DAYS)

    assert claimed_rows(world) == expected_rows(world, DOWNTIME_EXPECTED)
    # The first sweep after the downtime sends four rungs in three digests (the head gets the
    # late submission's escalation and the one-step approval's reminder together) ...
    assert run.enqueued[D(2021, 4, 13)] == 4
    on_13 = [r for r in digest_rows(world) if local_date(r.created_at, JAKARTA) == D(2021, 4, 13)]
    assert sorted(len(r.payload["items"]) for r in on_13) == [1, 1, 2]
    # ... and not the missed repetitions.
    keys = {key for _d, key, _c in claimed_rows(world)}
    refs = world.refs
    for missed in (
        f"{refs['data']}:visit1:submit:remind-3",
        f"{refs['data']}:visit1:submit:remind-1",
        f"{refs['kop']}:visit1:submit:remind-3",
        f"{refs['kop']}:visit1:approve:remind-3",
        f"{refs['kop']}:visit1:approve:remind-1",
    ):
        assert missed not in keys
    assert not any(key.startswith(f"{refs['ikm']}:visit1:verify") for key in keys)
    assert not any(key.startswith(f"{refs['ikm']}:visit1:approve") for key in keys)
    check_digests(world, DOWNTIME_EXPECTED, DOWNTIME_SWEEP_DAYS)


# -- the sweep's counts and its claims under a race ------------------------------------------------


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[pytest.mark.postgres],
        ),
    ]
)
def counted_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """As the `engine` fixture (both backends)."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    db_engine = create_db_engine(str(request.getfixturevalue(fixture)))
    upgrade(db_engine)
    try:
        yield db_engine
    finally:
        db_engine.dispose()


def test_a_sweep_counts_the_digests_it_enqueued(counted_engine: Engine) -> None:
    world = build_world(counted_engine)
    # Mon 29 Mar: three remind-7 rungs for three different holders: three digests.
    result = sweep_at(counted_engine, wib(D(2021, 3, 29), 8))
    assert len(digest_rows(world)) == 3
    assert (result.enqueued_rungs, result.digests) == (3, 3)
    assert result.as_json()["digests"] == 3  # what `kinerja sweep --json` prints


@pytest.mark.postgres
def test_two_schedulers_racing_send_each_rung_once(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scheduler A plans; B sweeps and commits in between; A's claims then conflict.

    (PostgreSQL only: on SQLite a sweep holds the write lock from the start, so the two
    cannot interleave.) A claims nothing and enqueues nothing; every rung is in exactly
    one digest, although the two sweeps' digest keys differ (they ran at different instants).
    """
    db_engine = create_db_engine(postgres_url)
    upgrade(db_engine)
    try:
        world = build_world(db_engine)
        original = reminders_module.plan
        raced: list[SweepResult] = []

        def plan_then_race(*args: Any, **kwargs: Any) -> SweepResult:
            planned = original(*args, **kwargs)
            if not raced:
                raced.append(planned)  # before the nested call: B must not race again
                raced.append(sweep_at(db_engine, wib(D(2021, 3, 29), 8) + timedelta(seconds=5)))
            return planned

        monkeypatch.setattr(reminders_module, "plan", plan_then_race)
        first = sweep_at(db_engine, wib(D(2021, 3, 29), 8))
        other = raced[1]
        assert len(first.planned) == len(other.planned) == 3  # both saw the same three rungs
        with Session(db_engine) as session:
            assert len(list(session.exec(select(LadderRung)))) == 3
        items = [i["doc"] for r in digest_rows(world) for i in r.payload["items"]]
        assert sorted(items) == sorted(world.refs.values())  # each rung in one digest
        assert other.enqueued_rungs == 3
        assert first.enqueued_rungs == 0
    finally:
        db_engine.dispose()

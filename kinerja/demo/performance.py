"""Demo performance data for 2021, walked through the real workflow.

Every PK gets targets and budget lines and is submitted, verified and approved
in January; the reports of TW I and TW II are filled and approved (one is
returned for revision first), and TW III is caught mid-flight: some approved,
some waiting for verification or approval, some still in draft. All numbers
are fictional (kinerja.demo.numbers) and every step goes through the gate.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.database import transaction
from db.indicator_repo import load_indicators
from db.models import Agency, PerjanjianKinerja, PositionRow, QuarterlyReport
from db.pks import create_pk, set_budget_lines, set_dpa_date, set_target
from db.reports import fill_entry, open_reports
from engine.budget import BudgetLine
from engine.indicators import Indicator
from engine.periods import Quarter
from engine.workflow import Action, DocKind, Role
from kinerja.demo.numbers import demo_targets, plan_year
from kinerja.demo.scenario import actor_for, approve_all_the_way, one_step, step

DEMO_YEAR = 2021
DPA_DATE = date(2021, 1, 4)
SEED = 20210111
RETURN_REASON = "Data pembanding tahun lalu belum dilampirkan; lengkapi bukti dukung."


def wib(day: date, hour: int = 9) -> datetime:
    """A moment on `day` at `hour` o'clock Jakarta time (UTC+7), as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour - 7, tzinfo=UTC)


def seed_performance(engine: Engine, *, year: int = DEMO_YEAR, quarters: int = 3) -> int:
    """Create and walk the demo year; returns the number of PKs (0 if they already exist).

    `quarters` is how far the walk goes: 3 (TW III caught mid-flight), or 0 (the PKs
    signed and TW I opened, every report an empty draft: the start of a year, for
    training and for the end-to-end tests).
    """
    with Session(engine) as session:
        if session.exec(select(PerjanjianKinerja).where(PerjanjianKinerja.year == year)).first():
            return 0
        indicators = load_indicators(session, year=year)
    rng = random.Random(SEED)  # noqa: S311 (reproducible demo numbers, not secrets)
    plan = {i.id: plan_year(i, rng) for i in indicators}
    pks = _draft_pks(engine, year, indicators, plan, rng)
    for pk_id in pks:
        approve_all_the_way(
            engine,
            DocKind.PK,
            pk_id,
            wib(date(year, 1, 20)),
            wib(date(year, 1, 22)),
            wib(date(year, 1, 26)),
        )
    for quarter in range(1, quarters + 1):
        _walk_quarter(engine, Quarter(year, quarter), indicators, plan)
    if quarters == 0:
        with transaction(engine) as session:
            open_reports(session, year, 1, wib(date(year, 4, 1)))
    return len(pks)


def _draft_pks(
    engine: Engine,
    year: int,
    indicators: list[Indicator],
    plan: dict[int, list[dict[str, Decimal]]],
    rng: random.Random,
) -> list[int]:
    by_position: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_position.setdefault(indicator.position_id, []).append(indicator)
    created = []
    with transaction(engine) as session:
        for agency in session.exec(select(Agency)):
            set_dpa_date(session, agency.code, year, DPA_DATE)
        for position_id, items in by_position.items():
            pk = create_pk(session, position_id, year, wib(date(year, 1, 11)))
            assert pk.id is not None
            for indicator in items:
                results = [indicator.formula.evaluate(v) for v in plan[indicator.id]]
                targets = demo_targets(indicator, results[:3], rng)
                set_target(
                    session,
                    pk.id,
                    indicator.code,
                    annual=str(targets["annual"]),
                    quarters=[targets["tw1"], targets["tw2"], targets["tw3"], targets["tw4"]],
                )
            position = session.get(PositionRow, position_id)
            assert position is not None
            set_budget_lines(session, pk.id, _budget(position, rng))
            created.append(pk.id)
    return created


def _budget(position: PositionRow, rng: random.Random) -> list[BudgetLine]:
    program = (
        "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota"
        if position.unit_name.startswith(("Sekretariat", "Sub Bagian", "Dinas"))
        else f"Program Pengembangan {position.unit_name.split(' ', 1)[-1]}"
    )
    return [
        BudgetLine(
            program=program,
            kegiatan=f"Kegiatan {position.unit_name}",
            sub_kegiatan="Koordinasi, Sinkronisasi dan Pelaksanaan",
            anggaran=Decimal(rng.randint(50, 900)) * 1_000_000,
        )
    ]


def _walk_quarter(
    engine: Engine,
    quarter: Quarter,
    indicators: list[Indicator],
    plan: dict[int, list[dict[str, Decimal]]],
) -> None:
    opened = wib(quarter.last_day + timedelta(days=1), 8)
    with transaction(engine) as session:
        open_reports(session, quarter.year, quarter.number, opened)
    with Session(engine) as session:
        reports = list(
            session.exec(
                select(QuarterlyReport)
                .join(PositionRow)
                .where(
                    QuarterlyReport.year == quarter.year,
                    QuarterlyReport.quarter == quarter.number,
                )
                .order_by(col(PositionRow.sort_order))
            )
        )
    by_position: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_position.setdefault(indicator.position_id, []).append(indicator)
    end = quarter.last_day
    for index, report in enumerate(reports):
        assert report.id is not None
        with transaction(engine) as session:
            for indicator in by_position.get(report.position_id, []):
                values = plan[indicator.id][quarter.number - 1]
                fill_entry(
                    session,
                    report.id,
                    indicator.code,
                    values={name: str(value) for name, value in values.items()},
                )
        _move(engine, report.id, quarter, index, end)


def _move(engine: Engine, report_id: int, quarter: Quarter, index: int, end: date) -> None:
    """TW I-II approved (the third report of TW II returned once); TW III left mid-flight."""
    submit_at, verify_at, approve_at = (wib(end + timedelta(days=n)) for n in (5, 7, 10))
    if quarter.number < 3 or index % 4 == 0:
        approve_all_the_way(
            engine,
            DocKind.REPORT,
            report_id,
            submit_at,
            verify_at,
            approve_at,
            return_first=RETURN_REASON if (quarter.number == 2 and index == 2) else None,
        )
        return
    if index % 4 == 3:
        return  # still a draft: its holder has not submitted yet
    holder = actor_for(engine, DocKind.REPORT, report_id, Role.HOLDER, submit_at)
    step(engine, DocKind.REPORT, report_id, Action.SUBMIT, holder, submit_at)
    if index % 4 == 2 and not one_step(engine, DocKind.REPORT, report_id):
        verifier = actor_for(engine, DocKind.REPORT, report_id, Role.VERIFIER, verify_at)
        step(engine, DocKind.REPORT, report_id, Action.VERIFY, verifier, verify_at)

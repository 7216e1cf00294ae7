"""Demo performance data for 2021, walked through the real workflow.

Every PK gets targets and budget lines and is submitted, verified and approved
in January; the reports of TW I and TW II are filled and approved (one is
returned for revision first), and TW III is caught mid-flight: some approved,
some waiting for verification or approval, some still in draft. All numbers
are fictional (kinerja.demo.numbers) and every step goes through the gate.

Each step is the use case a person's action calls (the PK's targets set, a report's
entry filled, a workflow action taken), in a unit of work of its own, at the moment
the demo says it happened.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine

from db.uow import SqlUnitOfWork
from engine.budget import BudgetLine
from engine.capaian import DEFAULT_RULES
from engine.completeness import narratives_needed
from engine.indicators import Indicator
from engine.periods import Quarter
from engine.policy import NARRATIVE_THRESHOLD
from engine.records import DocumentFilter
from engine.usecases.demo import DemoYear, demo_year
from engine.usecases.listing import list_documents
from engine.usecases.pk import create_pk, set_budget_lines, set_dpa_date, set_target
from engine.usecases.reports import EntryInput, fill_entry, open_reports
from engine.workflow import Action, DocKind, Role, parse_ref
from kinerja.demo.budget import budget_total, demo_budgets
from kinerja.demo.generate_names import KENDALA, UPAYA
from kinerja.demo.numbers import DemoPlan, GresikWorld, demo_plan
from kinerja.demo.scenario import actor_for, approve_all_the_way, one_step, step

DEMO_YEAR = 2021
DPA_DATE = date(2021, 1, 4)
SEED = 20210111
DEMO = "pengisi data demo"
"""Who the demo's saved targets and entries are remembered as saved by."""
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
    prepared = prepare_year(engine, year)
    if prepared is None:
        return 0
    found, plans, budgets = prepared
    plan = {indicator_id: p.inputs for indicator_id, p in plans.items()}
    pks = draft_pks(engine, found, plans, budgets, dpa=DPA_DATE, created=wib(date(year, 1, 11)))
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
        _walk_quarter(engine, Quarter(year, quarter), found, plan)
    if quarters == 0:
        with SqlUnitOfWork(engine, write=True) as uow:
            open_reports(uow, year, 1, now=wib(date(year, 4, 1)))
    return len(pks)


def prepare_year(
    engine: Engine, year: int
) -> tuple[DemoYear, dict[int, DemoPlan], dict[int, list[BudgetLine]]] | None:
    """The year's positions and indicators with the demo's budgets and numbers (the same
    for every year: one seed), or None when the year already has PKs."""
    with SqlUnitOfWork(engine) as uow:
        found = demo_year(uow, year)
    if found.has_pks:
        return None
    rng = random.Random(SEED)  # noqa: S311 (reproducible demo numbers, not secrets)
    budgets = demo_budgets(found.positions, rng)
    heads = [p.id for p in found.positions.values() if p.parent_id is None]
    world = GresikWorld(rng, budget=sum((budget_total(budgets[h]) for h in heads), Decimal(0)))
    return found, {i.id: demo_plan(i, world) for i in found.indicators}, budgets


def by_position(indicators: list[Indicator]) -> dict[int, list[Indicator]]:
    """The indicators of each position (positions in the order their first indicator comes)."""
    by_position: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_position.setdefault(indicator.position_id, []).append(indicator)
    return by_position


def draft_pks(
    engine: Engine,
    found: DemoYear,
    plans: dict[int, DemoPlan],
    budgets: dict[int, list[BudgetLine]],
    *,
    dpa: date,
    created: datetime,
) -> list[int]:
    """Each agency's DPA date (`dpa`'s day in the demo year), then each position's PK with
    its targets (the plan made before the year, never the realisations) and its budget
    lines, written at `created`."""
    year = found.year
    for agency in found.agencies:
        with SqlUnitOfWork(engine, write=True) as uow:
            set_dpa_date(uow, agency.code, year, dpa.replace(year=year))
    pk_ids = []
    for position_id, items in by_position(found.indicators).items():
        position = found.positions[position_id]
        with SqlUnitOfWork(engine, write=True) as uow:
            pk_id = create_pk(uow, position.code, year, now=created).id
        for indicator in items:
            targets = plans[indicator.id].targets
            with SqlUnitOfWork(engine, write=True) as uow:
                set_target(
                    uow,
                    pk_id,
                    indicator.code,
                    annual=str(targets["annual"]),
                    quarters=[targets["tw1"], targets["tw2"], targets["tw3"], targets["tw4"]],
                    now=created,
                    by=DEMO,
                )
        with SqlUnitOfWork(engine, write=True) as uow:
            set_budget_lines(uow, pk_id, budgets[position.id], now=created, by=DEMO)
        pk_ids.append(pk_id)
    return pk_ids


def _walk_quarter(
    engine: Engine,
    quarter: Quarter,
    found: DemoYear,
    plan: dict[int, list[dict[str, Decimal]]],
) -> None:
    """Open the quarter's reports, then fill and move each, in the organisation's order."""
    opened = wib(quarter.last_day + timedelta(days=1), 8)
    with SqlUnitOfWork(engine, write=True) as uow:
        open_reports(uow, quarter.year, quarter.number, now=opened)
    with SqlUnitOfWork(engine) as uow:
        reports = list_documents(
            uow, DocKind.REPORT, DocumentFilter(year=quarter.year, quarter=quarter.number)
        )
    by_code = {position.code: position.id for position in found.positions.values()}
    indicators = by_position(found.indicators)
    end = quarter.last_day
    for index, report in enumerate(reports):
        _kind, report_id = parse_ref(report["ref"])
        for indicator in indicators.get(by_code[report["position"]], []):
            values = plan[indicator.id][quarter.number - 1]
            typed = EntryInput(values={name: str(value) for name, value in values.items()})
            with SqlUnitOfWork(engine, write=True) as uow:
                fill_entry(uow, report_id, indicator.code, typed, now=wib(end), by=DEMO)
        explain_low_results(engine, report_id, quarter, index, end)
        _move(engine, report_id, quarter, index, end)


def explain_low_results(
    engine: Engine, report_id: int, quarter: Quarter, index: int, end: date
) -> None:
    """Kendala and upaya for each result at or below the default threshold (Rendah), as a
    holder must write them before submitting (engine.completeness.narratives_needed)."""
    with SqlUnitOfWork(engine) as uow:
        rows = uow.reports.report(report_id).entries
        scale = (uow.admin.capaian_rules(quarter.year) or DEFAULT_RULES).scale
    needed = narratives_needed(rows, [c.name for c in scale.categories], NARRATIVE_THRESHOLD)
    for number, code in enumerate(needed):
        typed = EntryInput(
            kendala=KENDALA[(index + number) % len(KENDALA)],
            upaya=UPAYA[(index + number) % len(UPAYA)],
        )
        with SqlUnitOfWork(engine, write=True) as uow:
            fill_entry(uow, report_id, code, typed, now=wib(end), by=DEMO)


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

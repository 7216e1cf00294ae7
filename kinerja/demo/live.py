"""The demo year living in today: the clock's year, walked up to this very moment.

The 2021 catalogue and story are carried into the clock's year (kinerja.demo.seed shifts
the organisation's dates), and every step is taken at its moment of that year, only if
that moment is already past: the PKs signed in January, each quarter closed before
today's opened, filled and moved through the workflow in a plausible mix (most reports
approved within the week after the quarter, others up to three weeks later, one returned
for revision first),
and the quarter the clock is in opened (its reports due in working days after its end,
some already being filled). A quarter whose close is happening now is therefore caught
in flight, whatever the day: nothing is ever years overdue.

The emails the workflow wrote on the way are recorded as sent at their own moments
(engine.usecases.demo.record_history_sent): the demo mailbox starts empty, and fills
with what today's sweeps and people's actions send.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine

from db.uow import SqlUnitOfWork
from engine.clock import JAKARTA, local_date
from engine.periods import Quarter
from engine.records import DocumentFilter
from engine.usecases.demo import DemoYear, record_history_sent
from engine.usecases.listing import list_documents
from engine.usecases.reports import EntryInput, fill_entry, open_reports
from engine.workflow import Action, DocKind, Role, parse_ref
from kinerja.demo.performance import (
    DEMO,
    DPA_DATE,
    RETURN_REASON,
    by_position,
    draft_pks,
    explain_low_results,
    prepare_year,
    wib,
)
from kinerja.demo.scenario import actor_for, one_step, step

PK_STEPS = (date(2021, 1, 20), date(2021, 1, 22), date(2021, 1, 26))
"""When the PKs are submitted, verified and approved (their day, moved into the year)."""
REPORT_PACE = ((3, 5, 7), (5, 8, 12), (7, 12, 17), (12, 16, 22))
"""Days after the quarter's end each report is submitted, verified and approved: four
paces, the report's place in the organisation's order picking one (index % 4). A week after
the quarter's end a quarter of the reports is approved, a quarter verified, a quarter
submitted and a quarter not yet (their holders late); three weeks after, all approved."""
FILLING_FROM = 45
"""Days into the quarter after which some holders start typing its realisation."""


def seed_live_year(engine: Engine, *, year: int, now: datetime, quarters: int | None) -> int:
    """Create and walk `year` up to `now`; the number of PKs (0 if they already exist).

    `quarters`: how many quarters to walk (default: every quarter closed before today's;
    kinerja.demo.seed.check_demo_year refuses more). The quarter the clock is in is
    opened either way.
    """
    prepared = prepare_year(engine, year)
    if prepared is None:
        return 0
    found, plans, budgets = prepared
    plan = {indicator_id: p.inputs for indicator_id, p in plans.items()}
    today = local_date(now, JAKARTA)
    dpa = min(DPA_DATE.replace(year=year), today)
    pks = draft_pks(
        engine, found, plans, budgets, dpa=dpa, created=min(wib(date(year, 1, 11)), now)
    )
    submit, verify, approve = (wib(day.replace(year=year)) for day in PK_STEPS)
    for pk_id in pks:
        _walk(
            engine,
            DocKind.PK,
            pk_id,
            _plan(engine, DocKind.PK, pk_id, submit, verify, approve, None),
            now,
        )
    current = Quarter.of(today)
    walked = current.number - 1 if quarters is None else quarters
    for number in range(1, walked + 1):
        quarter = Quarter(year, number)
        for index, (report_id, position) in enumerate(_open(engine, quarter, now)):
            _fill(engine, report_id, position, quarter, found, plan, wib(quarter.last_day))
            explain_low_results(engine, report_id, quarter, index, quarter.last_day)
            _move(engine, report_id, quarter, index, now)
    for index, (report_id, position) in enumerate(_open(engine, current, now)):
        if index % 3 == 0 and today >= current.first_day + timedelta(days=FILLING_FROM):
            _fill(engine, report_id, position, current, found, plan, now - timedelta(hours=1))
    with SqlUnitOfWork(engine, write=True) as uow:
        record_history_sent(uow, now=now)
    return len(pks)


def _working(day: date) -> date:
    """The day, or the Monday after when it falls on a weekend (people act on working days)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _open(engine: Engine, quarter: Quarter, now: datetime) -> list[tuple[int, str]]:
    """Open the quarter's reports on its first working day (the day after the PKs are
    signed for TW I), or now if that is still ahead; the report ids in the organisation's
    order, with their position's code."""
    first = quarter.first_day if quarter.number > 1 else PK_STEPS[-1].replace(year=quarter.year)
    opened = min(wib(_working(first + timedelta(days=1 if quarter.number == 1 else 0)), 8), now)
    with SqlUnitOfWork(engine, write=True) as uow:
        open_reports(uow, quarter.year, quarter.number, now=opened)
    with SqlUnitOfWork(engine) as uow:
        reports = list_documents(
            uow, DocKind.REPORT, DocumentFilter(year=quarter.year, quarter=quarter.number)
        )
    return [(parse_ref(report["ref"])[1], report["position"]) for report in reports]


def _fill(
    engine: Engine,
    report_id: int,
    position: str,
    quarter: Quarter,
    found: DemoYear,
    plan: dict[int, list[dict[str, Decimal]]],
    when: datetime,
) -> None:
    """Type the quarter's realisation of every indicator of the report's position (its code)."""
    position_id = next(p.id for p in found.positions.values() if p.code == position)
    for indicator in by_position(found.indicators).get(position_id, []):
        values = plan[indicator.id][quarter.number - 1]
        typed = EntryInput(values={name: str(value) for name, value in values.items()})
        with SqlUnitOfWork(engine, write=True) as uow:
            fill_entry(uow, report_id, indicator.code, typed, now=when, by=DEMO)


def _move(engine: Engine, report_id: int, quarter: Quarter, index: int, now: datetime) -> None:
    """Submit, verify and approve at the report's pace (TW II's third report returned once
    first), each step only if its moment has come."""
    end = quarter.last_day
    submit, verify, approve = (
        wib(_working(end + timedelta(days=n))) for n in REPORT_PACE[index % len(REPORT_PACE)]
    )
    returned = RETURN_REASON if (quarter.number == 2 and index == 2) else None
    steps = _plan(engine, DocKind.REPORT, report_id, submit, verify, approve, returned)
    _walk(engine, DocKind.REPORT, report_id, steps, now)


def _plan(
    engine: Engine,
    kind: DocKind,
    doc_id: int,
    submit: datetime,
    verify: datetime,
    approve: datetime,
    returned: str | None,
) -> list[tuple[Action, Role, datetime, str | None]]:
    """The document's steps: (action, who acts, when, comment)."""
    single = one_step(engine, kind, doc_id)
    first = Role.APPROVER if single else Role.VERIFIER
    steps: list[tuple[Action, Role, datetime, str | None]] = [
        (Action.SUBMIT, Role.HOLDER, submit, None)
    ]
    if returned:
        steps.append((Action.RETURN, first, submit + timedelta(days=1), returned))
        steps.append((Action.SUBMIT, Role.HOLDER, submit + timedelta(days=2), None))
    if returned:  # the review starts again after the resubmission
        verify, approve = (
            max(t, submit + timedelta(days=n)) for t, n in ((verify, 3), (approve, 4))
        )
    if not single:
        steps.append((Action.VERIFY, Role.VERIFIER, verify, None))
    steps.append((Action.APPROVE, Role.APPROVER, approve, None))
    return steps


def _walk(
    engine: Engine,
    kind: DocKind,
    doc_id: int,
    steps: list[tuple[Action, Role, datetime, str | None]],
    now: datetime,
) -> None:
    """Take the steps in order, stopping at the first whose moment is still ahead."""
    for action, role, when, comment in steps:
        if when > now:
            return
        actor = actor_for(engine, kind, doc_id, role, when)
        step(engine, kind, doc_id, action, actor, when, comment=comment)

"""engine.usecases.progress against the in-memory unit of work: rows, missing reports, lateness."""

from __future__ import annotations

from datetime import date

from engine.pending import Step
from engine.policy import Policy
from engine.progress import MISSING, ReportRow, summarise
from engine.usecases.progress import period_progress
from engine.workflow import State
from tests.unit.fakes import KABID, KADIS, KASI, FakeUnitOfWork
from tests.unit.fakes_reminders import FakePending, wib
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
REPORTS = (
    ReportRow(7, KASI, 2021, 1, State.SUBMITTED),
    ReportRow(8, KADIS, 2021, 1, State.APPROVED),
    ReportRow(9, KASI, 2021, 2, State.DRAFT),
)


def test_a_quarter_shows_each_expected_position_with_its_step_and_deadline() -> None:
    uow = FakeUnitOfWork(pending=FakePending(reports=REPORTS))
    rows = period_progress(
        uow, 2021, 1, expected=[KADIS, KABID, KASI], now=wib(date(2021, 4, 13)), policy=POLICY
    )
    assert [(r.position.id, r.status, r.step, r.deadline, r.overdue) for r in rows] == [
        (KADIS, "approved", None, None, False),
        # The Kepala Bidang has no report yet: waiting for submission, due 7 April.
        (KABID, MISSING, Step.SUBMIT, date(2021, 4, 7), True),
        # Submitted: the Kepala Bidang verifies by Mon 12 April.
        (KASI, "submitted", Step.VERIFY, date(2021, 4, 12), True),
    ]
    assert [r.report_id for r in rows] == [8, None, 7]
    summary = summarise(rows)
    assert (summary.total, summary.overdue, summary.counts[MISSING]) == (3, 2, 1)
    assert uow.commits == 0


def test_the_year_lists_every_quarter() -> None:
    uow = FakeUnitOfWork(pending=FakePending(reports=REPORTS))
    rows = period_progress(
        uow, 2021, None, expected=[KASI], now=wib(date(2021, 4, 1)), policy=POLICY
    )
    assert [(r.quarter.number, r.report_id) for r in rows] == [
        (1, 7), (1, 8), (2, 9), (3, None), (4, None),
    ]  # fmt: skip

"""engine.usecases.reminders against the in-memory unit of work: plan, sweep, daily tick.

The Kepala Seksi's TW I 2021 report is due for submission Wed 7 April (no holidays here):
its ladder reminds on Mon 29 March (7 working days before), Fri 2 April (3), Tue 6 April
(1) and on the day, escalates to the Kepala Bidang on Thu 8 April and to the head on
Mon 12 April.
"""

from __future__ import annotations

from datetime import date

from engine.events import RemindersDue
from engine.org import Assignment, AssignmentStatus, Official, OrgTree
from engine.pending import PendingDoc
from engine.policy import Policy
from engine.usecases.reminders import (
    LOCK_HELD,
    NOT_A_WORKING_DAY,
    SWEEP_LOCK,
    daily_tick,
    plan,
    sweep,
)
from engine.workflow import DocKind, State
from tests.unit.fakes import (
    ASSIGNMENTS,
    KABID,
    KADIS,
    KASI,
    O_KABID,
    O_KASI,
    OFFICIALS,
    POSITIONS,
    FakeUnitOfWork,
)
from tests.unit.fakes_reminders import (
    FakeLock,
    FakePending,
    FakeReminders,
    FakeReports,
    wib,
)
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
DRAFT = PendingDoc(DocKind.REPORT, 7, KASI, 2021, 1, State.DRAFT, 1)


def uow_with(*docs: PendingDoc, reminders: FakeReminders | None = None) -> FakeUnitOfWork:
    return FakeUnitOfWork(pending=FakePending(*docs), reminders=reminders or FakeReminders())


def test_plan_finds_the_first_reminder_and_writes_nothing() -> None:
    uow = uow_with(DRAFT)
    result = plan(uow, now=wib(date(2021, 3, 29)), policy=POLICY)
    assert (result.today, result.pending) == (date(2021, 3, 29), 1)
    (due,) = result.planned
    assert (due.rung.key, due.recipient.official.id) == ("LAP-7:visit1:submit:remind-7", O_KASI)
    assert due.item["deadline"] == "2021-04-07" and due.item["days_left"] == 7
    assert due.item["period"] == "TW I 2021" and due.item["overdue"] is False
    assert uow.commits == 0 and not uow.reminders.claimed and not uow.outbox.messages


def test_nothing_is_due_before_the_first_rung() -> None:
    assert plan(uow_with(DRAFT), now=wib(date(2021, 3, 26)), policy=POLICY).planned == []


def test_sweep_claims_the_rung_and_enqueues_one_digest_then_nothing_more() -> None:
    uow = uow_with(DRAFT)
    now = wib(date(2021, 3, 29))
    result = sweep(uow, now=now, policy=POLICY)
    assert (result.enqueued_rungs, result.digests, uow.commits) == (1, 1, 1)
    (digest,) = uow.outbox.messages.values()
    assert (digest.kind, digest.recipient_official_id) == (RemindersDue.kind, O_KASI)
    assert digest.payload["sweep_at"] == now.isoformat()
    assert [item["doc"] for item in digest.payload["items"]] == ["LAP-7"]
    again = sweep(uow, now=now, policy=POLICY)
    assert (again.planned, again.enqueued_rungs, again.digests) == ([], 0, 0)


def test_a_dry_run_plans_without_claiming() -> None:
    uow = uow_with(DRAFT)
    result = sweep(uow, now=wib(date(2021, 3, 29)), policy=POLICY, dry_run=True)
    assert len(result.planned) == 1 and result.enqueued_rungs == 0
    assert uow.commits == 0 and not uow.reminders.claimed and not uow.outbox.messages


def test_a_late_submission_reminds_the_holder_and_escalates_to_the_superior() -> None:
    sent = FakeReminders(*(f"LAP-7:visit1:submit:remind-{n}" for n in (7, 3, 1)))
    uow = uow_with(DRAFT, reminders=sent)
    result = sweep(uow, now=wib(date(2021, 4, 8)), policy=POLICY)
    assert sorted((p.rung.name, p.recipient.official.id) for p in result.planned) == [
        ("escalate-superior", O_KABID),
        ("remind-0", O_KASI),
    ]
    assert (result.enqueued_rungs, result.digests) == (2, 2)
    items = {m.recipient_official_id: m.payload["items"] for m in uow.outbox.messages.values()}
    assert items[O_KABID][0]["overdue"] is True and items[O_KABID][0]["holder"] == "Dewi Kasi"


def test_the_daily_tick_skips_a_weekend() -> None:
    uow = FakeUnitOfWork(pending=FakePending(DRAFT))
    outcome = daily_tick(uow, FakeLock(), now=wib(date(2021, 4, 3)), policy=POLICY)
    assert (outcome.ran, outcome.reason, uow.commits) == (False, NOT_A_WORKING_DAY, 0)


def test_the_daily_tick_skips_while_another_instance_sweeps() -> None:
    lock = FakeLock(taken=True)
    uow = FakeUnitOfWork(pending=FakePending(DRAFT))
    outcome = daily_tick(uow, lock, now=wib(date(2021, 3, 29)), policy=POLICY)
    assert (outcome.ran, outcome.reason, uow.commits) == (False, LOCK_HELD, 0)
    assert lock.asked == [SWEEP_LOCK]


def test_the_daily_tick_opens_the_quarter_and_sweeps_in_one_commit() -> None:
    reports = FakeReports(approved={KASI, KABID, KADIS}, existing={KADIS})
    uow = FakeUnitOfWork(pending=FakePending(DRAFT), reminders=FakeReminders(), reports=reports)
    outcome = daily_tick(uow, FakeLock(), now=wib(date(2021, 3, 29)), policy=POLICY)
    assert outcome.ran and outcome.opened == 2
    assert reports.opened == [(2021, 1, KABID), (2021, 1, KASI)]
    assert outcome.sweep is not None and outcome.sweep.enqueued_rungs == 1
    assert uow.commits == 1 and len(uow.outbox.messages) == 1


def test_a_plh_is_reminded_of_reports_but_not_of_a_pk_the_rules_keep_from_them() -> None:
    """A Plh covers the Kepala Seksi's absence: they act on reports, but the acting rules
    (default: definitif, Plt, Pj) keep them from submitting a PK, so the PK's reminder goes
    to the definitif holder instead."""
    plh = Official(104, "199001012015011004", "Eko Plh", "eko@dinas.test")
    tree = OrgTree(
        POSITIONS,
        (*OFFICIALS, plh),
        (*ASSIGNMENTS, Assignment(plh.id, KASI, AssignmentStatus.PLH, date(2021, 1, 1))),
    )
    pk = PendingDoc(DocKind.PK, 3, KASI, 2021, None, State.DRAFT, 1)
    pending = FakePending(DRAFT, pk, tree=tree, dpa={(1, 2021): date(2021, 1, 4)})
    uow = FakeUnitOfWork(pending=pending, reminders=FakeReminders())
    planned = plan(uow, now=wib(date(2021, 3, 29)), policy=POLICY).planned
    to = {p.item["doc"]: p.recipient.official.id for p in planned if p.rung.name.startswith("r")}
    assert to["LAP-7"] == plh.id
    assert to["PK-3"] == O_KASI

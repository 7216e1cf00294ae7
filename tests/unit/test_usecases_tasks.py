"""engine.usecases.tasks (Tugas Saya) against the in-memory unit of work.

Deadlines of TW I 2021 without holidays: submission Wed 7 April, verification Mon 12
April, approval Thu 15 April; the head's own report waits for the administrator.
"""

from __future__ import annotations

from datetime import date

from engine.pending import PendingDoc, Step
from engine.policy import Policy
from engine.usecases.tasks import my_tasks
from engine.workflow import Actor, DocKind, State
from tests.unit.fakes import KABID, KADIS, KASI, O_KABID, O_KASI, FakeUnitOfWork
from tests.unit.fakes_reminders import FakePending, wib
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
KASI_ACTOR = Actor(O_KASI, "Dewi Kasi")
KABID_ACTOR = Actor(O_KABID, "Citra Kabid")
ADMIN = Actor(None, "Admin", is_admin=True)
RETURNED = PendingDoc(DocKind.REPORT, 7, KASI, 2021, 1, State.DRAFT, 2)
SUBMITTED = PendingDoc(DocKind.REPORT, 8, KASI, 2021, 2, State.SUBMITTED, 1)
HEADS = PendingDoc(DocKind.REPORT, 9, KADIS, 2021, 1, State.SUBMITTED, 1)
PK = PendingDoc(DocKind.PK, 3, KABID, 2021, None, State.DRAFT, 1)


def pending() -> FakePending:
    return FakePending(
        RETURNED, SUBMITTED, HEADS, PK,
        dpa={(1, 2021): date(2021, 1, 4)},  # the PK is due 4 February
        reasons={(DocKind.REPORT, 7): "Lengkapi bukti dukung"},
    )  # fmt: skip


def test_the_holder_has_the_returned_draft_with_its_reason_and_deadline() -> None:
    uow = FakeUnitOfWork(pending=pending())
    (task,) = my_tasks(uow, KASI_ACTOR, now=wib(date(2021, 4, 8)), policy=POLICY)
    assert (task.ref, task.step, task.period) == ("LAP-7", Step.SUBMIT, "TW I 2021")
    assert (task.deadline, task.days_left, task.overdue) == (date(2021, 4, 7), -1, True)
    assert task.returned_reason == "Lengkapi bukti dukung"
    assert task.as_json()["acting_as"] == "Kepala Seksi IKM"
    assert uow.commits == 0


def test_the_verifier_has_the_submitted_report_and_their_own_pk_overdue_first() -> None:
    uow = FakeUnitOfWork(pending=pending())
    tasks = my_tasks(uow, KABID_ACTOR, now=wib(date(2021, 4, 8)), policy=POLICY)
    assert [(t.ref, t.step, t.deadline) for t in tasks] == [
        # overdue: the PK must be signed by 4 February (a month after the DPA), so this
        # one-step PK is submitted the 3 approval working days before (issue 16, item 9)
        ("PK-3", Step.SUBMIT, date(2021, 2, 1)),
        ("LAP-8", Step.VERIFY, date(2021, 7, 12)),  # TW II: 5 + 3 working days after 30 June
    ]
    assert tasks[0].period == "Tahun 2021" and tasks[0].overdue
    # Only the positions the Kepala Bidang holds and those under them are read.
    assert uow.pending.asked_positions == [{KABID, KASI}]


def test_the_administrator_records_the_heads_approval() -> None:
    uow = FakeUnitOfWork(pending=pending())
    (task,) = my_tasks(uow, ADMIN, now=wib(date(2021, 4, 8)), policy=POLICY)
    assert (task.ref, task.step, task.acting_title) == ("LAP-9", Step.APPROVE, "Administrator")


def test_someone_without_a_position_waits_for_nothing() -> None:
    uow = FakeUnitOfWork(pending=pending())
    assert my_tasks(uow, Actor(None, "Tamu"), now=wib(date(2021, 4, 8)), policy=POLICY) == []

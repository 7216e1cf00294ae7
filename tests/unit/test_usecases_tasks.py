"""engine.usecases.tasks (Tugas Saya) against the in-memory unit of work.

Deadlines of TW I 2021 without holidays: submission Wed 7 April, verification Mon 12
April, approval Thu 15 April; the head's own report waits for the administrator.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.errors import ValidationError
from engine.pending import PendingDoc, Step
from engine.policy import Policy
from engine.records import PkLine
from engine.usecases.tasks import TaskQuery, list_tasks, my_tasks
from engine.workflow import Actor, DocKind, State
from tests.unit.fakes import KABID, KADIS, KASI, O_KABID, O_KASI, FakeUnitOfWork
from tests.unit.fakes_accounts import FakeAdmin
from tests.unit.fakes_catalogue import FakeOrganisation
from tests.unit.fakes_recap import FakeRecaps
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


class RevisionPks:
    """The PK repository as Tugas Saya reads it: PK Perubahan not approved yet, and the
    revisions of a year (none here unless given)."""

    def __init__(self, *revisions: PendingDoc, lines: Sequence[PkLine] = ()) -> None:
        self.revisions, self.lines = list(revisions), list(lines)

    def pending_revisions(self, position_ids: Collection[int] | None = None) -> list[PendingDoc]:
        return [d for d in self.revisions if position_ids is None or d.position_id in position_ids]

    def of_year(self, year: int, position_ids: Collection[int]) -> list[PkLine]:
        return [line for line in self.lines if line.position_id in position_ids]


def tasks_uow(
    pending_docs: FakePending | None = None, pks: RevisionPks | None = None
) -> FakeUnitOfWork:
    return FakeUnitOfWork(
        pending=pending_docs or pending(),
        recaps=FakeRecaps(),
        admin=FakeAdmin(),
        organisation=FakeOrganisation(),
        pks=pks or RevisionPks(),
    )


def test_the_holder_has_the_returned_draft_with_its_reason_and_deadline() -> None:
    uow = tasks_uow()
    (task,) = my_tasks(uow, KASI_ACTOR, now=wib(date(2021, 4, 8)), policy=POLICY)
    assert (task.ref, task.step, task.period) == ("LAP-7", Step.SUBMIT, "TW I 2021")
    assert (task.deadline, task.days_left, task.overdue) == (date(2021, 4, 7), -1, True)
    assert task.returned_reason == "Lengkapi bukti dukung"
    assert task.as_json()["acting_as"] == "Kepala Seksi IKM"
    assert uow.commits == 0


def test_the_verifier_has_the_submitted_report_and_their_own_pk_overdue_first() -> None:
    uow = tasks_uow()
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
    uow = tasks_uow()
    (task,) = my_tasks(uow, ADMIN, now=wib(date(2021, 4, 8)), policy=POLICY)
    assert (task.ref, task.step, task.acting_title) == ("LAP-9", Step.APPROVE, "Administrator")


def test_someone_without_a_position_waits_for_nothing() -> None:
    uow = tasks_uow()
    assert my_tasks(uow, Actor(None, "Tamu"), now=wib(date(2021, 4, 8)), policy=POLICY) == []


def test_each_row_has_capaian_holder_and_working_days_waiting() -> None:
    entered = {(DocKind.REPORT, 8): wib(date(2021, 4, 5))}  # submitted Monday
    docs = FakePending(SUBMITTED, PK, dpa={(1, 2021): date(2021, 1, 4)}, entered=entered)
    uow = tasks_uow(docs)
    tasks = my_tasks(uow, KABID_ACTOR, now=wib(date(2021, 4, 8)), policy=POLICY)
    report = next(t for t in tasks if t.ref == "LAP-8")
    assert report.capaian == Decimal("70.00")  # TW II of the Kasi, as the dashboard has it
    assert (report.holder, report.waiting_days, report.version) == ("Dewi Kasi", 3, 1)
    assert report.bidang == "Bidang" and report.period_key == "2021-2"
    pk = next(t for t in tasks if t.ref == "PK-3")
    assert (pk.capaian, pk.waiting_days) == (None, None)  # a PK has no capaian; never moved
    # one recap per quarter listed, of the agency only, with unverified realisations counted
    assert [q for q in uow.recaps.asked if q[0] == "recap"] == [("recap", 2021, 2, "dinas")]
    assert uow.recaps.bases[0].include_unverified


def test_sorted_and_filtered_on_the_server() -> None:
    uow = tasks_uow()
    now = wib(date(2021, 4, 8))
    by_position = list_tasks(uow, KABID_ACTOR, TaskQuery(sort="jabatan"), now=now, policy=POLICY)
    assert [t.ref for t in by_position.tasks] == ["PK-3", "LAP-8"]  # by title
    lowest = list_tasks(uow, KABID_ACTOR, TaskQuery(sort="capaian"), now=now, policy=POLICY)
    assert [t.ref for t in lowest.tasks] == ["LAP-8", "PK-3"]  # no capaian last
    only_verify = list_tasks(uow, KABID_ACTOR, TaskQuery(step="verify"), now=now, policy=POLICY)
    assert [t.ref for t in only_verify.tasks] == ["LAP-8"] and only_verify.total == 2
    overdue = list_tasks(uow, KABID_ACTOR, TaskQuery(overdue_only=True), now=now, policy=POLICY)
    assert [t.ref for t in overdue.tasks] == ["PK-3"]
    period = list_tasks(uow, KABID_ACTOR, TaskQuery(period="2021-2"), now=now, policy=POLICY)
    assert [t.ref for t in period.tasks] == ["LAP-8"]
    assert period.period_options == [("2021-2", "TW II 2021"), ("2021", "Tahun 2021")]
    with pytest.raises(ValidationError, match="Urutan"):
        list_tasks(uow, KABID_ACTOR, TaskQuery(sort="x"), now=now, policy=POLICY)


def test_a_pk_perubahan_waits_for_its_holder_without_a_deadline() -> None:
    """A revision drafted with `kinerja pk revise` (or from the page) is in Tugas Saya; a PK
    Perubahan is never late, so it has no deadline."""
    revision = PendingDoc(DocKind.PK, 12, KASI, 2021, None, State.DRAFT, 1)
    uow = tasks_uow(pks=RevisionPks(revision))
    tasks = my_tasks(uow, KASI_ACTOR, now=wib(date(2021, 4, 8)), policy=POLICY)
    assert [(t.ref, t.step, t.deadline, t.overdue) for t in tasks] == [
        ("LAP-7", Step.SUBMIT, date(2021, 4, 7), True),
        ("PK-12", Step.SUBMIT, None, False),
    ]
    assert (tasks[1].period, tasks[1].revision) == ("Tahun 2021 (PK Perubahan)", True)


def test_the_new_holder_is_prompted_to_make_the_pk_perubahan() -> None:
    """The approved PK of the year was signed by somebody who holds the post no more."""
    signed = PkLine(4, KASI, 1, State.APPROVED, datetime(2021, 2, 1, tzinfo=UTC),
                    "196001011985011009", "Pak Lama")  # fmt: skip
    uow = tasks_uow(pks=RevisionPks(lines=[signed]))
    found = list_tasks(uow, KASI_ACTOR, TaskQuery(), now=wib(date(2021, 4, 8)), policy=POLICY)
    (prompt,) = found.prompts
    assert (prompt.pk_id, prompt.position_title) == (4, "Kepala Seksi IKM")
    assert prompt.reason == (
        "Dewi Kasi menggantikan Pak Lama sebagai Kepala Seksi IKM (PermenPAN-RB 53/2014)"
    )
    mine = replace(signed, first_nip="198001012005012003")  # signed by the holder herself
    uow = tasks_uow(pks=RevisionPks(lines=[mine]))
    assert (
        list_tasks(uow, KASI_ACTOR, TaskQuery(), now=wib(date(2021, 4, 8)), policy=POLICY).prompts
        == []
    )

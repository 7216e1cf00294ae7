"""engine.usecases.my_documents in memory: which documents are mine, how, and the filters."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any

import pytest

from engine.calendar import WorkingCalendar
from engine.deadlines import Step
from engine.errors import ValidationError
from engine.org import Assignment, AssignmentStatus, Level, Official, OrgTree, Position
from engine.policy import Policy
from engine.records import DocumentFilter
from engine.usecases.my_documents import my_documents
from engine.workflow import Action, Actor, DocKind, DocumentView, State
from tests.unit.fakes import (
    ASSIGNMENTS,
    KABID,
    KASI,
    O_KABID,
    O_KADIS,
    OFFICIALS,
    POSITIONS,
    FakeUnitOfWork,
    FakeWorkflow,
)
from tests.unit.fakes_accounts import FakeAdmin
from tests.unit.fakes_recap import FakeRecaps
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
OCTOBER = datetime(2021, 10, 4, 2, 0, tzinfo=UTC)
O_OLD, O_NEW, O_STRANGER = 201, 202, 203
# The Kepala Seksi IKM changes on 1 April 2021: the old one held the post in 2021.
OTHER_AGENCY_KASI = 4  # another agency's position with the same code "kasi"
TREE = OrgTree(
    (
        *POSITIONS,
        Position(OTHER_AGENCY_KASI, 2, "kasi", "Kepala Seksi Pasar", "Seksi", Level.PENGAWAS, None),
    ),
    (
        *OFFICIALS,
        Official(O_OLD, "198101012006012001", "Lama Kasi", "lama@dinas.test"),
        Official(O_NEW, "198201012007012001", "Baru Kasi", "baru@dinas.test"),
        Official(O_STRANGER, "198301012008012001", "Orang Lain", "lain@dinas.test"),
    ),
    (
        *(a for a in ASSIGNMENTS if a.position_id != KASI),
        Assignment(O_OLD, KASI, AssignmentStatus.DEFINITIF, date(2020, 1, 1), date(2021, 3, 31)),
        Assignment(O_NEW, KASI, AssignmentStatus.DEFINITIF, date(2021, 4, 1)),
        Assignment(O_STRANGER, OTHER_AGENCY_KASI, AssignmentStatus.DEFINITIF, date(2021, 1, 1)),
    ),
)
DOCS = (
    DocumentView(DocKind.PK, 1, KASI, 2021, None, State.APPROVED, 4, 1),
    DocumentView(DocKind.REPORT, 10, KASI, 2021, 1, State.APPROVED, 4, 1),
    DocumentView(DocKind.REPORT, 11, KASI, 2021, 3, State.DRAFT, 1, 1),
    DocumentView(DocKind.REPORT, 12, KASI, 2022, 1, State.DRAFT, 1, 1),
    DocumentView(DocKind.REPORT, 20, KABID, 2021, 3, State.SUBMITTED, 2, 1),
    DocumentView(DocKind.REPORT, 30, OTHER_AGENCY_KASI, 2021, 3, State.DRAFT, 1, 1),
)


class Documents:
    """The documents' summaries as the real page gives them."""

    def org_tree(self) -> OrgTree:
        return TREE

    def page(
        self, kind: DocKind, where: DocumentFilter, *, visible: Collection[int] | None,
        offset: int, limit: int,
    ) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
        found = [
            {
                "id": d.id,
                "ref": d.ref,
                "position": TREE.position(d.position_id).code,
                "position_id": d.position_id,
                "position_title": TREE.position(d.position_id).title,
                "year": d.year,
                "state": d.state.value,
                "quarter": d.quarter,
            }
            for d in DOCS
            if d.kind is kind
            and (visible is None or d.position_id in visible)
            and (where.year is None or d.year == where.year)
            and (where.quarter is None or d.quarter == where.quarter)
            and (where.state is None or d.state.value == where.state)
        ]
        return found[offset : offset + limit], len(found)


class Pending:
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar([])

    def dpa_dates(self, years: Collection[int] | None = None) -> dict[tuple[int, int], date]:
        return {}


def uow() -> FakeUnitOfWork:
    workflow = FakeWorkflow(TREE, *DOCS)
    for official, action in ((O_KABID, Action.VERIFY), (O_KADIS, Action.APPROVE)):
        workflow.log.append(
            {
                "doc_type": "report",
                "doc_id": 10,
                "action": action.value,
                "actor_official_id": official,
                "actor_name": "x",
                "at": OCTOBER,
            }
        )
    return FakeUnitOfWork(
        documents=Documents(), workflow=workflow, recaps=FakeRecaps(tree=TREE),
        pending=Pending(), admin=FakeAdmin(),
    )  # fmt: skip


def mine(official: int | None, **filters: Any) -> dict[str, tuple[str, ...]]:
    actor = Actor(official, f"Pegawai {official}", None, False)
    found = my_documents(uow(), actor, now=OCTOBER, policy=POLICY, **filters)
    return {d.ref: d.relations for d in found.items}


def test_a_former_holder_finds_the_documents_of_the_years_she_held_the_post() -> None:
    assert mine(O_OLD) == {
        "LAP-11": ("dulu-pemegang",),
        "LAP-10": ("dulu-pemegang",),
        "PK-1": ("dulu-pemegang",),
    }  # not LAP-12 (2022): she had left
    assert set(mine(O_NEW)) == {"LAP-12", "LAP-11", "LAP-10", "PK-1"}


def test_verifier_and_approver_find_what_they_acted_on_and_only_that() -> None:
    assert mine(O_KABID) == {"LAP-20": ("pemegang",), "LAP-10": ("verifikator",)}
    assert mine(O_KADIS) == {"LAP-10": ("penyetuju",)}
    assert mine(O_STRANGER) == {"LAP-30": ("pemegang",)}  # only her own agency's "kasi"
    assert mine(None) == {}


def test_filters_search_and_order() -> None:
    assert list(mine(O_NEW)) == ["LAP-12", "LAP-11", "LAP-10", "PK-1"]  # newest first
    assert list(mine(O_NEW, oldest_first=True)) == ["PK-1", "LAP-10", "LAP-11", "LAP-12"]
    assert list(mine(O_NEW, year=2021, period="pk")) == ["PK-1"]
    assert list(mine(O_NEW, period="3", state="draft")) == ["LAP-11"]
    assert list(mine(O_KABID, relation="verifikator")) == ["LAP-10"]
    assert list(mine(O_KABID, search="seksi ikm")) == ["LAP-10"]
    assert list(mine(O_KABID, search="lap-20")) == ["LAP-20"]
    for bad in ({"period": "5"}, {"state": "x"}, {"relation": "bos"}, {"page": 0}):
        with pytest.raises(ValidationError):
            mine(O_NEW, **bad)


def test_the_open_step_and_its_deadline() -> None:
    actor = Actor(O_NEW, "Baru", None, False)
    found = my_documents(uow(), actor, now=OCTOBER, policy=POLICY)
    by_ref = {d.ref: d for d in found.items}
    assert by_ref["LAP-11"].step is Step.SUBMIT and by_ref["LAP-11"].deadline is not None
    assert by_ref["PK-1"].step is None and by_ref["LAP-10"].deadline is None
    assert by_ref["LAP-11"].url == "/laporan/11" and by_ref["PK-1"].url == "/pk/1"
    assert by_ref["LAP-11"].period == "TW III 2021" and by_ref["PK-1"].period == "Tahun 2021"


class WithRevision(Documents):
    """The same documents and a draft PK Perubahan (revision 2) of the Kepala Seksi's PK."""

    def page(
        self, kind: DocKind, where: DocumentFilter, *, visible: Collection[int] | None,
        offset: int, limit: int,
    ) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
        rows, total = super().page(kind, where, visible=visible, offset=offset, limit=limit)
        if kind is DocKind.PK:
            revision = {**rows[0], "id": 2, "ref": "PK-2", "state": "draft", "revision": 2}
            return [revision, *rows], total + 1
        return rows, total


class DpaPending(Pending):
    def dpa_dates(self, years: Collection[int] | None = None) -> dict[tuple[int, int], date]:
        return {(1, 2021): date(2021, 1, 4)}


def test_a_pk_perubahan_is_listed_with_its_number_and_no_deadline() -> None:
    work = uow()
    work._repositories.update(documents=WithRevision(), pending=DpaPending())
    found = my_documents(work, Actor(O_NEW, "Baru", None, False), now=OCTOBER, policy=POLICY)
    revision = next(d for d in found.items if d.ref == "PK-2")
    assert (revision.period, revision.revision, revision.relations) == (
        "Tahun 2021 (Perubahan 1)", 2, ("pemegang",),
    )  # fmt: skip
    assert (revision.step, revision.deadline, revision.overdue) == (Step.SUBMIT, None, False)

"""engine.usecases.documents against the in-memory unit of work: rights, actions offered, views."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.errors import ForbiddenError, NotFoundError, ValidationError
from engine.policy import Policy
from engine.records import EvidenceRecord, SignedParty
from engine.usecases.documents import (
    check_editable,
    document_access,
    pk_detail,
    pk_document,
    report_detail,
    report_document,
    view_pk,
    view_report,
)
from engine.workflow import Action, Actor, DocKind, State
from tests.unit.fakes import KASI, O_KABID, O_KASI
from tests.unit.fakes_documents import DocumentsUnitOfWork, pk, report, tables
from tests.unit.fakes_evidence import log_step
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 5, 2, 0, tzinfo=UTC)  # 5 April 2021, 09.00 WIB
KASI_ACTOR = Actor(O_KASI, "Dewi Kasi", "198001012005012003")
KABID_ACTOR = Actor(O_KABID, "Citra Kabid", "197501012000011002")
STRANGER = Actor(999, "Orang Lain", None)


def test_a_stranger_may_not_see_a_document() -> None:
    uow = DocumentsUnitOfWork(tables(report(7)))
    with pytest.raises(ForbiddenError, match="tidak berhak melihat LAP-7"):
        document_access(uow, DocKind.REPORT, 7, STRANGER, now=NOW, policy=POLICY)


def test_the_holder_may_edit_and_submit_a_draft_the_superior_only_reads_it() -> None:
    uow = DocumentsUnitOfWork(tables(report(7)))
    holder = document_access(uow, DocKind.REPORT, 7, KASI_ACTOR, now=NOW, policy=POLICY)
    assert holder.editable
    assert [(c.action, c.allowed) for c in holder.choices] == [(Action.SUBMIT, True)]
    superior = document_access(uow, DocKind.REPORT, 7, KABID_ACTOR, now=NOW, policy=POLICY)
    assert not superior.editable and superior.choices == []


def test_the_verifier_is_offered_verify_and_return_with_a_reason() -> None:
    uow = DocumentsUnitOfWork(tables(report(7, state=State.SUBMITTED)))
    found = document_access(uow, DocKind.REPORT, 7, KABID_ACTOR, now=NOW, policy=POLICY)
    offered = {c.action: c.needs_comment for c in found.choices if c.allowed}
    assert offered == {Action.VERIFY: False, Action.RETURN: True}


def test_only_a_draft_of_ones_own_may_be_changed() -> None:
    uow = DocumentsUnitOfWork(tables(report(7), report(8, state=State.SUBMITTED, quarter=2)))
    assert check_editable(uow, DocKind.REPORT, 7, KASI_ACTOR, now=NOW, policy=POLICY).editable
    with pytest.raises(ValidationError, match="LAP-8 sedang diajukan; hanya draf"):
        check_editable(uow, DocKind.REPORT, 8, KASI_ACTOR, now=NOW, policy=POLICY)
    with pytest.raises(ForbiddenError, match="yang mengisi adalah pemegang jabatannya"):
        check_editable(uow, DocKind.REPORT, 7, KABID_ACTOR, now=NOW, policy=POLICY)


def test_the_report_page_shows_entries_evidence_rights_and_the_last_return() -> None:
    db = tables(report(7))
    log_step(db, DocKind.REPORT, 7, "submit", State.SUBMITTED, NOW)
    log_step(db, DocKind.REPORT, 7, "return", State.DRAFT, NOW, comment="Lengkapi data")
    db.evidence[1] = EvidenceRecord(
        1, 7, None, "foto.png", "image/png", 3, "abc", "2021/7/abc/foto.png", None, NOW
    )
    data = view_report(DocumentsUnitOfWork(db), 7, KASI_ACTOR, now=NOW, policy=POLICY)
    assert (data["ref"], data["period"], data["state_label"]) == ("LAP-7", "TW I 2021", "draf")
    assert [e["indicator"] for e in data["entries"]] == ["ind-11", "ind-12"]
    assert [e["filename"] for e in data["evidence"]] == ["foto.png"]
    assert data["editable"] and data["returned_reason"] == "Lengkapi data"
    assert [h["action_label"] for h in data["history"]] == ["ajukan", "kembalikan"]
    assert data["history"][0]["when"] == "5 April 2021 09.00 WIB"


def test_the_console_reads_a_report_without_rights_or_page_labels() -> None:
    uow = DocumentsUnitOfWork(tables(report(7)))
    data = report_detail(uow, 7)
    assert data["ref"] == "LAP-7" and data["pk"] is None and data["history"] == []
    assert "editable" not in data and "evidence" not in data
    with pytest.raises(NotFoundError, match="Laporan LAP-9 tidak ditemukan"):
        report_detail(uow, 9)


def test_a_draft_pk_shows_who_would_sign_today_its_deadline_and_revisions() -> None:
    db = tables(pk(4))
    db.dpa[(1, 2021)] = date(2021, 1, 4)
    data = view_pk(DocumentsUnitOfWork(db), 4, KASI_ACTOR, now=NOW, policy=POLICY)
    assert data["parties_provisional"]
    assert data["parties"]["first"] == {
        "name": "Dewi Kasi", "nip": "198001012005012003", "title": "Kepala Seksi IKM",
    }  # fmt: skip
    assert data["parties"]["second"]["name"] == "Citra Kabid"
    assert (data["deadline"], data["late"]) == ("2021-02-04", True)  # unsubmitted past it
    assert data["signed_on"] == "2021-04-05"
    assert data["revisions"] == [
        {"id": 4, "revision": 1, "reason": None, "state_label": "draf", "current": True}
    ]


@pytest.mark.parametrize(
    ("approved", "signed_on", "late"),
    [
        (datetime(2021, 2, 4, 18, 0, tzinfo=UTC), "2021-02-05", True),  # 01.00 WIB on the 5th
        (datetime(2021, 2, 4, 16, 0, tzinfo=UTC), "2021-02-04", False),  # 23.00 WIB on the 4th
    ],
)
def test_an_approved_pk_prints_its_snapshot_and_its_approval_decides_lateness(
    approved: datetime, signed_on: str, late: bool
) -> None:
    # Issue 16, item 9: the signature (approval) counts, on Jakarta's calendar, not the
    # first submission (PermenPAN-RB 53/2014: signed within a month of the DPA).
    db = tables(pk(4, state=State.APPROVED))
    db.dpa[(1, 2021)] = date(2021, 1, 4)  # to be signed by 4 February
    db.approved_at[4] = approved
    db.parties[4] = (SignedParty("Dewi Kasi", "1980", "Plt. Kepala Seksi IKM"),
                     SignedParty("Citra Kabid", None, "Kepala Bidang Industri"))  # fmt: skip
    data = pk_detail(DocumentsUnitOfWork(db), 4, now=NOW, policy=POLICY)
    assert not data["parties_provisional"]
    assert data["parties"]["first"]["title"] == "Plt. Kepala Seksi IKM"
    assert data["late"] is late
    assert data["signed_on"] == signed_on


def test_the_pk_file_carries_the_sasaran_and_the_same_rights_as_the_page() -> None:
    uow = DocumentsUnitOfWork(tables(pk(4)))
    console = pk_document(uow, 4, None, now=NOW, policy=POLICY)
    assert console.sasaran == {"ind-11": "Sasaran 11", "ind-12": "Sasaran 12"}
    assert "editable" not in console.view
    page = pk_document(uow, 4, KASI_ACTOR, now=NOW, policy=POLICY)
    assert page.view["editable"]
    with pytest.raises(ForbiddenError):
        pk_document(uow, 4, STRANGER, now=NOW, policy=POLICY)


def test_the_report_file_names_the_agency() -> None:
    uow = DocumentsUnitOfWork(tables(report(7, KASI)))
    assert report_document(uow, 7, None, now=NOW, policy=POLICY).agency == "Dinas Perindustrian"
    with pytest.raises(ForbiddenError):
        report_document(uow, 7, STRANGER, now=NOW, policy=POLICY)
    assert uow.commits == 0

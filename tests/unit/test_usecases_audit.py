"""engine.usecases.audit against the in-memory unit of work: chains checked, trails exported."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from engine.errors import ForbiddenError
from engine.policy import Policy
from engine.usecases.audit import audit_trail, verify_audit, view_audit_trail
from engine.workflow import Actor, DocKind, State
from tests.unit.fakes import O_KABID
from tests.unit.fakes_documents import DocumentsUnitOfWork, Tables, pk, report, tables
from tests.unit.fakes_evidence import log_step
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 5, 2, 0, tzinfo=UTC)
KABID_ACTOR = Actor(O_KABID, "Citra Kabid", "197501012000011002")
STRANGER = Actor(999, "Orang Lain", None)


def walked() -> Tables:
    db = tables(report(7), pk(4))
    log_step(db, DocKind.REPORT, 7, "submit", State.SUBMITTED, NOW)
    log_step(db, DocKind.REPORT, 7, "verify", State.VERIFIED, NOW, actor="Citra Kabid")
    log_step(db, DocKind.PK, 4, "submit", State.SUBMITTED, NOW)
    return db


def test_intact_chains_pass() -> None:
    report_ = verify_audit(DocumentsUnitOfWork(walked()))
    assert (report_.ok, report_.documents, report_.rows) == (True, 2, 3)


def test_an_altered_row_breaks_its_documents_chain_only() -> None:
    db = walked()
    altered = db.log[1]
    db.log[1] = replace(altered, fields={**altered.fields, "actor_name": "Orang Lain"})
    found = verify_audit(DocumentsUnitOfWork(db))
    assert [(b.doc, b.row_id) for b in found.breaks] == [("LAP-7", altered.id)]


def test_a_log_without_its_document_is_a_break() -> None:
    db = walked()
    del db.workflow.documents[(DocKind.PK, 4)]
    found = verify_audit(DocumentsUnitOfWork(db))
    assert [(b.doc, b.message) for b in found.breaks] == [
        ("PK-4", "log untuk dokumen yang tidak ada")
    ]


def test_a_trail_carries_the_history_the_rows_and_the_verdict() -> None:
    trail = audit_trail(DocumentsUnitOfWork(walked()), DocKind.REPORT, 7, now=NOW)
    assert (trail.ref, trail.filename, trail.period) == ("LAP-7", "riwayat-LAP-7.xlsx", "TW I 2021")
    assert [h["actor"] for h in trail.history] == ["Dewi Kasi", "Citra Kabid"]
    assert trail.problem is None and trail.verdict.startswith("Rantai audit utuh: 2 baris")
    assert audit_trail(DocumentsUnitOfWork(walked()), DocKind.PK, 4, now=NOW).period == "Tahun 2021"


def test_the_trail_of_a_pk_perubahan_says_which_and_a_broken_head_is_named() -> None:
    db = walked()
    db.revisions[4] = (2, "Refocusing")
    db.workflow.documents[(DocKind.PK, 4)] = replace(db.view(DocKind.PK, 4), audit_hash="0" * 64)
    trail = audit_trail(DocumentsUnitOfWork(db), DocKind.PK, 4, now=NOW)
    assert trail.period == "Tahun 2021, PK Perubahan ke-1"
    assert trail.problem is not None and trail.verdict.startswith("RANTAI AUDIT RUSAK")


def test_the_trail_from_the_page_needs_the_right_to_see_the_document() -> None:
    uow = DocumentsUnitOfWork(walked())
    assert view_audit_trail(uow, DocKind.REPORT, 7, KABID_ACTOR, now=NOW, policy=POLICY).log
    with pytest.raises(ForbiddenError):
        view_audit_trail(uow, DocKind.REPORT, 7, STRANGER, now=NOW, policy=POLICY)

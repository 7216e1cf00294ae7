"""engine.usecases.audit against the in-memory unit of work: chains checked, trails exported."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from engine.audit import admin_entry_hash, changes_json
from engine.clock import JAKARTA
from engine.errors import FieldError, ForbiddenError, ValidationError
from engine.events import OutboxDraft
from engine.policy import Policy
from engine.usecases.admin_accounts import (
    create_official_account,
    reset_password,
    set_account_active,
)
from engine.usecases.audit import (
    admin_actor,
    admin_log,
    audit_trail,
    record_admin,
    verify_audit,
    view_audit_trail,
)
from engine.usecases.outbox import bury_unrenderable, claim_batch, retry_dead
from engine.workflow import Actor, DocKind, State
from tests.unit.fakes import O_KABID, O_KASI, FakeUnitOfWork
from tests.unit.fakes_accounts import FakeAccounts, account_uow
from tests.unit.fakes_documents import DocumentsUnitOfWork, Tables, pk, report, tables
from tests.unit.fakes_evidence import log_step
from tests.unit.fakes_reminders import FakeOutboxStore
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


# --- the admin log ---------------------------------------------------------------------------

ADMIN = "Administrator (admin)"


def admin_uow(*steps: tuple[str, str]) -> DocumentsUnitOfWork:
    """A unit of work (no documents) whose admin log holds one committed row per step."""
    uow = DocumentsUnitOfWork(tables())
    for n, (action, subject) in enumerate(steps):
        with uow.writing():
            moment = NOW + timedelta(days=n)
            record_admin(uow, ADMIN, action, subject, {"a": n}, {"a": n + 1}, now=moment)
            uow.commit()
    return uow


def test_the_admin_hash_covers_every_field_and_the_previous_hash() -> None:
    fields = {
        "id": 1,
        "at": NOW,
        "actor": ADMIN,
        "action": "holiday.add",
        "subject": "Hari libur 15 Juni 2021",
        "before": None,
        "after": '{"name":"Hari Jadi"}',
    }
    first = admin_entry_hash(fields, None)
    assert admin_entry_hash({**fields, "at": NOW.astimezone(JAKARTA)}, None) == first
    changed = {"id": 2, "actor": "x", "action": "x", "subject": "x", "before": "{}", "after": "{}"}
    changed["at"] = NOW + timedelta(seconds=1)
    for name, other in changed.items():
        assert admin_entry_hash({**fields, name: other}, None) != first, name
    assert admin_entry_hash(fields, "0" * 64) != first


def test_changes_are_stored_as_canonical_json() -> None:
    text = changes_json({"valid_to": date(2021, 4, 9), "decree": None, "b": "Ä"})
    assert text == '{"b":"Ä","decree":null,"valid_to":"2021-04-09"}'
    assert changes_json(None) is None


def test_recorded_rows_are_numbered_and_chained() -> None:
    uow = admin_uow(("holiday.add", "Hari libur 1"), ("assignment.add", "Penugasan #9"))
    first, second = uow.admin_log.committed
    assert (first.id, second.id) == (1, 2)
    assert first.prev_hash is None and second.prev_hash == first.hash
    assert second.values("before") == {"a": 1} and second.values("after") == {"a": 2}
    report_ = verify_audit(uow)
    assert (report_.ok, report_.admin_rows, report_.admin_head) == (True, 2, second)


def test_a_refused_change_leaves_no_admin_row() -> None:
    uow = admin_uow(("holiday.add", "Hari libur 1"))
    with uow.writing():
        record_admin(uow, ADMIN, "holiday.add", "Hari libur 2", None, {"x": 1}, now=NOW)
        assert [row.id for row in uow.admin_log.rows()] == [1, 2]
        # the change fails after recording: leaving writing() without a commit rolls back
    assert [row.id for row in uow.admin_log.rows()] == [1]


def test_an_altered_admin_row_is_named_with_its_action_and_moment() -> None:
    uow = admin_uow(("holiday.add", "a"), ("assignment.add", "b"), ("account.create", "c"))
    log = uow.admin_log.committed
    log[1] = replace(log[1], after='{"valid_to":"2099-12-31"}')
    found = verify_audit(uow, policy=POLICY)
    assert [(b.doc, b.row_id, b.message) for b in found.breaks] == [
        ("log admin", 2, "baris log admin #2 telah diubah (assignment.add, 6 April 2021 09.00 WIB)")
    ]


def test_a_removed_admin_row_is_named() -> None:
    uow = admin_uow(("holiday.add", "a"), ("assignment.add", "b"), ("account.create", "c"))
    del uow.admin_log.committed[1]
    (found,) = verify_audit(uow).breaks
    assert (found.row_id, found.message.split(" (")[0]) == (3, "baris log admin #2 hilang")


def test_a_rehashed_admin_row_breaks_the_next_link() -> None:
    uow = admin_uow(("holiday.add", "a"), ("assignment.add", "b"), ("account.create", "c"))
    log = uow.admin_log.committed
    forged = replace(log[0], subject="forged")
    log[0] = replace(forged, hash=admin_entry_hash(forged.fields, None))
    (found,) = verify_audit(uow).breaks
    assert found.row_id == 2 and "tidak menyambung" in found.message


def test_the_admin_log_page_filters_newest_first() -> None:
    uow = admin_uow(
        ("holiday.add", "Hari libur Juni"),
        ("assignment.add", "Penugasan #9: Plt. Kepala Bidang"),
        ("assignment.end", "Penugasan #9: Plt. Kepala Bidang"),
    )
    page = admin_log(uow, policy=POLICY)
    assert [r.action for r in page.rows] == ["assignment.end", "assignment.add", "holiday.add"]
    assert page.problem is None and page.checked == 3 and not page.has_next
    assert page.actions == ["assignment.add", "assignment.end", "holiday.add"]
    only = admin_log(uow, action="assignment", policy=POLICY)
    assert [r.id for r in only.rows] == [3, 2]
    assert [r.id for r in admin_log(uow, text="juni", policy=POLICY).rows] == [1]
    # NOW is 5 April 2021 in Jakarta: the second row is on the 6th, the third on the 7th.
    window = admin_log(uow, since=date(2021, 4, 6), until=date(2021, 4, 6), policy=POLICY)
    assert [r.id for r in window.rows] == [2]


def test_the_admin_log_page_reports_a_broken_chain() -> None:
    uow = admin_uow(("holiday.add", "a"), ("holiday.remove", "b"))
    uow.admin_log.committed[0] = replace(uow.admin_log.committed[0], actor="orang lain")
    assert admin_log(uow, policy=POLICY).problem is not None


def test_admin_actors_are_named_by_nip_or_login() -> None:
    assert admin_actor("citra", KABID_ACTOR) == "Citra Kabid (NIP 19750101 200001 1 002)"
    assert admin_actor("admin", Actor(None, "Administrator", None, True)) == ADMIN
    assert admin_actor("admin", Actor(None, "admin", None, True)) == "admin"


def test_account_changes_are_recorded_without_any_password() -> None:
    uow = account_uow()
    accounts = uow.accounts
    assert isinstance(accounts, FakeAccounts)
    admin = accounts.add("admin", "v2:admin-lama", is_admin=True)
    by = {"now": NOW, "actor": ADMIN}
    created = create_official_account(
        uow, official_id=O_KASI, login="dewi@dinas.test", password="rahasia-dewi-1", **by
    )
    set_account_active(uow, created.id, active=False, by_account_id=admin.id, **by)
    set_account_active(uow, created.id, active=True, by_account_id=admin.id, **by)
    reset_password(uow, created.id, password="rahasia-dewi-2", **by)
    rows = list(uow.admin_log.rows())
    assert [(r.action, r.subject) for r in rows] == [
        (action, f"Akun #{created.id}: dewi@dinas.test (Dewi Kasi)")
        for action in (
            "account.create",
            "account.deactivate",
            "account.activate",
            "account.password_reset",
        )
    ]
    assert rows[0].values("after") == {"login": "dewi@dinas.test", "active": True, "admin": False}
    assert (rows[1].values("before"), rows[1].values("after")) == (
        {"active": True},
        {"active": False},
    )
    everything = " ".join(f"{r.subject} {r.before} {r.after}" for r in rows)
    assert "rahasia" not in everything and "v2:" not in everything
    assert verify_audit(DocumentsUnitOfWork(tables(), admin_log=uow.admin_log)).ok


def test_a_refused_account_change_leaves_no_admin_row() -> None:
    uow = account_uow()
    accounts = uow.accounts
    assert isinstance(accounts, FakeAccounts)
    admin = accounts.add("admin", "v2:admin-lama", is_admin=True)
    with pytest.raises(ValidationError):
        set_account_active(uow, admin.id, active=False, by_account_id=admin.id, now=NOW)
    with pytest.raises(FieldError):
        reset_password(uow, admin.id, password="x", now=NOW)
    assert list(uow.admin_log.rows()) == []


def test_retrying_dead_letters_is_recorded_only_when_something_was_revived() -> None:
    store = FakeOutboxStore()
    store.add([OutboxDraft(f"k{i}", "digest", 100 + i, f"p{i}@dinas.test", "P", {}, NOW)
               for i in range(2)])  # fmt: skip
    uow = FakeUnitOfWork(outbox=store)
    for entry in claim_batch(uow, now=NOW, size=1, lease=timedelta(minutes=5)):
        bury_unrenderable(uow, entry, "broken")
    assert retry_dead(uow, [2], now=NOW, actor=ADMIN) == []  # 2 is not dead: no row
    assert retry_dead(uow, None, now=NOW, actor=ADMIN) == [1]
    (row,) = uow.admin_log.rows()
    assert (row.actor, row.action, row.subject) == (
        ADMIN,
        "outbox.retry",
        "Kotak keluar: 1 pesan gagal dikirim ulang",
    )
    assert row.values("after") == {"messages": "#1"}

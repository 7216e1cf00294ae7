"""engine.usecases.pk against the in-memory unit of work: PKs, revisions, targets, budget, DPA."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.budget import BudgetLine
from engine.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from engine.policy import Policy
from engine.records import StoredTargets
from engine.usecases.pk import (
    TargetInput,
    add_pk,
    add_revision,
    create_pk,
    revise_pk,
    save_budget,
    save_targets,
    set_budget_lines,
    set_dpa_date,
    set_target,
    write_budget,
    write_target,
)
from engine.workflow import Actor, DocKind, State
from tests.unit.fakes import KASI, O_KABID, O_KASI
from tests.unit.fakes_documents import (
    DocumentsUnitOfWork,
    FakeDocuments,
    FakePks,
    FakeReports,
    pk,
    report,
    tables,
)
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 5, 2, 0, tzinfo=UTC)
KASI_ACTOR = Actor(O_KASI, "Dewi Kasi", "198001012005012003")
KABID_ACTOR = Actor(O_KABID, "Citra Kabid", "197501012000011002")
QUARTERS = ["20", "40", "60", "80"]


def test_a_position_has_one_pk_a_year() -> None:
    db = tables()
    uow = DocumentsUnitOfWork(db)
    created = create_pk(uow, "kasi", 2021, now=NOW)
    assert (created.revision, created.state, uow.commits) == (1, State.DRAFT, 1)
    with pytest.raises(
        ValidationError, match=f"sudah punya Perjanjian Kinerja 2021 \\(PK-{created.id}\\)"
    ):
        add_pk(FakePks(db), KASI, 2021, NOW)
    with pytest.raises(NotFoundError, match="Jabatan 'nope' tidak ditemukan"):
        create_pk(uow, "nope", 2021, now=NOW)


def test_a_revision_copies_the_approved_pk_and_needs_a_reason() -> None:
    db = tables(pk(4, state=State.APPROVED))
    db.targets[(4, 11)] = StoredTargets("80", "20", "40", "60", "80")
    db.budget[4] = [BudgetLine("Program", Decimal(5))]
    uow = DocumentsUnitOfWork(db)
    with pytest.raises(ValidationError, match="Alasan PK Perubahan wajib diisi"):
        revise_pk(uow, 4, "  ", now=NOW)
    revision = revise_pk(uow, 4, " Refocusing ", now=NOW)
    assert (revision.revision, revision.reason, revision.state) == (2, "Refocusing", State.DRAFT)
    assert db.targets[(revision.id, 11)] == db.targets[(4, 11)]
    assert db.budget[revision.id] == db.budget[4]
    with pytest.raises(
        ValidationError, match=f"revisi terakhir yang sudah disetujui \\(PK-{revision.id}\\)"
    ):
        add_revision(FakeDocuments(db), FakePks(db), 4, "lagi", NOW)


def test_targets_are_checked_as_typed_and_warn() -> None:
    db = tables(pk(4))
    repos = FakeDocuments(db), FakePks(db), FakeReports(db)
    stored, warnings = write_target(
        *repos, 4, "ind-11", annual="80", quarters=["50", "40", "60", "80"]
    )
    assert stored == StoredTargets("80", "50", "40", "60", "80")
    assert warnings == ["target kumulatif TW II (40) lebih kecil dari TW I (50)"]
    with pytest.raises(
        ValidationError, match="berbeda dari target tahunan \\(80\\); isi alasannya"
    ):
        write_target(*repos, 4, "ind-11", annual="80", quarters=["20", "40", "60", "90"])
    with pytest.raises(ValidationError, match="Isi target TW I sampai TW IV"):
        write_target(*repos, 4, "ind-11", annual="80", quarters=["20"])


def test_a_verified_quarter_keeps_its_target_in_a_pk_perubahan() -> None:
    db = tables(pk(4, state=State.APPROVED), report(7, state=State.VERIFIED))
    db.targets[(4, 11)] = StoredTargets("80", "20", "40", "60", "80")
    uow = DocumentsUnitOfWork(db)
    revision = revise_pk(uow, 4, "APBD Perubahan", now=NOW)
    with pytest.raises(ValidationError, match="Target TW I tidak dapat diubah: laporannya sudah"):
        set_target(uow, revision.id, "ind-11", annual="90", quarters=["25", "45", "65", "90"],
                   now=NOW)  # fmt: skip
    assert set_target(uow, revision.id, "ind-11", annual="90",
                      quarters=["20,0", "45", "65", "90"], now=NOW) == []  # fmt: skip
    assert db.targets[(revision.id, 11)].tw2 == "45"


def test_targets_from_the_page_are_all_or_nothing() -> None:
    db = tables(pk(4))
    uow = DocumentsUnitOfWork(db)
    typed = {
        "ind-11": TargetInput("80", ("20", "40", "60", "80")),
        "ind-12": TargetInput("abc", ("", "", "", "")),
    }
    errors, warnings = save_targets(uow, 4, typed, KASI_ACTOR, now=NOW, policy=POLICY)
    assert list(errors) == ["ind-12"] and warnings == []
    assert db.targets == {} and uow.commits == 0  # the good row was rolled back too
    untouched = {"ind-11": typed["ind-11"], "ind-12": TargetInput("", ("", "", "", ""))}
    assert save_targets(uow, 4, untouched, KASI_ACTOR, now=NOW, policy=POLICY) == ({}, [])
    assert set(db.targets) == {(4, 11)} and db.saved[(DocKind.PK, 4)] == ("Dewi Kasi", NOW)
    with pytest.raises(ForbiddenError):
        save_targets(uow, 4, untouched, KABID_ACTOR, now=NOW, policy=POLICY)


def test_budget_lines_replace_the_old_ones_in_a_draft() -> None:
    db = tables(pk(4), pk(5, state=State.SUBMITTED))
    uow = DocumentsUnitOfWork(db)
    lines = [BudgetLine(" Program A ", Decimal("1000.50")), BudgetLine("B", Decimal(2), "K")]
    assert set_budget_lines(uow, 4, lines, now=NOW) == Decimal("1002.50")
    assert [b.program for b in db.budget[4]] == ["Program A", "B"]
    with pytest.raises(ValidationError, match="anggaran tidak negatif"):
        write_budget(FakeDocuments(db), FakePks(db), 4, [BudgetLine("C", Decimal(-1))])
    with pytest.raises(ValidationError, match="PK-5 sedang diajukan"):
        write_budget(FakeDocuments(db), FakePks(db), 5, lines)
    for bad in (BudgetLine("A\nB", Decimal(1)), BudgetLine("A", Decimal(1), "K\x07")):
        with pytest.raises(ValidationError, match="tidak boleh berisi baris baru"):
            write_budget(FakeDocuments(db), FakePks(db), 4, [bad])


def test_budget_rows_from_the_page_are_checked_before_the_rights() -> None:
    db = tables(pk(4))
    uow = DocumentsUnitOfWork(db)
    rows = [
        ("", "", "", ""),
        ("", "Kegiatan", "", "5"),
        ("P", "", "", "-5"),
        ("P", "Kegiatan\r\nkedua", "", "5"),
        ("P", "", "", "1.000"),
    ]
    errors = save_budget(uow, 4, rows, KABID_ACTOR, now=NOW, policy=POLICY)
    assert errors == {
        "row.2": "Program wajib diisi",
        "row.3": "Anggaran: nilai tidak boleh negatif (-5)",
        "row.4": "Program, kegiatan dan sub kegiatan tidak boleh berisi baris baru atau "
        "karakter kendali",
    }
    with pytest.raises(ForbiddenError):
        save_budget(uow, 4, rows[4:], KABID_ACTOR, now=NOW, policy=POLICY)
    assert save_budget(uow, 4, rows[4:], KASI_ACTOR, now=NOW, policy=POLICY) == {}
    assert db.budget[4] == [BudgetLine("P", Decimal(1000))]


def test_the_dpa_date_sets_the_deadline_a_month_later() -> None:
    db = tables()
    uow = DocumentsUnitOfWork(db)
    assert set_dpa_date(uow, "dinas", 2021, date(2021, 1, 31)) == date(2021, 2, 28)
    assert db.dpa[(1, 2021)] == date(2021, 1, 31) and uow.commits == 1
    with pytest.raises(NotFoundError, match="Perangkat daerah 'lain'"):
        set_dpa_date(uow, "lain", 2021, date(2021, 1, 31))


def test_target_and_budget_saves_from_an_older_page_are_refused() -> None:
    db = tables(pk(4))
    uow = DocumentsUnitOfWork(db)
    typed = {"ind-11": TargetInput("80", ("20", "40", "60", "80"))}
    assert save_targets(uow, 4, typed, KASI_ACTOR, now=NOW, policy=POLICY,
                        expected_version=1) == ({}, [])  # fmt: skip
    other = {"ind-11": TargetInput("90", ("20", "40", "60", "90"))}
    with pytest.raises(ConflictError, match="PK-4: dokumen sudah disimpan oleh Dewi Kasi"):
        save_targets(uow, 4, other, KASI_ACTOR, now=NOW, policy=POLICY, expected_version=1)
    assert db.targets[(4, 11)].annual == "80"
    rows = [("Program A", "", "", "1.000")]
    with pytest.raises(ConflictError):
        save_budget(uow, 4, rows, KASI_ACTOR, now=NOW, policy=POLICY, expected_version=1)
    assert save_budget(uow, 4, rows, KASI_ACTOR, now=NOW, policy=POLICY,
                       expected_version=2) == {}  # fmt: skip
    assert db.view(DocKind.PK, 4).version == 3 and uow.commits == 2

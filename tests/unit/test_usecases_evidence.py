"""engine.usecases.evidence against the in-memory unit of work and file store."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from engine.errors import ForbiddenError, NotFoundError, ValidationError
from engine.policy import Policy
from engine.usecases.evidence import (
    add_evidence,
    download_evidence,
    list_evidence,
    read_evidence,
    store_evidence,
    upload_evidence,
)
from engine.workflow import Actor, State
from tests.unit.fakes import O_KABID, O_KASI
from tests.unit.fakes_documents import DocumentsUnitOfWork, Tables, report, tables
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 5, 2, 0, tzinfo=UTC)
KASI_ACTOR = Actor(O_KASI, "Dewi Kasi", "198001012005012003")
KABID_ACTOR = Actor(O_KABID, "Citra Kabid", "197501012000011002")
STRANGER = Actor(999, "Orang Lain", None)
PDF = b"%PDF-1.4\n%%EOF\n"
SHA = hashlib.sha256(PDF).hexdigest()


class FakeAccounts:
    def resolve_actor(self, who: str) -> Actor:
        if who != "dewi":
            raise NotFoundError(f"Tidak ada akun atau pegawai '{who}'")
        return KASI_ACTOR


def unit(db: Tables) -> DocumentsUnitOfWork:
    return DocumentsUnitOfWork(db, accounts=FakeAccounts())


def test_an_upload_is_stored_under_year_report_and_checksum() -> None:
    db = tables(report(7))
    uow = unit(db)
    stored = upload_evidence(uow, 7, KASI_ACTOR, filename="../Lap.pdf", data=PDF, now=NOW,
                             policy=POLICY, indicator_id=11)  # fmt: skip
    assert stored.storage_path == f"2021/7/{SHA}/Lap.pdf"
    assert (stored.filename, stored.uploaded_by, stored.indicator_id) == ("Lap.pdf", O_KASI, 11)
    assert db.files.files[stored.storage_path] == PDF and uow.commits == 1
    assert uow.documents.locked == [7]  # the report row was held against a submission


def test_only_the_holder_uploads_and_only_to_a_draft() -> None:
    db = tables(report(7), report(8, state=State.SUBMITTED, quarter=2))
    with pytest.raises(ForbiddenError):
        upload_evidence(unit(db), 7, KABID_ACTOR, filename="a.pdf", data=PDF, now=NOW,
                        policy=POLICY)  # fmt: skip
    with pytest.raises(ValidationError, match="Laporan Realisasi LAP-8 sedang diajukan"):
        store_evidence(unit(db), 8, filename="a.pdf", data=PDF, uploaded_by=None, now=NOW)
    assert db.files.files == {} and db.evidence == {}


def test_type_size_and_indicator_are_checked_before_the_disk() -> None:
    db = tables(report(7))
    uow = unit(db)
    with pytest.raises(ValidationError, match="bukan PDF yang sah"):
        store_evidence(uow, 7, filename="a.pdf", data=b"GIF89a", uploaded_by=None, now=NOW)
    with pytest.raises(ValidationError, match="Berkas bukti kosong"):
        store_evidence(uow, 7, filename="a.pdf", data=b"", uploaded_by=None, now=NOW)
    with pytest.raises(ValidationError, match="Indikator ind-21 bukan indikator jabatan"):
        store_evidence(uow, 7, filename="a.pdf", data=PDF, uploaded_by=None, now=NOW,
                       indicator_id=21)  # fmt: skip
    with pytest.raises(NotFoundError, match="Indikator #99 tidak ditemukan"):
        store_evidence(uow, 7, filename="a.pdf", data=PDF, uploaded_by=None, now=NOW,
                       indicator_id=99)  # fmt: skip
    assert db.files.files == {}


def test_replacing_keeps_the_old_file_and_the_same_bytes_reuse_it() -> None:
    db = tables(report(7))
    uow = unit(db)
    old = store_evidence(uow, 7, filename="a.pdf", data=PDF, uploaded_by=None, now=NOW)
    again = store_evidence(uow, 7, filename="b.pdf", data=PDF, uploaded_by=None, now=NOW)
    assert again.storage_path == old.storage_path and len(db.files.files) == 1
    with pytest.raises(ValidationError, match="alasan penggantian wajib diisi"):
        store_evidence(uow, 7, filename="c.pdf", data=PDF + b"2", uploaded_by=None, now=NOW,
                       replaces_id=old.id)  # fmt: skip
    new = store_evidence(uow, 7, filename="c.pdf", data=PDF + b"2", uploaded_by=None, now=NOW,
                         replaces_id=old.id, reason=" salah ")  # fmt: skip
    assert (new.replaces_id, new.replace_reason) == (old.id, "salah")
    assert [e.id for e in list_evidence(uow, 7)] == [again.id, new.id]
    assert len(list_evidence(uow, 7, include_replaced=True)) == 3
    with pytest.raises(ValidationError, match="sudah diganti"):
        store_evidence(uow, 7, filename="d.pdf", data=PDF, uploaded_by=None, now=NOW,
                       replaces_id=old.id, reason="x")  # fmt: skip


def test_a_tampered_file_is_refused_and_never_reused() -> None:
    db = tables(report(7))
    uow = unit(db)
    first = store_evidence(uow, 7, filename="a.pdf", data=PDF, uploaded_by=None, now=NOW)
    db.files.files[first.storage_path] = b"%PDF altered"
    with pytest.raises(ValidationError, match=r"berkas bukti 'a\.pdf' rusak"):
        read_evidence(uow, first.id)
    second = store_evidence(uow, 7, filename="a.pdf", data=PDF, uploaded_by=None, now=NOW)
    assert second.storage_path == f"2021/7/{SHA}/a-2.pdf"
    assert read_evidence(uow, second.id).data == PDF
    del db.files.files[second.storage_path]
    with pytest.raises(NotFoundError, match="tidak ada di penyimpanan"):
        read_evidence(uow, second.id)


def test_a_download_needs_the_right_to_see_the_report() -> None:
    db = tables(report(7))
    uow = unit(db)
    stored = store_evidence(uow, 7, filename="a.pdf", data=PDF, uploaded_by=None, now=NOW)
    found = download_evidence(uow, stored.id, KABID_ACTOR, now=NOW, policy=POLICY)
    assert (found.record.filename, found.data) == ("a.pdf", PDF)
    with pytest.raises(ForbiddenError):
        download_evidence(uow, stored.id, STRANGER, now=NOW, policy=POLICY)
    with pytest.raises(NotFoundError, match="Bukti dukung #99 tidak ditemukan"):
        download_evidence(uow, 99, KABID_ACTOR, now=NOW, policy=POLICY)


def test_the_console_names_the_uploader_and_the_indicator_by_code() -> None:
    db = tables(report(7))
    uow = unit(db)
    stored = add_evidence(uow, 7, "dewi", filename="a.pdf", data=PDF, now=NOW, indicator="ind-12")
    assert (stored.uploaded_by, stored.indicator_id) == (O_KASI, 12)
    with pytest.raises(NotFoundError, match="Indikator 'ind-99' jabatan ini tahun 2021"):
        add_evidence(uow, 7, "dewi", filename="a.pdf", data=PDF, now=NOW, indicator="ind-99")
    with pytest.raises(NotFoundError, match="'budi'"):
        add_evidence(uow, 7, "budi", filename="a.pdf", data=PDF, now=NOW)

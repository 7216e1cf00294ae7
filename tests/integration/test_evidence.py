"""Evidence files (bukti dukung) on real disks and real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from db.database import transaction
from db.models import IndicatorRow, PositionRow, QuarterlyReport
from db.uow import SqlUnitOfWork
from engine.errors import NotFoundError, ValidationError
from engine.evidence import MAX_EVIDENCE_BYTES
from engine.records import EvidenceRecord
from engine.usecases.evidence import list_evidence, read_evidence, store_evidence
from tests.conftest import FIXED_NOW
from tests.integration.files import import_catalog_file, import_org_file

FIXTURES = Path(__file__).parent.parent / "fixtures"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"


def office_zip(folder: str) -> bytes:
    """A minimal Office Open XML package: a zip whose parts live under `folder`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return buffer.getvalue()


SAMPLES: dict[str, tuple[bytes, str]] = {
    "laporan.pdf": (PDF, "application/pdf"),
    "foto.png": (PNG, "image/png"),
    "foto.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00jpg", "image/jpeg"),
    "foto2.JPEG": (b"\xff\xd8\xff\xe1\x00\x10Exif\x00jpeg", "image/jpeg"),
    "rekap.xlsx": (
        office_zip("xl/"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "surat.docx": (
        office_zip("word/"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "data.csv": (b"indikator;realisasi\nkabid-1;90,5\n", "text/csv"),
    "catatan.txt": ("Realisasi triwulan I tercapai — catatan bidang\n".encode(), "text/plain"),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The evidence root, apart from the SQLite file that also lives in tmp_path."""
    return tmp_path / "bukti"


def position_id(engine: Engine, code: str) -> int:
    with Session(engine) as session:
        row = session.exec(select(PositionRow).where(PositionRow.code == code)).one()
    assert row.id is not None
    return row.id


def indicator_id(engine: Engine, code: str) -> int:
    with Session(engine) as session:
        row = session.exec(select(IndicatorRow).where(IndicatorRow.code == code)).one()
    assert row.id is not None
    return row.id


def add_report(engine: Engine, position: str, quarter: int = 1) -> int:
    with transaction(engine) as session:
        report = QuarterlyReport(
            position_id=position_id(engine, position),
            year=2021,
            quarter=quarter,
            created_at=FIXED_NOW,
            updated_at=FIXED_NOW,
        )
        session.add(report)
        session.flush()
        assert report.id is not None
        return report.id


@pytest.fixture
def report_id(engine: Engine) -> int:
    """A draft report of the Kepala Bidang Satu for TW I 2021."""
    import_org_file(engine, FIXTURES / "org_fixed.yaml")
    import_catalog_file(engine, FIXTURES / "catalog_fixed.yaml")
    return add_report(engine, "kabid")


def store(
    engine: Engine, root: Path, report_id: int, filename: str, data: bytes, **kw: Any
) -> EvidenceRecord:
    with SqlUnitOfWork(engine, write=True, evidence_dir=root) as uow:
        return store_evidence(
            uow,
            report_id,
            filename=filename,
            data=data,
            uploaded_by=None,
            now=FIXED_NOW,
            **kw,
        )


def open_(engine: Engine, root: Path, evidence_id: int | None) -> tuple[EvidenceRecord, Path]:
    """The evidence read back (checksum verified), and where its file is."""
    assert evidence_id is not None
    with SqlUnitOfWork(engine, evidence_dir=root) as uow:
        found = read_evidence(uow, evidence_id)
    return found.record, (root / found.record.storage_path).resolve()


def listed(engine: Engine, report_id: int, *, include_replaced: bool = False) -> list[int | None]:
    with SqlUnitOfWork(engine) as uow:
        return [e.id for e in list_evidence(uow, report_id, include_replaced=include_replaced)]


def files_under(root: Path) -> list[Path]:
    """Every file below the root, temporary ones included."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def refused(engine: Engine, root: Path, report_id: int, filename: str, data: bytes) -> str:
    """The message of a refused upload, after checking it left no row and no file."""
    with pytest.raises(ValidationError) as caught:
        store(engine, root, report_id, filename, data)
    assert listed(engine, report_id, include_replaced=True) == []
    assert files_under(root) == []
    return str(caught.value)


def test_each_allowed_type_is_stored_and_read_back_identical(
    engine: Engine, root: Path, report_id: int
) -> None:
    for filename, (data, content_type) in SAMPLES.items():
        stored = store(engine, root, report_id, filename, data)
        row, path = open_(engine, root, stored.id)
        assert (row.filename, row.content_type, row.size) == (filename, content_type, len(data))
        assert row.sha256 == hashlib.sha256(data).hexdigest()
        assert path.read_bytes() == data
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256
        assert row.active and row.uploaded_at == FIXED_NOW
    assert len(listed(engine, report_id)) == len(SAMPLES)
    assert len(files_under(root)) == len(SAMPLES)  # no temporary files left behind


def test_file_lives_under_year_report_and_checksum(
    engine: Engine, root: Path, report_id: int
) -> None:
    stored = store(engine, root, report_id, "laporan.pdf", PDF)
    sha = hashlib.sha256(PDF).hexdigest()
    assert stored.storage_path == f"2021/{report_id}/{sha}/laporan.pdf"
    _, path = open_(engine, root, stored.id)
    assert path == (root / "2021" / str(report_id) / sha / "laporan.pdf").resolve()
    assert files_under(root) == [root / "2021" / str(report_id) / sha / "laporan.pdf"]


def test_content_that_does_not_match_the_extension_is_refused(
    engine: Engine, root: Path, report_id: int
) -> None:
    assert "bukan PDF yang sah" in refused(engine, root, report_id, "laporan.pdf", PNG)
    # A Word package renamed to .xlsx, and a bare zip, are not spreadsheets.
    assert "bukan Excel" in refused(engine, root, report_id, "rekap.xlsx", office_zip("word/"))
    assert "bukan Excel" in refused(engine, root, report_id, "rekap.xlsx", b"PK\x03\x04junk")
    # Text must be UTF-8 without NUL bytes.
    assert "bukan CSV" in refused(engine, root, report_id, "data.csv", "a;b\n".encode("utf-16"))
    assert "bukan teks" in refused(engine, root, report_id, "x.txt", b"ab\x00cd")


def test_unknown_extensions_are_refused(engine: Engine, root: Path, report_id: int) -> None:
    message = refused(engine, root, report_id, "setup.exe", b"MZ\x90\x00")
    assert message.startswith("Jenis berkas .exe tidak diizinkan")
    assert "PDF" in message and "XLSX" in message
    assert "tanpa ekstensi" in refused(engine, root, report_id, "README", b"hello")


def test_empty_file_is_refused(engine: Engine, root: Path, report_id: int) -> None:
    assert refused(engine, root, report_id, "kosong.pdf", b"") == "Berkas bukti kosong"


def test_size_limit_is_ten_megabytes_inclusive(engine: Engine, root: Path, report_id: int) -> None:
    too_big = PDF + b"\x00" * (MAX_EVIDENCE_BYTES + 1 - len(PDF))
    assert len(too_big) == MAX_EVIDENCE_BYTES + 1
    message = refused(engine, root, report_id, "besar.pdf", too_big)
    assert "terlalu besar" in message and "10 MB" in message
    at_limit = too_big[:-1]
    stored = store(engine, root, report_id, "pas.pdf", at_limit)
    _, path = open_(engine, root, stored.id)
    assert stored.size == MAX_EVIDENCE_BYTES == path.stat().st_size


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("..\\..\\..pdf", "bukti.pdf"),
        ("/abs/.hidden.pdf", "hidden.pdf"),
        ("lap<oran>:\x00\n?*.pdf", "lap_oran_.pdf"),
        ("Laporan  TW I.PDF", "Laporan TW I.PDF"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_hostile_names_are_stored_safely_inside_the_root(
    engine: Engine, root: Path, report_id: int, tmp_path: Path, filename: str, expected: str
) -> None:
    stored = store(engine, root, report_id, filename, PDF)
    assert stored.filename == expected
    assert len(stored.filename) <= 255
    _, path = open_(engine, root, stored.id)
    assert path.is_relative_to(root.resolve())
    assert path.name == expected
    assert path.parent == (root / "2021" / str(report_id) / stored.sha256).resolve()
    assert not (tmp_path / "etc").exists()
    assert [p.resolve() for p in files_under(root)] == [path]


def test_same_bytes_twice_reuse_the_file_without_touching_it(
    engine: Engine, root: Path, report_id: int
) -> None:
    first = store(engine, root, report_id, "laporan.pdf", PDF)
    path = root / first.storage_path
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # far in the past: any rewrite would show
    before = path.stat()
    second = store(engine, root, report_id, "laporan.pdf", PDF)
    third = store(engine, root, report_id, "nama-lain.pdf", PDF)
    assert second.storage_path == third.storage_path == first.storage_path
    after = path.stat()
    assert after.st_ino == before.st_ino
    assert after.st_mtime_ns == before.st_mtime_ns == 1_000_000_000
    assert files_under(root) == [path]
    assert listed(engine, report_id) == [first.id, second.id, third.id]  # three evidences
    assert third.filename == "nama-lain.pdf"


class FailingCommit(SqlUnitOfWork):
    """A unit of work whose commit fails: the request broke after the file reached the disk."""

    def commit(self) -> None:
        raise RuntimeError("the request failed after the upload")


def upload_then_fail(engine: Engine, root: Path, report_id: int) -> None:
    """An upload whose transaction rolls back after the file reached the disk."""
    with FailingCommit(engine, write=True, evidence_dir=root) as uow:
        store_evidence(
            uow,
            report_id,
            filename="laporan.pdf",
            data=PDF,
            uploaded_by=None,
            now=FIXED_NOW,
        )


def test_an_orphan_of_a_rolled_back_upload_is_reused(
    engine: Engine, root: Path, report_id: int
) -> None:
    with pytest.raises(RuntimeError, match="after the upload"):
        upload_then_fail(engine, root, report_id)
    (orphan,) = files_under(root)
    assert listed(engine, report_id, include_replaced=True) == []
    inode = orphan.stat().st_ino
    stored = store(engine, root, report_id, "laporan.pdf", PDF)
    assert root / stored.storage_path == orphan
    assert orphan.stat().st_ino == inode
    assert files_under(root) == [orphan]


def test_a_tampered_file_is_never_overwritten(engine: Engine, root: Path, report_id: int) -> None:
    first = store(engine, root, report_id, "laporan.pdf", PDF)
    tampered = root / first.storage_path
    tampered.write_bytes(b"%PDF-1.4 altered")
    second = store(engine, root, report_id, "laporan.pdf", PDF)
    assert second.storage_path == first.storage_path.replace("laporan.pdf", "laporan-2.pdf")
    assert tampered.read_bytes() == b"%PDF-1.4 altered"
    _, path = open_(engine, root, second.id)
    assert path.read_bytes() == PDF


def test_replacing_needs_a_reason(engine: Engine, root: Path, report_id: int) -> None:
    old = store(engine, root, report_id, "laporan.pdf", PDF)
    for reason in (None, "", "   "):
        with pytest.raises(ValidationError, match="alasan penggantian wajib diisi"):
            store(
                engine, root, report_id, "baru.pdf", PDF + b"v2", replaces_id=old.id, reason=reason
            )
    assert listed(engine, report_id, include_replaced=True) == [old.id]
    assert files_under(root) == [root / old.storage_path]


def test_replacing_keeps_the_old_file_and_marks_it_inactive(
    engine: Engine, root: Path, report_id: int
) -> None:
    old = store(engine, root, report_id, "laporan.pdf", PDF)
    new = store(
        engine,
        root,
        report_id,
        "laporan.pdf",
        PDF + b"v2",
        replaces_id=old.id,
        reason=" Salah unggah berkas ",
    )
    assert (new.replaces_id, new.replace_reason, new.active) == (
        old.id,
        "Salah unggah berkas",
        True,
    )
    assert listed(engine, report_id) == [new.id]
    assert listed(engine, report_id, include_replaced=True) == [old.id, new.id]
    replaced, path = open_(engine, root, old.id)
    assert not replaced.active
    assert path.read_bytes() == PDF
    with pytest.raises(ValidationError, match="sudah diganti"):
        store(engine, root, report_id, "lagi.pdf", PDF + b"v3", replaces_id=old.id, reason="x")
    other_report = add_report(engine, "kabid", quarter=2)
    with pytest.raises(ValidationError, match=f"bukan milik laporan LAP-{other_report}"):
        store(engine, root, other_report, "lain.pdf", PDF, replaces_id=new.id, reason="x")
    with pytest.raises(NotFoundError, match="#999999"):
        store(engine, root, report_id, "lain.pdf", PDF, replaces_id=999999, reason="x")
    assert len(files_under(root)) == 2


def test_a_second_file_with_the_same_name_is_another_evidence(
    engine: Engine, root: Path, report_id: int
) -> None:
    indicator = indicator_id(engine, "kabid-1")
    one = store(engine, root, report_id, "foto.png", PNG, indicator_id=indicator)
    two = store(engine, root, report_id, "foto.png", PNG + b"lain", indicator_id=indicator)
    assert listed(engine, report_id) == [one.id, two.id]
    assert one.indicator_id == two.indicator_id == indicator
    assert one.storage_path != two.storage_path


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("approved", "sudah disetujui dan tidak dapat diubah"),
        ("submitted", "sedang diajukan; kembalikan ke draf dulu"),
    ],
)
def test_a_report_that_is_not_a_draft_refuses_uploads(
    engine: Engine, root: Path, report_id: int, state: str, message: str
) -> None:
    with transaction(engine) as session:
        session.exec(
            update(QuarterlyReport).where(QuarterlyReport.id == report_id).values(state=state)
        )
    with pytest.raises(ValidationError) as caught:
        store(engine, root, report_id, "laporan.pdf", PDF)
    assert str(caught.value).startswith(f"Laporan Realisasi LAP-{report_id} ")
    assert message in str(caught.value)
    assert not root.exists()
    assert listed(engine, report_id, include_replaced=True) == []


def test_unknown_report_is_not_found(engine: Engine, root: Path, report_id: int) -> None:
    with pytest.raises(NotFoundError, match=r"^Laporan LAP-999999 tidak ditemukan$"):
        store(engine, root, 999999, "laporan.pdf", PDF)
    assert not root.exists()


def test_open_detects_a_file_changed_on_disk(engine: Engine, root: Path, report_id: int) -> None:
    stored = store(engine, root, report_id, "laporan.pdf", PDF)
    (root / stored.storage_path).write_bytes(PDF.replace(b"1.4", b"1.5"))
    with pytest.raises(ValidationError, match=r"berkas bukti 'laporan\.pdf' rusak"):
        open_(engine, root, stored.id)


def test_open_detects_a_file_deleted_on_disk(engine: Engine, root: Path, report_id: int) -> None:
    stored = store(engine, root, report_id, "laporan.pdf", PDF)
    (root / stored.storage_path).unlink()
    with pytest.raises(NotFoundError, match="tidak ada di penyimpanan"):
        open_(engine, root, stored.id)
    with pytest.raises(NotFoundError, match="Bukti dukung #999999 tidak ditemukan"):
        open_(engine, root, 999999)


def test_only_the_reports_own_indicators_are_accepted(
    engine: Engine, root: Path, report_id: int
) -> None:
    # kadis-1 is the Kepala Dinas's indicator; the report is the Kepala Bidang's.
    with pytest.raises(ValidationError, match="Indikator kadis-1 bukan indikator jabatan"):
        store(
            engine,
            root,
            report_id,
            "laporan.pdf",
            PDF,
            indicator_id=indicator_id(engine, "kadis-1"),
        )
    with pytest.raises(NotFoundError, match="Indikator #999999 tidak ditemukan"):
        store(engine, root, report_id, "laporan.pdf", PDF, indicator_id=999999)
    assert not root.exists()
    own = store(
        engine, root, report_id, "laporan.pdf", PDF, indicator_id=indicator_id(engine, "kabid-2")
    )
    assert own.indicator_id == indicator_id(engine, "kabid-2")
    assert listed(engine, report_id) == [own.id]

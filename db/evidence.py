"""Evidence files (bukti dukung) of reports: checked, stored by checksum, never overwritten.

An auditor must be able to trust that the file shown today is the file uploaded
then. So a file is stored under ``<root>/<year>/<report id>/<sha256>/<name>``,
written to a temporary file in that directory and published with ``os.link``,
which fails rather than replace an existing path; the checksum is kept in the
row and checked again whenever the file is opened, so a file changed on disk is
detected. A replaced file stays on disk and its row is only marked inactive.

Everything is validated (the report is a draft, the indicator is the report's,
size, type by extension and by content, the replaced evidence) before anything
touches the disk. The file is written inside the caller's transaction but the
disk is not transactional: if the transaction rolls back afterwards, the file
stays behind without a row. Such an orphan is harmless: no row points at it,
it is never served, and a later upload of the same bytes to the same report
finds it at its checksum path and reuses it instead of writing a second copy.

``storage_path`` is relative to the evidence root, so the root can be moved or
restored from a backup without rewriting rows.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from db.editable import require_editable
from db.models import IndicatorRow, QuarterlyReport
from db.workflow_models import Evidence
from engine.errors import NotFoundError, ValidationError
from engine.evidence import (
    FILE_TYPES,
    FileType,
    candidate_names,
    extension_of,
    safe_filename,
)

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
_STORAGE_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""A full disk, a used-up quota, a file too large for the file system."""
_MIB = 1024 * 1024
_CHUNK = 1024 * 1024


def store_evidence(
    session: Session,
    *,
    root: Path,
    report_id: int,
    filename: str,
    data: bytes,
    uploaded_by: int | None,
    now: datetime,
    indicator_id: int | None = None,
    replaces_id: int | None = None,
    reason: str | None = None,
) -> Evidence:
    """Check an upload against the report and store it as a new evidence row.

    Replacing (``replaces_id``) keeps the old file and row for the audit trail,
    marks the old row inactive and records why; ``reason`` is ignored otherwise.
    A second upload with the same display name and no ``replaces_id`` is
    another piece of evidence, not a replacement. Raises ValidationError or
    NotFoundError (Bahasa Indonesia); nothing reaches the disk when it does.
    """
    if now.tzinfo is None:
        raise ValueError("store_evidence needs an aware `now`")
    report = _editable_report(session, report_id)
    _check_indicator(session, report, indicator_id)
    name, file_type = _check_upload(filename, data)
    replaced = _replaced_evidence(session, report_id, replaces_id, reason)
    if replaced is not None:
        _retire(session, replaced)
    sha256 = hashlib.sha256(data).hexdigest()
    storage_path = _store_file(session, root, report, sha256, name, data)
    row = Evidence(
        report_id=report_id,
        indicator_id=indicator_id,
        filename=name,
        content_type=file_type.content_type,
        size=len(data),
        sha256=sha256,
        storage_path=storage_path,
        uploaded_by=uploaded_by,
        uploaded_at=now,
        replaces_id=replaces_id,
        replace_reason=reason.strip() if replaced is not None and reason else None,
    )
    session.add(row)
    session.flush()
    return row


def list_evidence(
    session: Session, report_id: int, *, include_replaced: bool = False
) -> list[Evidence]:
    """The evidence of a report in upload order; replaced files only for the audit view."""
    query = select(Evidence).where(Evidence.report_id == report_id)
    if not include_replaced:
        query = query.where(col(Evidence.active))
    return list(session.exec(query.order_by(col(Evidence.id))))


def open_evidence(session: Session, *, root: Path, evidence_id: int) -> tuple[Evidence, Path]:
    """The row and the file of an evidence, after proving the file is the one uploaded.

    The checksum is verified on every open so that a file altered or swapped on
    disk is refused instead of being shown as evidence. (The caller reads the
    path afterwards; a change in between is out of reach of any check here.)
    """
    row = session.get(Evidence, evidence_id)
    if row is None:
        raise NotFoundError(
            f"Bukti dukung #{evidence_id} tidak ditemukan",
            log_message=f"evidence {evidence_id} not found",
        )
    path = _resolve(root, row)
    try:
        digest = _sha256_of_file(path)
    except FileNotFoundError:
        raise NotFoundError(
            f"Berkas bukti '{row.filename}' (bukti #{evidence_id}) tidak ada di penyimpanan",
            log_message=f"evidence {evidence_id}: file {path} is missing",
        ) from None
    if digest != row.sha256:
        raise _corrupt(row, f"sha256 {digest} != stored {row.sha256}")
    return row, path


# Validation -------------------------------------------------------------------------------


def _editable_report(session: Session, report_id: int) -> QuarterlyReport:
    """The report, locked for this transaction so a concurrent submit cannot slip in between."""
    report = session.get(QuarterlyReport, report_id, with_for_update=True, populate_existing=True)
    if report is None:
        raise NotFoundError(
            f"Laporan LAP-{report_id} tidak ditemukan",
            log_message=f"report {report_id} not found",
        )
    require_editable(report)
    return report


def _check_indicator(session: Session, report: QuarterlyReport, indicator_id: int | None) -> None:
    """Evidence may only point at an indicator the report itself reports on."""
    if indicator_id is None:
        return
    indicator = session.get(IndicatorRow, indicator_id)
    if indicator is None:
        raise NotFoundError(
            f"Indikator #{indicator_id} tidak ditemukan",
            log_message=f"indicator {indicator_id} not found",
        )
    if indicator.position_id != report.position_id or indicator.year != report.year:
        raise ValidationError(
            f"Indikator {indicator.code} bukan indikator jabatan laporan LAP-{report.id} "
            f"tahun {report.year}",
            log_message=f"indicator {indicator_id} does not belong to report {report.id}",
        )


def _check_upload(filename: str, data: bytes) -> tuple[str, FileType]:
    """The safe display name and the type, once size, extension and content agree."""
    _check_size(data)
    name = safe_filename(filename)
    extension = extension_of(name)
    file_type = FILE_TYPES.get(extension)
    if file_type is None:
        allowed = ", ".join(sorted({ext.lstrip(".").upper() for ext in FILE_TYPES}))
        shown = extension or "(tanpa ekstensi)"
        raise ValidationError(
            f"Jenis berkas {shown} tidak diizinkan sebagai bukti dukung; yang diizinkan: {allowed}",
            log_message=f"evidence type {extension!r} refused",
        )
    if not file_type.matches(data):
        raise ValidationError(
            f"Isi berkas '{name}' bukan {file_type.label} yang sah; "
            "pastikan ekstensi sesuai dengan isi berkas",
            log_message=f"evidence {name!r}: content does not match {extension}",
        )
    return name, file_type


def _check_size(data: bytes) -> None:
    if not data:
        raise ValidationError("Berkas bukti kosong", log_message="empty evidence refused")
    if len(data) > MAX_EVIDENCE_BYTES:
        size = f"{len(data) / _MIB:.1f}".replace(".", ",")
        raise ValidationError(
            f"Berkas bukti terlalu besar ({size} MB); batasnya {MAX_EVIDENCE_BYTES // _MIB} MB",
            log_message=f"evidence of {len(data)} bytes refused",
        )


def _replaced_evidence(
    session: Session, report_id: int, replaces_id: int | None, reason: str | None
) -> Evidence | None:
    """The active evidence of the same report being replaced, if any; a reason is required."""
    if replaces_id is None:
        return None
    if reason is None or not reason.strip():
        raise ValidationError(
            f"Penggantian bukti #{replaces_id}: alasan penggantian wajib diisi",
            log_message=f"replacement of evidence {replaces_id} without a reason",
        )
    old = session.get(Evidence, replaces_id)
    if old is None:
        raise NotFoundError(
            f"Bukti dukung #{replaces_id} yang akan diganti tidak ditemukan",
            log_message=f"replaced evidence {replaces_id} not found",
        )
    if old.report_id != report_id:
        raise ValidationError(
            f"Bukti dukung #{replaces_id} bukan milik laporan LAP-{report_id}",
            log_message=f"evidence {replaces_id} belongs to report {old.report_id}",
        )
    if not old.active:
        raise ValidationError(
            f"Bukti dukung #{replaces_id} sudah diganti; ganti bukti yang masih berlaku",
            log_message=f"evidence {replaces_id} is already replaced",
        )
    return old


def _retire(session: Session, old: Evidence) -> None:
    """Mark the replaced row inactive, only if it still is active (no double replacement)."""
    result = session.exec(
        update(Evidence)
        .where(col(Evidence.id) == old.id, col(Evidence.active))
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ValidationError(
            f"Bukti dukung #{old.id} baru saja diganti oleh orang lain; muat ulang halaman",
            log_message=f"evidence {old.id} was replaced concurrently",
        )
    session.refresh(old)


# Disk -------------------------------------------------------------------------------------


def _store_file(
    session: Session, root: Path, report: QuarterlyReport, sha256: str, name: str, data: bytes
) -> str:
    """The relative path of a file holding exactly `data`: an existing one, or a new one."""
    existing = _stored_copy(session, root, report.id, sha256)
    if existing is not None:
        return existing
    relative_dir = Path(str(report.year), str(report.id), sha256)
    written = _write_without_overwrite(root / relative_dir, name, data, sha256)
    return (relative_dir / written).as_posix()


def _stored_copy(session: Session, root: Path, report_id: int | None, sha256: str) -> str | None:
    """The path of an intact file of an earlier evidence of this report with the same bytes."""
    earlier = session.exec(
        select(Evidence)
        .where(Evidence.report_id == report_id, Evidence.sha256 == sha256)
        .order_by(col(Evidence.id))
    )
    for row in earlier:
        try:
            if _sha256_of_file(_resolve(root, row)) == sha256:
                return row.storage_path
        except (OSError, ValidationError):
            continue
    return None


def _write_without_overwrite(directory: Path, name: str, data: bytes, sha256: str) -> str:
    """Publish `data` under the first free name in `directory`; never replace a file.

    The bytes go to a temporary file first (fsynced), then get a hard link to
    their final name: ``os.link`` fails on an existing path, so a reader never
    sees a half-written file and nothing already stored is replaced. A name
    already holding the same bytes (an orphan of a rolled-back upload, or a
    concurrent upload of the same file) is reused.

    A full disk (or quota) is the uploader's clear error, not a server error: the
    temporary file is removed, a directory made for this upload too, and the
    ValidationError rolls the caller's transaction back, so no row is written.
    """
    made = not directory.exists()
    try:
        return _publish(directory, name, data, sha256)
    except OSError as exc:
        if exc.errno not in _STORAGE_FULL:
            raise
        if made:
            with contextlib.suppress(OSError):
                directory.rmdir()  # only if empty: a concurrent upload's file stays
        raise ValidationError(
            f"Penyimpanan bukti penuh: berkas '{name}' tidak dapat disimpan dan tidak ada "
            "yang tersimpan. Hubungi administrator untuk menambah ruang penyimpanan, "
            "lalu unggah ulang.",
            log_message=f"evidence storage full writing {name!r} to {directory}: {exc}",
        ) from None


def _publish(directory: Path, name: str, data: bytes, sha256: str) -> str:
    """Write to a temporary file, then link it to the first free name (see above)."""
    directory.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        for candidate in candidate_names(name):
            if _link_or_match(Path(temporary), directory / candidate, sha256):
                _fsync_directory(directory)
                return candidate
    finally:
        Path(temporary).unlink(missing_ok=True)
    raise ValidationError(
        f"Berkas bukti '{name}' tidak dapat disimpan: terlalu banyak berkas bernama sama",
        log_message=f"no free name for {name!r} in {directory}",
    )


def _link_or_match(temporary: Path, target: Path, sha256: str) -> bool:
    """True once `target` holds the bytes: newly linked, or already there and identical."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        try:
            return _sha256_of_file(target) == sha256
        except OSError:
            return False
    return True


def _fsync_directory(directory: Path) -> None:
    """Make the new directory entry durable, not only the file's bytes."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _resolve(root: Path, row: Evidence) -> Path:
    """The absolute path of a row's file; a path leading outside the root counts as corrupt."""
    base = root.resolve()
    path = (base / row.storage_path).resolve()
    if not path.is_relative_to(base):
        raise _corrupt(row, f"storage path {row.storage_path!r} leaves the evidence root")
    return path


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _corrupt(row: Evidence, detail: str) -> ValidationError:
    return ValidationError(
        f"Bukti #{row.id}: berkas bukti '{row.filename}' rusak (isinya berubah sejak diunggah); "
        "unggah ulang berkasnya sebagai pengganti",
        log_message=f"evidence {row.id} is corrupt: {detail}",
    )

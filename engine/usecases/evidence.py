"""Evidence files (bukti dukung) of reports: checked, stored by checksum, never overwritten.

An auditor must be able to trust that the file shown today is the file uploaded then.
So a file is stored under ``<year>/<report id>/<sha256>/<name>`` in the file store,
which never replaces a file; the checksum is kept in the row and checked again
whenever the file is read, so a file changed on disk is refused. A replaced file stays
and its row is only marked inactive.

Everything is checked (the report is a draft, the indicator is the report's, size,
type by extension and by content, the replaced evidence) before anything reaches the
store. A file whose transaction rolls back afterwards stays behind without a row: it
is never served, and a later upload of the same bytes to the same report reuses it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from engine.drafts import require_draft
from engine.errors import NotFoundError, ValidationError
from engine.evidence import EvidenceQuota, candidate_names, check_upload
from engine.policy import Policy
from engine.ports import StorageFullError, UnitOfWork
from engine.records import DocumentHead, EvidenceRecord
from engine.usecases.documents import check_editable, document_access
from engine.usecases.evidence_rules import check_quota, one_line_reason
from engine.usecases.reports import find_indicator
from engine.workflow import Actor, DocKind

__all__ = [
    "EvidenceFile",
    "add_evidence",
    "download_evidence",
    "list_evidence",
    "read_evidence",
    "store_evidence",
    "upload_evidence",
    "withdraw_evidence",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence row and its bytes, proven to be the ones uploaded."""

    record: EvidenceRecord
    data: bytes


def upload_evidence(
    uow: UnitOfWork,
    report_id: int,
    actor: Actor,
    *,
    filename: str,
    data: bytes,
    now: datetime,
    policy: Policy,
    indicator_id: int | None = None,
    replaces_id: int | None = None,
    reason: str | None = None,
) -> EvidenceRecord:
    """Store an evidence file for a draft report `actor` may fill, and commit.

    Replacing (`replaces_id`) keeps the old file and row for the audit trail, marks the
    old row inactive and records why; `reason` is ignored otherwise. A second upload with
    the same name and no `replaces_id` is another piece of evidence, not a replacement.
    """
    check_editable(uow, DocKind.REPORT, report_id, actor, now=now, policy=policy)
    if replaces_id is not None:
        old = uow.evidence.get(replaces_id)
        if old is not None and old.indicator_id is not None and indicator_id is None:
            indicator_id = old.indicator_id  # a replacement stands where the old file stood
    return store_evidence(
        uow, report_id, filename=filename, data=data, uploaded_by=actor.official_id, now=now,
        indicator_id=indicator_id, replaces_id=replaces_id, reason=reason,
        quota=policy.evidence_quota, zone=policy.zone,
    )  # fmt: skip


def withdraw_evidence(
    uow: UnitOfWork,
    evidence_id: int,
    actor: Actor,
    *,
    reason: str,
    now: datetime,
    policy: Policy,
) -> EvidenceRecord:
    """Withdraw an evidence file of a draft report `actor` may fill, with a one-line reason,
    and commit. The row and the file stay (listed as withdrawn, still downloadable by
    readers); the file no longer counts as evidence."""
    record = _record(uow, evidence_id)
    check_editable(uow, DocKind.REPORT, record.report_id, actor, now=now, policy=policy)
    why = one_line_reason(reason, f"Penarikan bukti '{record.filename}'", "penarikan")
    with uow.writing():
        report = uow.documents.head(DocKind.REPORT, record.report_id, lock=True)
        require_draft(report.kind, report.id, report.state)
        if not uow.evidence.retire(record.id, at=now, by=actor.official_id, reason=why):
            raise ValidationError(
                f"Bukti '{record.filename}' sudah ditarik atau diganti; muat ulang halaman",
                log_message=f"evidence {record.id} was no longer active",
            )
        uow.commit()
    logger.info(
        "evidence %s (%s) of report %s withdrawn by %s: %s",
        record.id, record.filename, record.report_id, actor.name, why,
    )  # fmt: skip
    withdrawn = uow.evidence.get(record.id)
    assert withdrawn is not None
    return withdrawn


def add_evidence(
    uow: UnitOfWork,
    report_id: int,
    who: str,
    *,
    filename: str,
    data: bytes,
    now: datetime,
    indicator: str | None = None,
    replaces_id: int | None = None,
    reason: str | None = None,
) -> EvidenceRecord:
    """Store an evidence file for a draft report as uploaded by `who` (a NIP or a login),
    the indicator given by its code, and commit (`kinerja evidence add`)."""
    actor = uow.accounts.resolve_actor(who)
    indicator_id = None
    if indicator is not None:
        head = uow.documents.head(DocKind.REPORT, report_id)
        indicator_id = find_indicator(uow.documents, head, indicator).id
    return store_evidence(
        uow, report_id, filename=filename, data=data, uploaded_by=actor.official_id, now=now,
        indicator_id=indicator_id, replaces_id=replaces_id, reason=reason,
    )  # fmt: skip


def list_evidence(
    uow: UnitOfWork, report_id: int, *, include_replaced: bool = False
) -> list[EvidenceRecord]:
    """The evidence of a report in upload order; replaced files only when asked (the audit
    view)."""
    return uow.evidence.of_report(report_id, include_replaced=include_replaced)


def read_evidence(uow: UnitOfWork, evidence_id: int) -> EvidenceFile:
    """An evidence file, after proving its bytes are the ones uploaded (the console)."""
    record = _record(uow, evidence_id)
    return EvidenceFile(record, _verified(uow, record))


def download_evidence(
    uow: UnitOfWork, evidence_id: int, actor: Actor, *, now: datetime, policy: Policy
) -> EvidenceFile:
    """An evidence file of a report `actor` may see (the rights before the disk), after
    proving its bytes are the ones uploaded."""
    record = _record(uow, evidence_id)
    document_access(uow, DocKind.REPORT, record.report_id, actor, now=now, policy=policy)
    return EvidenceFile(record, _verified(uow, record))


# --- storing and its checks ------------------------------------------------------------------


def store_evidence(
    uow: UnitOfWork,
    report_id: int,
    *,
    filename: str,
    data: bytes,
    uploaded_by: int | None,
    now: datetime,
    indicator_id: int | None = None,
    replaces_id: int | None = None,
    reason: str | None = None,
    quota: EvidenceQuota | None = None,
    zone: ZoneInfo | None = None,
) -> EvidenceRecord:
    """Check an upload against the report, store it and commit (the caller has checked who
    may upload: `upload_evidence` and `add_evidence` do). With a `quota` (the pages and
    the API; not the operator's console) the report's and the uploader's quotas are
    checked, again inside the write transaction after locking the report and the uploader.

    Raises ValidationError or NotFoundError (Bahasa Indonesia). The file is written after
    the checks and before the write transaction (no file I/O holds the lock), which checks
    the report again: an upload refused only because someone submitted the report or
    replaced the same evidence meanwhile leaves its file unrecorded, and the next upload
    of the same bytes to the report reuses it.
    """
    if now.tzinfo is None:
        raise ValueError("storing evidence needs an aware `now`")
    report = uow.documents.head(DocKind.REPORT, report_id)
    require_draft(report.kind, report.id, report.state)
    _check_indicator(uow, report, indicator_id)
    name, file_type = check_upload(filename, data)
    old = _replaced(uow, report_id, replaces_id, reason)
    if quota is not None:
        check_quota(uow, report_id, old, len(data), uploaded_by, now, quota, zone)
    sha256 = hashlib.sha256(data).hexdigest()
    path = _stored_copy(uow, report_id, sha256) or _write(uow, report, sha256, name, data)
    with uow.writing():
        # Locked for this transaction, so a concurrent submit cannot slip in between.
        report = uow.documents.head(DocKind.REPORT, report_id, lock=True)
        require_draft(report.kind, report.id, report.state)
        replaced = _replaced(uow, report_id, replaces_id, reason)
        if quota is not None:
            check_quota(uow, report_id, replaced, len(data), uploaded_by, now, quota, zone)
        why = None if replaced is None or reason is None else reason.strip()
        if replaced is not None and not uow.evidence.retire(
            replaced.id, at=now, by=uploaded_by, reason=why or ""
        ):
            raise ValidationError(
                f"Bukti dukung #{replaced.id} baru saja diganti oleh orang lain; "
                "muat ulang halaman",
                log_message=f"evidence {replaced.id} was replaced concurrently",
            )
        record = uow.evidence.add(
            EvidenceRecord(
                id=0,
                report_id=report_id,
                indicator_id=indicator_id,
                filename=name,
                content_type=file_type.content_type,
                size=len(data),
                sha256=sha256,
                storage_path=path,
                uploaded_by=uploaded_by,
                uploaded_at=now,
                replaces_id=replaces_id,
                replace_reason=why,
            )
        )
        uow.commit()
    logger.info(
        "evidence %s (%s, %s bytes) stored for report %s by official %s%s",
        record.id, name, len(data), report_id, uploaded_by,
        "" if replaced is None else f", replacing evidence {replaced.id}: {why}",
    )  # fmt: skip
    return record


def _check_indicator(uow: UnitOfWork, report: DocumentHead, indicator_id: int | None) -> None:
    """Evidence may only point at an indicator the report itself reports on."""
    if indicator_id is None:
        return
    indicator = uow.evidence.indicator(indicator_id)
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


def _replaced(
    uow: UnitOfWork, report_id: int, replaces_id: int | None, reason: str | None
) -> EvidenceRecord | None:
    """The active evidence of the same report being replaced, if any; a reason is required."""
    if replaces_id is None:
        return None
    one_line_reason(reason, f"Penggantian bukti #{replaces_id}", "penggantian")
    old = uow.evidence.get(replaces_id)
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


def _stored_copy(uow: UnitOfWork, report_id: int, sha256: str) -> str | None:
    """The path of an intact file of an earlier evidence of this report with the same bytes."""
    for earlier in uow.evidence.with_checksum(report_id, sha256):
        try:
            if hashlib.sha256(uow.evidence_files.read(earlier.storage_path)).hexdigest() == sha256:
                return earlier.storage_path
        except (OSError, ValueError):
            continue
    return None


def _write(uow: UnitOfWork, report: DocumentHead, sha256: str, name: str, data: bytes) -> str:
    """A new file holding exactly `data` (or an orphan already holding it)."""
    directory = f"{report.year}/{report.id}/{sha256}"
    try:
        return uow.evidence_files.write(directory, candidate_names(name), data)
    except StorageFullError as exc:
        raise ValidationError(
            f"Penyimpanan bukti penuh: berkas '{name}' tidak dapat disimpan dan tidak ada "
            "yang tersimpan. Hubungi administrator untuk menambah ruang penyimpanan, "
            "lalu unggah ulang.",
            log_message=f"evidence storage full writing {name!r} to {directory}: {exc}",
        ) from None
    except FileExistsError:
        raise ValidationError(
            f"Berkas bukti '{name}' tidak dapat disimpan: terlalu banyak berkas bernama sama",
            log_message=f"no free name for {name!r} in {directory}",
        ) from None


# --- reading ------------------------------------------------------------------------------


def _record(uow: UnitOfWork, evidence_id: int) -> EvidenceRecord:
    record = uow.evidence.get(evidence_id)
    if record is None:
        raise NotFoundError(
            f"Bukti dukung #{evidence_id} tidak ditemukan",
            log_message=f"evidence {evidence_id} not found",
        )
    return record


def _verified(uow: UnitOfWork, record: EvidenceRecord) -> bytes:
    """The file's bytes, refused when missing, altered, or stored outside the store."""
    try:
        data = uow.evidence_files.read(record.storage_path)
    except FileNotFoundError:
        raise NotFoundError(
            f"Berkas bukti '{record.filename}' (bukti #{record.id}) tidak ada di penyimpanan",
            log_message=f"evidence {record.id}: file {record.storage_path} is missing",
        ) from None
    except ValueError as exc:
        raise _corrupt(record, str(exc)) from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != record.sha256:
        raise _corrupt(record, f"sha256 {digest} != stored {record.sha256}")
    return data


def _corrupt(record: EvidenceRecord, detail: str) -> ValidationError:
    return ValidationError(
        f"Bukti #{record.id}: berkas bukti '{record.filename}' rusak (isinya berubah sejak "
        "diunggah); unggah ulang berkasnya sebagai pengganti",
        log_message=f"evidence {record.id} is corrupt: {detail}",
    )

"""The rules of changing a report's evidence: a withdrawal's or replacement's reason, and
the quotas per report and per person per day (engine.evidence.EvidenceQuota)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from engine.clock import local_date
from engine.errors import ValidationError
from engine.evidence import EvidenceQuota, format_size
from engine.formatting import format_date_id
from engine.ports import UnitOfWork
from engine.records import EvidenceRecord

__all__ = ["check_quota", "one_line_reason"]

MAX_REASON_LENGTH = 500


def one_line_reason(reason: str | None, what: str, noun: str) -> str:
    """A required single-line reason, stripped."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError(
            f"{what}: alasan {noun} wajib diisi", log_message="evidence change without a reason"
        )
    if "\n" in text or "\r" in text or len(text) > MAX_REASON_LENGTH:
        raise ValidationError(
            f"{what}: alasan ditulis dalam satu baris, paling banyak {MAX_REASON_LENGTH} huruf",
            log_message="evidence reason not a single line",
        )
    return text


def check_quota(
    uow: UnitOfWork,
    report_id: int,
    replaced: EvidenceRecord | None,
    size: int,
    uploaded_by: int | None,
    now: datetime,
    quota: EvidenceQuota,
    zone: ZoneInfo | None,
) -> None:
    """Refuse an upload that would pass the report's count or bytes, or the uploader's bytes
    of the local day (the counts read after the locks taken by the caller and here)."""
    kept = [e for e in uow.evidence.of_report(report_id) if replaced is None or e.id != replaced.id]
    if len(kept) + 1 > quota.report_files:
        raise ValidationError(
            f"Batas bukti dukung per laporan {quota.report_files} berkas sudah tercapai "
            f"(laporan ini memiliki {len(kept)} berkas); tarik atau ganti berkas yang tidak "
            "diperlukan",
            log_message=f"report {report_id}: evidence count quota {quota.report_files}",
        )
    used = sum(e.size for e in kept)
    if used + size > quota.report_bytes:
        raise ValidationError(
            f"Batas ukuran bukti dukung per laporan {format_size(quota.report_bytes)}: sudah "
            f"terpakai {format_size(used)}, berkas ini {format_size(size)}; tarik atau ganti "
            "berkas yang tidak diperlukan",
            log_message=f"report {report_id}: evidence bytes quota {used}+{size}",
        )
    if uploaded_by is None:
        return
    today = local_date(now, zone) if zone is not None else now.date()
    start = datetime.combine(today, time(), tzinfo=zone or now.tzinfo)
    today_used = uow.evidence.uploaded_since(uploaded_by, start)
    if today_used + size > quota.daily_bytes:
        raise ValidationError(
            f"Batas unggahan per orang per hari {format_size(quota.daily_bytes)}: hari ini "
            f"({format_date_id(today)}) Anda sudah mengunggah {format_size(today_used)}, berkas "
            f"ini {format_size(size)}; lanjutkan besok",
            log_message=f"official {uploaded_by}: daily evidence quota {today_used}+{size}",
        )

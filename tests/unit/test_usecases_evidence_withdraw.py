"""Issue 17 item 3: withdrawing evidence, the quotas, sizes in Indonesian units, the
declared type enforced by content, and what the upload form says it accepts."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from engine.errors import ForbiddenError, ValidationError
from engine.evidence import ALLOWED_LABEL, EvidenceQuota, check_upload, format_size
from engine.usecases.evidence import upload_evidence, withdraw_evidence
from engine.usecases.evidence_rules import check_quota, one_line_reason
from engine.workflow import State
from tests.unit.fakes import O_KASI
from tests.unit.fakes_documents import Tables, report, tables
from tests.unit.test_usecases_evidence import KABID_ACTOR, KASI_ACTOR, NOW, PDF, POLICY, unit

SMALL = replace(POLICY, evidence_quota=EvidenceQuota(report_files=3, report_bytes=100,
                                                     daily_bytes=150))  # fmt: skip


def pdf(n: int, size: int = 30) -> bytes:
    body = f"%PDF-1.4 {n} ".encode()
    return body + b"x" * (size - len(body))


def test_sizes_read_in_indonesian_units() -> None:
    assert format_size(612) == "612 bita"
    assert format_size(1229) == "1,2 KB"
    assert format_size(int(3.4 * 1024 * 1024)) == "3,4 MB"
    assert format_size(1023 * 1024 + 1000) == "1.024 KB"
    assert format_size(10 * 1024 * 1024) == "10 MB"


def test_the_form_lists_exactly_what_is_accepted() -> None:
    assert ALLOWED_LABEL == "PDF, PNG, JPG, XLSX, DOCX, CSV, TXT"


def test_a_file_whose_content_does_not_match_its_extension_is_refused() -> None:
    with pytest.raises(ValidationError, match="bukan PDF yang sah"):
        check_upload("laporan.pdf", b"sekadar teks, bukan PDF\n")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "isi")
    with pytest.raises(ValidationError, match="bukan PNG yang sah"):
        check_upload("foto.png", archive.getvalue())


def test_withdrawing_keeps_the_file_and_says_who_when_why() -> None:
    db = tables(report(7))
    uow = unit(db)
    stored = upload_evidence(uow, 7, KASI_ACTOR, filename="a.pdf", data=PDF, now=NOW, policy=POLICY)
    later = datetime(2021, 4, 5, 3, 0, tzinfo=UTC)
    gone = withdraw_evidence(uow, stored.id, KASI_ACTOR, reason="  salah berkas ", now=later,
                             policy=POLICY)  # fmt: skip
    assert (gone.active, gone.withdrawn_by, gone.withdrawn_at) == (False, O_KASI, later)
    assert gone.withdrawn_reason == "salah berkas"
    assert uow.evidence.of_report(7) == []  # no longer counted as evidence
    assert db.files.files[stored.storage_path] == PDF  # still stored
    with pytest.raises(ValidationError, match="sudah ditarik"):
        withdraw_evidence(uow, stored.id, KASI_ACTOR, reason="lagi", now=later, policy=POLICY)


@pytest.mark.parametrize("reason", ["", "   ", "dua\nbaris", "x" * 501])
def test_a_withdrawal_needs_a_one_line_reason(reason: str) -> None:
    db = tables(report(7))
    uow = unit(db)
    stored = upload_evidence(uow, 7, KASI_ACTOR, filename="a.pdf", data=PDF, now=NOW, policy=POLICY)
    with pytest.raises(ValidationError, match="alasan"):
        withdraw_evidence(uow, stored.id, KASI_ACTOR, reason=reason, now=NOW, policy=POLICY)
    assert uow.evidence.get(stored.id).active  # type: ignore[union-attr]


def test_only_who_may_edit_a_draft_withdraws() -> None:
    db = tables(report(7))
    uow = unit(db)
    stored = upload_evidence(uow, 7, KASI_ACTOR, filename="a.pdf", data=PDF, now=NOW, policy=POLICY)
    with pytest.raises(ForbiddenError):
        withdraw_evidence(uow, stored.id, KABID_ACTOR, reason="x", now=NOW, policy=POLICY)
    db.workflow.documents[(report(7).kind, 7)] = replace(db.view(report(7).kind, 7),
                                                         state=State.SUBMITTED)  # fmt: skip
    with pytest.raises(ValidationError, match="hanya draf"):
        withdraw_evidence(uow, stored.id, KASI_ACTOR, reason="x", now=NOW, policy=POLICY)


def test_the_report_quota_counts_files_and_bytes_of_evidence_not_withdrawn() -> None:
    db = tables(report(7))
    uow = unit(db)
    first = [
        upload_evidence(uow, 7, KASI_ACTOR, filename=f"{n}.pdf", data=pdf(n), now=NOW, policy=SMALL)
        for n in range(3)
    ]
    with pytest.raises(ValidationError, match="3 berkas sudah tercapai"):
        upload_evidence(uow, 7, KASI_ACTOR, filename="4.pdf", data=pdf(4), now=NOW, policy=SMALL)
    withdraw_evidence(uow, first[0].id, KASI_ACTOR, reason="tidak perlu", now=NOW, policy=SMALL)
    with pytest.raises(ValidationError, match=r"per laporan 100 bita: sudah terpakai 60 bita"):
        upload_evidence(
            uow, 7, KASI_ACTOR, filename="5.pdf", data=pdf(5, 41), now=NOW, policy=SMALL
        )
    assert len(uow.evidence.of_report(7)) == 2


def _two_reports() -> Tables:
    return tables(report(7), report(8, quarter=2))


def test_the_daily_quota_counts_every_upload_of_the_person_on_the_local_day() -> None:
    db = _two_reports()
    uow = unit(db)
    quota = replace(POLICY, evidence_quota=EvidenceQuota(daily_bytes=100))
    # 23:30 UTC on 4 April is 06:30 on 5 April in Jakarta: the same local day as NOW.
    early = datetime(2021, 4, 4, 23, 30, tzinfo=UTC)
    a = upload_evidence(
        uow, 7, KASI_ACTOR, filename="a.pdf", data=pdf(1, 60), now=early, policy=quota
    )
    withdraw_evidence(uow, a.id, KASI_ACTOR, reason="salah", now=early, policy=quota)
    with pytest.raises(
        ValidationError, match=r"hari ini \(5 April 2021\) Anda sudah mengunggah 60 bita"
    ):
        upload_evidence(
            uow, 8, KASI_ACTOR, filename="b.pdf", data=pdf(2, 41), now=NOW, policy=quota
        )
    # 17:00 UTC on 5 April is already 6 April in Jakarta: a new day.
    next_day = datetime(2021, 4, 5, 17, 0, tzinfo=UTC)
    upload_evidence(
        uow, 8, KASI_ACTOR, filename="b.pdf", data=pdf(2, 41), now=next_day, policy=quota
    )


def test_a_replacement_frees_the_place_of_the_file_it_replaces() -> None:
    db = tables(report(7))
    uow = unit(db)
    olds = [
        upload_evidence(uow, 7, KASI_ACTOR, filename=f"{n}.pdf", data=pdf(n), now=NOW, policy=SMALL)
        for n in range(3)
    ]
    why = "versi bertanda tangan"
    new = upload_evidence(uow, 7, KASI_ACTOR, filename="baru.pdf", data=pdf(9), now=NOW,
                          policy=SMALL, replaces_id=olds[1].id, reason=why)  # fmt: skip
    old = uow.evidence.get(olds[1].id)
    assert old is not None and not old.active and old.withdrawn_reason == "versi bertanda tangan"
    assert new.replaces_id == olds[1].id
    assert [e.filename for e in uow.evidence.of_report(7)] == ["0.pdf", "2.pdf", "baru.pdf"]


def test_the_rules_alone() -> None:
    assert one_line_reason("  sudah ditandatangani ", "Penarikan", "penarikan") == (
        "sudah ditandatangani"
    )
    with pytest.raises(ValidationError, match="Penarikan: alasan penarikan wajib diisi"):
        one_line_reason(None, "Penarikan", "penarikan")
    uow = unit(tables(report(7)))
    check_quota(uow, 7, None, 100, O_KASI, NOW, EvidenceQuota(daily_bytes=100), None)
    with pytest.raises(ValidationError, match="per hari 100 bita"):
        check_quota(uow, 7, None, 101, O_KASI, NOW, EvidenceQuota(daily_bytes=100), None)

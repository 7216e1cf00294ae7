"""The Manual IK and pohon kinerja pages and Word files over the demo (Gresik 2021 catalogue),
the "Cara mengukur" panel of the report page, and `kinerja catalog show --json`'s manual."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from docx import Document
from sqlmodel import Session, select

from db.models import QuarterlyReport
from db.recap import load_recap
from engine.clock import FixedClock
from engine.formatting import format_percent_id
from kinerja.bootstrap import Container
from tests.integration.conftest import Cli, WebClient

APRIL = datetime(2021, 4, 1, 2, 0, tzinfo=UTC)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXPORT_DEFINITION = "Nilai ekspor dihitung dari penerbitan Surat Keterangan Asal (SKA)"


def admin(web: WebClient, clock: FixedClock) -> WebClient:
    clock.set(APRIL)
    web.login("admin", "admin")
    return web


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_signed_out_visitors_are_sent_to_the_login_page(web: WebClient) -> None:
    for path in ("/manual-ik", "/manual-ik/kasi-ikm", "/pohon-kinerja", "/manual-ik-word"):
        assert web.get(path, follow_redirects=False).status_code == 303, path


def test_the_manual_of_every_position_and_of_one(web: WebClient, clock: FixedClock) -> None:
    admin(web, clock)
    page = web.get("/manual-ik?year=2021")
    assert page.status_code == 200
    assert page.text.count('class="manual-item"') == 51
    assert page.text.count('class="jabatan"') == 25  # the Kepala Dinas and the decree's 24
    assert EXPORT_DEFINITION in page.text
    assert "tidak dimuat dalam keputusan" in page.text  # the silent fields say so
    one = web.get("/manual-ik/kabid-perdagangan?year=2021")
    assert one.status_code == 200
    assert one.text.count('class="manual-item"') == 3
    assert "Penanggung jawab</th><td>Kepala Bidang Perdagangan" in one.text
    assert "dikali 100" in one.text  # the formula in words
    unknown = web.get("/manual-ik/tidak-ada?year=2021")
    assert unknown.status_code == 422 and "tidak dikenal" in unknown.text


def test_the_manual_as_word(web: WebClient, clock: FixedClock) -> None:
    admin(web, clock)
    response = web.get("/manual-ik-word?year=2021&jabatan=kabid-perdagangan")
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX
    assert "manual-ik-2021-kabid-perdagangan.docx" in response.headers["content-disposition"]
    text = docx_text(response.content)
    assert "MANUAL INDIKATOR KINERJA" in text and EXPORT_DEFINITION in text
    assert "Persentase pertumbuhan nilai ekspor" in text
    whole = docx_text(web.get("/manual-ik-word?year=2021").content)
    assert whole.count("Penanggung jawab") == 51


def test_the_tree_shows_the_recap_of_the_quarter_at_each_node(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    admin(web, clock)
    page = web.get("/pohon-kinerja?year=2021&quarter=1")
    assert page.status_code == 200
    with Session(web_container.engine) as session:
        recap = load_recap(session, year=2021, quarter=1)
    assert page.text.count("data-depth=") == len(recap.indicators) == 51
    assert 'data-depth="0"' in page.text and 'data-depth="3"' in page.text
    for score in recap.indicators:
        row = page.text.split(f'data-indicator="{score.indicator.code}" data-depth=')[1]
        row = row.split("</tr>")[0]
        if score.capaian.value is not None:
            assert format_percent_id(score.capaian.value) in row, score.indicator.code
    # The Kepala Dinas's IKU head the tree; every other indicator has a parent.
    assert page.text.index('data-indicator="kepala-dinas-1"') < page.text.index(
        'data-indicator="sekretaris-1"'
    )
    assert 'id="tidak-mendukung"' in page.text and 'id="tanpa-pendukung"' in page.text


def test_the_tree_as_word(web: WebClient, clock: FixedClock) -> None:
    admin(web, clock)
    response = web.get("/pohon-kinerja-word?year=2021&quarter=1")
    assert response.status_code == 200
    assert "pohon-kinerja-2021-tw1.docx" in response.headers["content-disposition"]
    text = docx_text(response.content)
    assert "POHON KINERJA" in text and "TW I 2021" in text
    assert "Persentase pertumbuhan nilai ekspor (kabid-perdagangan-3)" in text
    assert web.get("/pohon-kinerja?quarter=9").status_code == 422


def test_the_report_page_says_how_each_indicator_is_measured(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    admin(web, clock)
    with Session(web_container.engine) as session:
        report = session.exec(select(QuarterlyReport).order_by(QuarterlyReport.id)).first()
    assert report is not None
    page = web.get(f"/laporan/{report.id}")
    assert page.status_code == 200
    entries = page.text.count('<section class="indicator card"')
    assert entries > 0
    assert page.text.count('class="cara-mengukur"') == entries
    assert "Bukti dukung yang diharapkan" in page.text


def test_catalog_show_json_has_each_indicators_manual(demo_cli: Cli) -> None:
    data = json.loads(demo_cli.ok("catalog", "show", "--json", "--position", "kabid-perdagangan"))
    (position,) = data["positions"]
    manual = position["indicators"][2]["manual"]
    assert manual["definisi_operasional"].startswith(EXPORT_DEFINITION)
    assert manual["jenis"] == "IKI" and manual["satuan"] == "%"
    assert manual["penanggung_jawab"] == "Kepala Bidang Perdagangan"
    assert manual["sumber_data"] == "e-SKA Kemendag yang diinput oleh bidang"
    assert manual["alasan"] is None and "tidak dimuat" in manual["catatan"]
    assert set(manual) == {
        "definisi_operasional", "alasan", "formula", "satuan", "jenis", "sumber_data",
        "penyedia_data", "penanggung_jawab", "periode_pelaporan", "catatan",
    }  # fmt: skip

"""The Perjanjian Kinerja as .docx and PDF: CLI export, web downloads, LibreOffice conversion.

Every file written is opened again with python-docx and read paragraph by paragraph and
cell by cell; the expectations come from `pk_view`, the same read model as the pages.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.table import WD_ROW_HEIGHT_RULE
from sqlmodel import Session, col, select

from db.catalogue import load_indicators
from db.database import create_db_engine, transaction
from db.models import PerjanjianKinerja, PositionRow
from db.pks import revise_pk
from documents.docx.pk import (
    BUDGET_WIDTHS_CM,
    DOCX_MEDIA_TYPE,
    OPENING,
    PROMISE,
    SIGNATURE_SPACE_CM,
    SUPERVISION,
    TARGET_WIDTHS_CM,
    sasaran_runs,
)
from documents.pdf import find_soffice
from engine.clock import FixedClock
from engine.formatting import format_date_id, format_number_id
from kinerja.bootstrap import Container
from tests.conftest import FIXED_NOW, require_service
from tests.integration.conftest import Cli, WebClient
from tests.integration.printed import tables
from tests.integration.views import pk_view

POSITION = "kasi-pembiayaan-usaha-mikro"
HOLDER = "yusuf.hidayat@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Usaha Mikro
SUPERIOR = "rina.kusumawati@diskoperindag-gresik.test"  # Kepala Bidang Usaha Mikro
UNRELATED = "ratna.dewi@diskoperindag-gresik.test"  # Kepala Seksi IKM, another bidang
OCTOBER = datetime(2021, 10, 11, 2, 0, tzinfo=UTC)
NIP = re.compile(r"NIP\. (\d{8} \d{6} \d \d{3})$", re.M)
MONTHS = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
SOFFICE_HINT = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"


def read_docx(source: Path | bytes) -> DocxDocument:
    """Open a generated file again, as Word would."""
    data = source.read_bytes() if isinstance(source, Path) else source
    assert data[:2] == b"PK", "not a zip (docx) file"
    return docx.Document(io.BytesIO(data))


def paragraphs(doc: DocxDocument) -> list[str]:
    return [p.text for p in doc.paragraphs]


def cells(doc: DocxDocument) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in table.rows] for table in doc.tables]


def latest_pk(url: str, position: str) -> int:
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            row = session.exec(
                select(PerjanjianKinerja)
                .join(PositionRow, PositionRow.id == PerjanjianKinerja.position_id)  # type: ignore[arg-type]
                .where(PositionRow.code == position, PerjanjianKinerja.year == 2021)
                .order_by(col(PerjanjianKinerja.revision).desc())
            ).first()
            assert row is not None and row.id is not None
            return row.id
    finally:
        engine.dispose()


def view_and_sasaran(url: str, pk_id: int, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            view = pk_view(session, pk_id, today)
            position = session.exec(
                select(PositionRow).where(PositionRow.code == view["position"])
            ).one()
            assert position.id is not None
            found = load_indicators(session, year=2021, position_ids=[position.id])
            return view, {i.code: i.kinerja for i in found}
    finally:
        engine.dispose()


def indonesian(value: str) -> str:
    """A stored decimal ("62.80") as the document must print it ("62,80")."""
    number = Decimal(value)
    places = max(0, -int(number.as_tuple().exponent))
    return format_number_id(number, places)


def test_the_pk_of_the_kasi_pembiayaan_usaha_mikro_renders_in_the_official_layout(
    demo_cli: Cli, tmp_path: Path
) -> None:
    url = demo_cli.environ["KINERJA_DATABASE_URL"]
    pk_id = latest_pk(url, POSITION)
    target = tmp_path / "pk.docx"
    out = demo_cli.ok("pk", "export", str(pk_id), "--docx", str(target))
    assert f"PK-{pk_id} ditulis ke {target}" in out
    view, sasaran = view_and_sasaran(url, pk_id, FIXED_NOW.date())
    assert view["state"] == "approved" and not view["parties_provisional"]
    doc = read_docx(target)
    text = paragraphs(doc)
    tables = cells(doc)

    assert "PERJANJIAN KINERJA TAHUN 2021" in text
    assert text.index("PERJANJIAN KINERJA TAHUN 2021") == 0  # approved: no draft mark above
    assert not any("KONSEP" in p for p in text)
    assert view["agency"].upper() in text
    for statement in (OPENING, PROMISE, SUPERVISION):
        assert statement in text
    assert "selanjutnya disebut pihak pertama." in text
    assert "selaku atasan pihak pertama, selanjutnya disebut pihak kedua." in text

    first, second = view["parties"]["first"], view["parties"]["second"]
    assert first["title"] == "Kepala Seksi Pembiayaan Usaha Mikro"
    assert second["title"] == "Kepala Bidang Usaha Mikro"
    assert second["name"]  # the holder of the Bidang, recorded at approval
    assert tables[0] == [["Nama", ":", first["name"]], ["Jabatan", ":", first["title"]]]
    assert tables[1] == [["Nama", ":", second["name"]], ["Jabatan", ":", second["title"]]]

    signed = date.fromisoformat(view["signed_on"])
    place_date = f"Gresik, {format_date_id(signed)}"
    assert re.fullmatch(rf"Gresik, \d{{1,2}} ({MONTHS}) 2021", place_date)
    assert text.count(place_date) == 2  # the agreement and its attachment

    # One row per line, so that both names sit on the same line whatever the titles' lengths.
    signatures = tables[2]
    assert signatures[:4] == [
        ["Pihak Kedua,", "Pihak Pertama,"],
        ["Kepala Bidang Usaha Mikro", "Kepala Seksi Pembiayaan Usaha Mikro"],
        ["", ""],  # the space for the signature and the stamp
        [second["name"], first["name"]],
    ]
    nips = [NIP.search(cell) for cell in signatures[4]]
    assert [m.group(1).replace(" ", "") if m else None for m in nips] == [
        second["nip"],
        first["nip"],
    ]
    assert len(signatures) == 5
    space = doc.tables[2].rows[2]
    assert space.height is not None and round(space.height.cm, 2) == SIGNATURE_SPACE_CM
    assert space.height_rule == WD_ROW_HEIGHT_RULE.EXACTLY
    assert tables[-1] == tables[2]  # the attachment is signed too

    assert "LAMPIRAN PERJANJIAN KINERJA TAHUN 2021" in text
    assert "KEPALA SEKSI PEMBIAYAAN USAHA MIKRO" in text
    goals = tables[3]
    assert goals[0] == ["No", "Sasaran", "Indikator Kinerja", "Satuan", "Target"]
    assert view["targets"]
    assert goals[1:] == [
        [str(n), sasaran[t["indicator"]], t["name"], t["unit"], indonesian(t["annual"])]
        for n, t in enumerate(view["targets"], start=1)
    ]
    assert all("," in row[4] and "." not in row[4] for row in goals[1:])  # 62,80, not 62.80

    budget = tables[4]
    assert budget[0] == ["No", "Program", "Kegiatan", "Sub Kegiatan", "Anggaran (Rp)"]
    assert view["budget"]
    assert budget[1:-1] == [
        [str(n), b["program"], b["kegiatan"] or "", b["sub_kegiatan"] or "",
         format_number_id(Decimal(b["anggaran"]), 2)]
        for n, b in enumerate(view["budget"], start=1)
    ]  # fmt: skip
    total = budget[-1]
    assert total[:4] == ["Jumlah"] * 4  # one merged cell
    assert total[4] == format_number_id(Decimal(view["budget_total"]), 2)
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+,\d{2}", total[4])


@pytest.fixture
def acting_revision(web_container: Container, clock: FixedClock) -> int:
    """A draft PK Perubahan of the Kepala Seksi IKM in October 2021 (Plt Kepala Bidang)."""
    clock.set(OCTOBER)
    url = str(web_container.engine.url)
    approved = latest_pk(url, "kasi-ikm")
    with transaction(web_container.engine) as session:
        row = revise_pk(session, approved, "Refocusing anggaran", OCTOBER)
        assert row.id is not None
        return row.id


def test_an_acting_second_party_is_printed_with_plt(web: WebClient, acting_revision: int) -> None:
    web.login(UNRELATED)  # Ratna Dewi holds the Kepala Seksi IKM position
    response = web.get(f"/pk/{acting_revision}/unduh.docx")
    assert response.status_code == 200, response.text[-500:]
    assert response.headers["content-type"] == DOCX_MEDIA_TYPE
    assert response.headers["content-disposition"] == (
        "attachment; filename*=UTF-8''PK-2021-kasi-ikm-rev2.docx"
    )
    doc = read_docx(response.content)
    text = paragraphs(doc)
    tables = cells(doc)
    assert text[0].startswith("KONSEP · belum disetujui (draf)")
    assert "PERJANJIAN KINERJA TAHUN 2021 (PERUBAHAN)" in text
    assert "Alasan perubahan: Refocusing anggaran" in text
    # From 1 October 2021 the Sekretaris acts for the absent Kepala Bidang Perindustrian.
    assert tables[1][1] == ["Jabatan", ":", "Plt. Kepala Bidang Perindustrian"]
    assert tables[1][0][2].startswith("Sri Rahayuningsih")
    second = "\n".join(row[0] for row in tables[2])
    assert second.startswith("Pihak Kedua,\nPlt. Kepala Bidang Perindustrian\n\nSri Rahayuningsih")
    assert NIP.search(second)
    first = "\n".join(row[1] for row in tables[2])
    assert first.startswith("Pihak Pertama,\nKepala Seksi Industri Kecil dan Menengah")
    assert "Gresik, 11 Oktober 2021" in text


def test_libreoffice_converts_the_pk_to_pdf(demo_cli: Cli, tmp_path: Path) -> None:
    require_service(find_soffice() is not None, SOFFICE_HINT)
    pk_id = latest_pk(demo_cli.environ["KINERJA_DATABASE_URL"], POSITION)
    word, pdf = tmp_path / "pk.docx", tmp_path / "pk.pdf"
    out = demo_cli.ok("pk", "export", str(pk_id), "--docx", str(word), "--pdf", str(pdf))
    assert f"ditulis ke {pdf} (pdf" in out
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 5_000 and b"%%EOF" in data[-1024:]
    assert read_docx(word).paragraphs[0].text == "PERJANJIAN KINERJA TAHUN 2021"
    try:
        from pypdf import PdfReader  # type: ignore[import-not-found, unused-ignore]
    except ImportError:  # not a dependency: the header and size are the check then
        return
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    first_page = reader.pages[0].extract_text()
    assert "PERJANJIAN KINERJA TAHUN 2021" in first_page


def test_pdf_without_libreoffice_points_to_the_print_page(demo_cli: Cli, tmp_path: Path) -> None:
    demo_cli.environ["KINERJA_SOFFICE"] = str(tmp_path / "no-such-soffice")
    pk_id = latest_pk(demo_cli.environ["KINERJA_DATABASE_URL"], POSITION)
    word, pdf = tmp_path / "pk.docx", tmp_path / "pk.pdf"
    code, _, err = demo_cli("pk", "export", str(pk_id), "--docx", str(word), "--pdf", str(pdf))
    assert code == 1
    assert f"LibreOffice tidak terpasang; gunakan halaman cetak /pk/{pk_id}/cetak untuk PDF" in err
    assert word.is_file() and not pdf.exists()  # the .docx was still written


def test_cli_errors_are_indonesian_with_exit_codes(demo_cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "missing.docx"
    code, _, err = demo_cli("pk", "export", "999999", "--docx", str(target))
    assert code == 1
    assert "Galat: Perjanjian Kinerja PK-999999 tidak ditemukan" in err
    assert not target.exists()
    code, _, err = demo_cli("pk", "export", "1")
    assert code == 2 and "berikan --docx BERKAS dan/atau --pdf BERKAS" in err
    code, _, err = demo_cli("pk", "export", "1", "--docx", str(tmp_path / "nope" / "pk.docx"))
    assert code == 1 and "Tidak dapat menulis berkas" in err


def test_web_downloads_are_for_those_who_may_see_the_pk(
    web: WebClient, web_container: Container
) -> None:
    pk_id = latest_pk(str(web_container.engine.url), POSITION)
    signed_out = web.get(f"/pk/{pk_id}/unduh.docx", follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == f"/masuk?next=/pk/{pk_id}/unduh.docx"
    assert web.get(f"/pk/{pk_id}/unduh.pdf", follow_redirects=False).status_code == 303

    web.login(UNRELATED)
    for suffix in ("docx", "pdf"):
        refused = web.get(f"/pk/{pk_id}/unduh.{suffix}")
        assert refused.status_code == 403
        assert not refused.content.startswith((b"PK", b"%PDF"))
    web.logout()

    web.login(SUPERIOR)
    page = web.get(f"/pk/{pk_id}").text
    assert f'href="/pk/{pk_id}/unduh.docx"' in page and f'href="/pk/{pk_id}/unduh.pdf"' in page
    response = web.get(f"/pk/{pk_id}/unduh.docx")
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX_MEDIA_TYPE
    assert "PK-2021-kasi-pembiayaan-usaha-mikro.docx" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "private, no-store"
    assert read_docx(response.content).paragraphs[0].text == "PERJANJIAN KINERJA TAHUN 2021"
    assert web.get("/pk/999999/unduh.docx").status_code == 404


def test_web_pdf_download(web: WebClient, web_container: Container) -> None:
    require_service(find_soffice() is not None, SOFFICE_HINT)
    pk_id = latest_pk(str(web_container.engine.url), POSITION)
    web.login(HOLDER)
    response = web.get(f"/pk/{pk_id}/unduh.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "PK-2021-kasi-pembiayaan-usaha-mikro.pdf" in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF")


def test_web_pdf_without_libreoffice_explains_the_print_page(
    web: WebClient, web_container: Container, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KINERJA_SOFFICE", str(tmp_path / "no-such-soffice"))
    pk_id = latest_pk(str(web_container.engine.url), POSITION)
    web.login(HOLDER)
    response = web.get(f"/pk/{pk_id}/unduh.pdf")
    assert response.status_code == 503
    assert f"gunakan halaman cetak /pk/{pk_id}/cetak untuk PDF" in response.text


def test_the_printable_page_prints_what_the_word_file_prints(
    web: WebClient, web_container: Container
) -> None:
    """Issue 18: the page had no Sasaran column and its signature names sat at different
    heights; now its tables are the Word file's, cell by cell, with the same widths."""
    pk_id = latest_pk(str(web_container.engine.url), "kepala-dinas")
    web.login("admin", "admin")
    word = read_docx(web.get(f"/pk/{pk_id}/unduh.docx").content)
    expected = cells(word)
    page = web.get(f"/pk/{pk_id}/cetak")
    assert page.status_code == 200
    printed = tables(page.text)

    targets = printed["print-targets"]
    assert targets.rows[0] == ["No", "Sasaran", "Indikator Kinerja", "Satuan", "Target"]
    assert len(targets.rows) == 8  # the Kepala Dinas's seven indicators
    assert all(row[1] for row in targets.rows[1:])  # every indicator has its sasaran
    assert [[c.replace(" *)", "") for c in r] for r in targets.rows] == [
        [c.replace(" *)", "") for c in r] for r in expected[3]
    ]
    budget = printed["print-budget"]
    assert budget.rows[:-1] == expected[4][:-1]
    assert budget.rows[-1] == ["Jumlah", "29.705.000.000,00"] == expected[4][-1][3:]
    assert targets.widths_cm == list(TARGET_WIDTHS_CM)
    assert budget.widths_cm == list(BUDGET_WIDTHS_CM)
    for table, widths in ((word.tables[3], TARGET_WIDTHS_CM), (word.tables[4], BUDGET_WIDTHS_CM)):
        assert [round(column.width.cm, 2) for column in table.columns] == list(widths)
    assert sum(TARGET_WIDTHS_CM) == sum(BUDGET_WIDTHS_CM) == 16.5  # A4 less the margins

    # The same signature rows, the names on one row, in the agreement and in its attachment.
    for table, index in (("signatures", 2), ("signatures-attachment", -1)):
        assert printed[table].rows == expected[index]
        assert printed[table].row_classes == ["role", "title", "space", "name", "nip"]
        assert printed[table].rows[3] == ["H. Darmawan Sasongko, S.H., M.Si.",
                                          "Dr. Hendra Wibisono, M.M."]  # fmt: skip


def test_the_pdf_embeds_a_times_metric_font_and_breaks_no_number(
    demo_cli: Cli, tmp_path: Path
) -> None:
    """Issue 18: without a Times-compatible font LibreOffice fell back to DejaVu Serif, wider,
    and broke "Satua/n" and "640.000.000,0/0". With fonts-liberation (.ci/run) "Times New
    Roman" is Liberation Serif, of the same metrics, and every cell fits its column."""
    require_service(find_soffice() is not None, SOFFICE_HINT)
    tools = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "fc-match"))
    require_service(tools, "pdftotext/pdffonts/fc-match missing: apt-get install poppler-utils")
    matched = subprocess.run(
        ["fc-match", "-f", "%{family}", "Times New Roman"], capture_output=True, text=True
    ).stdout
    require_service(
        "Liberation Serif" in matched or "Times" in matched,
        f"'Times New Roman' falls back to {matched!r}: apt-get install fonts-liberation",
    )
    url = demo_cli.environ["KINERJA_DATABASE_URL"]
    pk_id = latest_pk(url, "kepala-dinas")  # the longest amounts: 29.705.000.000,00
    view, _ = view_and_sasaran(url, pk_id, FIXED_NOW.date())
    word, pdf = tmp_path / "pk.docx", tmp_path / "pk.pdf"
    demo_cli.ok("pk", "export", str(pk_id), "--docx", str(word), "--pdf", str(pdf))

    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    embedded = [line.split()[0] for line in fonts.stdout.splitlines()[2:]]
    assert embedded, fonts.stdout
    assert all(re.search(r"\+(LiberationSerif|TimesNewRoman|Times)", f) for f in embedded), fonts
    assert not any("DejaVu" in f for f in embedded)

    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = set(text.split())
    amounts = [format_number_id(Decimal(b["anggaran"]), 2) for b in view["budget"]]
    total = format_number_id(Decimal(view["budget_total"]), 2)
    assert total == "29.705.000.000,00"
    for whole in ("Satuan", "Target", "Anggaran", "(Rp)", total, *amounts):
        assert whole in words, f"{whole!r} is broken over two lines:\n{text}"
    for target in view["targets"]:
        assert indonesian(target["annual"]) in words
    assert text.count("Pihak Kedua,") == text.count("Pihak Pertama,") == 2


def test_one_sasaran_over_its_indicators_in_the_word_file_and_on_the_page(
    web: WebClient, web_container: Container
) -> None:
    """The Kepala Bidang Perdagangan's three indicators serve one sasaran: one cell (a vertical
    merge in Word, a rowspan on the page) instead of the same sentence three times."""
    assert sasaran_runs(["A", "A", "B", "", "", "A"]) == [(0, 1), (2, 2), (3, 3), (4, 4), (5, 5)]
    pk_id = latest_pk(str(web_container.engine.url), "kabid-perdagangan")
    web.login("admin", "admin")
    word = read_docx(web.get(f"/pk/{pk_id}/unduh.docx").content)
    page = web.get(f"/pk/{pk_id}/cetak").text
    merged = word.tables[3].column_cells(1)[1:]
    assert len(merged) == 3 and len({cell._tc for cell in merged}) == 1  # one cell, three rows
    assert merged[0].text == "Meningkatnya sistem distribusi usaha Perdagangan"
    assert page.count('<td class="sasaran" rowspan="3">') == 1
    assert page.count("Meningkatnya sistem distribusi usaha Perdagangan") == 1
    assert tables(page)["print-targets"].rows == cells(word)[3]

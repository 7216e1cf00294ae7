"""The quarterly report as .docx (and PDF): CLI export and web download, read back cell by cell."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from sqlmodel import Session, col, select

from db.database import create_db_engine
from db.models import PositionRow, QuarterlyReport
from documents.docx.pk import DOCX_MEDIA_TYPE
from documents.pdf import find_soffice
from engine.formatting import format_number_id
from kinerja.bootstrap import Container
from tests.conftest import require_service
from tests.integration.conftest import Cli, WebClient
from tests.integration.views import report_view

POSITION = "kasi-pembiayaan-usaha-mikro"
HOLDER = "yusuf.hidayat@diskoperindag-gresik.test"
UNRELATED = "ratna.dewi@diskoperindag-gresik.test"  # Kepala Seksi IKM, another bidang
RECAP_HEADER = [
    "No", "Indikator Kinerja", "Satuan", "Target", "Realisasi", "Capaian (%)", "Kategori",
]  # fmt: skip


def read_docx(source: Path | bytes) -> DocxDocument:
    data = source.read_bytes() if isinstance(source, Path) else source
    assert data[:2] == b"PK", "not a zip (docx) file"
    return docx.Document(io.BytesIO(data))


def cells(doc: DocxDocument) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in table.rows] for table in doc.tables]


def find_report(url: str, *, position: str | None = None, state: str | None = None) -> int:
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            query = select(QuarterlyReport).join(
                PositionRow,
                PositionRow.id == QuarterlyReport.position_id,  # type: ignore[arg-type]
            )
            if position is not None:
                query = query.where(PositionRow.code == position, QuarterlyReport.quarter == 1)
            if state is not None:
                query = query.where(QuarterlyReport.state == state)
            row = session.exec(query.order_by(col(QuarterlyReport.id))).first()
            assert row is not None and row.id is not None
            return row.id
    finally:
        engine.dispose()


def view_of(url: str, report_id: int) -> dict[str, Any]:
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            return report_view(session, report_id)
    finally:
        engine.dispose()


def shown(value: str, decimals: int) -> str:
    return format_number_id(Decimal(value), decimals)


def test_the_report_lists_inputs_realisation_and_capaian_of_each_indicator(
    demo_cli: Cli, tmp_path: Path
) -> None:
    url = demo_cli.environ["KINERJA_DATABASE_URL"]
    report_id = find_report(url, position=POSITION)
    target = tmp_path / "laporan.docx"
    out = demo_cli.ok("report", "export", str(report_id), "--docx", str(target))
    assert f"LAP-{report_id} ditulis ke {target}" in out
    view = view_of(url, report_id)
    assert view["state"] == "approved" and view["entries"]
    doc = read_docx(target)
    text = [p.text for p in doc.paragraphs]
    tables = cells(doc)

    assert text[:3] == [
        "LAPORAN REALISASI CAPAIAN KINERJA",
        "TRIWULAN I TAHUN 2021",
        "KEPALA SEKSI PEMBIAYAAN USAHA MIKRO",
    ]
    assert not any("KONSEP" in p for p in text)
    recap = tables[0]
    assert recap[0] == RECAP_HEADER
    assert len(recap) == 1 + len(view["entries"])
    for row, entry in zip(recap[1:], view["entries"], strict=True):
        assert row[1] == entry["name"] and row[2] == entry["unit"]
        assert row[3] == shown(entry["target"], 2)
        assert row[4].split("\n")[0] == shown(entry["realisation"], entry["decimals"])
        assert row[5] == shown(entry["capaian"], 2)
        assert row[6] == entry["category"]
        assert "," in row[5]  # Indonesian decimal comma

    inputs = tables[1 : 1 + len(view["entries"])]
    for number, (table, entry) in enumerate(zip(inputs, view["entries"], strict=True), 1):
        assert f"{number}. {entry['name']}" in text
        assert f"Rumus: {entry['expression']}" in text
        assert table[0] == ["Variabel", "Satuan", "Nilai"]
        assert table[1:] == [
            [i["label"], i["unit"], format_number_id(Decimal(i["value"]), 0)]
            for i in entry["inputs"]
        ]
    history = tables[-1]
    assert history[0] == ["Waktu", "Tindakan", "Oleh", "Sebagai", "Catatan"]
    assert [row[2] for row in history[1:]] == [h["actor"] for h in view["history"]]
    assert [row[1] for row in history[1:]] == ["Ajukan", "Verifikasi", "Setujui"]


def test_a_draft_report_is_marked_and_carries_kendala_and_upaya(
    demo_cli: Cli, tmp_path: Path
) -> None:
    url = demo_cli.environ["KINERJA_DATABASE_URL"]
    report_id = find_report(url, state="draft")
    entry = view_of(url, report_id)["entries"][0]
    values = [f"{i['name']}={i['value'] or '7'}" for i in entry["inputs"]]
    demo_cli.ok(
        "report", "fill", str(report_id), "--indicator", entry["indicator"],
        *[arg for v in values for arg in ("--var", v)],
        "--kendala", "Data dari kecamatan terlambat", "--upaya", "Koordinasi mingguan",
    )  # fmt: skip
    target = tmp_path / "draf.docx"
    demo_cli.ok("report", "export", str(report_id), "--docx", str(target))
    text = [p.text for p in read_docx(target).paragraphs]
    assert text[0] == "KONSEP · belum disetujui (draf)"
    assert "Kendala: Data dari kecamatan terlambat" in text
    assert "Upaya: Koordinasi mingguan" in text


def test_report_pdf_and_errors_from_the_cli(demo_cli: Cli, tmp_path: Path) -> None:
    code, _, err = demo_cli("report", "export", "999999", "--docx", str(tmp_path / "x.docx"))
    assert code == 1 and "Galat: Laporan LAP-999999 tidak ditemukan" in err
    require_service(find_soffice() is not None, "LibreOffice (soffice) is not installed")
    report_id = find_report(demo_cli.environ["KINERJA_DATABASE_URL"], position=POSITION)
    pdf = tmp_path / "laporan.pdf"
    demo_cli.ok("report", "export", str(report_id), "--pdf", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5_000


def test_web_download_of_the_report(web: WebClient, web_container: Container) -> None:
    report_id = find_report(str(web_container.engine.url), position=POSITION)
    path = f"/laporan/{report_id}/unduh.docx"
    signed_out = web.get(path, follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == f"/masuk?next={path}"

    web.login(UNRELATED)
    assert web.get(path).status_code == 403
    web.logout()

    web.login(HOLDER)
    assert f'href="{path}"' in web.get(f"/laporan/{report_id}").text
    response = web.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX_MEDIA_TYPE
    assert response.headers["content-disposition"] == (
        f"attachment; filename*=UTF-8''Laporan-2021-TW1-{POSITION}.docx"
    )
    recap = cells(read_docx(response.content))[0]
    assert recap[0] == RECAP_HEADER and len(recap) > 1

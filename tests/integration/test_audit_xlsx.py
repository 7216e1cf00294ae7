"""The audit-trail workbook: its rows equal the document's history and its hashes redo the chain."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlmodel import Session, col, create_engine, select

from db.models import PositionRow, QuarterlyReport
from db.workflow_models import TransitionLog
from documents.xlsx.common import CONTENT_TYPE, HEADER_ROW
from engine.audit import HASHED_FIELDS, entry_hash
from engine.clock import JAKARTA
from engine.workflow import Action, DocKind, State
from kinerja.bootstrap import Container
from tests.integration.conftest import Cli, WebClient
from tests.integration.views import history_of

KASI = "fitri.handayani@diskoperindag-gresik.test"  # Kepala Seksi Produksi dan Pemasaran UM
OTHER_KASI = "rudi.hartono@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Koperasi
RETURNED = (
    28  # LAP-28 in the demo: submitted, returned with a reason, resubmitted, verified, approved
)


def rows_of(sheet: Any) -> list[dict[str, Any]]:
    heads = [c.value for c in sheet[HEADER_ROW]]
    return [
        {head: cell for head, cell in zip(heads, cells, strict=True)}
        for cells in sheet.iter_rows(min_row=HEADER_ROW + 1)
        if any(c.value is not None for c in cells)
    ]


def engine_of(cli: Cli) -> Any:
    return create_engine(cli.environ["KINERJA_DATABASE_URL"])


def report_of(engine: Any, position: str, quarter: int) -> int:
    with Session(engine) as session:
        row = session.exec(
            select(QuarterlyReport.id)
            .join(PositionRow, PositionRow.id == QuarterlyReport.position_id)  # type: ignore[arg-type]
            .where(PositionRow.code == position, QuarterlyReport.quarter == quarter)
        ).one()
    assert row is not None
    return row


def check_against_history(data: bytes, engine: Any, kind: DocKind, doc_id: int) -> Any:
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["Riwayat", "Rantai hash"]
    with Session(engine) as session:
        steps = history_of(session, kind, doc_id)
        log = {
            r.id: r
            for r in session.exec(
                select(TransitionLog)
                .where(TransitionLog.doc_type == kind.value, TransitionLog.doc_id == doc_id)
                .order_by(col(TransitionLog.id))
            )
        }
    sheet = book["Riwayat"]
    assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"
    rows = rows_of(sheet)
    assert len(rows) == len(steps) > 0
    for number, (row, step) in enumerate(zip(rows, steps, strict=True), start=1):
        entry = log[step["id"]]
        assert row["No"].value == number
        assert row["ID baris"].value == step["id"]
        moment = row["Waktu (WIB)"].value
        assert isinstance(moment, datetime)
        assert moment == entry.at.astimezone(JAKARTA).replace(tzinfo=None)
        assert row["Langkah"].value == Action(step["action"]).label
        assert row["Dari"].value == State(step["from"]).label
        assert row["Ke"].value == State(step["to"]).label
        assert row["Oleh"].value == step["actor"]
        assert row["NIP"].value == step["nip"]  # text, all 18 digits kept
        assert row["NIP"].value is None or isinstance(row["NIP"].value, str)
        assert row["Sebagai"].value == step["as"]
        assert row["Status jabatan"].value == step["acting_status"]
        assert row["Catatan"].value == step["comment"]
        assert row["Kunjungan"].value == step["visit"]
        assert row["Hash sebelumnya"].value == entry.prev_hash
        assert row["Hash baris"].value == entry.hash
    # An inspector can redo every hash from the second sheet alone.
    previous = None
    chain = rows_of(book["Rantai hash"])
    assert [r["id"].value for r in chain] == [s["id"] for s in steps]
    for row in chain:
        fields = {name: row[name].value for name in HASHED_FIELDS}
        fields["at"] = datetime.fromisoformat(fields["at"])
        assert row["prev_hash"].value == previous
        assert entry_hash(fields, previous) == row["hash"].value
        previous = row["hash"].value
    return book


def test_cli_exports_a_returned_report_and_the_chain_holds(demo_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "riwayat.xlsx"
    out = demo_cli.ok("audit", "export", f"LAP-{RETURNED}", "--xlsx", str(path))
    assert "5 langkah" in out and "Rantai audit utuh" in out
    book = check_against_history(path.read_bytes(), engine_of(demo_cli), DocKind.REPORT, RETURNED)
    sheet = book["Riwayat"]
    assert sheet["A1"].value == f"Riwayat Laporan Realisasi LAP-{RETURNED} · Riwayat"
    assert sheet["A3"].value.startswith("Rantai audit utuh: 5 baris")
    assert sheet["A3"].font.color.rgb == "FF1A7F37"
    rows = rows_of(sheet)
    assert [r["Kunjungan"].value for r in rows] == [1, 1, 2, 2, 2]
    assert rows[1]["Langkah"].value == Action.RETURN.label
    assert "belum dilampirkan" in rows[1]["Catatan"].value
    assert rows[0]["NIP"].number_format == "@"


def test_cli_exports_a_pk(demo_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "pk.xlsx"
    demo_cli.ok("audit", "export", "pk-3", "--xlsx", str(path))
    book = check_against_history(path.read_bytes(), engine_of(demo_cli), DocKind.PK, 3)
    assert "Perjanjian Kinerja PK-3" in book["Riwayat"]["A1"].value
    assert "Tahun 2021" in book["Riwayat"]["A2"].value


def test_a_tampered_row_is_named_in_the_workbook(demo_cli: Cli, tmp_path: Path) -> None:
    engine = engine_of(demo_cli)
    with Session(engine) as session:
        row = session.exec(
            select(TransitionLog)
            .where(TransitionLog.doc_type == "report", TransitionLog.doc_id == RETURNED)
            .order_by(col(TransitionLog.id))
        ).first()
        assert row is not None
        tampered = row.id
        row.comment = "diubah diam-diam"
        session.add(row)
        session.commit()
    path = tmp_path / "rusak.xlsx"
    code, out, _ = demo_cli("audit", "export", f"LAP-{RETURNED}", "--xlsx", str(path))
    assert code == 1 and "RANTAI AUDIT RUSAK" in out
    sheet = load_workbook(path)["Riwayat"]
    assert sheet["A3"].value == f"RANTAI AUDIT RUSAK: baris log #{tampered} telah diubah"
    marked = [r for r in rows_of(sheet) if r["No"].fill.fgColor.rgb == "FFFFEBE9"]
    assert [r["ID baris"].value for r in marked] == [tampered]


def test_cli_unknown_document(demo_cli: Cli, tmp_path: Path) -> None:
    code, _, err = demo_cli("audit", "export", "LAP-99999", "--xlsx", str(tmp_path / "x.xlsx"))
    assert code == 1 and "tidak ditemukan" in err
    code, _, _ = demo_cli("audit", "export", "XYZ-1", "--xlsx", str(tmp_path / "x.xlsx"))
    assert code != 0
    assert not (tmp_path / "x.xlsx").exists()


def test_holder_downloads_from_the_report_page(web: WebClient, web_container: Container) -> None:
    rid = report_of(web_container.engine, "kasi-produksi-usaha-mikro", 1)
    web.login(KASI)
    page = web.get(f"/laporan/{rid}").text
    assert f'href="/dokumen/LAP-{rid}/riwayat.xlsx" id="history-xlsx-link"' in page
    response = web.get(f"/dokumen/LAP-{rid}/riwayat.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE
    assert (
        response.headers["content-disposition"] == f'attachment; filename="riwayat-LAP-{rid}.xlsx"'
    )
    check_against_history(response.content, web_container.engine, DocKind.REPORT, rid)


def test_pk_page_links_the_download(web: WebClient, web_container: Container) -> None:
    web.login("admin", "admin")
    assert 'href="/dokumen/PK-3/riwayat.xlsx"' in web.get("/pk/3").text
    response = web.get("/dokumen/pk-3/riwayat.xlsx")
    assert response.status_code == 200
    check_against_history(response.content, web_container.engine, DocKind.PK, 3)


def test_an_official_who_may_not_see_the_report_gets_403(
    web: WebClient, web_container: Container
) -> None:
    rid = report_of(web_container.engine, "kasi-produksi-usaha-mikro", 1)
    web.login(OTHER_KASI)
    response = web.get(f"/dokumen/LAP-{rid}/riwayat.xlsx")
    assert response.status_code == 403
    assert response.headers["content-type"] != CONTENT_TYPE


def test_signed_out_is_sent_to_login_and_unknown_is_404(web: WebClient) -> None:
    response = web.get(f"/dokumen/LAP-{RETURNED}/riwayat.xlsx", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/masuk")
    web.login("admin", "admin")
    assert web.get("/dokumen/LAP-99999/riwayat.xlsx").status_code == 404
    assert web.get("/dokumen/ABC-1/riwayat.xlsx").status_code == 422

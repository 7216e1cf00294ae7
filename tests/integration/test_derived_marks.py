"""Derived indicators are marked wherever an indicator is shown (issue 16, item 2): the 7
Kepala Dinas IKU of the Gresik 2021 catalogue are not in the decree. The PK page and its
print, the Word PK, the report page, the Word report and the API mark them; a Kepala Seksi's
PK and report (decree indicators only) carry no mark."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import Session, col, select

from db.database import create_db_engine
from db.models import PositionRow, QuarterlyReport
from documents.docx.pk import DERIVED_NOTE
from kinerja.bootstrap import Container
from tests.integration.conftest import Cli, WebClient
from tests.integration.test_api import headers_of, ok
from tests.integration.test_pk_docx import cells, latest_pk, paragraphs, read_docx

HEAD = "kepala-dinas"
KASI = "kasi-ikm"
BADGE = "turunan, bukan dari SK"


def first_report(url: str, position: str) -> int:
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            row = session.exec(
                select(QuarterlyReport)
                .join(PositionRow, PositionRow.id == QuarterlyReport.position_id)  # type: ignore[arg-type]
                .where(PositionRow.code == position, QuarterlyReport.quarter == 1)
                .order_by(col(QuarterlyReport.id))
            ).first()
            assert row is not None and row.id is not None
            return row.id
    finally:
        engine.dispose()


def test_the_word_pk_and_report_mark_the_derived_indicators(demo_cli: Cli, tmp_path: Path) -> None:
    url = demo_cli.environ["KINERJA_DATABASE_URL"]
    for position, marked in ((HEAD, 7), (KASI, 0)):
        word = tmp_path / f"pk-{position}.docx"
        demo_cli.ok("pk", "export", str(latest_pk(url, position)), "--docx", str(word))
        document = read_docx(word)
        [targets] = [t for t in cells(document) if t[0][2:3] == ["Indikator Kinerja"]]
        assert sum(row[2].endswith(" *)") for row in targets[1:]) == marked, position
        assert (DERIVED_NOTE in paragraphs(document)) == bool(marked), position
        report = tmp_path / f"laporan-{position}.docx"
        demo_cli.ok("report", "export", str(first_report(url, position)), "--docx", str(report))
        document = read_docx(report)
        recap = cells(document)[0]
        assert sum(row[1].endswith(" *)") for row in recap[1:]) == marked, position
        assert (DERIVED_NOTE in paragraphs(document)) == bool(marked), position


def test_the_pages_and_the_api_mark_the_derived_indicators(
    web: WebClient, web_container: Container
) -> None:
    url = str(web_container.engine.url)
    pk_id, report_id = latest_pk(url, HEAD), first_report(url, HEAD)
    web.login("admin", "admin")
    pk_page = web.get(f"/pk/{pk_id}").text
    assert pk_page.count(BADGE) == 7
    printed = web.get(f"/pk/{pk_id}/cetak").text
    assert len(re.findall(r'<span class="origin-derived">\*\)</span>', printed)) == 7
    assert 'id="print-derived-note"' in printed
    assert web.get(f"/laporan/{report_id}").text.count(BADGE) == 7
    kasi_pk = web.get(f"/pk/{latest_pk(url, KASI)}").text
    assert BADGE not in kasi_pk

    headers = headers_of(web_container, HEAD)
    pk = ok(web.client.get(f"/api/v1/pks/{pk_id}", headers=headers))
    assert {t["origin"] for t in pk["targets"]} == {"derived"}
    assert all(t["origin_note"].startswith("Tidak ada di keputusan") for t in pk["targets"])
    report = ok(web.client.get(f"/api/v1/reports/{report_id}", headers=headers))
    assert {e["origin"] for e in report["entries"]} == {"derived"}
    kinds = {i["kind"] for e in report["entries"] for i in e["inputs"]}
    assert kinds <= {"count", "amount", "percentage", "index"} and kinds

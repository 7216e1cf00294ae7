"""Issue 15, B3: text typed by users never becomes a formula cell in a workbook Kinerja writes.

A return comment, a budget line or an indicator's text starting with "=" used to be
written by openpyxl as a live formula (LibreOffice evaluated it). Now every text value
is a string cell; free text that no import reads back (audit trail, recap) also gets
the OWASP "'" prefix, while the catalogue workbook keeps its text exactly, so its
export -> import -> export round trip is unchanged (negative and range targets too).
"""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from documents.xlsx.common import HEADER_ROW, neutralised
from tests.integration.conftest import Cli

ORG_FILE = Path(__file__).parents[2] / "kinerja" / "data" / "gresik-diskoperindag.yaml"
ADD = "=1+1"
LINK = '=HYPERLINK("http://contoh.test/x","klik")'


def nips(cli: Cli) -> dict[str, str]:
    org = json.loads(cli.ok("org", "show", "--json", "--on", "2021-10-08"))
    return {p["code"]: p["holders"][0]["nip"] for p in org["agencies"][0]["positions"]}


def test_neutralised_prefixes_only_formula_starts() -> None:
    for text in (ADD, "+62 31", "-5 dari rencana", "@SUM(A1)", "\tx", "\rx"):
        assert neutralised(text) == "'" + text
    for text in ("Lampirkan SK", "80-90", "-", "5", ""):
        assert neutralised(text) == text


def test_return_comment_is_a_string_cell_in_the_audit_trail(demo_cli: Cli, tmp_path: Path) -> None:
    demo_cli.clock.set(datetime(2021, 10, 8, 2, 0, tzinfo=UTC))
    holders = nips(demo_cli)
    listing = json.loads(
        demo_cli.ok("report", "list", "--year", "2021", "--quarter", "3", "--json")
    )
    ref = next(r for r in listing if r["position"] == "kasi-pengendalian-perdagangan-kecil")["ref"]
    demo_cli.ok("act", ref, "return", "--as", holders["kabid-perdagangan"], "--comment", LINK)
    path = tmp_path / "riwayat.xlsx"
    demo_cli.ok("audit", "export", ref, "--xlsx", str(path))
    book = load_workbook(path)
    history = book["Riwayat"]
    heads = [c.value for c in history[HEADER_ROW]]
    comments = [row[heads.index("Catatan")] for row in history.iter_rows(min_row=HEADER_ROW + 1)]
    returned = [c for c in comments if c.value is not None and "HYPERLINK" in c.value]
    assert [(c.value, c.data_type) for c in returned] == [("'" + LINK, "s")]
    # the chain sheet keeps the exact hashed text (so the hash can be recomputed), as a string
    chain = book["Rantai hash"]
    exact = [c for row in chain.iter_rows() for c in row if c.value == LINK]
    assert len(exact) == 1 and exact[0].data_type == "s"
    assert not [c for s in book for row in s.iter_rows() for c in row if c.data_type == "f"]
    _no_formula_in_the_file(path)


def _set(sheet: Worksheet, row: int, header: str, value: str) -> None:
    heads = [c.value for c in sheet[1]]
    cell = sheet.cell(row=row, column=heads.index(header) + 1)
    cell.value = value
    cell.data_type = "s"  # as typed with a leading apostrophe: text, not a formula


def test_catalogue_round_trip_keeps_formula_like_text_and_the_recap_neutralises_it(
    demo_cli: Cli, cli: Cli, tmp_path: Path
) -> None:
    first = tmp_path / "katalog.xlsx"
    demo_cli.ok("catalog", "export", "--year", "2021", "--out", str(first))
    book = load_workbook(first)
    _set(book["Indikator"], 2, "Kinerja / sasaran", ADD)
    _set(book["Anggaran"], 2, "Program", LINK)
    _set(book["Target"], 2, "Target tahunan", "80-90")
    _set(book["Target"], 2, "TW IV", "80-90")
    _set(book["Target"], 3, "Target tahunan", "-5")
    _set(book["Target"], 3, "TW IV", "-5")
    book.save(first)
    cli.ok("db", "upgrade")
    cli.ok("org", "import", str(ORG_FILE))
    cli.ok("catalog", "import", str(first))
    second = tmp_path / "lagi.xlsx"
    cli.ok("catalog", "export", "--year", "2021", "--out", str(second))
    again = load_workbook(second)
    for sheet, row, header, text in (
        ("Indikator", 2, "Kinerja / sasaran", ADD),
        ("Anggaran", 2, "Program", LINK),
        ("Target", 2, "Target tahunan", "80-90"),
        ("Target", 3, "Target tahunan", "-5"),
        ("Target", 3, "TW IV", "-5"),
    ):
        heads = [c.value for c in again[sheet][1]]
        cell = again[sheet].cell(row=row, column=heads.index(header) + 1)
        assert (cell.value, cell.data_type) == (text, "s"), (sheet, header)
    assert not [c for s in again for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert cli.ok("catalog", "import", str(second)).strip() == (
        "Tidak ada perubahan: basis data sudah sama dengan berkas."
    )
    third = tmp_path / "ketiga.xlsx"
    cli.ok("catalog", "export", "--year", "2021", "--out", str(third))
    last = load_workbook(third)
    for name in again.sheetnames:
        assert [list(r) for r in last[name].values] == [list(r) for r in again[name].values]
    # the recap of that catalogue: the indicator's text neutralised, a string cell
    recap = tmp_path / "rekap.xlsx"
    cli.ok("recap", "--year", "2021", "--xlsx", str(recap))
    sheets = load_workbook(recap)
    cells = [c for row in sheets["Indikator"].iter_rows() for c in row if c.value == "'" + ADD]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not [c for s in sheets for row in s.iter_rows() for c in row if c.data_type == "f"]
    for path in (second, third, recap):
        _no_formula_in_the_file(path)


def _no_formula_in_the_file(path: Path) -> None:
    """The sheets' XML holds no formula element at all (what Excel or LibreOffice would run)."""
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode()
            assert "<f>" not in xml and "<f " not in xml, name

"""documents/xlsx/common.py put: text never a formula cell, numbers stay numbers (issue 15, B3)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook, load_workbook

from documents.xlsx.common import put, table


def _reopened(book: Workbook) -> Workbook:
    buffer = BytesIO()
    book.save(buffer)
    return load_workbook(BytesIO(buffer.getvalue()))


def test_text_is_a_string_cell_and_numbers_stay_numbers() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    put(sheet, 1, 1, "=1+1", neutralise=False)
    put(sheet, 2, 1, "=1+1", neutralise=True)
    put(sheet, 3, 1, "-5", neutralise=False)
    put(sheet, 4, 1, -5, neutralise=True)
    put(sheet, 5, 1, Decimal("1.5"), neutralise=True)
    put(sheet, 6, 1, datetime(2021, 10, 8, 9, 0), neutralise=True)
    put(sheet, 7, 1, None, neutralise=True)
    again = _reopened(book).active
    assert again is not None
    cells = [again.cell(row=row, column=1) for row in range(1, 8)]
    assert [(c.value, c.data_type) for c in cells[:5]] == [
        ("=1+1", "s"),
        ("'=1+1", "s"),
        ("-5", "s"),
        (-5, "n"),
        (1.5, "n"),
    ]
    assert cells[5].value == datetime(2021, 10, 8, 9, 0) and cells[6].value is None


def test_table_neutralises_by_default_and_not_when_told() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    table(sheet, ["Catatan", "Jumlah"], [["@SUM(A1:A9)", 3], ["-", 4]])
    exact = book.create_sheet("exact")
    table(exact, ["Catatan"], [["+62 31 3981"]], neutralise=False)
    again = _reopened(book)
    first = again.worksheets[0]
    assert [(c.value, c.data_type) for c in first[7]] == [("'@SUM(A1:A9)", "s"), (3, "n")]
    assert first["A8"].value == "-"
    assert (again["exact"]["A7"].value, again["exact"]["A7"].data_type) == ("+62 31 3981", "s")

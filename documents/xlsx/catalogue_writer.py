"""Writing the catalogue workbook with openpyxl: sheets, styled headers, drop-down lists.

Pure: it takes rows (dicts keyed by `Column.key`) and returns the .xlsx bytes.
The header row is bold, filled and frozen; long text wraps; target cells are
formatted as text (so Excel keeps "80-90" and "1.500" as typed, not a date or a
number) and budget cells as numbers with thousands separators. Every text value
is a string cell, never a formula, and is written exactly as stored (the import
reads it back): text starting with "=" stays text (docs/security-workbooks.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped, unused-ignore]

from documents.xlsx.catalogue_layout import (
    AGENCY_CELL,
    COLUMNS,
    FORMAT,
    FORMAT_CELL,
    GUIDE_LABELS,
    GUIDE_TEXT,
    GUIDE_TITLE,
    SHEETS,
    SOURCE_CELL,
    STYLED_ROWS,
    YEAR_CELL,
    Column,
)
from documents.xlsx.common import put, put_value

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
MONEY_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"

Row = Mapping[str, object]


@dataclass
class WorkbookContent:
    """What goes into the workbook: the catalogue's agency and year and each sheet's rows."""

    agency: str
    year: int | None
    source: str | None = None
    rows: dict[str, list[Row]] = field(default_factory=dict)


def write_workbook(content: WorkbookContent) -> bytes:
    """The .xlsx bytes of the workbook (guide sheet first, then the data sheets)."""
    book = Workbook()
    guide = book.active
    assert guide is not None
    _write_guide(guide, content)
    for name in SHEETS[1:]:
        _write_sheet(book.create_sheet(name), COLUMNS[name], content.rows.get(name, []))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_guide(sheet: Worksheet, content: WorkbookContent) -> None:
    sheet.title = SHEETS[0]
    put_value(sheet["A1"], GUIDE_TITLE, neutralise=False)
    sheet["A1"].font = Font(bold=True, size=14)
    values = {
        AGENCY_CELL: content.agency,
        YEAR_CELL: content.year,
        SOURCE_CELL: content.source,
        FORMAT_CELL: FORMAT,
    }
    for cell, label in GUIDE_LABELS.items():
        put_value(sheet[f"A{cell[1:]}"], label, neutralise=False)
        sheet[f"A{cell[1:]}"].font = HEADER_FONT
        put_value(sheet[cell], values[cell], neutralise=False)
        sheet[cell].alignment = Alignment(horizontal="left")
    for offset, line in enumerate(GUIDE_TEXT):
        cell = put(sheet, 8 + offset, 1, line, neutralise=False)
        if offset == 0:
            cell.font = HEADER_FONT
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60


def _write_sheet(sheet: Worksheet, columns: Sequence[Column], rows: Sequence[Row]) -> None:
    for number, column in enumerate(columns, start=1):
        cell = put(sheet, 1, number, column.header, neutralise=False)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = "A2"
    last = max(STYLED_ROWS, len(rows)) + 1
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        _add_validation(sheet, column, f"{letter}2:{letter}{last}")
        if column.text or column.money:
            for line in range(2, last + 1):
                sheet.cell(row=line, column=number).number_format = (
                    TEXT_FORMAT if column.text else MONEY_FORMAT
                )
    wrap = Alignment(vertical="top", wrap_text=True)
    top = Alignment(vertical="top")
    for row_number, row in enumerate(rows, start=2):
        for number, column in enumerate(columns, start=1):
            # text the import reads back: a string cell, exactly as stored (no prefix)
            cell = put(sheet, row_number, number, row.get(column.key), neutralise=False)
            cell.alignment = wrap if column.wrap else top


def _add_validation(sheet: Worksheet, column: Column, cells: str) -> None:
    if column.choices:
        rule = DataValidation(
            type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
        )
        rule.error = f"Pilih salah satu: {', '.join(column.choices)}"
    elif column.source is not None:
        rule = DataValidation(type="list", formula1=column.source, allow_blank=True)
        rule.showErrorMessage = False  # a suggestion: the import checks the code anyway
    elif column.key == "decimals":
        rule = DataValidation(type="whole", operator="between", formula1="0", formula2="6")
        rule.error = "Desimal: bilangan bulat 0 sampai 6"
    else:
        return
    rule.errorTitle = column.header
    if rule.error:
        rule.showErrorMessage = True
    sheet.add_data_validation(rule)
    rule.add(cells)

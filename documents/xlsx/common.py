"""What the recap and audit workbooks share: the header style, tables, widths, colours as ARGB."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped, unused-ignore]

from documents.colours import text_colour

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 6
_HEAD_FILL = PatternFill("solid", fgColor="FF1F3A5F")
_HEAD_FONT = Font(bold=True, color="FFFFFFFF")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make Excel or LibreOffice read typed text as a formula (OWASP)."""


def neutralised(text: str) -> str:
    """`text` with the OWASP prefix "'" when it starts like a formula, else unchanged.

    A lone character ("-" for "none") is no formula and stays as it is.
    """
    return "'" + text if len(text) > 1 and text.startswith(FORMULA_STARTS) else text


def put(sheet: Worksheet, row: int, column: int, value: Any, *, neutralise: bool) -> Any:
    """Write `value` to a cell, never as a formula: text is always a string cell.

    openpyxl turns any str starting with "=" into a formula cell; here text is
    forced back to a string cell. With `neutralise` (free text no import reads
    back), text starting with =, +, -, @, tab or CR also gets the "'" prefix, so
    even a copy into another sheet or a CSV is not evaluated. Numbers, dates and
    None are written as they are. Returns the cell.
    """
    cell = sheet.cell(row=row, column=column)
    put_value(cell, value, neutralise=neutralise)
    return cell


def put_value(cell: Any, value: Any, *, neutralise: bool) -> None:
    """Set an existing cell's value as `put` does."""
    if isinstance(value, str):
        cell.value = neutralised(value) if neutralise else value
        cell.data_type = "s"
    else:
        cell.value = value


def workbook_bytes(workbook: Workbook) -> bytes:
    """Serialise a workbook in memory."""
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def title_block(sheet: Worksheet, lines: Sequence[str]) -> None:
    """The sheet's title (bold, larger) and up to four lines of context above the table."""
    for offset, line in enumerate(lines[: HEADER_ROW - 2]):
        cell = put(sheet, 1 + offset, 1, line, neutralise=True)
        cell.font = Font(bold=True, size=14) if offset == 0 else Font(italic=True)


def table(
    sheet: Worksheet,
    heads: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    freeze_columns: int = 1,
    wrap: Iterable[str] = (),
    max_width: int = 60,
    neutralise: bool = True,
) -> int:
    """Write a table under the title block: styled heads, frozen, filterable, sensible widths.

    Returns the number of data rows written. Cells are written as given, so
    numbers stay numbers; callers style cells afterwards by their row. Text is
    always a string cell, never a formula (`put`); `neutralise=False` keeps text
    exactly as given (values someone must recompute from, such as hashed fields).
    """
    for column, head in enumerate(heads, start=1):
        cell = put(sheet, HEADER_ROW, column, head, neutralise=True)
        cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    count = 0
    for count, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = put(sheet, HEADER_ROW + count, column, value, neutralise=neutralise)
            cell.alignment = _TOP
    wrapped = set(wrap)
    for column, head in enumerate(heads, start=1):
        letter = get_column_letter(column)
        lengths = [len(head) if len(head) <= 14 else 14]
        for (data_cell,) in sheet.iter_rows(
            min_row=HEADER_ROW + 1, max_row=HEADER_ROW + count, min_col=column, max_col=column
        ):
            lengths.append(_display_length(data_cell.value))
            if head in wrapped:
                data_cell.alignment = _WRAP
        sheet.column_dimensions[letter].width = min(max(lengths) + 2, max_width)
    sheet.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{HEADER_ROW + 1}"
    last = get_column_letter(len(heads))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(count, 1)}"
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    return count


def _display_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, (int, float, Decimal)):
        return len(f"{value:,.2f}")
    return max(len(line) for line in str(value).splitlines() or [""])


def fill_category(cell: Any, name: str | None, colour: str | None) -> None:
    """Colour a category cell as the dashboard's badge: the category's colour, legible text."""
    if name is None or colour is None:
        return
    cell.fill = PatternFill("solid", fgColor=argb(colour))
    cell.font = Font(color=argb(text_colour(colour)), bold=True)


def argb(colour: str) -> str:
    """A "#1a7f37" colour as openpyxl's opaque "FF1A7F37"."""
    return "FF" + colour.lstrip("#").upper()


def number_format(decimals: int) -> str:
    """'#,##0' followed by `decimals` zeros after the point."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")

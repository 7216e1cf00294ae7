"""Reading the catalogue workbook's cells: sheets by name, columns by header, values by type.

Like `documents.yaml.checks.Checker` for YAML, a `Cells` collector never stops at the
first problem: each is recorded with its sheet and cell ("Indikator!E7") and
the whole list reaches the user at once. Numbers may be real Excel numbers
(converted through `str`, so 1027733750.37 stays exact) or text typed the
Indonesian way ("1.027.733.750,37"); targets keep their typed text ("80-90").
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped, unused-ignore]

from documents.xlsx.catalogue_layout import COLUMNS, MAX_COLUMNS, MAX_ROWS, REQUIRED_SHEETS, SHEETS
from engine.capaian import parse_target
from engine.errors import ValidationError
from engine.formatting import MAX_DECIMALS, format_number_id, parse_number_id
from engine.text import SINGLE_LINE_PROBLEM, bad_character


@dataclass(frozen=True)
class CellProblem:
    """One thing wrong in the workbook, with its sheet and cell (row 0: the whole sheet)."""

    sheet: str
    row: int
    column: int
    message: str

    @property
    def cell(self) -> str:
        """ "Indikator!E7", "Indikator!1:1" (a header row) or "Indikator" (the sheet)."""
        if not self.row:
            return self.sheet
        if not self.column:
            return f"{self.sheet}!{self.row}:{self.row}"
        return f"{self.sheet}!{get_column_letter(self.column)}{self.row}"

    def sort_key(self) -> tuple[int, str, int, int]:
        """Sheets in workbook order, then rows, then columns."""
        order = SHEETS.index(self.sheet) if self.sheet in SHEETS else len(SHEETS)
        return (order, self.sheet, self.row, self.column)

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}"


class WorkbookProblemsError(ValidationError):
    """The workbook has problems; nothing was written."""

    def __init__(self, source: str, problems: list[CellProblem]) -> None:
        self.source = source
        self.problems = sorted(problems, key=CellProblem.sort_key)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(
            f"{source}: {len(self.problems)} masalah ditemukan, tidak ada yang disimpan:\n{lines}",
            log_message=f"{source}: {len(self.problems)} problems, nothing imported",
        )


@dataclass
class SheetRow:
    """One filled row of a data sheet: raw values by column key, and where each column is."""

    sheet: str
    number: int
    values: dict[str, Any]
    columns: dict[str, int]

    def column(self, key: str) -> int:
        """The 1-based column of `key` (0 when the column is missing)."""
        return self.columns.get(key, 0)


@dataclass
class WorkbookSheets:
    """The sheets that were found: the guide's values and the data rows of each sheet."""

    guide: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, list[SheetRow]] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _normal(header: Any) -> str:
    return " ".join(str(header).split()).casefold() if header is not None else ""


class Cells:
    """Collects problems while reading cells."""

    def __init__(self) -> None:
        self.problems: list[CellProblem] = []

    def add(self, sheet: str, row: int, column: int, message: str) -> None:
        """Record a problem."""
        self.problems.append(CellProblem(sheet, row, column, message))

    def at(self, row: SheetRow, key: str, message: str) -> None:
        """Record a problem in the cell of column `key` of `row`."""
        self.add(row.sheet, row.number, row.column(key), message)

    def load(
        self, data: bytes, *, max_rows: int = MAX_ROWS + 1, max_columns: int = MAX_COLUMNS
    ) -> WorkbookSheets | None:
        """Open the workbook and read every sheet; None (one problem) when it is not .xlsx.

        At most `max_rows` rows (the header included) and `max_columns` columns are read,
        whatever the sheet's <dimension> claims: openpyxl pads every row up to the claimed
        width and height (issue 15, B5). Callers go through `documents.xlsx.sandbox`.
        """
        found = WorkbookSheets()
        try:
            book = load_workbook(BytesIO(data), read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
            self.add("berkas", 0, 0, "bukan buku kerja Excel (.xlsx) yang dapat dibaca")
            return None
        try:
            for sheet in book.worksheets:
                name = sheet.title
                if name not in SHEETS:
                    self.add(
                        name, 0, 0,
                        f"lembar '{name}' tidak dikenal; nama lembar yang dipakai: "
                        + ", ".join(SHEETS),
                    )  # fmt: skip
                    continue
                found.present.add(name)
                if name == SHEETS[0]:
                    found.guide = self._guide(
                        sheet.iter_rows(max_row=10, max_col=max_columns, values_only=True)
                    )
                else:
                    # One row more than allowed, so that "too many rows" is seen.
                    rows = sheet.iter_rows(
                        max_row=max_rows + 1, max_col=max_columns, values_only=True
                    )
                    found.rows[name] = self._rows(name, rows)
        finally:
            book.close()
        for name in REQUIRED_SHEETS:
            if name not in found.present:
                self.add(name, 0, 0, f"lembar wajib '{name}' tidak ada")
        return found

    def _guide(self, rows: Any) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for number, row in enumerate(rows, start=1):
            if number > 10:
                break
            if len(row) > 1:
                values[f"B{number}"] = row[1]
        return values

    def _rows(self, sheet: str, rows: Any) -> list[SheetRow]:
        header = next(rows, None) or ()
        wanted = {_normal(c.header): c for c in COLUMNS[sheet]}
        columns: dict[str, int] = {}
        for number, text in enumerate(header, start=1):
            column = wanted.get(_normal(text))
            if column is None:
                continue
            if column.key in columns:
                self.add(sheet, 1, number, f"kolom '{column.header}' ganda")
                continue
            columns[column.key] = number
        for column in COLUMNS[sheet]:
            if column.key not in columns and not column.optional:
                self.add(sheet, 1, 0, f"kolom wajib '{column.header}' tidak ada di baris judul")
        result: list[SheetRow] = []
        for number, values in enumerate(rows, start=2):
            if all(_empty(v) for v in values):
                continue
            if number > MAX_ROWS + 1:
                self.add(sheet, number, 0, f"terlalu banyak baris (paling banyak {MAX_ROWS})")
                break
            picked = {
                key: values[index - 1] if index <= len(values) else None
                for key, index in columns.items()
            }
            result.append(SheetRow(sheet, number, picked, columns))
        return result

    def text(self, row: SheetRow, key: str, *, required: bool = True) -> str | None:
        """A non-empty text (stripped); a whole number counts as its digits."""
        value = row.values.get(key)
        if _empty(value):
            if required and key in row.columns:
                self.at(row, key, "wajib diisi")
            return None
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        self.at(row, key, "harus berupa teks")
        return None

    def line(self, row: SheetRow, key: str, *, required: bool = True) -> str | None:
        """`text`, and a problem (None) when it holds a line break or control character: codes,
        names, labels and units are one line."""
        text = self.text(row, key, required=required)
        if text is not None and bad_character(text) is not None:
            self.at(row, key, SINGLE_LINE_PROBLEM)
            return None
        return text

    def lines(self, row: SheetRow, key: str) -> tuple[str, ...]:
        """The non-empty lines of a text cell (one item per line); a problem (no items) when
        a line holds a control character."""
        text = self.text(row, key, required=False)
        if text is None:
            return ()
        items = tuple(line.strip() for line in text.splitlines() if line.strip())
        if any(bad_character(item) is not None for item in items):
            self.at(row, key, "butir tidak boleh berisi karakter kendali (tab dan sejenisnya)")
            return ()
        return items

    def choice(self, row: SheetRow, key: str, allowed: tuple[str, ...]) -> str | None:
        """One of `allowed` (case-insensitive), or None with a problem."""
        text = self.text(row, key, required=True)
        if text is None:
            return None
        if text.lower() not in allowed:
            self.at(row, key, f"'{text}' bukan salah satu dari {', '.join(allowed)}")
            return None
        return text.lower()

    def number(self, row: SheetRow, key: str, *, required: bool = True) -> Decimal | None:
        """An Excel number or Indonesian text ("1.027.733.750,37"), exact, finite."""
        value = row.values.get(key)
        if _empty(value):
            if required and key in row.columns:
                self.at(row, key, "wajib diisi")
            return None
        try:
            return to_decimal(value)
        except ValidationError as exc:
            self.at(row, key, exc.message)
            return None

    def integer(
        self, row: SheetRow, key: str, *, low: int, high: int, default: int | None
    ) -> int | None:
        """A whole number within [low, high]; `default` when empty."""
        if _empty(row.values.get(key)):
            return default
        number = self.number(row, key)
        if number is None:
            return None
        if number != number.to_integral_value() or not low <= number <= high:
            self.at(row, key, f"harus bilangan bulat {low} sampai {high}")
            return None
        return int(number)

    def target(self, row: SheetRow, key: str, *, required: bool) -> str | None:
        """A target as typed ("80", "80-90", "1.027.733,50"); an Excel number as Indonesian text."""
        value = row.values.get(key)
        if _empty(value):
            if required and key in row.columns:
                self.at(row, key, "wajib diisi")
            return None
        try:
            if isinstance(value, str):
                parse_target(value)
                return value.strip()
            return number_text(to_decimal(value))
        except ValidationError as exc:
            self.at(row, key, exc.message)
            return None


def to_decimal(value: Any) -> Decimal:
    """An exact Decimal from an Excel cell value; `ValidationError` (Indonesian) otherwise."""
    if isinstance(value, bool | datetime | date | time):
        raise ValidationError(
            f"'{value}' bukan angka", log_message=f"not a number: {type(value).__name__}"
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError("angka tidak sah (NaN/tak hingga)", log_message="not finite")
        return Decimal(str(value))
    if isinstance(value, str):
        return parse_number_id(value)
    raise ValidationError(f"'{value}' bukan angka", log_message=f"not a number: {value!r}")


def number_text(value: Decimal) -> str:
    """A number as an Indonesian would type it: "1.027.733.750,37", "80,5", "80"."""
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places > MAX_DECIMALS:
        raise ValidationError(
            f"paling banyak {MAX_DECIMALS} angka di belakang koma",
            log_message=f"too many decimals: {value}",
        )
    return format_number_id(value, places)

"""An uploaded catalogue workbook being read, for the import use case.

`open_workbook` checks the bytes and parses them in a child process
(documents/xlsx/sandbox.py: a file that is not a readable .xlsx, or too big or too
intricate to parse, is refused at once); the `WorkbookReader` it returns implements
`engine.catalogue_workbook.CatalogueWorkbook`: the use case asks it for the guide's
agency and year, gives it what the database knows to read the data sheets against,
and puts the problems only the database can tell into the reader's cells, so that
every problem reaches the admin at once, each with its sheet and cell.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from documents.xlsx.catalogue_cells import (
    CellProblem,
    Cells,
    SheetRow,
    WorkbookProblemsError,
    WorkbookSheets,
)
from documents.xlsx.catalogue_layout import BUDGET, TARGETS
from documents.xlsx.catalogue_reader import read_catalog, read_guide
from documents.xlsx.catalogue_targets import read_budget, read_targets
from documents.xlsx.sandbox import WHOLE, Limits, WorkbookRefused, read_sheets
from engine.catalogue_workbook import Known, StoredIndicator, WorkbookRead

__all__ = ["WorkbookReader", "open_workbook"]

log = logging.getLogger("kinerja.documents.workbook")


def open_workbook(data: bytes, source: str, *, limits: Limits | None = None) -> WorkbookReader:
    """The reader of an uploaded workbook; WorkbookProblemsError when it cannot be opened.

    The bytes are checked and parsed in a child process under `limits` (default
    `documents.xlsx.sandbox.LIMITS`); a refusal is one problem on the whole file.
    """
    try:
        sheets, cells = read_sheets(data, limits)
    except WorkbookRefused as exc:
        log.warning("workbook %s refused: %s", source, exc.reason)
        raise WorkbookProblemsError(source, [CellProblem(WHOLE, 0, 0, exc.message)]) from None
    if sheets is None:
        raise WorkbookProblemsError(source, cells.problems)
    return WorkbookReader(source, cells, sheets)


@dataclass
class WorkbookReader:
    """The sheets of one workbook and the problems found in them so far."""

    source: str
    cells: Cells
    sheets: WorkbookSheets
    _agency: str | None = field(default=None, init=False)
    _year: int | None = field(default=None, init=False)
    _source_text: str | None = field(default=None, init=False)

    def guide(self, agencies: frozenset[str]) -> tuple[str | None, int | None]:
        """The agency code and year the guide sheet names (checked against `agencies`)."""
        self._agency, self._year, self._source_text = read_guide(self.cells, self.sheets, agencies)
        return self._agency, self._year

    def read(self, known: Known) -> WorkbookRead:
        """Read and check the catalogue, target and budget sheets against `known`."""
        catalog = read_catalog(
            self.cells, self.sheets, self._agency, self._year, self._source_text, known
        )
        # A target may name an indicator stored earlier or one this workbook brings.
        usable: dict[str, StoredIndicator] = dict(known.indicators)
        for spec in catalog.indicators.values():
            usable[spec.code] = StoredIndicator(spec.position, spec.target_mode, spec.rollup)
        rows = self.sheets.rows
        targets = read_targets(
            self.cells, rows.get(TARGETS, []), known.positions, usable, catalog.codes, self._year
        )
        budgets = read_budget(self.cells, rows.get(BUDGET, []), known.positions)
        return WorkbookRead(catalog.document, targets, budgets)

    def problem(self, row: object, column: str, message: str) -> None:
        """Record a problem in the cell of `column` of a row this reader read."""
        assert isinstance(row, SheetRow)
        self.cells.at(row, column, message)

    @property
    def has_problems(self) -> bool:
        """Whether any problem was recorded."""
        return bool(self.cells.problems)

    def error(self) -> WorkbookProblemsError:
        """Every problem recorded, for the admin (nothing was written)."""
        return WorkbookProblemsError(self.source, self.cells.problems)

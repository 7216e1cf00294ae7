"""The catalogue workbook as the use cases see it: what an export holds, what an import read.

The workbook (documents/xlsx/catalogue_*) carries an agency's catalogue of one year
with the targets and budget lines of its positions' PKs. The export use case fills a
`CatalogueContents` from the database and documents/ turns it into cells; the import
use case asks a `CatalogueWorkbook` (the reader documents/ builds from the uploaded
bytes) to read its sheets against what the database `Known`s, adds the problems only
the database can tell (a PK that is no longer a draft), and writes the result. Every
problem is recorded by the reader at its cell, so the admin gets them all at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from engine.budget import BudgetLine
from engine.catalogue import CatalogDocument, IndicatorSpec
from engine.errors import ValidationError
from engine.targets import Rollup, TargetMode

Duties = tuple[tuple[str, ...], tuple[str, ...]]
"""A position's (TUGAS, FUNGSI) texts, in order."""

Quarters = tuple[str | None, str | None, str | None, str | None]
"""TW I to TW IV targets as typed."""


# --- what the database knows, for reading a workbook --------------------------------------


@dataclass(frozen=True)
class StoredIndicator:
    """An indicator already in the database for the workbook's agency and year."""

    position: str
    target_mode: TargetMode
    rollup: Rollup


@dataclass(frozen=True)
class Known:
    """What the database knows about the workbook's agency and year."""

    positions: frozenset[str] | None
    """The agency's position codes; None when the agency is unknown (already a problem)."""
    indicators: Mapping[str, StoredIndicator] = field(default_factory=dict)
    duties: Mapping[str, Duties] = field(default_factory=dict)


# --- what an export holds -----------------------------------------------------------------


@dataclass(frozen=True)
class PositionEntry:
    """A position of the agency as the Jabatan sheet lists it."""

    code: str
    title: str
    tugas: tuple[str, ...] = ()
    fungsi: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetEntry:
    """The targets one PK holds for one indicator, as typed."""

    position: str
    indicator: str
    annual: str
    quarters: Quarters
    reason: str | None


@dataclass(frozen=True)
class BudgetEntry:
    """One budget line of a position's PK."""

    position: str
    line: BudgetLine


@dataclass(frozen=True)
class CatalogueContents:
    """An agency's catalogue of a year with its PKs' targets and budget (empty: a template)."""

    agency: str
    year: int
    positions: tuple[PositionEntry, ...]
    indicators: tuple[IndicatorSpec, ...] = ()
    targets: tuple[TargetEntry, ...] = ()
    budget: tuple[BudgetEntry, ...] = ()


# --- what an import read ------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    """One indicator's targets for its position's PK, with the row they came from.

    `row` is the reader's own handle of the sheet row: the use case gives it back to
    `CatalogueWorkbook.problem` to put a problem in one of its cells.
    """

    row: object
    position: str
    indicator: str
    annual: str
    quarters: Quarters
    reason: str | None


@dataclass(frozen=True)
class PositionBudget:
    """All budget lines of one position's PK, in sheet order, with their rows."""

    position: str
    rows: tuple[object, ...]
    lines: tuple[BudgetLine, ...]


@dataclass(frozen=True)
class WorkbookRead:
    """The sheets read: the catalogue (None when the guide has no usable agency or year), the
    target rows and the budget of each position."""

    document: CatalogDocument | None
    targets: list[TargetRow] = field(default_factory=list)
    budgets: list[PositionBudget] = field(default_factory=list)


class CatalogueWorkbook(Protocol):
    """An uploaded workbook being read; it records every problem with its cell."""

    def guide(self, agencies: frozenset[str]) -> tuple[str | None, int | None]:
        """The agency code and year the guide sheet names (checked against `agencies`)."""
        ...

    def read(self, known: Known) -> WorkbookRead:
        """Read and check the data sheets against what the database knows."""
        ...

    def problem(self, row: object, column: str, message: str) -> None:
        """Record a problem in the cell of `column` (a column key) of a row it read."""
        ...

    @property
    def has_problems(self) -> bool:
        """Whether any problem was recorded."""
        ...

    def error(self) -> ValidationError:
        """The error listing every problem recorded (nothing is written)."""
        ...

"""A catalogue file's content, checked: what a catalogue import writes.

documents.yaml.catalogue (YAML) and documents.xlsx (the workbook) parse files into
these values; the import use case writes them. Nothing here reads a file or a database.

A catalogue is checked against the database too (its agency and positions must be
known; a parent may be an indicator stored earlier for the year), and every problem is
reported at once. So the import use case reads `CatalogueFacts` in its transaction and
gives them to the parser the adapter handed it (`CatalogueParser`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from engine.capaian import Polarity
from engine.errors import FileProblemsError
from engine.formulas import GrowthBasis, Preset, Variable
from engine.indicators import IndicatorKind, Origin
from engine.manual import ManualEntry
from engine.targets import Rollup, TargetMode


class CatalogFileError(FileProblemsError):
    """The catalogue file has problems; nothing was written."""


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator as the file states it, checked."""

    code: str
    position: str
    kind: IndicatorKind
    kinerja: str
    name: str
    unit: str
    expression: str
    preset: Preset | None
    variables: tuple[Variable, ...]
    data_source: str
    polarity: Polarity
    rollup: Rollup
    target_mode: TargetMode
    decimals: int
    parent: str | None
    note: str | None
    manual: ManualEntry | None = None
    """What the decree adds for the Manual IK (engine.manual); None: nothing stated."""
    origin: Origin = Origin.DECREE
    origin_note: str | None = None
    """Why the indicator has this origin (required for a derived one: what it was derived from)."""
    growth_basis: GrowthBasis | None = None
    """For a growth indicator: what year n is compared with (None for any other formula)."""


@dataclass(frozen=True)
class PositionSpec:
    """A position's TUGAS and FUNGSI and its indicators."""

    position: str
    tugas: tuple[str, ...]
    fungsi: tuple[str, ...]
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True)
class CatalogDocument:
    """A validated catalogue of one agency for one year."""

    agency: str
    year: int
    source: str | None
    positions: tuple[PositionSpec, ...] = field(default_factory=tuple)

    @property
    def indicators(self) -> list[IndicatorSpec]:
        """Every indicator in file order."""
        return [item for position in self.positions for item in position.indicators]


@dataclass(frozen=True)
class CatalogueFacts:
    """What the database holds that a catalogue file is checked against."""

    agencies: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Agency code -> the codes of its positions."""
    indicators: Mapping[tuple[str, int], frozenset[str]] = field(default_factory=dict)
    """(agency code, year) -> the codes of the indicators stored for it (parents may name them)."""


CatalogueParser = Callable[[CatalogueFacts], CatalogDocument]
"""Parses one file against the facts: a clean `CatalogDocument`, or `CatalogFileError`."""

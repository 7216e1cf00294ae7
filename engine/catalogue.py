"""A catalogue file's content, checked: what a catalogue import writes.

documents.yaml.catalogue (YAML) and documents.xlsx (the workbook) parse files into
these values; the import use case writes them. Nothing here reads a file or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.capaian import Polarity
from engine.errors import FileProblemsError
from engine.formulas import Preset, Variable
from engine.indicators import IndicatorKind
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

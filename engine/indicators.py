"""Performance indicators (IKU/IKI): what is measured, how, and how it rolls up.

An indicator belongs to a position and a year. Its formula turns the inputs
staff type (labelled in the decree's own words) into the realisation; the
realisation against the PK target gives the capaian.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.capaian import Polarity
from engine.formulas import Formula, Preset
from engine.targets import Rollup, TargetMode


class IndicatorKind(StrEnum):
    """IKU (indikator kinerja utama, of the agency) or IKI (individual)."""

    IKU = "iku"
    IKI = "iki"


@dataclass(frozen=True)
class Indicator:
    """One indicator of one position for one year, its formula parsed and checked."""

    id: int
    code: str
    position_id: int
    year: int
    kind: IndicatorKind
    kinerja: str
    name: str
    unit: str
    formula: Formula
    data_source: str
    polarity: Polarity
    rollup: Rollup
    target_mode: TargetMode
    decimals: int
    parent_id: int | None = None
    note: str | None = None
    preset: Preset | None = None

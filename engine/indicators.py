"""Performance indicators (IKU/IKI): what is measured, how, and how it rolls up.

An indicator belongs to a position and a year. Its formula turns the inputs
staff type (labelled in the decree's own words) into the realisation; the
realisation against the PK target gives the capaian.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.capaian import Polarity
from engine.formulas import Formula, GrowthBasis, Preset
from engine.targets import Rollup, TargetMode


class IndicatorKind(StrEnum):
    """IKU (indikator kinerja utama, of the agency) or IKI (individual)."""

    IKU = "iku"
    IKI = "iki"


class Origin(StrEnum):
    """Where an indicator comes from: the decree (the agency's IKU/IKI decree, as
    transcribed), derived (not in the decree: made by Kinerja's data from a lower position's
    indicator, e.g. the Kepala Dinas IKU of the Gresik 2021 catalogue), or the agency's own
    (added by the agency after the decree). A derived indicator counts in the agency's
    headline only once the agency confirms it."""

    DECREE = "decree"
    DERIVED = "derived"
    AGENCY = "agency"

    @property
    def label(self) -> str:
        """The origin as pages name it."""
        return {"decree": "SK", "derived": "turunan", "agency": "tambahan perangkat daerah"}[
            self.value
        ]


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
    origin: Origin = Origin.DECREE
    origin_note: str | None = None
    """Why the indicator has this origin (for a derived one: what it was derived from)."""
    confirmed: bool = False
    """A derived indicator the agency has confirmed (an admin action, in the admin log)."""
    growth_basis: GrowthBasis | None = None
    """For a growth indicator: what year n is compared with (engine.formulas.GrowthBasis)."""

    @property
    def in_headline(self) -> bool:
        """Whether the indicator counts in the agency's headline capaian: decree and agency
        indicators always, derived ones once the agency confirmed them."""
        return self.origin is not Origin.DERIVED or self.confirmed

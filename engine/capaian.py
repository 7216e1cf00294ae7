"""Capaian (achievement): realisation against target, and its category.

Positive polarity (higher is better): C = R / T x 100. Negative polarity (lower is
better, e.g. inflation): C = (2T - R) / T x 100. A negative target (a growth expected
to shrink less than before) is measured by its distance from the target relative to
|T|: C = (1 + (R - T) / |T|) x 100, or (1 - (R - T) / |T|) x 100 for negative polarity
(for T > 0 these are the two formulas above). Capaian is never below 0: a value the
arithmetic puts below is shown as 0 and flagged for the verifier. A range target
("80-90") counts 100 inside the range and measures against the nearer bound outside
it. Target zero, missing realisation and the cap follow domain.md; the parts that
differ between regencies (scale, cap, target-zero and negative-target rules) are
`CapaianRules`, stored per regency and year (db.admin, engine.usecases.capaian_rules).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from enum import StrEnum
from typing import Any

from engine.errors import ValidationError
from engine.formatting import MAX_DECIMALS, format_number_id, parse_number_id, round_half_up
from engine.result import Result

HUNDRED = Decimal(100)
_ROUNDING_LIMIT = 12
_NUMBER = r"[-+]?[0-9][0-9.,]*"
_RANGE = re.compile(rf"\s*({_NUMBER})\s*(?:-|–|—|s\.?\s?d\.?|sampai)\s*({_NUMBER})\s*")
# Capaian divides; 34 significant digits as for formulas, whatever the thread's context.
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)


class Polarity(StrEnum):
    """Whether a higher realisation is better (positive) or worse (negative)."""

    POSITIVE = "positive"
    NEGATIVE = "negative"


@dataclass(frozen=True, slots=True)
class Target:
    """A target value, or a range of acceptable values (low == high for a single value)."""

    low: Decimal
    high: Decimal

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValidationError(
                f"rentang target terbalik: {self.low} lebih besar dari {self.high}",
                log_message=f"reversed target range {self.low}-{self.high}",
            )

    @classmethod
    def exactly(cls, value: Decimal | int) -> Target:
        """A single target value."""
        return cls(Decimal(value), Decimal(value))

    @property
    def is_range(self) -> bool:
        """True for a range such as 80-90."""
        return self.low != self.high

    @property
    def display(self) -> str:
        """As people read it: "62,80", "1.027.733.750", "80-90" (each number at its own scale)."""

        def shown(value: Decimal) -> str:
            exponent = value.as_tuple().exponent
            places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
            return format_number_id(value, min(places, MAX_DECIMALS))

        if not self.is_range:
            return shown(self.low)
        separator = " s.d. " if self.low < 0 or self.high < 0 else "-"
        return f"{shown(self.low)}{separator}{shown(self.high)}"

    def __str__(self) -> str:
        if not self.is_range:
            return str(self.low)
        separator = " s.d. " if self.low < 0 or self.high < 0 else "-"
        return f"{self.low}{separator}{self.high}"


def parse_target(text: str | Decimal | int) -> Target:
    """Read a target as typed: ``95``, ``1.027.733,50``, ``80-90``, ``80 s.d. 90``.

    A leading minus is a negative number, not a range (``-5`` is minus five;
    ``-10 s.d. -5`` is a range of negative numbers).
    """
    if isinstance(text, Decimal | int):
        return Target.exactly(text)
    raw = text.strip()
    match = _RANGE.fullmatch(raw)
    if match is not None:
        return Target(parse_number_id(match.group(1)), parse_number_id(match.group(2)))
    return Target.exactly(parse_number_id(raw))


@dataclass(frozen=True, slots=True)
class Category:
    """A capaian category (predikat) with its lower bound and display colour."""

    name: str
    minimum: Decimal | None
    color: str


@dataclass(frozen=True)
class Scale:
    """Categories from best to worst; the last one takes everything below the others."""

    name: str
    categories: tuple[Category, ...]

    def __post_init__(self) -> None:
        minima = [c.minimum for c in self.categories]
        if not self.categories or minima[-1] is not None or None in minima[:-1]:
            raise ValidationError(
                f"skala '{self.name}': kategori terakhir harus tanpa batas bawah, yang lain wajib",
                log_message=f"scale {self.name}: only the last category may lack a minimum",
            )
        bounded = [m for m in minima if m is not None]
        if any(a <= b for a, b in itertools.pairwise(bounded)):
            raise ValidationError(
                f"skala '{self.name}': batas bawah harus menurun",
                log_message=f"scale {self.name}: minima must decrease",
            )

    @classmethod
    def from_rows(cls, name: str, rows: Iterable[tuple[str, str | None, str]]) -> Scale:
        """Build a scale from (name, minimum or None, colour) rows, e.g. from settings."""
        return cls(
            name,
            tuple(
                Category(label, None if minimum is None else parse_number_id(minimum), color)
                for label, minimum, color in rows
            ),
        )

    def classify(self, value: Decimal) -> Category:
        """The category of a capaian, judged on the value rounded to 2 decimals (half up)."""
        # Rounding only matters near a boundary; far above any (1e30 %) it would overflow.
        rounded = value if value.adjusted() > _ROUNDING_LIMIT else round_half_up(value, 2)
        for item in self.categories:
            if item.minimum is None or rounded >= item.minimum:
                return item
        raise AssertionError("unreachable: the last category has no minimum")


PERMENDAGRI_86_2017 = Scale.from_rows(
    "Permendagri 86/2017",
    [
        ("Sangat Tinggi", "91", "#1a7f37"),
        ("Tinggi", "76", "#4c9a2a"),
        ("Sedang", "66", "#d4a106"),
        ("Rendah", "51", "#e07b00"),
        ("Sangat Rendah", None, "#c62828"),
    ],
)


class NegativeTargetRule(StrEnum):
    """How a target below zero is measured."""

    RELATIVE = "relative"
    """C = (1 +/- (R - T) / |T|) x 100 (domain.md; the default)."""
    NOT_COMPUTABLE = "not_computable"
    """No capaian: "tidak dapat dihitung" (for a regency that sets no rule)."""


@dataclass(frozen=True, slots=True)
class CapaianRules:
    """What a regency configures about capaian, per year (defaults from domain.md)."""

    cap: Decimal | None = None
    """Upper limit of the displayed capaian (100, 110 or 120 are used); None: no cap."""
    negative_zero_target_met: Decimal = HUNDRED
    """Negative polarity, target 0, realisation 0: the target is met."""
    negative_zero_target_missed: Decimal = Decimal(0)
    """Negative polarity, target 0, realisation above 0."""
    negative_target: NegativeTargetRule = NegativeTargetRule.RELATIVE
    scale: Scale = PERMENDAGRI_86_2017
    """The categories (predikat) capaian falls into."""

    def as_json(self) -> dict[str, Any]:
        """The rules as JSON-ready data: the recap records them, the admin log compares them."""
        return {
            "scale": self.scale.name,
            "categories": [
                {
                    "name": c.name,
                    "minimum": None if c.minimum is None else str(c.minimum),
                    "color": c.color,
                }
                for c in self.scale.categories
            ],
            "cap": None if self.cap is None else str(self.cap),
            "negative_zero_target_met": str(self.negative_zero_target_met),
            "negative_zero_target_missed": str(self.negative_zero_target_missed),
            "negative_target": self.negative_target.value,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CapaianRules:
        """Rules from `as_json`'s shape (as stored); a bad shape raises ValidationError."""
        try:
            scale = Scale(
                str(data["scale"]),
                tuple(
                    Category(
                        str(c["name"]),
                        None if c["minimum"] is None else Decimal(str(c["minimum"])),
                        str(c["color"]),
                    )
                    for c in data["categories"]
                ),
            )
            cap = data.get("cap")
            return cls(
                cap=None if cap is None else Decimal(str(cap)),
                negative_zero_target_met=Decimal(str(data["negative_zero_target_met"])),
                negative_zero_target_missed=Decimal(str(data["negative_zero_target_missed"])),
                negative_target=NegativeTargetRule(data["negative_target"]),
                scale=scale,
            )
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise ValidationError(
                "aturan capaian tidak terbaca", log_message=f"bad capaian rules: {error!r}"
            ) from error


DEFAULT_RULES = CapaianRules()
"""Permendagri 86/2017's scale, no cap, domain.md's target-zero and negative-target rules."""


def capaian(
    target: Target | Decimal | None,
    realisation: Decimal | Result | None,
    polarity: Polarity,
    *,
    rules: CapaianRules = DEFAULT_RULES,
) -> Result:
    """The capaian in percent, or why there is none (missing target or realisation, T = 0).

    Never below 0: a value the arithmetic puts below 0 comes back as 0 with a `flag`.
    """
    if target is None:
        return Result.missing("target belum ditetapkan")
    if isinstance(realisation, Result):
        if not realisation.computable:
            return realisation
        realisation = realisation.value
    if realisation is None:
        return Result.missing("realisasi belum diisi")
    goal = target if isinstance(target, Target) else Target.exactly(target)
    if goal.low <= realisation <= goal.high:
        if goal.is_range:
            return Result.ok(_capped(HUNDRED, rules))
        bound = goal.low
    else:
        bound = goal.high if realisation > goal.high else goal.low
    if bound.is_zero():
        if polarity is Polarity.POSITIVE:
            return Result.not_computable("target 0: capaian polaritas positif tidak dapat dihitung")
        met = realisation <= 0
        value = rules.negative_zero_target_met if met else rules.negative_zero_target_missed
        return _floored(value, rules)
    if bound < 0 and rules.negative_target is NegativeTargetRule.NOT_COMPUTABLE:
        return Result.not_computable(f"target negatif ({bound}): rumus capaian tidak berlaku")
    if bound < 0:
        # (R - T) / |T|: for T > 0 the same as R / T - 1, computed below as it always was.
        gap = _CONTEXT.divide(_CONTEXT.subtract(realisation, bound), abs(bound))
        if polarity is Polarity.NEGATIVE:
            gap = -gap
        return _floored(_CONTEXT.multiply(_CONTEXT.add(1, gap), HUNDRED), rules)
    ratio = _CONTEXT.divide(realisation, bound)
    if polarity is Polarity.NEGATIVE:
        ratio = _CONTEXT.subtract(2, ratio)
    return _floored(_CONTEXT.multiply(ratio, HUNDRED), rules)


def _floored(value: Decimal, rules: CapaianRules) -> Result:
    if value < 0:
        shown = format_number_id(round_half_up(value, 2), 2)
        return Result.ok(Decimal(0), flag=f"dibatasi 0: hasil hitung {shown} %")
    return Result.ok(_capped(value, rules))


def _capped(value: Decimal, rules: CapaianRules) -> Decimal:
    return value if rules.cap is None else min(value, rules.cap)


def category(value: Decimal | Result, scale: Scale = PERMENDAGRI_86_2017) -> Category | None:
    """The category of a capaian; None when the capaian is missing or not computable."""
    if isinstance(value, Result):
        if value.value is None:
            return None
        value = value.value
    return scale.classify(value)

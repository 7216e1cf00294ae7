"""Quarterly targets (TW I-IV) and how quarterly realisations roll up into the year.

A PK sets an annual target and, per quarter, either cumulative targets (TW IV
equals the annual target: "by the end of June, 40%") or per-quarter targets
(each quarter on its own). Realisations roll up per indicator: counts sum,
stock values take the last quarter, indices average.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from engine.capaian import DEFAULT_RULES, CapaianRules, Polarity, Target, capaian
from engine.result import Outcome, Result

QUARTERS = 4
ROMAN = ("I", "II", "III", "IV")


class Rollup(StrEnum):
    """How quarterly values make the yearly (or to-date) value."""

    SUM = "sum"
    LAST = "last"
    AVERAGE = "average"


class TargetMode(StrEnum):
    """Whether quarterly targets are cumulative or per quarter."""

    CUMULATIVE = "cumulative"
    PER_QUARTER = "per_quarter"


@dataclass(frozen=True)
class TargetCheck:
    """What a planner must see about a set of quarterly targets before submitting it."""

    warnings: tuple[str, ...] = ()
    reason_required: str | None = None
    """Set when TW IV (or the quarters rolled up) differs from the annual target."""


@dataclass(frozen=True)
class QuarterTargets:
    """The annual target and the four quarterly targets of one indicator."""

    annual: Target
    quarters: tuple[Target | None, Target | None, Target | None, Target | None]
    mode: TargetMode = TargetMode.CUMULATIVE

    def for_quarter(self, quarter: int) -> Target | None:
        """The target that quarter `quarter` (1-4) is measured against."""
        _check_quarter(quarter)
        return self.quarters[quarter - 1]

    def check(self, rollup: Rollup, polarity: Polarity = Polarity.POSITIVE) -> TargetCheck:
        """Warnings (a cumulative target that decreases) and whether a reason is required.

        A decreasing path is only suspect where higher is better: on a negative-polarity
        indicator (a share still to verify, inflation) 80/70/60/50 is the plan itself.
        """
        warnings: list[str] = []
        present = [(i, t) for i, t in enumerate(self.quarters) if t is not None]
        if self.mode is TargetMode.CUMULATIVE and polarity is Polarity.POSITIVE:
            for (i, before), (j, after) in itertools.pairwise(present):
                if after.high < before.high:
                    warnings.append(
                        f"target kumulatif TW {ROMAN[j]} ({after}) lebih kecil dari "
                        f"TW {ROMAN[i]} ({before})"
                    )
        if self.mode is TargetMode.CUMULATIVE:
            final = self.quarters[-1]
            if final is not None and final != self.annual:
                return TargetCheck(
                    tuple(warnings),
                    f"target TW IV ({final}) berbeda dari target tahunan ({self.annual})",
                )
            return TargetCheck(tuple(warnings))
        if len(present) == QUARTERS and all(not t.is_range for _, t in present):
            values = [Result.ok(t.low) for _, t in present]
            combined = roll_up(values, QUARTERS, rollup)
            if combined.value is not None and Target.exactly(combined.value) != self.annual:
                return TargetCheck(
                    tuple(warnings),
                    f"target keempat triwulan ({rollup.value}: {combined.value}) berbeda dari "
                    f"target tahunan ({self.annual})",
                )
        return TargetCheck(tuple(warnings))


def _check_quarter(quarter: int) -> None:
    if not 1 <= quarter <= QUARTERS:
        raise ValueError(f"quarter must be 1..4, got {quarter}")


def roll_up(values: Sequence[Result], upto: int, rollup: Rollup) -> Result:
    """The value to date at quarter `upto` from the quarterly results (index 0 = TW I).

    SUM adds TW I..upto, AVERAGE averages them, LAST takes TW upto. A quarter that
    cannot be computed makes the result not computable; missing quarters make it
    missing, naming them.
    """
    _check_quarter(upto)
    indexes = [upto - 1] if rollup is Rollup.LAST else list(range(upto))
    results = [(index, _at(values, index)) for index in indexes]
    for index, result in results:
        if result.outcome is Outcome.NOT_COMPUTABLE:
            return Result.not_computable(f"TW {ROMAN[index]}: {result.reason}")
    numbers = [result.value for _, result in results if result.value is not None]
    if len(numbers) < len(results):
        missing = [f"TW {ROMAN[index]}" for index, result in results if result.value is None]
        return Result.missing("realisasi " + ", ".join(missing))
    if rollup is Rollup.SUM:
        return Result.ok(sum(numbers, Decimal(0)))
    if rollup is Rollup.AVERAGE:
        return Result.ok(sum(numbers, Decimal(0)) / len(numbers))
    return Result.ok(numbers[-1])


def _at(values: Sequence[Result], index: int) -> Result:
    if index < len(values):
        return values[index]
    return Result.missing(f"realisasi TW {ROMAN[index]}")


def quarter_capaian(
    targets: QuarterTargets,
    realisations: Sequence[Result],
    quarter: int,
    polarity: Polarity,
    rollup: Rollup,
    *,
    rules: CapaianRules = DEFAULT_RULES,
) -> Result:
    """The capaian of quarter `quarter`: to date against a cumulative target, or alone."""
    realised = period_realisation(targets.mode, realisations, quarter, rollup)
    return capaian(targets.for_quarter(quarter), realised, polarity, rules=rules)


def period_realisation(
    mode: TargetMode, realisations: Sequence[Result], quarter: int, rollup: Rollup
) -> Result:
    """What quarter `quarter` is measured by: the value to date (cumulative) or its own."""
    if mode is TargetMode.CUMULATIVE:
        return roll_up(realisations, quarter, rollup)
    _check_quarter(quarter)
    return _at(realisations, quarter - 1)


def yearly_capaian(
    targets: QuarterTargets,
    realisations: Sequence[Result],
    polarity: Polarity,
    rollup: Rollup,
    *,
    rules: CapaianRules = DEFAULT_RULES,
) -> Result:
    """The capaian of the year: the four quarters rolled up, against the annual target."""
    return capaian(targets.annual, roll_up(realisations, QUARTERS, rollup), polarity, rules=rules)

"""Fictional but plausible numbers for the demo: formula inputs and the targets around them.

Seeded, so every demo is the same; targets are set around what was realised so
that capaian spread over the categories.
"""

from __future__ import annotations

import random
from decimal import Decimal

from engine.formatting import round_half_up
from engine.formulas import Preset
from engine.indicators import Indicator
from engine.result import Result
from engine.targets import Rollup, TargetMode, roll_up

ATTEMPTS = 200


def demo_inputs(indicator: Indicator, rng: random.Random) -> dict[str, Decimal]:
    """Plausible inputs for one quarter, by the kind of formula."""
    names = list(indicator.formula.variables)
    percent = indicator.unit.strip() == "%"
    for _ in range(ATTEMPTS):
        values = _draw(indicator, names, rng)
        result = indicator.formula.evaluate(values)
        if result.value is not None and result.value >= 0 and (not percent or result.value <= 150):
            return values
    return _draw(indicator, names, rng)


def plan_year(
    indicator: Indicator, rng: random.Random, quarters: int = 4
) -> list[dict[str, Decimal]]:
    """Inputs for each quarter of a year: one plausible level, moving a little each quarter.

    Counts summed over months are drawn afresh each quarter; everything else stays
    within a few percent of the year's level, as a real agency's figures do.
    """
    base = demo_inputs(indicator, rng)
    if indicator.preset is Preset.SUM:
        return [base] + [demo_inputs(indicator, rng) for _ in range(quarters - 1)]
    plan = []
    for _ in range(quarters):
        values = {name: _jitter(value, rng) for name, value in base.items()}
        result = indicator.formula.evaluate(values)
        plan.append(values if result.value is not None and result.value >= 0 else base)
    return plan


def _jitter(value: Decimal, rng: random.Random) -> Decimal:
    moved = value * Decimal(str(round(rng.uniform(0.95, 1.05), 4)))
    exponent = value.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return round_half_up(moved, places)


def _draw(indicator: Indicator, names: list[str], rng: random.Random) -> dict[str, Decimal]:
    preset = indicator.preset
    if preset is Preset.RATIO:
        whole = rng.randint(40, 4000)
        return {names[0]: Decimal(round(whole * rng.uniform(0.3, 0.98))), names[1]: Decimal(whole)}
    if preset is Preset.GROWTH:
        before = Decimal(rng.randint(1_000, 900_000)) * 1000
        return {
            names[0]: round_half_up(before * Decimal(rng.uniform(0.9, 1.25)), 2),
            names[1]: before,
        }
    if preset is Preset.VALUE:
        return {names[0]: round_half_up(Decimal(rng.uniform(70, 95)), 2)}
    if preset is Preset.AVERAGE:
        return {name: round_half_up(Decimal(rng.uniform(104, 110)), 2) for name in names}
    if preset is Preset.SUM:
        return {name: Decimal(rng.randint(5, 60)) for name in names}
    # A custom expression: independent draws, kept when the result is plausible.
    return {name: Decimal(rng.randint(1, 5000)) for name in names}


def demo_targets(
    indicator: Indicator, results: list[Result], rng: random.Random, quarters_done: int = 3
) -> dict[str, str | None]:
    """Annual and TW I-IV targets near what the quarters realised (capaian mostly 85-120%)."""
    done = roll_up(results, quarters_done, indicator.rollup)
    base = done.value if done.value is not None and done.value > 0 else Decimal(100)
    if indicator.rollup is Rollup.SUM:
        base = base * 4 / quarters_done
    # Most positions land near their target; one in eight falls well short.
    factor = rng.uniform(0.5, 0.8) if rng.random() < 0.125 else rng.uniform(0.85, 1.2)
    annual = round_half_up(base / Decimal(factor), indicator.decimals)
    if indicator.target_mode is TargetMode.CUMULATIVE:
        steps = [annual * q / 4 if indicator.rollup is Rollup.SUM else annual for q in range(1, 5)]
    elif indicator.rollup is Rollup.SUM:
        share = round_half_up(annual / 4, indicator.decimals)
        steps = [share, share, share, annual - 3 * share]  # the quarters add up to the year
    else:
        steps = [annual] * 4
    quarters = [str(round_half_up(step, indicator.decimals)) for step in steps]
    return {
        "annual": str(annual),
        "tw1": quarters[0],
        "tw2": quarters[1],
        "tw3": quarters[2],
        "tw4": quarters[3],
    }

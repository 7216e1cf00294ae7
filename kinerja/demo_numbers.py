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
    """Annual and TW I-IV targets near what the quarters realised (capaian 60%-130%)."""
    done = roll_up(results, quarters_done, indicator.rollup)
    base = done.value if done.value is not None and done.value > 0 else Decimal(100)
    if indicator.rollup is Rollup.SUM:
        base = base * 4 / quarters_done
    annual = round_half_up(base / Decimal(rng.uniform(0.6, 1.3)), indicator.decimals)
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

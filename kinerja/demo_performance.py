"""Demo performance data: 2021 PK targets and TW I-III realisation inputs, all fictional.

The numbers are generated (seeded, so every demo is the same) to look like an
agency's year: inputs that make sense for each formula kind, and targets set
around what was realised so that capaian spread over the categories. TW IV is
left empty: the demo shows a year still being reported.
"""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, select

from db.indicator_repo import load_indicators
from db.models import PerjanjianKinerja, PkTarget, QuarterlyReport, ReportEntry
from engine.formatting import round_half_up
from engine.formulas import Preset
from engine.indicators import Indicator
from engine.result import Result
from engine.targets import Rollup, TargetMode, roll_up

DEMO_YEAR = 2021
REPORTED_QUARTERS = 3
SEED = 20210111
ATTEMPTS = 200


def seed_performance(session: Session, now: datetime, *, year: int = DEMO_YEAR) -> int:
    """Create the demo PKs (with targets) and reports (with inputs); returns the PK count.

    Positions that already have a PK for the year are left alone.
    """
    rng = random.Random(SEED)  # noqa: S311 (reproducible demo numbers, not secrets)
    indicators = load_indicators(session, year=year)
    existing = set(
        session.exec(select(PerjanjianKinerja.position_id).where(PerjanjianKinerja.year == year))
    )
    by_position: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_position.setdefault(indicator.position_id, []).append(indicator)
    created = 0
    for position_id, items in by_position.items():
        if position_id in existing:
            continue
        pk = PerjanjianKinerja(position_id=position_id, year=year, created_at=now, updated_at=now)
        reports = [
            QuarterlyReport(
                position_id=position_id, year=year, quarter=q, created_at=now, updated_at=now
            )
            for q in range(1, REPORTED_QUARTERS + 1)
        ]
        session.add(pk)
        session.add_all(reports)
        session.flush()
        assert pk.id is not None
        for indicator in items:
            inputs = [demo_inputs(indicator, rng) for _ in reports]
            results = [indicator.formula.evaluate(values) for values in inputs]
            targets = demo_targets(indicator, results, rng)
            session.add(
                PkTarget.model_validate({"pk_id": pk.id, "indicator_id": indicator.id, **targets})
            )
            for report, values in zip(reports, inputs, strict=True):
                assert report.id is not None
                session.add(
                    ReportEntry(
                        report_id=report.id,
                        indicator_id=indicator.id,
                        inputs={name: str(value) for name, value in values.items()},
                    )
                )
        created += 1
    session.flush()
    return created


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
    # A custom expression: descending magnitudes keep differences positive.
    top = rng.randint(200, 5000)
    return {
        name: Decimal(max(1, round(top * (1 - i * rng.uniform(0.15, 0.4)))))
        for i, name in enumerate(names)
    }


def demo_targets(
    indicator: Indicator, results: list[Result], rng: random.Random
) -> dict[str, str | None]:
    """Annual and TW I-IV targets near what the quarters realised (capaian 60%-130%)."""
    done = roll_up(results, REPORTED_QUARTERS, indicator.rollup)
    base = done.value if done.value is not None and done.value > 0 else Decimal(100)
    if indicator.rollup is Rollup.SUM:
        base = base * 4 / REPORTED_QUARTERS
    annual = round_half_up(base / Decimal(rng.uniform(0.6, 1.3)), indicator.decimals)
    if indicator.target_mode is TargetMode.CUMULATIVE:
        steps = [annual * q / 4 if indicator.rollup is Rollup.SUM else annual for q in range(1, 5)]
    else:
        steps = [annual / 4 if indicator.rollup is Rollup.SUM else annual] * 4
    quarters = [str(round_half_up(step, indicator.decimals)) for step in steps]
    return {
        "annual": str(annual),
        "tw1": quarters[0],
        "tw2": quarters[1],
        "tw3": quarters[2],
        "tw4": quarters[3],
    }

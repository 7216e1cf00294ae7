"""What an indicator achieved: its realisation from the stored inputs, its targets from the
stored text, and a quarterly report's rows as the report page shows them.

The repositories read the rows (report entries, PK targets) and hand them here as they
are: how a realisation is computed, when it is missing, and which target and capaian a
quarter is measured by are rules, the same for the report page, the completeness check
and the recap. Pure.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from engine.capaian import DEFAULT_RULES, CapaianRules, Target, capaian, parse_target
from engine.errors import ValidationError
from engine.evidence import expected_evidence
from engine.indicators import Indicator
from engine.manual import formula_in_words
from engine.result import Result
from engine.targets import QuarterTargets, Rollup, TargetMode, period_realisation


class TargetLike(Protocol):
    """A PK target: the table row or its plain columns."""

    @property
    def annual(self) -> str: ...
    @property
    def tw1(self) -> str | None: ...
    @property
    def tw2(self) -> str | None: ...
    @property
    def tw3(self) -> str | None: ...
    @property
    def tw4(self) -> str | None: ...


class EntryLike(Protocol):
    """A report entry: the table row or its plain columns."""

    @property
    def inputs(self) -> Mapping[str, Any]: ...
    @property
    def no_data_reason(self) -> str | None: ...


class ReportEntryLike(EntryLike, Protocol):
    """A report entry with what staff wrote about it."""

    @property
    def kendala(self) -> str | None: ...
    @property
    def upaya(self) -> str | None: ...


def quarter_targets(indicator: Indicator, row: TargetLike | None) -> QuarterTargets | None:
    """The PK target row as engine values; None when absent or unreadable."""
    if row is None:
        return None
    try:
        quarters = (_target(row.tw1), _target(row.tw2), _target(row.tw3), _target(row.tw4))
        return QuarterTargets(parse_target(row.annual), quarters, indicator.target_mode)
    except ValidationError:
        return None


@functools.lru_cache(maxsize=8192)
def _target(text: str | None) -> Target | None:
    # Remembered: a regency's targets repeat a few hundred distinct texts, and a Target is
    # immutable; parsing is a pure function of the text (errors are raised every time).
    return None if text is None or not text.strip() else parse_target(text)


def realisation(indicator: Indicator, entry: EntryLike | None) -> Result:
    """The realisation of one indicator in one report: the formula over the stored inputs."""
    if entry is None:
        return Result.missing("laporan belum dibuat")
    if entry.no_data_reason:
        return Result.missing(f"tidak ada data: {entry.no_data_reason}")
    values: dict[str, Decimal | None] = {}
    for name in indicator.formula.variables:
        raw = entry.inputs.get(name)
        try:
            values[name] = None if raw in (None, "") else Decimal(str(raw))
        except InvalidOperation:
            values[name] = None
    return indicator.formula.evaluate(values)


def report_rows(
    indicators: Sequence[Indicator],
    quarter: int,
    entries: Mapping[int, ReportEntryLike],
    earlier: Mapping[tuple[int, int], EntryLike],
    targets: Mapping[int, TargetLike],
    rules: CapaianRules | None = None,
) -> list[dict[str, Any]]:
    """A report's rows, one JSON-ready row per indicator in catalogue order, under the
    capaian `rules` of the report's year (None: the defaults).

    `entries` are the report's own, by indicator id; `earlier` the entries of the same
    position and year up to this quarter, by (indicator id, quarter), for cumulative
    targets measured to date; `targets` those of the approved PK, by indicator id.
    """
    rules = rules or DEFAULT_RULES
    rows = []
    for indicator in indicators:
        entry = entries.get(indicator.id)
        own = realisation(indicator, entry)
        goals = quarter_targets(indicator, targets.get(indicator.id))
        results = [realisation(indicator, earlier.get((indicator.id, q))) for q in range(1, 5)]
        target = None if goals is None else goals.for_quarter(quarter)
        measured = (
            own if goals is None
            else period_realisation(goals.mode, results, quarter, indicator.rollup)
        )  # fmt: skip
        score = capaian(target, measured, indicator.polarity, rules=rules)
        group = None if score.value is None else rules.scale.classify(score.value)
        rows.append(
            {
                "indicator": indicator.code,
                "indicator_id": indicator.id,
                "name": indicator.name,
                "unit": indicator.unit,
                "expression": indicator.formula.expression,
                "formula_words": formula_in_words(indicator.formula),
                "origin": indicator.origin.value,
                "origin_note": indicator.origin_note,
                "growth_basis": None
                if indicator.growth_basis is None
                else indicator.growth_basis.value,
                "inputs": [
                    {
                        "name": v.name,
                        "label": v.label,
                        "unit": v.unit,
                        "value": None if entry is None else entry.inputs.get(v.name),
                        "kind": None if v.kind is None else v.kind.value,
                        "negative": v.negative,
                    }
                    for v in indicator.formula.variables.values()
                ],
                "evidence_expected": expected_evidence(
                    indicator.data_source,
                    [v.label or v.name for v in indicator.formula.variables.values()],
                ),
                "no_data_reason": None if entry is None else entry.no_data_reason,
                "kendala": None if entry is None else entry.kendala,
                "upaya": None if entry is None else entry.upaya,
                "realisation": _number(own.value),
                "realisation_status": own.outcome.value,
                "realisation_reason": own.reason,
                "measured_to_date": _number(measured.value),
                # What the capaian compares when it is not the quarter's own value: the value
                # to date ("sum") or the average to date ("average"); None otherwise.
                "compared_to_date": None
                if goals is None
                or goals.mode is not TargetMode.CUMULATIVE
                or quarter == 1
                or indicator.rollup is Rollup.LAST
                else indicator.rollup.value,
                "target": None if target is None else str(target),
                "capaian": _number(score.value),
                "capaian_status": score.outcome.value,
                "capaian_reason": score.reason,
                "capaian_flag": score.flag,
                "category": None if group is None else group.name,
                "category_color": None if group is None else group.color,
                "decimals": indicator.decimals,
            }
        )
    return rows


def _number(value: Any) -> str | None:
    return None if value is None else str(value)

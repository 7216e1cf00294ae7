"""The recap: capaian per indicator, then averaged per position, per bidang and for the agency.

Pure: it receives indicators, their targets and their quarterly results, and
returns numbers. A group's capaian is the mean of the computable capaian of the
indicators in it (each indicator weighs the same); indicators that are missing
or not computable are counted, never averaged in as zero. The bidang of a
position is its nearest Administrator-level position (itself for a Kepala
Bidang or the Sekretaris); the head of the agency belongs to the agency only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.capaian import (
    DEFAULT_RULES,
    PERMENDAGRI_86_2017,
    CapaianRules,
    Category,
    Scale,
    Target,
    capaian,
)
from engine.indicators import Indicator
from engine.org import Level, OrgTree, Position
from engine.result import Outcome, Result
from engine.targets import QuarterTargets, period_realisation, roll_up

MISSING_LABEL = "Belum diisi"
NOT_COMPUTABLE_LABEL = "Tidak dapat dihitung"


@dataclass(frozen=True)
class IndicatorInput:
    """What the recap needs about one indicator: its targets and its four quarterly results."""

    indicator: Indicator
    targets: QuarterTargets | None
    quarters: Sequence[Result]


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator in the period: target, realisation (to date), capaian and category."""

    indicator: Indicator
    target: Target | None
    realisation: Result
    capaian: Result
    category: Category | None


@dataclass
class GroupScore:
    """A position, a bidang or the agency: mean capaian and how many indicators fell where.

    `key` is the position's code (of the bidang's or the agency head's position for those),
    unique within an agency; `position_id` is unique across a regency's agencies.
    """

    key: str
    label: str
    position_id: int
    capaian: Result = field(default_factory=lambda: Result.missing("belum ada indikator"))
    category: Category | None = None
    indicators: int = 0
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Recap:
    """The whole recap of a period (a quarter, or the year when `quarter` is None)."""

    year: int
    quarter: int | None
    indicators: list[IndicatorScore]
    positions: list[GroupScore]
    bidang: list[GroupScore]
    agency: list[GroupScore]


def score(
    item: IndicatorInput,
    quarter: int | None,
    *,
    scale: Scale = PERMENDAGRI_86_2017,
    rules: CapaianRules = DEFAULT_RULES,
) -> IndicatorScore:
    """Score one indicator for a quarter (cumulative or alone, per its targets) or the year."""
    indicator = item.indicator
    if item.targets is None:
        target = None
        realisation = roll_up(item.quarters, quarter or 4, indicator.rollup)
        result = Result.missing("target belum ditetapkan")
    else:
        if quarter is None:
            target = item.targets.annual
            realisation = roll_up(item.quarters, 4, indicator.rollup)
        else:
            target = item.targets.for_quarter(quarter)
            realisation = period_realisation(
                item.targets.mode, item.quarters, quarter, indicator.rollup
            )
        result = capaian(target, realisation, indicator.polarity, rules=rules)
    category = scale.classify(result.value) if result.value is not None else None
    return IndicatorScore(indicator, target, realisation, result, category)


def build_recap(
    tree: OrgTree,
    items: Iterable[IndicatorInput],
    *,
    year: int,
    quarter: int | None,
    scale: Scale = PERMENDAGRI_86_2017,
    rules: CapaianRules = DEFAULT_RULES,
) -> Recap:
    """Score every indicator and aggregate per position, bidang and agency (tree order)."""
    scores = [score(item, quarter, scale=scale, rules=rules) for item in items]
    by_position: dict[int, list[IndicatorScore]] = {}
    for entry in scores:
        by_position.setdefault(entry.indicator.position_id, []).append(entry)
    positions: list[GroupScore] = []
    bidang: dict[int, list[IndicatorScore]] = {}
    agencies: dict[int, list[IndicatorScore]] = {}
    order: list[Position] = [p for root in tree.roots() for _, p in tree.walk(root.id)]
    for position in order:
        entries = by_position.get(position.id, [])
        if not entries:
            continue
        positions.append(_group(position, position.title, entries, scale))
        unit = bidang_of(tree, position)
        if unit is not None:
            bidang.setdefault(unit.id, []).extend(entries)
        agencies.setdefault(tree.head_of_agency(position.id).id, []).extend(entries)
    return Recap(
        year=year,
        quarter=quarter,
        indicators=scores,
        positions=positions,
        bidang=[
            _group(tree.position(pid), tree.position(pid).unit_name, entries, scale)
            for pid, entries in bidang.items()
        ],
        agency=[
            _group(tree.position(pid), tree.position(pid).unit_name, entries, scale)
            for pid, entries in agencies.items()
        ],
    )


def bidang_of(tree: OrgTree, position: Position) -> Position | None:
    """The Administrator-level unit a position belongs to (itself for a Kepala Bidang)."""
    if position.level is Level.ADMINISTRATOR:
        return position
    return tree.nearest_administrator(position.id)


def _group(
    position: Position, label: str, entries: list[IndicatorScore], scale: Scale
) -> GroupScore:
    values = [e.capaian.value for e in entries if e.capaian.value is not None]
    counts = {c.name: 0 for c in scale.categories}
    counts[MISSING_LABEL] = 0
    counts[NOT_COMPUTABLE_LABEL] = 0
    for entry in entries:
        if entry.category is not None:
            counts[entry.category.name] += 1
        elif entry.capaian.outcome is Outcome.NOT_COMPUTABLE:
            counts[NOT_COMPUTABLE_LABEL] += 1
        else:
            counts[MISSING_LABEL] += 1
    group = GroupScore(
        key=position.code,
        label=label,
        position_id=position.id,
        indicators=len(entries),
        counts=counts,
    )
    if values:
        mean = sum(values, Decimal(0)) / len(values)
        group.capaian = Result.ok(mean)
        group.category = scale.classify(mean)
    else:
        group.capaian = Result.missing("tidak ada capaian yang dapat dihitung")
    return group


def _decimal_text(result: Result) -> str | None:
    return None if result.value is None else str(result.value)


def _group_json(group: GroupScore) -> dict[str, Any]:
    return {
        "key": group.key,
        "label": group.label,
        "capaian": _decimal_text(group.capaian),
        "category": group.category.name if group.category else None,
        "indicators": group.indicators,
        "counts": group.counts,
    }


def recap_json(recap: Recap) -> dict[str, Any]:
    """The recap as JSON-ready data (CLI and API); numbers as exact decimal strings."""
    return {
        "year": recap.year,
        "quarter": recap.quarter,
        "agency": [_group_json(g) for g in recap.agency],
        "bidang": [_group_json(g) for g in recap.bidang],
        "positions": [_group_json(g) for g in recap.positions],
        "indicators": [
            {
                "code": item.indicator.code,
                "name": item.indicator.name,
                "target": None if item.target is None else str(item.target),
                "realisation": _decimal_text(item.realisation),
                "realisation_status": item.realisation.outcome.value,
                "capaian": _decimal_text(item.capaian),
                "capaian_status": item.capaian.outcome.value,
                "reason": item.capaian.reason,
                "category": item.category.name if item.category else None,
            }
            for item in recap.indicators
        ],
    }

"""The recap: capaian per indicator, then averaged per position, per bidang and for the agency.

Pure: it receives indicators, their targets and their quarterly results, and
returns numbers. A group's capaian is the mean of the computable capaian of the
indicators in it (each indicator weighs the same); indicators that are missing
or not computable are counted, never averaged in as zero. The bidang of a
position is its nearest Administrator-level position (itself for a Kepala
Bidang or the Sekretaris); the head of the agency belongs to the agency only.

Which realisations count: those of verified and approved reports (`COUNTED_STATES`).
A submitted or draft report's realisation is left out, and the indicator lists its
quarter as "belum diverifikasi"; with `include_unverified` it is counted, and still
listed so. The agency's headline averages only the indicators `in_headline` (a
derived indicator waits for the agency's confirmation); positions and bidang average
all of theirs. A capaian floored at 0 (engine.capaian) is averaged as 0 and counted
in `flagged`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.capaian import DEFAULT_RULES, CapaianRules, Category, Scale, Target, capaian
from engine.indicators import Indicator
from engine.org import Level, OrgTree, Position
from engine.result import Outcome, Result
from engine.targets import ROMAN, QuarterTargets, Rollup, TargetMode, period_realisation, roll_up

MISSING_LABEL = "Belum diisi"
NOT_COMPUTABLE_LABEL = "Tidak dapat dihitung"
UNVERIFIED_LABEL = "belum diverifikasi"
COUNTED_STATES = frozenset({"verified", "approved"})
"""The report states whose realisations the recap counts by default."""


@dataclass(frozen=True)
class RecapBasis:
    """What a recap is computed under: the regency's capaian rules of the year, and whether
    realisations of reports not verified yet (submitted, draft) count."""

    rules: CapaianRules = DEFAULT_RULES
    include_unverified: bool = False

    @property
    def states(self) -> list[str]:
        """The report states whose realisations count."""
        extra = {"submitted", "draft"} if self.include_unverified else set()
        return sorted(COUNTED_STATES | extra)


DEFAULT_BASIS = RecapBasis()


@dataclass(frozen=True)
class IndicatorInput:
    """What the recap needs about one indicator: its targets and its four quarterly results."""

    indicator: Indicator
    targets: QuarterTargets | None
    quarters: Sequence[Result]
    states: Sequence[str | None] = ()
    """The state of the report each quarter's result comes from (None: no report; empty:
    unknown, every result counts)."""


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator in the period: target, realisation (to date), capaian and category."""

    indicator: Indicator
    target: Target | None
    realisation: Result
    capaian: Result
    category: Category | None
    counted: tuple[tuple[int, str], ...] = ()
    """(quarter, report state) of the realisations counted in the period."""
    unverified: tuple[tuple[int, str], ...] = ()
    """(quarter, report state) of the period's realisations not verified yet: left out, or
    counted and marked when the recap includes them."""


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
    flagged: int = 0
    """Indicators whose capaian was floored at 0 (averaged in as 0)."""
    unverified: int = 0
    """Indicators with a realisation of the period not verified yet."""
    left_out: int = 0
    """Indicators not in the headline (derived, unconfirmed): the agency's mean leaves them out."""


@dataclass(frozen=True)
class Recap:
    """The whole recap of a period (a quarter, or the year when `quarter` is None)."""

    year: int
    quarter: int | None
    indicators: list[IndicatorScore]
    positions: list[GroupScore]
    bidang: list[GroupScore]
    agency: list[GroupScore]
    basis: RecapBasis = DEFAULT_BASIS


def period_quarters(item: IndicatorInput, quarter: int | None) -> list[int]:
    """The quarters whose realisations the period's value is made of."""
    upto = quarter or 4
    own = item.targets is not None and item.targets.mode is TargetMode.PER_QUARTER
    if (quarter is not None and own) or item.indicator.rollup is Rollup.LAST:
        return [upto]
    return list(range(1, upto + 1))


def score(
    item: IndicatorInput,
    quarter: int | None,
    *,
    rules: CapaianRules = DEFAULT_RULES,
    include_unverified: bool = False,
) -> IndicatorScore:
    """Score one indicator for a quarter (cumulative or alone, per its targets) or the year,
    from the realisations of verified and approved reports (all, with `include_unverified`)."""
    indicator = item.indicator
    states = list(item.states)
    used = [(q, states[q - 1]) for q in period_quarters(item, quarter) if q <= len(states)]
    pending = tuple((q, s) for q, s in used if s is not None and s not in COUNTED_STATES)
    counted = tuple(
        (q, s) for q, s in used if s is not None and (include_unverified or s in COUNTED_STATES)
    )
    if pending and not include_unverified:
        left = {q for q, _ in pending}
        item = IndicatorInput(
            indicator,
            item.targets,
            [
                Result.missing(f"realisasi TW {ROMAN[i]} {UNVERIFIED_LABEL}")
                if i + 1 in left
                else r
                for i, r in enumerate(item.quarters)
            ],
            item.states,
        )
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
    category = rules.scale.classify(result.value) if result.value is not None else None
    return IndicatorScore(indicator, target, realisation, result, category, counted, pending)


def build_recap(
    tree: OrgTree,
    items: Iterable[IndicatorInput],
    *,
    year: int,
    quarter: int | None,
    basis: RecapBasis = DEFAULT_BASIS,
) -> Recap:
    """Score every indicator and aggregate per position, bidang and agency (tree order)."""
    rules, scale = basis.rules, basis.rules.scale
    scores = [
        score(item, quarter, rules=rules, include_unverified=basis.include_unverified)
        for item in items
    ]
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
            _group(tree.position(pid), tree.position(pid).unit_name, entries, scale, headline=True)
            for pid, entries in agencies.items()
        ],
        basis=basis,
    )


def bidang_of(tree: OrgTree, position: Position) -> Position | None:
    """The Administrator-level unit a position belongs to (itself for a Kepala Bidang)."""
    if position.level is Level.ADMINISTRATOR:
        return position
    return tree.nearest_administrator(position.id)


def _group(
    position: Position,
    label: str,
    entries: list[IndicatorScore],
    scale: Scale,
    *,
    headline: bool = False,
) -> GroupScore:
    everything = entries
    if headline:
        entries = [e for e in entries if e.indicator.in_headline]
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
        flagged=sum(1 for e in entries if e.capaian.flag is not None),
        unverified=sum(1 for e in entries if e.unverified),
        left_out=len(everything) - len(entries),
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
        "flagged": group.flagged,
        "unverified": group.unverified,
        "left_out": group.left_out,
    }


def _quarters_json(pairs: tuple[tuple[int, str], ...]) -> list[dict[str, Any]]:
    return [{"quarter": quarter, "state": state} for quarter, state in pairs]


def recap_json(recap: Recap) -> dict[str, Any]:
    """The recap as JSON-ready data (CLI and API); numbers as exact decimal strings.

    It records the rules it was computed with and which realisations it counted."""
    return {
        "year": recap.year,
        "quarter": recap.quarter,
        "rules": recap.basis.rules.as_json(),
        "counted_states": recap.basis.states,
        "include_unverified": recap.basis.include_unverified,
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
                "flag": item.capaian.flag,
                "category": item.category.name if item.category else None,
                "in_headline": item.indicator.in_headline,
                "counted": _quarters_json(item.counted),
                "unverified": _quarters_json(item.unverified),
            }
            for item in recap.indicators
        ],
    }

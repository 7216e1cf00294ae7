"""The pohon kinerja: the cascade of indicators from the head's IKU down to every IKI.

Each indicator may name the indicator above it (`parent_id`): staff IKI support the
Kepala Seksi's, which support the Kepala Bidang's, which support the IKU. The tree is built
from a recap, so every node carries the capaian the recap computed for the period (the
same numbers as the dashboard). Two lists tell the planner where the cascade is broken:
indicators that support nothing (no parent although their position has a superior) and
indicators nothing supports (no child although their position has subordinates with
indicators in the year).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.formatting import format_number_id, format_percent_id
from engine.org import OrgTree, Position
from engine.recap import IndicatorScore, Recap


@dataclass(frozen=True)
class TreeNode:
    """One indicator in the cascade with its score in the period and what supports it."""

    score: IndicatorScore
    position: Position
    children: tuple[TreeNode, ...]
    orphan: bool = False
    """It supports nothing although its position has a superior."""
    barren: bool = False
    """Nothing supports it although its position has subordinates with indicators."""

    @property
    def code(self) -> str:
        """The indicator's code."""
        return self.score.indicator.code

    @property
    def target_text(self) -> str:
        """The period's target as people read it ("-" without an approved PK target)."""
        target = self.score.target
        return "-" if target is None else target.display

    @property
    def realisation_text(self) -> str:
        """The realisation to date at the indicator's decimals, or why there is none."""
        result = self.score.realisation
        if result.value is None:
            return result.label
        return format_number_id(result.value, self.score.indicator.decimals)

    @property
    def capaian_text(self) -> str:
        """The capaian in per cent, or why there is none."""
        result = self.score.capaian
        return result.label if result.value is None else format_percent_id(result.value)

    @property
    def category_name(self) -> str | None:
        """The category of the capaian (None when there is no capaian)."""
        return None if self.score.category is None else self.score.category.name

    def walk(self, depth: int = 0) -> list[tuple[int, TreeNode]]:
        """(depth, node) of this node and everything under it, depth first."""
        found = [(depth, self)]
        for child in self.children:
            found.extend(child.walk(depth + 1))
        return found


@dataclass(frozen=True)
class PerformanceTree:
    """The whole cascade of a period, and where it is broken."""

    year: int
    quarter: int | None
    roots: tuple[TreeNode, ...]
    """Indicators without a parent: the head's IKU first, then the orphans, in tree order."""
    orphans: tuple[TreeNode, ...]
    barren: tuple[TreeNode, ...]

    def rows(self) -> list[tuple[int, TreeNode]]:
        """Every node with its depth, depth first from each root (the printed tree)."""
        return [row for root in self.roots for row in root.walk()]


def build_tree(tree: OrgTree, recap: Recap) -> PerformanceTree:
    """The cascade of every indicator in `recap`, placed by `parent_id`, ordered as the
    organisation tree and the catalogue order the recap keeps."""
    positions = {p.id: p for p in tree.positions}
    order = {p.id: n for n, p in enumerate(p for r in tree.roots() for _, p in tree.walk(r.id))}
    scores = [s for s in recap.indicators if s.indicator.position_id in positions]
    scores.sort(key=lambda s: order.get(s.indicator.position_id, len(order)))
    known = {s.indicator.id for s in scores}
    children: dict[int, list[IndicatorScore]] = {}
    for s in scores:
        if s.indicator.parent_id in known:
            children.setdefault(s.indicator.parent_id or 0, []).append(s)
    # Positions with a subordinate (at any depth) holding indicators: each position with
    # indicators marks its superiors, once (a regency has thousands of indicators).
    above_indicators: set[int] = set()
    for position_id in {s.indicator.position_id for s in scores}:
        parent = positions[position_id].parent_id
        while parent is not None and parent not in above_indicators and parent in positions:
            above_indicators.add(parent)
            parent = positions[parent].parent_id

    def node(score: IndicatorScore) -> TreeNode:
        position = positions[score.indicator.position_id]
        kids = tuple(node(child) for child in children.get(score.indicator.id, []))
        orphan = score.indicator.parent_id not in known and position.parent_id is not None
        barren = not kids and position.id in above_indicators
        return TreeNode(score, position, kids, orphan, barren)

    roots = tuple(node(s) for s in scores if s.indicator.parent_id not in known)
    everything = [n for root in roots for _, n in root.walk()]
    return PerformanceTree(
        recap.year,
        recap.quarter,
        roots,
        tuple(n for n in everything if n.orphan),
        tuple(n for n in everything if n.barren),
    )

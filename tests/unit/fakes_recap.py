"""An in-memory recap repository for the recap and dashboard use-case tests.

Indicators of the small agency of tests/unit/fakes.py (a Kepala Dinas, a Kepala Bidang,
a Kepala Seksi) with targets and quarterly results; `recap` computes with the engine's
`build_recap` and, like the real cache, hands back the same object for the same period.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from engine.capaian import Polarity, Target
from engine.formulas import Variable, parse
from engine.indicators import Indicator, IndicatorKind
from engine.org import OrgTree
from engine.ports import EntryInputs, RecapData
from engine.recap import DEFAULT_BASIS, IndicatorInput, RecapBasis, build_recap
from engine.result import Result
from engine.targets import QuarterTargets, Rollup, TargetMode
from tests.unit.fakes import KABID, KADIS, KASI, TREE


def indicator(number: int, position: int, *, year: int = 2021) -> Indicator:
    """An indicator counted in `x`, summed over the quarters."""
    return Indicator(
        id=number,
        code=f"i{number}",
        position_id=position,
        year=year,
        kind=IndicatorKind.IKI,
        kinerja="k",
        name=f"Indikator {number}",
        unit="jumlah",
        formula=parse("x", [Variable("x", "X")]),
        data_source="-",
        polarity=Polarity.POSITIVE,
        rollup=Rollup.SUM,
        target_mode=TargetMode.CUMULATIVE,
        decimals=2,
    )


def cumulative(annual: int) -> QuarterTargets:
    """Targets growing by a quarter of `annual` each quarter."""
    quarters = tuple(Target.exactly(annual * q // 4) for q in range(1, 5))
    return QuarterTargets(Target.exactly(annual), quarters)  # type: ignore[arg-type]


def ok(*values: int) -> list[Result]:
    return [Result.ok(Decimal(v)) for v in values]


ITEMS = (
    IndicatorInput(indicator(1, KADIS), cumulative(200), ok(50, 50)),  # TW II: 100%
    IndicatorInput(indicator(2, KABID), cumulative(100), ok(20, 25)),  # TW II: 90%
    IndicatorInput(indicator(3, KASI), cumulative(100), ok(15, 20)),  # TW II: 70%
    IndicatorInput(indicator(4, KASI, year=2022), cumulative(100), ok(25)),
)
ENTRIES = {
    (2, 1): EntryInputs(2, 1, 71, "approved", {"x": "20"}),
    (3, 2): EntryInputs(3, 2, 72, "draft", no_data_reason="survei belum selesai"),
    (4, 1): EntryInputs(4, 1, 81, "draft", {"x": "25"}),
}


class FakeRecaps:
    """engine.ports.RecapRepository in memory; `asked` records each question."""

    def __init__(
        self,
        tree: OrgTree = TREE,
        items: Sequence[IndicatorInput] = ITEMS,
        entries: dict[tuple[int, int], EntryInputs] | None = None,
        years: Sequence[int] = (2022, 2021),
        agencies: dict[str, int] | None = None,
    ) -> None:
        self.tree = tree
        self.items = list(items)
        self.entries = ENTRIES if entries is None else entries
        self.years = list(years)
        self.agencies = {"dinas": 1} if agencies is None else agencies
        self.asked: list[tuple[object, ...]] = []
        self._recaps: dict[tuple[int, int | None, str | None, RecapBasis], RecapData] = {}
        self.bases: list[RecapBasis] = []
        """The basis of each recap asked for (rules, which reports count)."""

    def recap(
        self,
        *,
        year: int,
        quarter: int | None,
        agency_code: str | None = None,
        basis: RecapBasis = DEFAULT_BASIS,
    ) -> RecapData:
        self.asked.append(("recap", year, quarter, agency_code))
        self.bases.append(basis)
        key = (year, quarter, agency_code, basis)
        if key not in self._recaps:
            agency = None if agency_code is None else self.agencies.get(agency_code, -1)
            items = [
                item
                for item in self.items
                if item.indicator.year == year
                and (
                    agency is None
                    or self.tree.position(item.indicator.position_id).agency_id == agency
                )
            ]
            self._recaps[key] = RecapData(
                items, build_recap(self.tree, items, year=year, quarter=quarter, basis=basis)
            )
        return self._recaps[key]

    def org_tree(self) -> OrgTree:
        self.asked.append(("org_tree",))
        return self.tree

    def entry_inputs(
        self, *, year: int, indicator_ids: Collection[int]
    ) -> dict[tuple[int, int], EntryInputs]:
        self.asked.append(("entry_inputs", year, tuple(indicator_ids)))
        return {key: entry for key, entry in self.entries.items() if key[0] in indicator_ids}

    def years_with_data(self) -> list[int]:
        self.asked.append(("years_with_data",))
        return list(self.years)

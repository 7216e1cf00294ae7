"""The demo's numbers (kinerja.demo.numbers): targets come from the plan, not the realisations;
shared facts are shared; counts are whole (issue 16, item 12)."""

from __future__ import annotations

import random
from decimal import Decimal

from engine.capaian import Polarity
from engine.formulas import Variable, parse
from engine.indicators import Indicator, IndicatorKind
from engine.targets import Rollup, TargetMode
from kinerja.demo.budget import budget_total, demo_budgets
from kinerja.demo.numbers import GresikWorld, demo_plan
from tests.unit.fakes import TREE


def indicator(
    code: str, expression: str, *variables: Variable, rollup: Rollup = Rollup.LAST
) -> Indicator:
    return Indicator(
        id=hash(code) % 1000, code=code, position_id=1, year=2021, kind=IndicatorKind.IKI,
        kinerja="Sasaran", name=code, unit="%", formula=parse(expression, variables),
        data_source="", polarity=Polarity.POSITIVE, rollup=rollup,
        target_mode=TargetMode.CUMULATIVE, decimals=2,
    )  # fmt: skip


FACILITATED = indicator(
    "um-1",
    "um_difasilitasi / um_seluruh * 100",
    Variable("um_difasilitasi", unit="jumlah"),
    Variable("um_seluruh", unit="jumlah"),
)


def test_targets_do_not_depend_on_what_was_realised() -> None:
    world = GresikWorld(random.Random(1))
    first = demo_plan(FACILITATED, world)
    # Whatever happened in the year, the PK signed in January says the same.
    world.realised["um_difasilitasi"] = [Decimal(1)] * 4
    again = demo_plan(FACILITATED, world)
    assert again.targets == first.targets
    assert [v["um_difasilitasi"] for v in again.inputs] == [Decimal(1)] * 4
    # A cumulative path to date: rising to the annual target in TW IV.
    quarters = [Decimal(first.targets[f"tw{q}"]) for q in range(1, 5)]
    assert quarters == sorted(quarters) and quarters[-1] == Decimal(first.targets["annual"])
    assert Decimal(2) < Decimal(first.targets["annual"]) < Decimal(6)  # 3-5 % planned a year


def test_shared_facts_are_the_same_number_everywhere_and_counts_are_whole() -> None:
    world = GresikWorld(random.Random(2))
    kadis = demo_plan(FACILITATED, world)
    kasi = demo_plan(
        indicator(
            "um-2", "um_terdata / um_seluruh * 100",
            Variable("um_terdata", unit="jumlah"), Variable("um_seluruh", unit="jumlah"),
        ),
        world,
    )  # fmt: skip
    for quarter in range(4):
        assert kadis.inputs[quarter]["um_seluruh"] == kasi.inputs[quarter]["um_seluruh"]
        for values in (kadis.inputs[quarter], kasi.inputs[quarter]):
            assert all(v == v.to_integral_value() for v in values.values())
    assert 98_000 <= kadis.inputs[0]["um_seluruh"] <= 112_000


def test_ihk_is_a_monthly_change_and_negative_only_where_allowed() -> None:
    months = [Variable(f"ihk_bulan_{m}", unit="%") for m in (1, 2, 3)]
    ihk = indicator("ihk", "(ihk_bulan_1 + ihk_bulan_2 + ihk_bulan_3) / 3", *months)
    plan = demo_plan(ihk, GresikWorld(random.Random(3)))
    values = [v for quarter in plan.inputs for v in quarter.values()]
    assert all(Decimal(0) <= v <= Decimal(1) for v in values)  # not declared negative: no minus
    assert plan.targets["annual"] == "0.40"


def test_the_budget_of_each_pk_covers_its_subordinates() -> None:
    positions = {p.id: p for p in TREE.positions}
    budgets = demo_budgets(positions, random.Random(4))
    for position in positions.values():
        children = [c for c in positions.values() if c.parent_id == position.id]
        below = sum((budget_total(budgets[c.id]) for c in children), Decimal(0))
        assert budget_total(budgets[position.id]) >= below, position.code
    head = next(p for p in positions.values() if p.parent_id is None)
    assert budget_total(budgets[head.id]) == sum(
        (budget_total(budgets[c.id]) for c in positions.values() if c.parent_id == head.id),
        Decimal(0),
    )
    assert all(line.kegiatan is None for line in budgets[head.id])  # programmes only

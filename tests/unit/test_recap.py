"""The pure recap: indicator capaian averaged per position, bidang and agency."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from engine.capaian import CapaianRules, Polarity, Scale, Target
from engine.formulas import Variable, parse
from engine.indicators import Indicator, IndicatorKind, Origin
from engine.org import Level, OrgTree, Position
from engine.recap import (
    MISSING_LABEL,
    NOT_COMPUTABLE_LABEL,
    IndicatorInput,
    RecapBasis,
    build_recap,
    recap_json,
)
from engine.result import Result
from engine.targets import QuarterTargets, Rollup, TargetMode

TREE = OrgTree(
    [
        Position(1, 1, "kadis", "Kepala Dinas", "Dinas", Level.JPT_PRATAMA, None),
        Position(2, 1, "kabid", "Kepala Bidang", "Bidang Satu", Level.ADMINISTRATOR, 1),
        Position(3, 1, "kasi", "Kepala Seksi", "Seksi Satu", Level.PENGAWAS, 2),
        Position(4, 1, "staf", "Pengelola", "Seksi Satu", Level.PELAKSANA, 3),
    ]
)


def indicator(number: int, position: int, rollup: Rollup = Rollup.SUM) -> Indicator:
    return Indicator(
        id=number,
        code=f"i{number}",
        position_id=position,
        year=2021,
        kind=IndicatorKind.IKI,
        kinerja="k",
        name=f"Indikator {number}",
        unit="jumlah",
        formula=parse("x", [Variable("x", "X")]),
        data_source="-",
        polarity=Polarity.POSITIVE,
        rollup=rollup,
        target_mode=TargetMode.CUMULATIVE,
        decimals=2,
    )


def cumulative(annual: int) -> QuarterTargets:
    quarters = tuple(Target.exactly(annual * q // 4) for q in range(1, 5))
    return QuarterTargets(Target.exactly(annual), quarters)  # type: ignore[arg-type]


def ok(*values: int) -> list[Result]:
    return [Result.ok(Decimal(v)) for v in values]


ITEMS = [
    # kadis: 100 of 100 by TW II -> 100%
    IndicatorInput(indicator(1, 1), cumulative(200), ok(50, 50)),
    # kabid: 45 of 50 -> 90%
    IndicatorInput(indicator(2, 2), cumulative(100), ok(20, 25)),
    # kasi: 35 of 50 -> 70%; and one not computable (target zero)
    IndicatorInput(indicator(3, 3), cumulative(100), ok(15, 20)),
    IndicatorInput(indicator(4, 3), cumulative(0), ok(1, 1)),
    # staf: TW II missing -> missing, never averaged as zero
    IndicatorInput(indicator(5, 4), cumulative(100), [Result.ok(Decimal(10))]),
]


def test_groups_average_their_computable_indicators() -> None:
    recap = build_recap(TREE, ITEMS, year=2021, quarter=2)
    by_code = {g.key: g for g in recap.positions}
    assert by_code["kadis"].capaian.value == Decimal(100)
    assert by_code["kabid"].capaian.value == Decimal(90)
    assert by_code["kasi"].capaian.value == Decimal(70)
    assert by_code["kasi"].counts[NOT_COMPUTABLE_LABEL] == 1
    assert by_code["staf"].capaian.value is None
    assert by_code["staf"].counts[MISSING_LABEL] == 1
    (bidang,) = recap.bidang
    assert (bidang.key, bidang.label) == ("kabid", "Bidang Satu")
    # The bidang holds kabid, kasi and staf (not the Kepala Dinas): (90 + 70) / 2
    assert bidang.capaian.value == Decimal(80)
    assert bidang.indicators == 4
    (agency,) = recap.agency
    assert agency.capaian.value == Decimal(260) / 3
    assert agency.category is not None and agency.category.name == "Tinggi"
    assert agency.counts == {
        "Sangat Tinggi": 1,
        "Tinggi": 1,
        "Sedang": 1,
        "Rendah": 0,
        "Sangat Rendah": 0,
        MISSING_LABEL: 1,
        NOT_COMPUTABLE_LABEL: 1,
    }


def test_the_year_needs_all_quarters() -> None:
    recap = build_recap(TREE, ITEMS, year=2021, quarter=None)
    assert all(not s.capaian.computable for s in recap.indicators)
    full = [IndicatorInput(indicator(1, 1), cumulative(200), ok(50, 50, 50, 40))]
    (score,) = build_recap(TREE, full, year=2021, quarter=None).indicators
    assert score.realisation.value == Decimal(190)
    assert score.capaian.value == Decimal(95)
    assert score.category is not None and score.category.name == "Sangat Tinggi"


def test_without_targets_the_realisation_still_shows() -> None:
    item = IndicatorInput(indicator(1, 1, Rollup.LAST), None, ok(7, 9))
    (score,) = build_recap(TREE, [item], year=2021, quarter=2).indicators
    assert score.realisation.value == Decimal(9)
    assert score.capaian.reason == "target belum ditetapkan"
    assert score.target is None


def test_groups_of_two_agencies_with_the_same_codes_stay_apart() -> None:
    """Position codes are unique within an agency only: a regency repeats them."""
    tree = OrgTree(
        [
            *TREE.positions,
            Position(11, 2, "kadis", "Kepala Badan", "Badan", Level.JPT_PRATAMA, None),
            Position(12, 2, "kabid", "Kepala Bidang", "Bidang Dua", Level.ADMINISTRATOR, 11),
        ]
    )
    items = [
        *ITEMS,
        IndicatorInput(indicator(21, 11), cumulative(100), ok(10, 10)),  # 20 of 50 -> 40%
        IndicatorInput(indicator(22, 12), cumulative(100), ok(25, 25)),  # 50 of 50 -> 100%
    ]
    recap = build_recap(tree, items, year=2021, quarter=2)
    by_id = {g.position_id: g for g in recap.positions}
    assert [g.key for g in recap.positions].count("kadis") == 2
    assert by_id[1].capaian.value == Decimal(100)
    assert by_id[11].capaian.value == Decimal(40)
    assert {g.position_id: g.capaian.value for g in recap.bidang} == {
        2: Decimal(80),
        12: Decimal(100),
    }
    assert [(g.position_id, g.label) for g in recap.agency] == [(1, "Dinas"), (11, "Badan")]


def test_dashboard_sections_of_two_agencies_with_the_same_codes_stay_apart() -> None:
    from engine.usecases.dashboard import bidang_sections, leader_scores

    tree = OrgTree(
        [
            *TREE.positions,
            Position(11, 2, "kadis", "Kepala Badan", "Badan", Level.JPT_PRATAMA, None),
            Position(12, 2, "kabid", "Kepala Bidang", "Bidang Dua", Level.ADMINISTRATOR, 11),
            Position(13, 2, "kasi", "Kepala Seksi", "Seksi Dua", Level.PENGAWAS, 12),
        ]
    )
    items = [*ITEMS, IndicatorInput(indicator(23, 13), cumulative(100), ok(25, 25))]
    recap = build_recap(tree, items, year=2021, quarter=2)
    sections = bidang_sections(tree, recap, None)
    assert [(s.position.id, [g.position_id for g in s.positions]) for s in sections] == [
        (2, [2, 3, 4]),
        (12, [13]),
    ]
    assert [g.position_id for g in leader_scores(tree, recap)] == [1]


# --- which realisations count, floors and the headline (issue 16, items 4 and 8) --------


def _states(*states: str | None) -> list[str | None]:
    return list(states)


def test_only_verified_and_approved_realisations_count_by_default() -> None:
    # kabid: TW I 20 (approved) + TW II 25 (submitted). By default TW II is left out:
    # the cumulative TW II value is missing, and TW II is listed as not verified.
    item = IndicatorInput(
        indicator(2, 2), cumulative(100), ok(20, 25), _states("approved", "submitted")
    )
    recap = build_recap(TREE, [item], year=2021, quarter=2)
    (score,) = recap.indicators
    assert score.capaian.value is None
    assert score.realisation.reason == "realisasi TW II"
    assert score.counted == ((1, "approved"),)
    assert score.unverified == ((2, "submitted"),)
    assert recap.positions[0].unverified == 1
    # TW I alone is measured: 20 of 25 -> 80 %, nothing unverified in the period.
    (first,) = build_recap(TREE, [item], year=2021, quarter=1).indicators
    assert (first.capaian.value, first.unverified) == (Decimal(80), ())


def test_the_switch_counts_submitted_and_draft_realisations_and_still_marks_them() -> None:
    item = IndicatorInput(
        indicator(2, 2), cumulative(100), ok(20, 25), _states("verified", "draft")
    )
    basis = RecapBasis(include_unverified=True)
    recap = build_recap(TREE, [item], year=2021, quarter=2, basis=basis)
    (score,) = recap.indicators
    assert score.capaian.value == Decimal(90)  # (20 + 25) / 50
    assert score.counted == ((1, "verified"), (2, "draft"))
    assert score.unverified == ((2, "draft"),)
    data = recap_json(recap)
    assert data["include_unverified"] is True
    assert data["counted_states"] == ["approved", "draft", "submitted", "verified"]
    assert data["indicators"][0]["unverified"] == [{"quarter": 2, "state": "draft"}]


def test_last_value_indicator_counts_only_its_own_quarter() -> None:
    # Rollup LAST: TW II's value is TW II's; an unverified TW I does not matter.
    item = IndicatorInput(
        indicator(1, 1, Rollup.LAST), cumulative(100), ok(10, 50), _states("draft", "approved")
    )
    (score,) = build_recap(TREE, [item], year=2021, quarter=2).indicators
    assert (score.capaian.value, score.counted, score.unverified) == (
        Decimal(100),
        ((2, "approved"),),
        (),
    )


def test_a_floored_capaian_is_averaged_as_zero_and_flagged() -> None:
    # kasi: 35 of 50 -> 70 %; and -730,325 of 50 -> -1460,65 %, floored at 0 and flagged.
    items = [
        IndicatorInput(indicator(3, 3), cumulative(100), ok(15, 20)),
        IndicatorInput(
            indicator(6, 3, Rollup.LAST),
            cumulative(100),
            [Result.ok(Decimal(0)), Result.ok(Decimal("-730.325"))],
        ),
    ]
    recap = build_recap(TREE, items, year=2021, quarter=2)
    (kasi,) = recap.positions
    assert kasi.capaian.value == Decimal(35)  # (70 + 0) / 2, not (70 - 1460,65) / 2
    assert kasi.flagged == 1
    assert recap.indicators[1].capaian.flag == "dibatasi 0: hasil hitung -1.460,65 %"
    assert recap_json(recap)["indicators"][1]["flag"] == "dibatasi 0: hasil hitung -1.460,65 %"
    assert recap_json(recap)["positions"][0]["flagged"] == 1


def test_the_agency_headline_leaves_out_unconfirmed_derived_indicators() -> None:
    derived = dataclasses.replace(indicator(1, 1), origin=Origin.DERIVED)
    items = [
        IndicatorInput(derived, cumulative(100), ok(5, 5)),  # 10 of 50: 20 %
        IndicatorInput(indicator(2, 2), cumulative(100), ok(20, 25)),  # 90 %
    ]
    recap = build_recap(TREE, items, year=2021, quarter=2)
    (agency,) = recap.agency
    assert agency.capaian.value == Decimal(90)  # not (20 + 90) / 2
    assert (agency.indicators, agency.left_out) == (1, 1)
    assert recap.positions[0].capaian.value == Decimal(20)  # the position shows it
    confirmed = dataclasses.replace(derived, confirmed=True)
    items[0] = IndicatorInput(confirmed, cumulative(100), ok(5, 5))
    (agency,) = build_recap(TREE, items, year=2021, quarter=2).agency
    assert agency.capaian.value == Decimal(55)
    assert recap_json(recap)["indicators"][0]["in_headline"] is False


def test_the_recap_records_its_rules() -> None:
    scale = Scale.from_rows(
        "Perbup 7/2020", [("Baik", "80", "#00aa00"), ("Kurang", None, "#aa0000")]
    )
    rules = CapaianRules(cap=Decimal(100), scale=scale)
    item = IndicatorInput(indicator(1, 1), cumulative(100), ok(30, 30))  # 60 of 50: 120 %
    recap = build_recap(TREE, [item], year=2021, quarter=2, basis=RecapBasis(rules))
    (score,) = recap.indicators
    assert score.capaian.value == Decimal(100)  # capped
    assert score.category is not None and score.category.name == "Baik"
    data = recap_json(recap)
    assert data["rules"]["scale"] == "Perbup 7/2020"
    assert data["rules"]["cap"] == "100"
    assert data["include_unverified"] is False
    assert data["counted_states"] == ["approved", "verified"]
    assert set(recap.agency[0].counts) == {"Baik", "Kurang", MISSING_LABEL, NOT_COMPUTABLE_LABEL}

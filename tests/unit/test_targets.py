"""Tests for engine.targets: quarterly targets, roll-ups and quarterly/yearly capaian."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.capaian import CapaianRules, Polarity, Target, parse_target
from engine.result import Outcome, Result
from engine.targets import (
    QuarterTargets,
    Rollup,
    TargetCheck,
    TargetMode,
    quarter_capaian,
    roll_up,
    yearly_capaian,
)

D = Decimal
POS = Polarity.POSITIVE
NEG = Polarity.NEGATIVE
CUM = TargetMode.CUMULATIVE
PER = TargetMode.PER_QUARTER


def T(value: int | str) -> Target:
    return parse_target(value if isinstance(value, str) else D(value))


def quarters(*values: int | str | None) -> tuple[Target | None, ...]:
    assert len(values) == 4
    return tuple(None if v is None else T(v) for v in values)


def targets(annual: int | str, *values: int | str | None, mode: TargetMode = CUM) -> QuarterTargets:
    return QuarterTargets(T(annual), quarters(*values), mode)  # type: ignore[arg-type]


def ok(*values: int | str) -> list[Result]:
    return [Result.ok(D(v)) for v in values]


def _value(result: Result) -> Decimal:
    assert result.outcome is Outcome.OK, result
    assert result.value is not None
    return result.value


# ---------------------------------------------------------------------------
# QuarterTargets.for_quarter
# ---------------------------------------------------------------------------


def test_for_quarter_returns_each_quarter() -> None:
    qt = targets(100, 25, 50, None, 100)
    assert qt.mode is CUM
    assert qt.for_quarter(1) == T(25)
    assert qt.for_quarter(2) == T(50)
    assert qt.for_quarter(3) is None
    assert qt.for_quarter(4) == T(100)


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_for_quarter_rejects_out_of_range(quarter: int) -> None:
    with pytest.raises(ValueError, match=r"quarter must be 1\.\.4"):
        targets(100, 25, 50, 75, 100).for_quarter(quarter)


def test_default_mode_is_cumulative() -> None:
    assert QuarterTargets(T(1), (None, None, None, None)).mode is TargetMode.CUMULATIVE


# ---------------------------------------------------------------------------
# check(): cumulative
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("rollup", list(Rollup))
def test_cumulative_increasing_and_matching_is_clean(rollup: Rollup) -> None:
    assert targets(100, 25, 50, 75, 100).check(rollup) == TargetCheck()
    assert targets(100, 25, 25, 100, 100).check(rollup) == TargetCheck()  # equal is fine


def test_cumulative_decrease_warns() -> None:
    check = targets(100, 30, 25, 60, 100).check(Rollup.SUM)
    assert check.warnings == ("target kumulatif TW II (25) lebih kecil dari TW I (30)",)
    assert check.reason_required is None


def test_cumulative_several_decreases_warn_each() -> None:
    check = targets(100, 50, 40, 30, 100).check(Rollup.LAST)
    assert check.warnings == (
        "target kumulatif TW II (40) lebih kecil dari TW I (50)",
        "target kumulatif TW III (30) lebih kecil dari TW II (40)",
    )
    assert check.reason_required is None


def test_falling_path_on_negative_polarity_is_expected() -> None:
    # SIINas share still to verify, 80/70/60/50: the plan itself, no warning (issue 16, item 6)
    check = targets(50, 80, 70, 60, 50).check(Rollup.LAST, Polarity.NEGATIVE)
    assert check == TargetCheck()


def test_falling_path_on_positive_polarity_warns_three_times() -> None:
    check = targets(50, 80, 70, 60, 50).check(Rollup.LAST, Polarity.POSITIVE)
    assert check.warnings == (
        "target kumulatif TW II (70) lebih kecil dari TW I (80)",
        "target kumulatif TW III (60) lebih kecil dari TW II (70)",
        "target kumulatif TW IV (50) lebih kecil dari TW III (60)",
    )


def test_negative_polarity_still_requires_tw_iv_reason() -> None:
    check = targets(40, 80, 70, 60, 50).check(Rollup.LAST, Polarity.NEGATIVE)
    assert check.warnings == ()
    assert check.reason_required == "target TW IV (50) berbeda dari target tahunan (40)"


def test_cumulative_decrease_across_a_gap_warns() -> None:
    check = targets(100, 30, None, 20, 100).check(Rollup.SUM)
    assert check.warnings == ("target kumulatif TW III (20) lebih kecil dari TW I (30)",)


def test_cumulative_decrease_of_range_upper_bound_warns() -> None:
    check = targets("90-100", "40-50", "30-45", "70-80", "90-100").check(Rollup.LAST)
    assert check.warnings == ("target kumulatif TW II (30-45) lebih kecil dari TW I (40-50)",)
    assert check.reason_required is None


def test_cumulative_tw_iv_differs_requires_reason() -> None:
    check = targets(100, 25, 50, 75, 90).check(Rollup.SUM)
    assert check.warnings == ()
    assert check.reason_required == "target TW IV (90) berbeda dari target tahunan (100)"


def test_cumulative_warning_and_reason_together() -> None:
    check = targets(100, 60, 50, 75, 95).check(Rollup.SUM)
    assert check.warnings == ("target kumulatif TW II (50) lebih kecil dari TW I (60)",)
    assert check.reason_required == "target TW IV (95) berbeda dari target tahunan (100)"


def test_cumulative_tw_iv_equal_in_value_needs_no_reason() -> None:
    qt = QuarterTargets(T(100), (T(25), T(50), T(75), Target.exactly(D("100.00"))))
    assert qt.check(Rollup.SUM).reason_required is None


def test_cumulative_tw_iv_missing_needs_no_reason_yet() -> None:
    assert targets(100, 25, 50, 75, None).check(Rollup.SUM) == TargetCheck()


def test_cumulative_range_tw_iv_must_equal_annual_range() -> None:
    assert targets("80-90", 20, 40, 60, "80-90").check(Rollup.LAST).reason_required is None
    check = targets("80-90", 20, 40, 60, "80-95").check(Rollup.LAST)
    assert check.reason_required == "target TW IV (80-95) berbeda dari target tahunan (80-90)"


# ---------------------------------------------------------------------------
# check(): per quarter
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rollup", "values", "annual"),
    [
        (Rollup.SUM, (25, 25, 25, 25), 100),
        (Rollup.SUM, (10, 20, 30, 40), 100),
        (Rollup.LAST, (70, 75, 80, 85), 85),
        (Rollup.LAST, (90, 10, 50, 85), 85),
        (Rollup.AVERAGE, (90, 95, 100, 95), 95),
        (Rollup.AVERAGE, (1, 1, 1, 2), "1.25"),
    ],
)
def test_per_quarter_rollup_matching_annual_is_clean(
    rollup: Rollup, values: tuple[int, ...], annual: int | str
) -> None:
    assert targets(annual, *values, mode=PER).check(rollup) == TargetCheck()


@pytest.mark.parametrize(
    ("rollup", "values", "annual", "reason"),
    [
        (
            Rollup.SUM,
            (25, 25, 25, 20),
            100,
            "target keempat triwulan (sum: 95) berbeda dari target tahunan (100)",
        ),
        (
            Rollup.LAST,
            (70, 75, 80, 84),
            85,
            "target keempat triwulan (last: 84) berbeda dari target tahunan (85)",
        ),
        (
            Rollup.AVERAGE,
            (90, 95, 100, 96),
            95,
            "target keempat triwulan (average: 95.25) berbeda dari target tahunan (95)",
        ),
        (
            Rollup.AVERAGE,
            (25, 25, 25, 25),
            100,
            "target keempat triwulan (average: 25) berbeda dari target tahunan (100)",
        ),
    ],
)
def test_per_quarter_rollup_differing_requires_reason(
    rollup: Rollup, values: tuple[int, ...], annual: int, reason: str
) -> None:
    check = targets(annual, *values, mode=PER).check(rollup)
    assert check.warnings == ()
    assert check.reason_required == reason


def test_per_quarter_decrease_is_not_a_warning() -> None:
    assert targets(100, 40, 30, 20, 10, mode=PER).check(Rollup.SUM) == TargetCheck()


def test_per_quarter_incomplete_or_range_needs_no_reason() -> None:
    assert targets(100, 25, None, 25, 25, mode=PER).check(Rollup.SUM) == TargetCheck()
    assert targets(100, 25, "20-30", 25, 25, mode=PER).check(Rollup.SUM) == TargetCheck()


# ---------------------------------------------------------------------------
# roll_up
# ---------------------------------------------------------------------------

VALUES = ok(10, 20, 30, 40)


@pytest.mark.parametrize(
    ("rollup", "upto", "expected"),
    [
        (Rollup.SUM, 1, D(10)),
        (Rollup.SUM, 2, D(30)),
        (Rollup.SUM, 3, D(60)),
        (Rollup.SUM, 4, D(100)),
        (Rollup.LAST, 1, D(10)),
        (Rollup.LAST, 2, D(20)),
        (Rollup.LAST, 3, D(30)),
        (Rollup.LAST, 4, D(40)),
        (Rollup.AVERAGE, 1, D(10)),
        (Rollup.AVERAGE, 2, D(15)),
        (Rollup.AVERAGE, 3, D(20)),
        (Rollup.AVERAGE, 4, D(25)),
    ],
)
def test_roll_up_to_date(rollup: Rollup, upto: int, expected: Decimal) -> None:
    assert _value(roll_up(VALUES, upto, rollup)) == expected


def test_roll_up_decimals_are_exact() -> None:
    values = ok("0.1", "0.2", "0.3", "0.4")
    assert _value(roll_up(values, 4, Rollup.SUM)) == D(1)
    assert _value(roll_up(values, 3, Rollup.AVERAGE)) == D("0.2")
    assert _value(roll_up(ok("101.5", "102", "102.5", "103"), 4, Rollup.AVERAGE)) == D("102.25")


def test_roll_up_ignores_later_quarters() -> None:
    values = [*ok(10, 20), Result.not_computable("x"), Result.missing("y")]
    assert _value(roll_up(values, 2, Rollup.SUM)) == D(30)
    assert _value(roll_up(values, 2, Rollup.AVERAGE)) == D(15)
    assert _value(roll_up(values, 2, Rollup.LAST)) == D(20)


def test_last_ignores_earlier_missing_quarters() -> None:
    values = [Result.missing("a"), Result.missing("b"), *ok(30, 40)]
    assert _value(roll_up(values, 3, Rollup.LAST)) == D(30)


@pytest.mark.parametrize("rollup", [Rollup.SUM, Rollup.AVERAGE])
def test_missing_quarters_are_named(rollup: Rollup) -> None:
    values = [Result.ok(D(10)), Result.missing("-"), Result.missing("-"), Result.ok(D(5))]
    result = roll_up(values, 4, rollup)
    assert result.outcome is Outcome.MISSING
    assert result.value is None
    assert result.reason == "realisasi TW II, TW III"


def test_last_missing_names_the_quarter() -> None:
    values = [*ok(10, 20), Result.missing("-"), Result.ok(D(5))]
    assert roll_up(values, 3, Rollup.LAST) == Result.missing("realisasi TW III")


@pytest.mark.parametrize("rollup", list(Rollup))
def test_short_sequence_means_missing_quarters(rollup: Rollup) -> None:
    result = roll_up(ok(10), 3, rollup)
    assert result.outcome is Outcome.MISSING
    expected = "realisasi TW III" if rollup is Rollup.LAST else "realisasi TW II, TW III"
    assert result.reason == expected


@pytest.mark.parametrize("rollup", list(Rollup))
def test_no_realisations_at_all(rollup: Rollup) -> None:
    result = roll_up([], 4, rollup)
    assert result.outcome is Outcome.MISSING
    expected = (
        "realisasi TW IV" if rollup is Rollup.LAST else "realisasi TW I, TW II, TW III, TW IV"
    )
    assert result.reason == expected


@pytest.mark.parametrize("rollup", list(Rollup))
def test_not_computable_quarter_propagates(rollup: Rollup) -> None:
    values = [
        Result.ok(D(10)),
        Result.missing("-"),
        Result.not_computable("pembagian dengan nol: 'b' bernilai 0"),
        Result.ok(D(5)),
    ]
    upto = 3 if rollup is Rollup.LAST else 4
    result = roll_up(values, upto, rollup)
    assert result.outcome is Outcome.NOT_COMPUTABLE  # wins over the missing TW II
    assert result.value is None
    assert result.reason == "TW III: pembagian dengan nol: 'b' bernilai 0"


@pytest.mark.parametrize("upto", [0, 5])
def test_roll_up_rejects_out_of_range(upto: int) -> None:
    with pytest.raises(ValueError, match=r"quarter must be 1\.\.4"):
        roll_up(VALUES, upto, Rollup.SUM)


def test_rollup_and_mode_values() -> None:
    assert [r.value for r in Rollup] == ["sum", "last", "average"]
    assert [m.value for m in TargetMode] == ["cumulative", "per_quarter"]


# ---------------------------------------------------------------------------
# quarter_capaian
# ---------------------------------------------------------------------------

CUMULATIVE = targets(80, 20, 40, 60, 80)
REALISED = [*ok(10, 20, 30), Result.missing("-")]


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [(1, D(50)), (2, D(75)), (3, D(100))],
)
def test_quarter_capaian_cumulative_sum(quarter: int, expected: Decimal) -> None:
    # To date: 10 / 20, (10 + 20) / 40, (10 + 20 + 30) / 60.
    result = quarter_capaian(CUMULATIVE, REALISED, quarter, POS, Rollup.SUM)
    assert _value(result) == expected


def test_quarter_capaian_cumulative_missing_quarter() -> None:
    result = quarter_capaian(CUMULATIVE, REALISED, 4, POS, Rollup.SUM)
    assert result == Result.missing("realisasi TW IV")


def test_quarter_capaian_cumulative_last() -> None:
    qt = targets(85, 70, 75, 80, 85)
    values = ok(68, 72, 84, 85)
    assert _value(quarter_capaian(qt, values, 3, POS, Rollup.LAST)) == D(105)
    assert _value(quarter_capaian(qt, values, 4, POS, Rollup.LAST)) == D(100)


def test_quarter_capaian_cumulative_average() -> None:
    qt = targets(100, 100, 100, 100, 100)
    values = ok(90, 100, 110, 80)
    assert _value(quarter_capaian(qt, values, 2, POS, Rollup.AVERAGE)) == D(95)


def test_quarter_capaian_cumulative_negative_polarity() -> None:
    qt = targets(40, 10, 20, 30, 40)  # e.g. findings allowed to date
    values = ok(5, 10, 10, 10)
    # TW II: to date 15 against 20 -> (40 - 15) / 20 x 100 = 125.
    assert _value(quarter_capaian(qt, values, 2, NEG, Rollup.SUM)) == D(125)
    # TW IV: to date 35 against 40 -> (80 - 35) / 40 x 100 = 112.5.
    assert _value(quarter_capaian(qt, values, 4, NEG, Rollup.SUM)) == D("112.5")


def test_quarter_capaian_per_quarter_uses_that_quarter_alone() -> None:
    qt = targets(100, 10, 20, 30, 40, mode=PER)
    values = ok(10, 15, 45, 20)
    assert _value(quarter_capaian(qt, values, 1, POS, Rollup.SUM)) == D(100)
    assert _value(quarter_capaian(qt, values, 2, POS, Rollup.SUM)) == D(75)
    assert _value(quarter_capaian(qt, values, 3, POS, Rollup.SUM)) == D(150)
    assert _value(quarter_capaian(qt, values, 4, POS, Rollup.SUM)) == D(50)


def test_quarter_capaian_per_quarter_missing_and_not_computable() -> None:
    qt = targets(100, 10, 20, 30, 40, mode=PER)
    broken = Result.not_computable("pembagian dengan nol")
    values = [Result.ok(D(10)), Result.missing("belum"), broken]
    assert quarter_capaian(qt, values, 2, POS, Rollup.SUM) == Result.missing("belum")
    assert quarter_capaian(qt, values, 3, POS, Rollup.SUM) == broken
    assert quarter_capaian(qt, values, 4, POS, Rollup.SUM) == Result.missing("realisasi TW IV")
    # A failing earlier quarter does not affect a per-quarter capaian.
    assert _value(quarter_capaian(qt, values, 1, POS, Rollup.SUM)) == D(100)


def test_quarter_capaian_cumulative_not_computable_propagates() -> None:
    values = [Result.ok(D(10)), Result.not_computable("pembagian dengan nol"), *ok(30, 40)]
    result = quarter_capaian(CUMULATIVE, values, 3, POS, Rollup.SUM)
    assert result == Result.not_computable("TW II: pembagian dengan nol")
    assert _value(quarter_capaian(CUMULATIVE, values, 1, POS, Rollup.SUM)) == D(50)


@pytest.mark.parametrize("mode", list(TargetMode))
def test_quarter_capaian_without_target_is_missing(mode: TargetMode) -> None:
    qt = targets(100, 25, None, 75, 100, mode=mode)
    result = quarter_capaian(qt, ok(10, 20, 30, 40), 2, POS, Rollup.SUM)
    assert result == Result.missing("target belum ditetapkan")


def test_quarter_capaian_range_target() -> None:
    qt = targets("80-90", "80-90", "80-90", "80-90", "80-90")
    values = ok(85, 95, 72, 88)
    assert _value(quarter_capaian(qt, values, 1, POS, Rollup.LAST)) == D(100)
    assert _value(quarter_capaian(qt, values, 3, POS, Rollup.LAST)) == D(90)


def test_quarter_capaian_applies_rules() -> None:
    values = ok(40, 40, 40, 40)
    result = quarter_capaian(CUMULATIVE, values, 1, POS, Rollup.SUM, rules=CapaianRules(cap=D(110)))
    assert _value(result) == D(110)
    assert _value(quarter_capaian(CUMULATIVE, values, 1, POS, Rollup.SUM)) == D(200)


def test_quarter_capaian_rejects_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"quarter must be 1\.\.4"):
        quarter_capaian(CUMULATIVE, REALISED, 5, POS, Rollup.SUM)


# ---------------------------------------------------------------------------
# yearly_capaian
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rollup", "values", "annual", "polarity", "expected"),
    [
        (Rollup.SUM, (25, 25, 25, 20), 100, POS, D(95)),
        (Rollup.SUM, (30, 30, 30, 30), 100, POS, D(120)),
        (Rollup.LAST, (70, 75, 80, 68), 85, POS, D(80)),
        (Rollup.AVERAGE, (70, 80, 90, 80), 80, POS, D(100)),
        (Rollup.AVERAGE, (3, 4, 3, 2), 4, NEG, D(125)),  # inflation-like, lower is better
        (Rollup.SUM, (2, 2, 2, 2), 10, NEG, D(120)),
    ],
)
def test_yearly_capaian(
    rollup: Rollup,
    values: tuple[int, ...],
    annual: int,
    polarity: Polarity,
    expected: Decimal,
) -> None:
    # The quarterly targets do not matter for the year: only the annual target does.
    qt = targets(annual, 1, 1, 1, 1)
    assert _value(yearly_capaian(qt, ok(*values), polarity, rollup)) == expected


def test_yearly_capaian_missing_quarter() -> None:
    qt = targets(100, 25, 50, 75, 100)
    values = [*ok(25, 25), Result.missing("-")]
    assert yearly_capaian(qt, values, POS, Rollup.SUM) == Result.missing("realisasi TW III, TW IV")
    assert yearly_capaian(qt, values, POS, Rollup.LAST) == Result.missing("realisasi TW IV")


def test_yearly_capaian_not_computable_quarter() -> None:
    qt = targets(100, 25, 50, 75, 100)
    values = [*ok(25, 25, 25), Result.not_computable("pembagian dengan nol")]
    assert yearly_capaian(qt, values, POS, Rollup.SUM) == Result.not_computable(
        "TW IV: pembagian dengan nol"
    )


def test_yearly_capaian_target_zero_and_cap() -> None:
    zero = targets(0, 0, 0, 0, 0)
    assert yearly_capaian(zero, ok(0, 0, 0, 0), NEG, Rollup.SUM) == Result.ok(D(100))
    assert yearly_capaian(zero, ok(0, 1, 0, 0), NEG, Rollup.SUM) == Result.ok(D(0))
    assert yearly_capaian(zero, ok(0, 0, 0, 0), POS, Rollup.SUM).outcome is (Outcome.NOT_COMPUTABLE)
    qt = targets(100, 25, 50, 75, 100)
    rules = CapaianRules(cap=D(100))
    assert yearly_capaian(qt, ok(40, 40, 40, 40), POS, Rollup.SUM, rules=rules) == Result.ok(D(100))

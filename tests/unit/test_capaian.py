"""Tests for engine.capaian: capaian, targets as typed, categories and scales."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from engine.capaian import (
    DEFAULT_RULES,
    PERMENDAGRI_86_2017,
    CapaianRules,
    Category,
    NegativeTargetRule,
    Polarity,
    Scale,
    Target,
    capaian,
    category,
    parse_target,
)
from engine.errors import ValidationError
from engine.result import Outcome, Result

D = Decimal
POS = Polarity.POSITIVE
NEG = Polarity.NEGATIVE


def _value(result: Result) -> Decimal:
    assert result.outcome is Outcome.OK, result
    assert result.value is not None
    return result.value


# ---------------------------------------------------------------------------
# capaian: single targets
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "realisation", "polarity", "expected"),
    [
        # positive polarity: C = R / T x 100
        (D(100), D(95), POS, D(95)),
        (D(100), D(100), POS, D(100)),
        (D(100), D(120), POS, D(120)),
        (D(1200), D(150), POS, D("12.5")),
        (D(80), D(0), POS, D(0)),
        (D("0.5"), D("0.25"), POS, D(50)),
        # 1 / 3 x 100, exact to the 34 significant digits capaian computes with
        (D(3), D(1), POS, D("33.33333333333333333333333333333333")),
        # negative polarity: C = (2T - R) / T x 100
        (D(10), D(5), NEG, D(150)),
        (D(10), D(10), NEG, D(100)),
        (D(10), D(12), NEG, D(80)),
        (D(4), D(5), NEG, D(75)),
        (D(10), D(0), NEG, D(200)),
        (D("3.5"), D("2.8"), NEG, D(120)),  # inflation target 3,5 %, realised 2,8 %
        # negative polarity floor at 0
        (D(10), D(20), NEG, D(0)),
        (D(10), D(25), NEG, D(0)),
        (D(10), D(1000), NEG, D(0)),
        (D(10), D(19), NEG, D(10)),
    ],
)
def test_capaian_single_target(
    target: Decimal, realisation: Decimal, polarity: Polarity, expected: Decimal
) -> None:
    assert _value(capaian(target, realisation, polarity)) == expected
    assert _value(capaian(Target.exactly(target), realisation, polarity)) == expected


def test_negative_polarity_equals_one_plus_one_minus_ratio() -> None:
    for target, realisation in [(D(10), D(7)), (D(8), D(9)), (D("2.5"), D(1))]:
        expected = (1 + (1 - realisation / target)) * 100
        assert _value(capaian(target, realisation, NEG)) == expected


def test_negative_polarity_never_below_zero() -> None:
    for realisation in [D(21), D(30), D("1e9")]:
        assert _value(capaian(D(10), realisation, NEG)) == 0


# ---------------------------------------------------------------------------
# capaian: never below 0, and flagged when the arithmetic went below (issue 16, item 4)


def test_negative_realisation_positive_polarity_is_floored_and_flagged() -> None:
    # Before: (-730,325 / 50) x 100 = -1460,65 %, shown and averaged in as such.
    result = capaian(D(50), D("-730.325"), POS)
    assert result.value == D(0)
    assert result.flag == "dibatasi 0: hasil hitung -1.460,65 %"


def test_negative_polarity_far_above_target_is_flagged() -> None:
    # (2 x 10 - 25) / 10 x 100 = -50 %: was silently 0, now 0 and flagged.
    result = capaian(D(10), D(25), NEG)
    assert (result.value, result.flag) == (D(0), "dibatasi 0: hasil hitung -50,00 %")


def test_exactly_zero_is_not_flagged() -> None:
    result = capaian(D(10), D(20), NEG)  # (20 - 20) / 10 x 100 = 0
    assert (result.value, result.flag) == (D(0), None)
    assert capaian(D(10), D(5), POS).flag is None


# ---------------------------------------------------------------------------
# capaian: negative targets (issue 16, item 3), worked by hand


def test_lap_14_tw_i_negative_target() -> None:
    # LAP-14 TW I: growth target -75 %, realisation -73,03 %, positive polarity:
    # (1 + (-73,03 - -75) / 75) x 100 = (1 + 1,97 / 75) x 100 = 102,6266... %
    result = capaian(D(-75), D("-73.03"), POS)
    assert round(_value(result), 10) == D("102.6266666667")
    assert category(result).name == "Sangat Tinggi"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("target", "realisation", "polarity", "expected"),
    [
        (D(-75), D(-80), POS, D("93.3333333333")),  # (1 + -5 / 75) x 100
        (D(-10), D(5), POS, D(250)),  # (1 + 15 / 10) x 100: growth instead of a fall
        (D(-10), D(-10), POS, D(100)),
        (D(-10), D(-12), NEG, D(120)),  # (1 - -2 / 10) x 100: fell further, better
        (D(-10), D(-5), NEG, D(50)),  # (1 - 5 / 10) x 100
        (D(-4), D(-1), NEG, D(25)),  # (1 - 3 / 4) x 100
    ],
)
def test_negative_target(
    target: Decimal, realisation: Decimal, polarity: Polarity, expected: Decimal
) -> None:
    assert round(_value(capaian(target, realisation, polarity)), 10) == expected


def test_negative_target_below_zero_is_floored_and_flagged() -> None:
    # (1 + (-25 - -10) / 10) x 100 = -50 %
    result = capaian(D(-10), D(-25), POS)
    assert (result.value, result.flag) == (D(0), "dibatasi 0: hasil hitung -50,00 %")


def test_negative_target_range_measures_against_nearer_bound() -> None:
    target = parse_target("-10 s.d. -5")
    assert _value(capaian(target, D(-7), POS)) == D(100)
    assert _value(capaian(target, D(-4), POS)) == D(120)  # (1 + 1 / 5) x 100


def test_negative_target_rule_is_configurable() -> None:
    rules = CapaianRules(negative_target=NegativeTargetRule.NOT_COMPUTABLE)
    result = capaian(D(-75), D("-73.03"), POS, rules=rules)
    assert result.outcome is Outcome.NOT_COMPUTABLE
    assert result.reason == "target negatif (-75): rumus capaian tidak berlaku"


def test_rules_round_trip_as_json() -> None:
    rules = CapaianRules(
        cap=D(110),
        negative_zero_target_met=D(120),
        negative_target=NegativeTargetRule.NOT_COMPUTABLE,
        scale=Scale.from_rows(
            "Perbup 12/2020", [("Baik", "90", "#00aa00"), ("Kurang", None, "#aa0000")]
        ),
    )
    assert CapaianRules.from_json(rules.as_json()) == rules
    assert DEFAULT_RULES.as_json()["scale"] == "Permendagri 86/2017"
    with pytest.raises(ValidationError):
        CapaianRules.from_json({"scale": "x"})


# ---------------------------------------------------------------------------
# capaian: range targets
# ---------------------------------------------------------------------------

RANGE = Target(D(80), D(100))


@pytest.mark.parametrize(
    ("realisation", "polarity", "expected"),
    [
        # inside -> 100, for both polarities, bounds included
        (D(80), POS, D(100)),
        (D(90), POS, D(100)),
        (D(100), POS, D(100)),
        (D(80), NEG, D(100)),
        (D("85.5"), NEG, D(100)),
        (D(100), NEG, D(100)),
        # above -> against the upper bound (100)
        (D(110), POS, D(110)),
        (D(150), POS, D(150)),
        (D(110), NEG, D(90)),
        (D(250), NEG, D(0)),
        # below -> against the lower bound (80)
        (D(60), POS, D(75)),
        (D(0), POS, D(0)),
        (D(60), NEG, D(125)),
        (D(40), NEG, D(150)),
    ],
)
def test_capaian_range_target(realisation: Decimal, polarity: Polarity, expected: Decimal) -> None:
    assert _value(capaian(RANGE, realisation, polarity)) == expected


def test_range_parsed_from_text() -> None:
    target = parse_target("80-90")
    # 95 / 90 = 1.0555... (34 digits), x 100
    assert _value(capaian(target, D(95), POS)) == D("105.5555555555555555555555555555556")
    assert _value(capaian(target, D(72), POS)) == D(90)
    assert _value(capaian(target, D(85), NEG)) == D(100)


def test_range_inside_is_capped_too() -> None:
    assert _value(capaian(RANGE, D(90), POS, rules=CapaianRules(cap=D(90)))) == D(90)


# ---------------------------------------------------------------------------
# capaian: target zero
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("realisation", [D(0), D(5), D(-1)])
def test_target_zero_positive_is_not_computable(realisation: Decimal) -> None:
    result = capaian(D(0), realisation, POS)
    assert result.outcome is Outcome.NOT_COMPUTABLE
    assert result.value is None
    assert result.reason == "target 0: capaian polaritas positif tidak dapat dihitung"
    assert str(result).startswith("tidak dapat dihitung: target 0")


@pytest.mark.parametrize(
    ("realisation", "expected"),
    [(D(0), D(100)), (D("0.00"), D(100)), (D(-2), D(100)), (D(1), D(0)), (D("0.01"), D(0))],
)
def test_target_zero_negative_default(realisation: Decimal, expected: Decimal) -> None:
    assert _value(capaian(D(0), realisation, NEG)) == expected
    assert _value(capaian(Target.exactly(0), realisation, NEG)) == expected


def test_target_zero_negative_is_configurable() -> None:
    rules = CapaianRules(negative_zero_target_met=D(120), negative_zero_target_missed=D(50))
    assert _value(capaian(D(0), D(0), NEG, rules=rules)) == D(120)
    assert _value(capaian(D(0), D(3), NEG, rules=rules)) == D(50)
    # the cap still applies to the configured values
    capped = dataclasses.replace(rules, cap=D(110))
    assert _value(capaian(D(0), D(0), NEG, rules=capped)) == D(110)


def test_default_rules() -> None:
    assert DEFAULT_RULES.scale is PERMENDAGRI_86_2017
    assert DEFAULT_RULES.negative_target is NegativeTargetRule.RELATIVE
    assert DEFAULT_RULES.cap is None
    assert DEFAULT_RULES.negative_zero_target_met == D(100)
    assert DEFAULT_RULES.negative_zero_target_missed == D(0)


def test_range_with_zero_lower_bound_below_range() -> None:
    zero_to_ten = Target(D(0), D(10))
    assert capaian(zero_to_ten, D(-1), POS).outcome is Outcome.NOT_COMPUTABLE
    assert _value(capaian(zero_to_ten, D(-1), NEG)) == D(100)
    assert _value(capaian(zero_to_ten, D(5), POS)) == D(100)


# ---------------------------------------------------------------------------
# capaian: missing and propagated results
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("polarity", [POS, NEG])
def test_missing_realisation_is_missing_not_zero(polarity: Polarity) -> None:
    result = capaian(D(100), None, polarity)
    assert result.outcome is Outcome.MISSING
    assert result.value is None
    assert result.reason == "realisasi belum diisi"
    assert category(result) is None


@pytest.mark.parametrize("polarity", [POS, NEG])
def test_missing_target_is_missing(polarity: Polarity) -> None:
    result = capaian(None, D(50), polarity)
    assert result.outcome is Outcome.MISSING
    assert result.value is None
    assert result.reason == "target belum ditetapkan"


def test_missing_target_wins_over_missing_realisation() -> None:
    assert capaian(None, None, POS).reason == "target belum ditetapkan"


@pytest.mark.parametrize(
    "realisation",
    [
        Result.not_computable("pembagian dengan nol: 'Jumlah seluruh usaha mikro' bernilai 0"),
        Result.missing("Jumlah usaha mikro yang difasilitasi"),
    ],
)
@pytest.mark.parametrize("polarity", [POS, NEG])
def test_uncomputed_realisation_result_propagates(realisation: Result, polarity: Polarity) -> None:
    result = capaian(D(100), realisation, polarity)
    assert result == realisation
    assert category(result) is None


def test_computed_realisation_result_is_used() -> None:
    assert _value(capaian(D(80), Result.ok(D(60)), POS)) == D(75)
    assert _value(capaian(D(80), Result.ok(D(60)), NEG)) == D(125)


# ---------------------------------------------------------------------------
# capaian: cap
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cap", "realisation", "expected"),
    [
        (None, D(150), D(150)),
        (None, D(95), D(95)),
        (D(100), D(150), D(100)),
        (D(100), D(95), D(95)),
        (D(110), D(150), D(110)),
        (D(110), D(105), D(105)),
        (D(120), D(150), D(120)),
        (D(120), D(119), D(119)),
        (D(120), D(120), D(120)),
    ],
)
def test_cap(cap: Decimal | None, realisation: Decimal, expected: Decimal) -> None:
    rules = CapaianRules(cap=cap)
    assert _value(capaian(D(100), realisation, POS, rules=rules)) == expected


@pytest.mark.parametrize(("cap", "expected"), [(None, D(190)), (D(100), D(100)), (D(120), D(120))])
def test_cap_negative_polarity(cap: Decimal | None, expected: Decimal) -> None:
    assert _value(capaian(D(10), D(1), NEG, rules=CapaianRules(cap=cap))) == expected


# ---------------------------------------------------------------------------
# categories: default Permendagri 86/2017 scale
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("150", "Sangat Tinggi"),
        ("100", "Sangat Tinggi"),
        ("91", "Sangat Tinggi"),
        ("91.00", "Sangat Tinggi"),
        ("90.995", "Sangat Tinggi"),
        ("90.994", "Tinggi"),
        ("90.99", "Tinggi"),
        ("76", "Tinggi"),
        ("75.995", "Tinggi"),
        ("75.994999", "Sedang"),
        ("75.99", "Sedang"),
        ("75.5", "Sedang"),
        ("66", "Sedang"),
        ("65.995", "Sedang"),
        ("65.99", "Rendah"),
        ("51", "Rendah"),
        ("50.995", "Rendah"),
        ("50.994", "Sangat Rendah"),
        ("50.99", "Sangat Rendah"),
        ("0", "Sangat Rendah"),
        ("-0.001", "Sangat Rendah"),
        ("-5", "Sangat Rendah"),
        ("-1000", "Sangat Rendah"),
    ],
)
def test_default_scale_boundaries(value: str, name: str) -> None:
    assert PERMENDAGRI_86_2017.classify(D(value)).name == name
    assert category(D(value)).name == name  # type: ignore[union-attr]
    assert category(Result.ok(D(value))).name == name  # type: ignore[union-attr]


def test_default_scale_rows() -> None:
    assert PERMENDAGRI_86_2017.name == "Permendagri 86/2017"
    assert [(c.name, c.minimum) for c in PERMENDAGRI_86_2017.categories] == [
        ("Sangat Tinggi", D(91)),
        ("Tinggi", D(76)),
        ("Sedang", D(66)),
        ("Rendah", D(51)),
        ("Sangat Rendah", None),
    ]
    assert all(c.color.startswith("#") for c in PERMENDAGRI_86_2017.categories)


def test_category_of_capaian_result() -> None:
    result = capaian(D(100), D("90.995"), POS)
    assert category(result) == PERMENDAGRI_86_2017.categories[0]
    assert category(Result.not_computable("x")) is None
    assert category(Result.missing("x")) is None


def test_huge_capaian_is_sangat_tinggi() -> None:
    # Reachable without a cap: target typed as 0,000001 against a realisation of 1e21.
    result = capaian(D("0.000001"), D("1e21"), POS)
    assert category(result).name == "Sangat Tinggi"  # type: ignore[union-attr]


# ---------------------------------------------------------------------------
# scales as data
# ---------------------------------------------------------------------------

REGENCY_ROWS = [
    ("Sangat Baik", "90", "#006400"),
    ("Baik", "75.5", "#00a000"),
    ("Cukup", "60", "#ffd700"),
    ("Kurang", None, "#ff0000"),
]


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("120", "Sangat Baik"),
        ("90", "Sangat Baik"),
        ("89.995", "Sangat Baik"),
        ("89.994", "Baik"),
        ("75.5", "Baik"),
        ("75.495", "Baik"),
        ("75.494", "Cukup"),
        ("60", "Cukup"),
        ("59.99", "Kurang"),
        ("0", "Kurang"),
        ("-3", "Kurang"),
    ],
)
def test_custom_regency_scale(value: str, name: str) -> None:
    scale = Scale.from_rows("Kabupaten Contoh", REGENCY_ROWS)
    assert scale.classify(D(value)).name == name
    assert category(D(value), scale).name == name  # type: ignore[union-attr]


def test_custom_scale_keeps_rows() -> None:
    scale = Scale.from_rows("Kabupaten Contoh", REGENCY_ROWS)
    assert scale.name == "Kabupaten Contoh"
    assert scale.categories[1] == Category("Baik", D("75.5"), "#00a000")
    assert scale.categories[-1] == Category("Kurang", None, "#ff0000")


def test_single_open_category_scale() -> None:
    scale = Scale.from_rows("Satu", [("Semua", None, "#000000")])
    assert scale.classify(D(-50)).name == "Semua"
    assert scale.classify(D(500)).name == "Semua"


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ([("A", "50", "#1"), ("B", "60", "#2"), ("C", None, "#3")], "batas bawah harus menurun"),
        ([("A", "60", "#1"), ("B", "60", "#2"), ("C", None, "#3")], "batas bawah harus menurun"),
        ([("A", "90", "#1"), ("B", "75", "#2")], "kategori terakhir harus tanpa batas bawah"),
        ([("A", "90", "#1"), ("B", None, "#2"), ("C", None, "#3")], "kategori terakhir"),
        ([("A", None, "#1"), ("B", "50", "#2"), ("C", None, "#3")], "kategori terakhir"),
        ([("A", "90", "#1")], "kategori terakhir"),
        ([], "kategori terakhir"),
    ],
)
def test_invalid_scales_rejected(rows: list[tuple[str, str | None, str]], fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        Scale.from_rows("Salah", rows)
    assert fragment in str(info.value)
    assert "skala 'Salah'" in str(info.value)


# ---------------------------------------------------------------------------
# Target and parse_target
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("95", D(95), D(95)),
        (" 95 ", D(95), D(95)),
        ("95,5", D("95.5"), D("95.5")),
        ("95.5", D("95.5"), D("95.5")),
        ("1.027.733,50", D("1027733.50"), D("1027733.50")),
        ("0", D(0), D(0)),
        ("-5", D(-5), D(-5)),
        ("-5,5", D("-5.5"), D("-5.5")),
        ("80-90", D(80), D(90)),
        ("80 - 90", D(80), D(90)),
        ("80–90", D(80), D(90)),  # en dash
        ("80 – 90", D(80), D(90)),
        ("80—90", D(80), D(90)),  # em dash
        ("80 s.d. 90", D(80), D(90)),
        ("80 s.d 90", D(80), D(90)),
        ("80 sd 90", D(80), D(90)),
        ("80 sampai 90", D(80), D(90)),
        ("1.000 s.d. 2.000", D(1000), D(2000)),
        ("80,5 - 90,5", D("80.5"), D("90.5")),
        ("90-90", D(90), D(90)),
    ],
)
def test_parse_target(text: str, low: Decimal, high: Decimal) -> None:
    target = parse_target(text)
    assert target == Target(low, high)
    assert target.low == low
    assert target.high == high
    assert target.is_range is (low != high)


@pytest.mark.parametrize("value", [D("95.5"), 95, D(0)])
def test_parse_target_from_number(value: Decimal | int) -> None:
    assert parse_target(value) == Target.exactly(value)
    assert not parse_target(value).is_range


def test_target_str() -> None:
    assert str(parse_target("80-90")) == "80-90"
    assert str(parse_target("95")) == "95"
    assert str(Target.exactly(D("-5"))) == "-5"


@pytest.mark.parametrize("text", ["90-80", "90 s.d. 80", "2.000 - 1.000", "80 - -90"])
def test_reversed_range_rejected(text: str) -> None:
    with pytest.raises(ValidationError, match="rentang target terbalik"):
        parse_target(text)


def test_reversed_target_rejected_directly() -> None:
    with pytest.raises(ValidationError, match="rentang target terbalik: 90 lebih besar dari 80"):
        Target(D(90), D(80))


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "tinggi", "80-", "-", "80-90-100", "80 s.d.", "1e5", "NaN", "5 %", "x-y"],
)
def test_garbage_target_rejected_in_indonesian(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_target(text)
    assert "bukan angka" in str(info.value)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("62.80", "62,80"),
        ("1.027.733.750,37", "1.027.733.750,37"),
        ("1000", "1.000"),
        ("80-90", "80-90"),
        ("0,5-1,25", "0,5-1,25"),
    ],
)
def test_a_target_is_shown_the_indonesian_way(typed: str, shown: str) -> None:
    assert parse_target(typed).display == shown

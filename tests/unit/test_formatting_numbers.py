"""Tests for engine.formatting: Indonesian numbers, percentages, parsing and dates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.errors import ValidationError
from engine.formatting import (
    MAX_DECIMALS,
    format_date_id,
    format_number_id,
    format_percent_id,
    parse_number_id,
    round_half_up,
)

D = Decimal

# ---------------------------------------------------------------------------
# format_number_id
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (D("1027733750.37"), 2, "1.027.733.750,37"),
        (D("1027733750.365"), 2, "1.027.733.750,37"),
        (D("1027733750.37"), 0, "1.027.733.750"),
        (D("0.005"), 2, "0,01"),  # half up, not banker's (which gives 0,00)
        (D("0.015"), 2, "0,02"),
        (D("0.025"), 2, "0,03"),  # banker's would give 0,02
        (D("0.004999"), 2, "0,00"),
        (D("2.675"), 2, "2,68"),
        (D("12.5"), 0, "13"),  # banker's would give 12
        (D("0.5"), 0, "1"),
        (D("999.995"), 2, "1.000,00"),
        (D("999999.9999"), 2, "1.000.000,00"),
        (D(0), 2, "0,00"),
        (D(0), 0, "0"),
        (D(5), 2, "5,00"),
        (D(999), 2, "999,00"),
        (D(1000), 2, "1.000,00"),
        (D(1000), 0, "1.000"),
        (D("1E+3"), 1, "1.000,0"),
        (D("12345678.9"), 2, "12.345.678,90"),
        (1000000, 2, "1.000.000,00"),
        (0, 2, "0,00"),
        (-1500, 0, "-1.500"),
        # negative numbers
        (D("-1234.5"), 2, "-1.234,50"),
        (D("-0.005"), 2, "-0,01"),  # half up rounds away from zero
        (D("-0.5"), 2, "-0,50"),
        (D("-0.5"), 0, "-1"),
        (D("-1027733750.37"), 2, "-1.027.733.750,37"),
        # "-0,00" is never shown
        (D("-0.001"), 2, "0,00"),
        (D("-0.004"), 2, "0,00"),
        (D("-0.4"), 0, "0"),
        (D("-0"), 2, "0,00"),
        (D("-0.0000004"), 6, "0,000000"),
    ],
)
def test_format_number_id(value: Decimal | int, decimals: int, expected: str) -> None:
    assert format_number_id(value, decimals) == expected


@pytest.mark.parametrize(
    ("decimals", "expected"),
    [
        (0, "1.235"),
        (1, "1.234,6"),
        (2, "1.234,57"),
        (3, "1.234,568"),
        (4, "1.234,5679"),
        (5, "1.234,56789"),
        (6, "1.234,567890"),
    ],
)
def test_format_number_id_each_number_of_decimals(decimals: int, expected: str) -> None:
    assert format_number_id(D("1234.5678901"), decimals) == expected


def test_format_number_id_default_is_two_decimals() -> None:
    assert format_number_id(D("95.5")) == "95,50"


@pytest.mark.parametrize("decimals", [-1, 7, 100])
def test_format_number_id_rejects_decimals_out_of_range(decimals: int) -> None:
    with pytest.raises(ValueError, match=r"decimals must be 0\.\.6"):
        format_number_id(D(1), decimals)


def test_format_number_id_very_large_value() -> None:
    assert format_number_id(D("1e26"), 2) == "100.000.000.000.000.000.000.000.000,00"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (D("0.005"), 2, D("0.01")),
        (D("-0.005"), 2, D("-0.01")),
        (D("2.5"), 0, D(3)),
        (D("1.23456789"), 6, D("1.234568")),
    ],
)
def test_round_half_up(value: Decimal, decimals: int, expected: Decimal) -> None:
    rounded = round_half_up(value, decimals)
    assert rounded == expected
    assert rounded.as_tuple().exponent == -decimals


# ---------------------------------------------------------------------------
# format_percent_id
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (D("95.5"), 2, "95,50%"),
        (D("100"), 0, "100%"),
        (D("12.5"), 2, "12,50%"),
        (D("1234.5678"), 1, "1.234,6%"),
        (D("90.995"), 2, "91,00%"),
        (D("-0.001"), 2, "0,00%"),
        (D("-12.345"), 2, "-12,35%"),
        (D(100) / 3, 2, "33,33%"),
    ],
)
def test_format_percent_id(value: Decimal, decimals: int, expected: str) -> None:
    assert format_percent_id(value, decimals) == expected


def test_format_percent_id_default_decimals() -> None:
    assert format_percent_id(D("87.5")) == "87,50%"


# ---------------------------------------------------------------------------
# parse_number_id
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Indonesian style
        ("1.027.733.750,37", D("1027733750.37")),
        ("80,5", D("80.5")),
        ("0,25", D("0.25")),
        ("1.500", D(1500)),  # a dot before three digits is a thousands separator
        ("1.000.000", D(1000000)),
        ("12.345", D(12345)),
        ("1.234,5", D("1234.5")),
        ("-1.234,5", D("-1234.5")),
        ("-0,5", D("-0.5")),
        ("1234,5", D("1234.5")),
        # plain style with a decimal point
        ("80.5", D("80.5")),
        ("1.50", D("1.5")),
        ("1.5000", D("1.5")),
        ("0.25", D("0.25")),
        (".5", D("0.5")),
        ("5.", D(5)),
        ("1234567", D(1234567)),
        ("-3.75", D("-3.75")),
        ("0", D(0)),
        ("-0", D(0)),
        # what staff type around the number
        (" 95 ", D(95)),
        ("+5", D(5)),
        ("+1.234,5", D("1234.5")),
        ("1 000", D(1000)),
        ("1\u00a0000,5", D("1000.5")),
        ("- 5", D(-5)),
        ("\t80,5\n", D("80.5")),
    ],
)
def test_parse_number_id(text: str, expected: Decimal) -> None:
    parsed = parse_number_id(text)
    assert isinstance(parsed, Decimal)
    assert parsed == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "satu",
        "12a",
        "1,2,3",
        "1.00.0",
        "1.0000,5",
        "1,000.5",
        "1..2",
        ",5",
        "1e5",
        "1E5",
        "NaN",
        "Infinity",
        "-Infinity",
        "--5",
        "5-",
        "5%",
        "Rp 5",
        "0x10",
        "1_000",
        "80-90",
    ],
)
def test_parse_number_id_rejects_garbage_in_indonesian(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_number_id(text)
    assert str(info.value) == f"'{text}' bukan angka (contoh: 1.027.733,50 atau 80,5)"
    assert info.value.log_message == f"not a number: {text!r}"


# ---------------------------------------------------------------------------
# round trips (Hypothesis)
# ---------------------------------------------------------------------------

decimals_with_places = st.integers(min_value=0, max_value=MAX_DECIMALS).flatmap(
    lambda places: st.tuples(
        st.just(places),
        st.decimals(
            min_value=-(10**15),
            max_value=10**15,
            places=places,
            allow_nan=False,
            allow_infinity=False,
        ),
    )
)

_SHAPE = re.compile(r"-?\d{1,3}(\.\d{3})*(,\d+)?")


@settings(max_examples=1_000, deadline=None)
@given(decimals_with_places)
@example((2, D("1027733750.37")))
@example((0, D(1500)))
@example((3, D("-1.500")))
@example((6, D("-0.000001")))
@example((2, D("-0.00")))
def test_parse_round_trips_format(case: tuple[int, Decimal]) -> None:
    places, value = case
    text = format_number_id(value, places)
    assert _SHAPE.fullmatch(text), text
    decimal_part = text.partition(",")[2]
    assert len(decimal_part) == places
    assert parse_number_id(text) == value


@settings(max_examples=500, deadline=None)
@given(
    st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=MAX_DECIMALS),
)
@example(D("-0.0049"), 2)
@example(D("-0.5"), 0)
def test_format_rounds_half_up_and_never_shows_negative_zero(value: Decimal, places: int) -> None:
    text = format_number_id(value, places)
    rounded = round_half_up(value, places)
    assert parse_number_id(text) == rounded
    assert text.startswith("-") == (rounded < 0)
    assert not re.fullmatch(r"-0(,0*)?", text)
    assert format_percent_id(value, places) == f"{text}%"


# ---------------------------------------------------------------------------
# format_date_id
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 1, 11), "11 Januari 2021"),
        (date(2021, 2, 1), "1 Februari 2021"),
        (date(2024, 2, 29), "29 Februari 2024"),
        (date(2021, 3, 31), "31 Maret 2021"),
        (date(2021, 4, 1), "1 April 2021"),
        (date(2021, 5, 5), "5 Mei 2021"),
        (date(2021, 6, 30), "30 Juni 2021"),
        (date(2021, 7, 1), "1 Juli 2021"),
        (date(2021, 8, 17), "17 Agustus 2021"),
        (date(2021, 9, 30), "30 September 2021"),
        (date(2021, 10, 1), "1 Oktober 2021"),
        (date(2021, 11, 10), "10 November 2021"),
        (date(2021, 12, 31), "31 Desember 2021"),
        (date(2030, 1, 2), "2 Januari 2030"),
    ],
)
def test_format_date_id(day: date, expected: str) -> None:
    assert format_date_id(day) == expected


# ---------------------------------------------------------------------------
# The written-out formatting agrees with Babel's CLDR data for "id"
# ---------------------------------------------------------------------------


def _babel_number(value: Decimal, places: int) -> str:
    from decimal import localcontext

    from babel.numbers import format_decimal

    rounded = round_half_up(value, places)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    with localcontext(prec=max(28, max(rounded.adjusted(), 0) + places + 2)):
        text = str(format_decimal(rounded, format=pattern, locale="id"))
    return "0" + text[2:] if text.startswith("-0") and not rounded else text


@settings(max_examples=1_000, deadline=None)
@given(
    st.decimals(min_value=-(10**15), max_value=10**15, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=MAX_DECIMALS),
)
@example(D("1027733750.375"), 2)
@example(D("-0.004"), 2)
@example(D("999999.995"), 2)
@example(D("1E+20"), 0)
def test_format_number_id_agrees_with_babel(value: Decimal, places: int) -> None:
    assert format_number_id(value, places) == _babel_number(value, places)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_format_date_id_agrees_with_babel(day: date) -> None:
    from babel.dates import format_date

    assert format_date_id(day) == format_date(day, format="d MMMM y", locale="id")

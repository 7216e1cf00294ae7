"""Typed formula inputs (issue 16, item 5): the input's kind and sign, and ambiguous numbers.

Hand-worked cases: each failed before (the check knew no kind, refused every minus sign and
read "0.260" as 260) and passes now.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import ValidationError
from engine.formulas import InputKind, Variable
from engine.inputs import check_input

COUNT = Variable("koperasi", "Jumlah koperasi", "jumlah", InputKind.COUNT)
AMOUNT = Variable("omzet", "Omzet", "Rp", InputKind.AMOUNT)
IHK = Variable("ihk", "Perubahan IHK", "%", InputKind.PERCENTAGE, negative=True)
PERCENT = Variable("persen", "Persen", "%", InputKind.PERCENTAGE)


@pytest.mark.parametrize("typed", ["0.260", "0.500", "-0.180", "0.260.000", " 0.260 "])
def test_a_leading_zero_before_a_group_of_three_is_ambiguous_and_refused(typed: str) -> None:
    for variable in (None, AMOUNT, IHK):
        with pytest.raises(ValidationError, match="bisa dibaca dua arti"):
            check_input(typed, "x", variable)


def test_the_hint_says_how_to_type_either_reading() -> None:
    with pytest.raises(ValidationError) as caught:
        check_input("0.260", "Nilai")
    assert caught.value.message == (
        "Nilai: '0.260' bisa dibaca dua arti; ketik 0,260 untuk nol koma dua enam nol, atau 260"
    )


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("0,260", "0.260"),  # decimal comma: zero point two six zero
        ("260", "260"),
        ("1.500", "1500"),  # a thousands group: fifteen hundred, as before
        ("0.26", "0.26"),  # two digits after the dot: not a thousands group
        ("0.5", "0.5"),
        ("1.027.733.750,37", "1027733750.37"),
    ],
)
def test_unambiguous_numbers_are_read_as_before(typed: str, value: str) -> None:
    assert check_input(typed, "x", AMOUNT) == Decimal(value)


@pytest.mark.parametrize("typed", ["1,5", "74,61", "1.5", "3,0001"])
def test_a_count_takes_whole_numbers_only(typed: str) -> None:
    with pytest.raises(ValidationError, match="harus bilangan bulat"):
        check_input(typed, "Jumlah koperasi", COUNT)


def test_a_count_may_be_typed_with_a_zero_fraction_and_is_stored_whole() -> None:
    assert str(check_input("12,0", "x", COUNT)) == "12"
    assert check_input("1.500", "x", COUNT) == Decimal(1500)


def test_amounts_and_percentages_keep_their_decimals() -> None:
    assert check_input("74,61", "x", PERCENT) == Decimal("74.61")
    assert check_input("1.027.733.750,37", "x", AMOUNT) == Decimal("1027733750.37")


def test_a_negative_value_only_where_the_variable_allows_it() -> None:
    # A deflation month: IHK -0,18 % is accepted for the IHK's monthly change ...
    assert check_input("-0,18", "IHK", IHK) == Decimal("-0.18")
    # ... and refused everywhere else.
    for variable in (None, COUNT, AMOUNT, PERCENT):
        with pytest.raises(ValidationError, match="tidak boleh negatif"):
            check_input("-0,18", "x", variable)


def test_a_negative_value_is_bounded_like_a_positive_one() -> None:
    with pytest.raises(ValidationError, match="terlalu besar"):
        check_input("-9.999.999.999.999.999", "IHK", IHK)

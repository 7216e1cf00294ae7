"""Tests for engine.nip: the shape of the civil servant number, and how it is printed."""

from __future__ import annotations

import pytest

from engine.errors import KinerjaError, ValidationError
from engine.nip import NIP_LENGTH, format_nip, normalise_nip

BARE = "196804111993031009"
GROUPED = "19680411 199303 1 009"


def test_nip_length_is_eighteen() -> None:
    assert NIP_LENGTH == 18
    assert len(BARE) == NIP_LENGTH


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (BARE, BARE),
        (GROUPED, BARE),
        ("19680411.199303.1.009", BARE),
        ("19680411-199303-1-009", BARE),
        ("  19680411 199303 1 009  ", BARE),  # pasted with surrounding blanks
        ("19680411\t199303\t1\t009", BARE),
        ("19680411\u00a0199303\u00a01\u00a0009", BARE),  # non-breaking space from a word processor
        ("19680411 199303-1.009", BARE),  # mixed separators
        ("1 9 6 8 0 4 1 1 1 9 9 3 0 3 1 0 0 9", BARE),
        ("199012252015042001", "199012252015042001"),
        ("000000000000000000", "000000000000000000"),  # contract numbers: only the shape counts
        ("999999999999999999", "999999999999999999"),
    ],
)
def test_normalise_accepts_eighteen_digits_with_or_without_separators(
    raw: str, expected: str
) -> None:
    assert normalise_nip(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="only-blanks"),
        pytest.param("-. -", id="only-separators"),
        pytest.param(BARE[:-1], id="17-digits"),
        pytest.param(BARE + "1", id="19-digits"),
        pytest.param("19680411 199303 1 09", id="17-digits-grouped"),
        pytest.param("19680411 199303 1 0090", id="19-digits-grouped"),
        pytest.param("1968041119930310O9", id="letter-O-for-zero"),
        pytest.param("19680411199303100A", id="trailing-letter"),
        pytest.param("NIP196804111993031009", id="prefixed-label"),
        pytest.param(
            "١٩٦٨٠٤١١١٩٩٣٠٣١٠٠٩",
            id="arabic-indic-digits",
        ),
        pytest.param("19680411199303100٩", id="one-arabic-indic-digit"),
        pytest.param("１９６８０４１１１９９３０３１００９", id="fullwidth-digits"),
        pytest.param("19680411/199303/1/009", id="slash-is-not-a-separator"),
        pytest.param("19680411_199303_1_009", id="underscore-is-not-a-separator"),
        pytest.param("+196804111993031009", id="plus-sign"),
        pytest.param("19680411199303100²", id="superscript-digit"),
    ],
)
def test_normalise_rejects_anything_but_eighteen_ascii_digits(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_nip(raw)
    message = str(caught.value)
    assert "18" in message
    assert "NIP" in message
    assert "tidak sah" in message
    assert "angka" in message
    assert caught.value.message == message
    # The operator log stays in English and also carries the rule.
    assert "expected 18 digits" in caught.value.log_message


def test_rejection_is_a_kinerja_error_that_names_the_input() -> None:
    with pytest.raises(KinerjaError, match=r"NIP harus terdiri dari 18 angka") as caught:
        normalise_nip("12345")
    assert isinstance(caught.value, ValidationError)
    assert "12345" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (BARE, GROUPED),
        (GROUPED, GROUPED),
        ("19680411.199303.1.009", GROUPED),
        ("199012252015042001", "19901225 201504 2 001"),
        ("123456789012345678", "12345678 901234 5 678"),
    ],
)
def test_format_groups_8_6_1_3(raw: str, expected: str) -> None:
    formatted = format_nip(raw)
    assert formatted == expected
    assert [len(group) for group in formatted.split(" ")] == [8, 6, 1, 3]
    # Formatting round-trips through normalisation.
    assert normalise_nip(formatted) == normalise_nip(raw)


@pytest.mark.parametrize("raw", ["", BARE[:-1], BARE + "0", "١٩٦٨٠٤١١١٩٩٣٠٣١٠٠٩"])
def test_format_rejects_invalid_nip(raw: str) -> None:
    with pytest.raises(ValidationError, match="18"):
        format_nip(raw)

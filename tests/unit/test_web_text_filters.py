"""The page filters for human text: grouped NIPs, Indonesian dates and stored targets."""

from __future__ import annotations

from datetime import date

import pytest

from web.render import build_templates, date_text, nip_text, stored_target


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("197405121998031004", "19740512 199803 1 004"),
        ("19740512 199803 1 004", "19740512 199803 1 004"),
        ("12345", "12345"),  # not a NIP: shown as stored, never an error on a page
        (None, "-"),
        ("", "-"),
    ],
)
def test_nip_is_grouped(raw: str | None, shown: str) -> None:
    assert nip_text(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("2021-02-04", "4 Februari 2021"),
        (date(2021, 12, 31), "31 Desember 2021"),
        ("2021-10-08T09:00:00+07:00", "8 Oktober 2021"),
        ("besok", "besok"),
        (None, "-"),
    ],
)
def test_dates_are_indonesian(raw: date | str | None, shown: str) -> None:
    assert date_text(raw) == shown


@pytest.mark.parametrize(
    ("raw", "decimals", "shown"),
    [
        ("78.29", None, "78,29"),
        ("78.29", 2, "78,29"),
        ("86.00", 0, "86"),
        ("86.00", None, "86,00"),  # a form field gives back the stored value
        ("7.5", 0, "7,5"),  # the indicator's places never hide a typed one
        ("640000000", 2, "640.000.000,00"),
        ("1.027.733,50", None, "1.027.733,50"),
        ("80-90", 0, "80-90"),
        ("-10 s.d. -5", 0, "-10 s.d. -5"),
        ("sepuluh", 2, "sepuluh"),
        (None, 2, "-"),
    ],
)
def test_stored_targets_read_as_people_write_them(
    raw: str | None, decimals: int | None, shown: str
) -> None:
    assert stored_target(raw, decimals) == shown


def test_the_filters_are_registered() -> None:
    env = build_templates().env
    page = env.from_string(
        "{{ n | nip }} · {{ d | tanggal_teks }} · {{ t | target_tersimpan(2) }} · "
        "{{ c | warna_teks }}"
    )
    text = page.render(n="197405121998031004", d="2021-02-04", t="78.29", c="#4c9a2a")
    assert text == "19740512 199803 1 004 · 4 Februari 2021 · 78,29 · #000000"

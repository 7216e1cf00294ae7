"""Indonesian date formatting."""

from __future__ import annotations

from datetime import date

import pytest

from engine.formatting import format_date_id


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 1, 11), "11 Januari 2021"),
        (date(2021, 4, 8), "8 April 2021"),
        (date(2021, 8, 17), "17 Agustus 2021"),
        (date(2026, 12, 31), "31 Desember 2026"),
    ],
)
def test_format_date_id(day: date, expected: str) -> None:
    assert format_date_id(day) == expected

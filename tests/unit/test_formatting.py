"""Indonesian date and time formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.formatting import format_date_id, format_moment_id


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


def test_format_moment_id_names_the_local_time_and_its_zone() -> None:
    moment = datetime(2021, 1, 20, 2, 0, tzinfo=UTC)
    assert format_moment_id(moment) == "20 Januari 2021 09.00 WIB"
    assert format_moment_id(moment, ZoneInfo("Asia/Jayapura")) == "20 Januari 2021 11.00 WIT"
    assert format_moment_id(moment, ZoneInfo("UTC")) == "20 Januari 2021 02.00 UTC"

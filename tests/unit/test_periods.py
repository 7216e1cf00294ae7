"""Tests for engine.periods: the triwulan value object."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.clock import JAKARTA
from engine.periods import Quarter


@pytest.mark.parametrize(
    ("quarter", "roman", "label"),
    [
        (Quarter(2021, 1), "I", "TW I 2021"),
        (Quarter(2021, 2), "II", "TW II 2021"),
        (Quarter(2021, 3), "III", "TW III 2021"),
        (Quarter(2021, 4), "IV", "TW IV 2021"),
        (Quarter(2026, 1), "I", "TW I 2026"),
    ],
)
def test_roman_and_label(quarter: Quarter, roman: str, label: str) -> None:
    assert quarter.roman == roman
    assert quarter.label == label
    assert str(quarter) == label


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        (Quarter(2021, 1), date(2021, 1, 1), date(2021, 3, 31)),
        (Quarter(2021, 2), date(2021, 4, 1), date(2021, 6, 30)),
        (Quarter(2021, 3), date(2021, 7, 1), date(2021, 9, 30)),
        (Quarter(2021, 4), date(2021, 10, 1), date(2021, 12, 31)),
        (Quarter(2024, 1), date(2024, 1, 1), date(2024, 3, 31)),  # leap year: same bounds
    ],
)
def test_first_and_last_day(quarter: Quarter, first: date, last: date) -> None:
    assert quarter.first_day == first
    assert quarter.last_day == last
    assert quarter.contains(first)
    assert quarter.contains(last)
    assert not quarter.contains(first - timedelta(days=1))
    assert not quarter.contains(last + timedelta(days=1))


@pytest.mark.parametrize(
    ("quarter", "start_utc", "end_utc"),
    [
        # Local midnight in Jakarta (UTC+7) is 17:00 UTC on the previous day.
        (
            Quarter(2021, 1),
            datetime(2020, 12, 31, 17, tzinfo=UTC),
            datetime(2021, 3, 31, 17, tzinfo=UTC),
        ),
        (
            Quarter(2021, 4),
            datetime(2021, 9, 30, 17, tzinfo=UTC),
            datetime(2021, 12, 31, 17, tzinfo=UTC),
        ),
    ],
)
def test_starts_at_and_exclusive_ends_at(
    quarter: Quarter, start_utc: datetime, end_utc: datetime
) -> None:
    starts, ends = quarter.starts_at(), quarter.ends_at()
    assert starts == start_utc
    assert ends == end_utc
    assert starts.tzinfo is JAKARTA
    assert ends.tzinfo is JAKARTA
    assert (starts.hour, starts.minute) == (0, 0)
    assert ends.date() == quarter.last_day + timedelta(days=1)


def test_starts_at_in_other_zone() -> None:
    quarter = Quarter(2021, 2)
    assert quarter.starts_at(ZoneInfo("UTC")) == datetime(2021, 4, 1, tzinfo=UTC)
    assert quarter.ends_at(ZoneInfo("UTC")) == datetime(2021, 7, 1, tzinfo=UTC)


@pytest.mark.parametrize("quarter", [Quarter(2021, n) for n in range(1, 5)])
def test_consecutive_quarters_tile_time(quarter: Quarter) -> None:
    assert quarter.ends_at() == quarter.next().starts_at()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 1, 1), Quarter(2021, 1)),
        (date(2021, 3, 31), Quarter(2021, 1)),
        (date(2021, 4, 1), Quarter(2021, 2)),
        (date(2021, 6, 30), Quarter(2021, 2)),
        (date(2021, 7, 1), Quarter(2021, 3)),
        (date(2021, 9, 30), Quarter(2021, 3)),
        (date(2021, 10, 1), Quarter(2021, 4)),
        (date(2021, 12, 31), Quarter(2021, 4)),
    ],
)
def test_of(day: date, expected: Quarter) -> None:
    assert Quarter.of(day) == expected


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2021, 3, 31, 16, 59, 59, tzinfo=UTC), Quarter(2021, 1)),
        (datetime(2021, 3, 31, 17, 0, tzinfo=UTC), Quarter(2021, 2)),
        (datetime(2021, 3, 31, 17, 30, tzinfo=UTC), Quarter(2021, 2)),
        (datetime(2020, 12, 31, 16, 59, 59, tzinfo=UTC), Quarter(2020, 4)),
        (datetime(2020, 12, 31, 17, 0, tzinfo=UTC), Quarter(2021, 1)),
        (datetime(2021, 4, 1, 0, 0, tzinfo=JAKARTA), Quarter(2021, 2)),
        (datetime(2021, 3, 31, 23, 59, tzinfo=JAKARTA), Quarter(2021, 1)),
    ],
)
def test_containing_uses_the_jakarta_date(instant: datetime, expected: Quarter) -> None:
    assert Quarter.containing(instant) == expected


def test_containing_in_another_zone() -> None:
    instant = datetime(2021, 3, 31, 17, 30, tzinfo=UTC)
    assert Quarter.containing(instant, ZoneInfo("UTC")) == Quarter(2021, 1)


def test_containing_rejects_naive_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Quarter.containing(datetime(2021, 3, 31, 17, 30))


@pytest.mark.parametrize("method", [Quarter.of, Quarter(2021, 1).contains])
def test_date_methods_reject_datetimes(method: object) -> None:
    assert callable(method)
    with pytest.raises(TypeError):
        method(datetime(2021, 3, 31, 17, 30, tzinfo=UTC))


@pytest.mark.parametrize(
    ("quarter", "following"),
    [
        (Quarter(2021, 1), Quarter(2021, 2)),
        (Quarter(2021, 2), Quarter(2021, 3)),
        (Quarter(2021, 3), Quarter(2021, 4)),
        (Quarter(2021, 4), Quarter(2022, 1)),
        (Quarter(2025, 4), Quarter(2026, 1)),
    ],
)
def test_next_and_previous(quarter: Quarter, following: Quarter) -> None:
    assert quarter.next() == following
    assert following.previous() == quarter


def test_next_and_previous_at_the_edges_of_the_supported_range() -> None:
    with pytest.raises(ValueError, match="Tahun di luar rentang"):
        Quarter(9999, 4).next()
    with pytest.raises(ValueError, match="Tahun di luar rentang"):
        Quarter(1, 1).previous()


def test_ordering_is_chronological() -> None:
    shuffled = [Quarter(2021, 3), Quarter(2020, 4), Quarter(2021, 1), Quarter(2022, 1)]
    assert sorted(shuffled) == [
        Quarter(2020, 4),
        Quarter(2021, 1),
        Quarter(2021, 3),
        Quarter(2022, 1),
    ]
    assert Quarter(2020, 4) < Quarter(2021, 1)
    assert max(shuffled) == Quarter(2022, 1)


def test_quarters_of() -> None:
    quarters = Quarter.quarters_of(2021)
    assert quarters == (Quarter(2021, 1), Quarter(2021, 2), Quarter(2021, 3), Quarter(2021, 4))
    assert [q.label for q in quarters] == ["TW I 2021", "TW II 2021", "TW III 2021", "TW IV 2021"]


def test_quarters_of_cover_the_year_without_gaps() -> None:
    quarters = Quarter.quarters_of(2024)
    assert quarters[0].first_day == date(2024, 1, 1)
    assert quarters[-1].last_day == date(2024, 12, 31)
    for earlier, later in itertools.pairwise(quarters):
        assert earlier.last_day + timedelta(days=1) == later.first_day


def test_is_an_immutable_hashable_value() -> None:
    quarter = Quarter(2021, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        quarter.year = 2022  # type: ignore[misc]
    assert {Quarter(2021, 1), Quarter(2021, 1)} == {quarter}


@pytest.mark.parametrize(
    ("year", "number", "message"),
    [
        (2021, 0, "Nomor triwulan harus 1 sampai 4"),
        (2021, 5, "Nomor triwulan harus 1 sampai 4"),
        (2021, -1, "Nomor triwulan harus 1 sampai 4"),
        (0, 1, "Tahun di luar rentang"),
        (10000, 1, "Tahun di luar rentang"),
    ],
)
def test_constructor_rejects_out_of_range_values(year: int, number: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Quarter(year, number)


@pytest.mark.parametrize(("year", "number"), [(2021, True), ("2021", 1), (2021, 1.0)])
def test_constructor_rejects_non_integers(year: object, number: object) -> None:
    with pytest.raises(TypeError, match="harus berupa bilangan bulat"):
        Quarter(year, number)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TW I 2021", Quarter(2021, 1)),
        ("TW II 2021", Quarter(2021, 2)),
        ("TW III 2021", Quarter(2021, 3)),
        ("TW IV 2021", Quarter(2021, 4)),
        ("tw ii 2021", Quarter(2021, 2)),
        ("  TW II 2021  ", Quarter(2021, 2)),
        ("TW 2 2021", Quarter(2021, 2)),
        ("Triwulan III 2022", Quarter(2022, 3)),
        ("2021-Q2", Quarter(2021, 2)),
        ("2021Q2", Quarter(2021, 2)),
        ("2021-q4", Quarter(2021, 4)),
        ("2026-Q1", Quarter(2026, 1)),
    ],
)
def test_parse(text: str, expected: Quarter) -> None:
    assert Quarter.parse(text) == expected


@pytest.mark.parametrize("quarter", [Quarter(2021, n) for n in range(1, 5)])
def test_parse_round_trips_the_label(quarter: Quarter) -> None:
    assert Quarter.parse(quarter.label) == quarter


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "TW V 2021",
        "TW IIII 2021",
        "TW 5 2021",
        "TW II",
        "TW II 21",
        "2021",
        "2021-Q5",
        "2021-Q0",
        "Q2 2021",
        "2021 Q2 extra",
        "TW II 2021 x",
    ],
)
def test_parse_rejects_garbage_with_a_bahasa_message(text: str) -> None:
    with pytest.raises(ValueError, match="Format triwulan tidak dikenali"):
        Quarter.parse(text)


def test_parse_rejects_year_out_of_range() -> None:
    with pytest.raises(ValueError, match="Triwulan tidak valid: 'TW II 0000'"):
        Quarter.parse("TW II 0000")

"""Tests for engine.clock: the injected clock, its fake, and local dates in Asia/Jakarta."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from engine.clock import JAKARTA, Clock, FixedClock, SystemClock, local_date

WIB = timezone(timedelta(hours=7))


def read(clock: Clock) -> datetime:
    """Use the Protocol as business code would, so mypy checks both clocks conform."""
    return clock.now()


def test_jakarta_is_utc_plus_seven() -> None:
    assert ZoneInfo("Asia/Jakarta") == JAKARTA
    assert datetime(2021, 6, 1, tzinfo=JAKARTA).utcoffset() == timedelta(hours=7)


def test_system_clock_returns_aware_utc() -> None:
    now = read(SystemClock())
    assert now.tzinfo is UTC
    assert now.utcoffset() == timedelta(0)


def test_fixed_clock_returns_its_instant_in_utc() -> None:
    clock = FixedClock(datetime(2021, 4, 1, 0, 30, tzinfo=WIB))
    now = read(clock)
    assert now == datetime(2021, 3, 31, 17, 30, tzinfo=UTC)
    assert now.tzinfo is UTC


def test_fixed_clock_does_not_move_by_itself() -> None:
    clock = FixedClock(datetime(2021, 4, 1, tzinfo=UTC))
    assert clock.now() == clock.now()


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(hours=1), datetime(2021, 4, 1, 1, tzinfo=UTC)),
        (timedelta(days=7), datetime(2021, 4, 8, tzinfo=UTC)),
        (timedelta(minutes=-30), datetime(2021, 3, 31, 23, 30, tzinfo=UTC)),
        (timedelta(0), datetime(2021, 4, 1, tzinfo=UTC)),
    ],
)
def test_fixed_clock_advance(delta: timedelta, expected: datetime) -> None:
    clock = FixedClock(datetime(2021, 4, 1, tzinfo=UTC))
    clock.advance(delta)
    assert clock.now() == expected
    assert clock.now().tzinfo is UTC


def test_fixed_clock_advance_accumulates() -> None:
    clock = FixedClock(datetime(2021, 4, 1, tzinfo=UTC))
    for _ in range(3):
        clock.advance(timedelta(days=1))
    assert clock.now() == datetime(2021, 4, 4, tzinfo=UTC)


def test_fixed_clock_set_normalises_to_utc() -> None:
    clock = FixedClock(datetime(2021, 4, 1, tzinfo=UTC))
    clock.set(datetime(2026, 3, 25, 8, tzinfo=JAKARTA))
    assert clock.now() == datetime(2026, 3, 25, 1, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_fixed_clock_rejects_naive_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2021, 4, 1))


def test_fixed_clock_set_rejects_naive_instant_and_keeps_time() -> None:
    clock = FixedClock(datetime(2021, 4, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2021, 5, 1))
    assert clock.now() == datetime(2021, 4, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "tz", "expected"),
    [
        # Jakarta is UTC+7 all year round: local midnight is 17:00 UTC the day before.
        (datetime(2021, 3, 31, 16, 59, 59, tzinfo=UTC), JAKARTA, date(2021, 3, 31)),
        (datetime(2021, 3, 31, 17, 0, tzinfo=UTC), JAKARTA, date(2021, 4, 1)),
        (datetime(2021, 3, 31, 17, 30, tzinfo=UTC), JAKARTA, date(2021, 4, 1)),
        (datetime(2020, 12, 31, 17, 0, tzinfo=UTC), JAKARTA, date(2021, 1, 1)),
        (datetime(2021, 4, 1, 0, 0, tzinfo=WIB), JAKARTA, date(2021, 4, 1)),
        (datetime(2021, 3, 31, 17, 30, tzinfo=UTC), ZoneInfo("UTC"), date(2021, 3, 31)),
        (datetime(2021, 4, 1, 0, 30, tzinfo=WIB), ZoneInfo("UTC"), date(2021, 3, 31)),
        # Makassar (WITA, UTC+8) flips to the next day an hour earlier than Jakarta.
        (datetime(2021, 3, 31, 16, 30, tzinfo=UTC), ZoneInfo("Asia/Makassar"), date(2021, 4, 1)),
    ],
)
def test_local_date(instant: datetime, tz: ZoneInfo, expected: date) -> None:
    assert local_date(instant, tz) == expected


def test_local_date_defaults_to_jakarta() -> None:
    assert local_date(datetime(2021, 3, 31, 17, 30, tzinfo=UTC)) == date(2021, 4, 1)


def test_local_date_returns_a_plain_date() -> None:
    result = local_date(datetime(2021, 3, 31, 17, 30, tzinfo=UTC))
    assert type(result) is date


def test_local_date_rejects_naive_instant() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2021, 3, 31, 17, 30))

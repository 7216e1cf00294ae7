"""Tests for engine.calendar: working-day arithmetic on the real Indonesian calendar.

Calendars are built from the `holidays` package (public and government categories, the latter
holding cuti bersama), as the application seeds its editable holiday table. Expected dates are
worked out by hand in the comments; weekdays are given so they can be checked at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar import DEFAULT_WEEKEND, WorkingCalendar
from engine.periods import Quarter

DAY = timedelta(days=1)


@cache
def indonesian_holidays(*years: int) -> frozenset[date]:
    """National holidays and cuti bersama for the given years (no network: data ships inline)."""
    calendar = holidays.country_holidays(
        "ID", years=list(years), categories=("public", "government")
    )
    return frozenset(calendar.keys())


@cache
def calendar_for(*years: int) -> WorkingCalendar:
    return WorkingCalendar(indonesian_holidays(*years))


CAL_2021 = calendar_for(2021)
CAL_2026 = calendar_for(2026)
CAL_2025_2026 = calendar_for(2025, 2026)
CAL_2026_2027 = calendar_for(2026, 2027)
# Wide enough that +-400 working days from any date in 2019-2028 stays inside covered years.
CAL_WIDE = calendar_for(*range(2016, 2032))


# -- naive reference: walk day by day -----------------------------------------------------------


def naive_add(cal: WorkingCalendar, start: date, n: int) -> date:
    day = start
    if n == 0:
        while not cal.is_working_day(day):
            day += DAY
        return day
    step = DAY if n > 0 else -DAY
    remaining = abs(n)
    while remaining:
        day += step
        if cal.is_working_day(day):
            remaining -= 1
    return day


def naive_between(cal: WorkingCalendar, start: date, end: date) -> int:
    if end < start:
        return -naive_between(cal, end, start)
    count, day = 0, start + DAY
    while day <= end:
        count += cal.is_working_day(day)
        day += DAY
    return count


# -- the holiday data the scenarios rely on -----------------------------------------------------


@pytest.mark.parametrize(
    ("holiday", "years"),
    [
        (date(2021, 4, 2), (2021,)),  # Good Friday (Wafat Isa Almasih)
        (date(2021, 5, 12), (2021,)),  # cuti bersama Idul Fitri
        (date(2021, 5, 13), (2021,)),  # Idul Fitri (and Kenaikan Isa Almasih)
        (date(2021, 5, 14), (2021,)),  # Idul Fitri hari kedua
        (date(2026, 3, 18), (2026,)),  # cuti bersama Nyepi
        (date(2026, 3, 19), (2026,)),  # Nyepi
        (date(2026, 3, 20), (2026,)),  # cuti bersama Idul Fitri
        (date(2026, 3, 21), (2026,)),  # Idul Fitri (Saturday)
        (date(2026, 3, 22), (2026,)),  # Idul Fitri hari kedua (Sunday)
        (date(2026, 3, 23), (2026,)),  # cuti bersama Idul Fitri
        (date(2026, 3, 24), (2026,)),  # cuti bersama Idul Fitri
        (date(2026, 12, 24), (2026,)),  # cuti bersama Natal
        (date(2026, 12, 25), (2026,)),  # Natal
        (date(2027, 1, 1), (2027,)),  # Tahun Baru
        (date(2027, 1, 5), (2027,)),  # Isra Mi'raj
    ],
)
def test_seed_data_holds_the_holidays_the_scenarios_assume(
    holiday: date, years: tuple[int, ...]
) -> None:
    assert holiday in indonesian_holidays(*years)
    assert not calendar_for(*years).is_working_day(holiday)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2021, 3, 31), True),  # Wednesday
        (date(2021, 4, 2), False),  # Good Friday
        (date(2021, 4, 3), False),  # Saturday
        (date(2021, 4, 4), False),  # Sunday
        (date(2021, 4, 5), True),  # Monday
        (date(2021, 5, 1), False),  # Labour Day on a Saturday
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL_2021.is_working_day(day) is working


# -- add_working_days: the deadline scenarios ---------------------------------------------------


@pytest.mark.parametrize(
    ("cal", "start", "n", "expected"),
    [
        # TW I 2021 ends Wed 31 Mar. Thu 1 Apr (1), [Fri 2 Apr Good Friday, weekend],
        # Mon 5 (2), Tue 6 (3), Wed 7 (4), Thu 8 (5): submission deadline 8 April 2021.
        (CAL_2021, date(2021, 3, 31), 5, date(2021, 4, 8)),
        # Verification 3 working days later: Fri 9 (1), Mon 12 (2), Tue 13 (3).
        (CAL_2021, date(2021, 4, 8), 3, date(2021, 4, 13)),
        # Approval 3 working days later: Wed 14, Thu 15, Fri 16.
        (CAL_2021, date(2021, 4, 13), 3, date(2021, 4, 16)),
        # Idul Fitri 2021: Tue 11 May; Wed 12 - Fri 14 off, weekend; Mon 17 May.
        (CAL_2021, date(2021, 5, 11), 1, date(2021, 5, 17)),
        (CAL_2021, date(2021, 5, 10), 2, date(2021, 5, 17)),
        (CAL_2021, date(2021, 5, 11), 3, date(2021, 5, 19)),
        # Idul Fitri 2026: Tue 17 Mar; Wed 18 - Fri 20 off, weekend 21-22 (Idul Fitri),
        # Mon 23 - Tue 24 off; first working day Wed 25 Mar.
        (CAL_2026, date(2026, 3, 17), 1, date(2026, 3, 25)),
        # Mon 16 Mar: Tue 17 (1), Wed 25 (2), Thu 26 (3).
        (CAL_2026, date(2026, 3, 16), 3, date(2026, 3, 26)),
        # Starting inside the block: from Sat 21 Mar, 1 working day is Wed 25 Mar.
        (CAL_2026, date(2026, 3, 21), 1, date(2026, 3, 25)),
        # TW I 2026 ends Tue 31 Mar: Wed 1 (1), Thu 2 (2), [Fri 3 Good Friday, weekend],
        # Mon 6 (3), Tue 7 (4), Wed 8 (5): deadline 8 April 2026.
        (CAL_2026, date(2026, 3, 31), 5, date(2026, 4, 8)),
        # Year end 2025: Tue 30 Dec; Wed 31 Dec (1), [Thu 1 Jan New Year], Fri 2 Jan (2),
        # Mon 5 Jan (3).
        (CAL_2025_2026, date(2025, 12, 30), 1, date(2025, 12, 31)),
        (CAL_2025_2026, date(2025, 12, 30), 2, date(2026, 1, 2)),
        (CAL_2025_2026, date(2025, 12, 30), 3, date(2026, 1, 5)),
        # TW IV 2025 ends Wed 31 Dec: Fri 2 (1), Mon 5 (2), Tue 6 (3), Wed 7 (4), Thu 8 (5).
        (CAL_2025_2026, date(2025, 12, 31), 5, date(2026, 1, 8)),
        # Year end 2026: Wed 23 Dec; [Thu 24 cuti bersama, Fri 25 Natal, weekend],
        # Mon 28 (1), Tue 29 (2), Wed 30 (3), Thu 31 (4), [Fri 1 Jan, weekend], Mon 4 Jan (5).
        (CAL_2026_2027, date(2026, 12, 23), 1, date(2026, 12, 28)),
        (CAL_2026_2027, date(2026, 12, 23), 5, date(2027, 1, 4)),
        # TW IV 2026 ends Thu 31 Dec: [Fri 1 Jan], Mon 4 (1), [Tue 5 Isra Mi'raj],
        # Wed 6 (2), Thu 7 (3), Fri 8 (4), Mon 11 (5): deadline 11 January 2027.
        (CAL_2026_2027, date(2026, 12, 31), 5, date(2027, 1, 11)),
    ],
)
def test_add_working_days_forward(
    cal: WorkingCalendar, start: date, n: int, expected: date
) -> None:
    assert cal.add_working_days(start, n) == expected
    assert naive_add(cal, start, n) == expected


@pytest.mark.parametrize(
    ("cal", "deadline", "n", "expected"),
    [
        # Reminders before the TW I 2021 deadline, Thu 8 Apr 2021.
        # 1 before: Wed 7 Apr.
        (CAL_2021, date(2021, 4, 8), 1, date(2021, 4, 7)),
        # 3 before: Wed 7 (1), Tue 6 (2), Mon 5 (3).
        (CAL_2021, date(2021, 4, 8), 3, date(2021, 4, 5)),
        # 7 before: 7, 6, 5 (3), [weekend, Fri 2 Good Friday], Thu 1 (4), Wed 31 Mar (5),
        # Tue 30 (6), Mon 29 Mar (7).
        (CAL_2021, date(2021, 4, 8), 7, date(2021, 3, 29)),
        # Before Mon 17 May 2021: back across Idul Fitri to Tue 11 May.
        (CAL_2021, date(2021, 5, 17), 1, date(2021, 5, 11)),
        # Before Wed 25 Mar 2026: Tue 17 Mar (1), Mon 16 (2), Fri 13 (3).
        (CAL_2026, date(2026, 3, 25), 1, date(2026, 3, 17)),
        (CAL_2026, date(2026, 3, 25), 3, date(2026, 3, 13)),
        # Before the TW I 2026 deadline Wed 8 Apr: Tue 7, Mon 6, [Fri 3], Thu 2, Wed 1,
        # Tue 31 Mar, Mon 30, Fri 27 (7).
        (CAL_2026, date(2026, 4, 8), 7, date(2026, 3, 27)),
        # Back across the 2026/2027 year end from Mon 4 Jan 2027: Thu 31 Dec (1),
        # Wed 30 (2), Tue 29 (3), Mon 28 (4), [weekend, Fri 25, Thu 24], Wed 23 Dec (5).
        (CAL_2026_2027, date(2027, 1, 4), 1, date(2026, 12, 31)),
        (CAL_2026_2027, date(2027, 1, 4), 5, date(2026, 12, 23)),
        # Before the TW IV 2026 deadline Mon 11 Jan 2027: Fri 8 (1), Thu 7 (2), Wed 6 (3),
        # [Tue 5], Mon 4 (4), [Sun 3, Sat 2, Fri 1 Jan], Thu 31 Dec (5), Wed 30 (6),
        # Tue 29 (7).
        (CAL_2026_2027, date(2027, 1, 11), 7, date(2026, 12, 29)),
    ],
)
def test_add_working_days_backward(
    cal: WorkingCalendar, deadline: date, n: int, expected: date
) -> None:
    assert cal.add_working_days(deadline, -n) == expected
    assert naive_add(cal, deadline, -n) == expected


@pytest.mark.parametrize(
    ("cal", "start", "expected"),
    [
        (CAL_2021, date(2021, 4, 8), date(2021, 4, 8)),  # a working Thursday stays
        (CAL_2021, date(2021, 4, 2), date(2021, 4, 5)),  # Good Friday -> Monday
        (CAL_2021, date(2021, 4, 3), date(2021, 4, 5)),  # Saturday -> Monday
        (CAL_2021, date(2021, 5, 12), date(2021, 5, 17)),  # cuti bersama -> after Lebaran
        (CAL_2026, date(2026, 3, 21), date(2026, 3, 25)),  # Idul Fitri (Saturday)
        (CAL_2026, date(2026, 3, 18), date(2026, 3, 25)),  # cuti bersama Nyepi
        (CAL_2026_2027, date(2026, 12, 24), date(2026, 12, 28)),
        (CAL_2026_2027, date(2027, 1, 1), date(2027, 1, 4)),
    ],
)
def test_add_zero_working_days_lands_on_a_working_day(
    cal: WorkingCalendar, start: date, expected: date
) -> None:
    assert cal.add_working_days(start, 0) == expected


def test_quarter_deadline_chain_for_tw_i_2021() -> None:
    """Deadlines as the workflow computes them: from the quarter's last day, 5 + 3 + 3."""
    quarter = Quarter.parse("TW I 2021")
    submission = CAL_2021.add_working_days(quarter.last_day, 5)
    verification = CAL_2021.add_working_days(submission, 3)
    approval = CAL_2021.add_working_days(verification, 3)
    assert (submission, verification, approval) == (
        date(2021, 4, 8),
        date(2021, 4, 13),
        date(2021, 4, 16),
    )
    # Escalation to the superior 1 working day after, to the Kepala Dinas 3 after.
    assert CAL_2021.add_working_days(submission, 1) == date(2021, 4, 9)
    assert CAL_2021.add_working_days(submission, 3) == date(2021, 4, 13)


# -- editing the calendar -----------------------------------------------------------------------


def test_admin_added_holiday_moves_the_deadline() -> None:
    edited = CAL_2021.with_holidays([date(2021, 4, 8)])
    assert edited.add_working_days(date(2021, 3, 31), 5) == date(2021, 4, 9)
    # The original calendar is untouched: calendars are values.
    assert CAL_2021.add_working_days(date(2021, 3, 31), 5) == date(2021, 4, 8)
    assert date(2021, 4, 8) in edited.holidays
    assert date(2021, 4, 8) not in CAL_2021.holidays


def test_removed_holiday_moves_the_deadline_back() -> None:
    edited = CAL_2021.without_holidays([date(2021, 4, 2)])
    assert edited.is_working_day(date(2021, 4, 2))
    assert edited.add_working_days(date(2021, 3, 31), 5) == date(2021, 4, 7)
    assert edited.without_holidays([date(2030, 1, 1)]) == edited  # removing a non-holiday


def test_weekend_holiday_changes_nothing() -> None:
    edited = CAL_2021.with_holidays([date(2021, 4, 3)])  # a Saturday
    assert edited.add_working_days(date(2021, 3, 31), 5) == date(2021, 4, 8)
    assert edited.working_days_between(date(2021, 3, 1), date(2021, 4, 30)) == (
        CAL_2021.working_days_between(date(2021, 3, 1), date(2021, 4, 30))
    )


def test_calendar_is_immutable_and_a_value() -> None:
    cal = WorkingCalendar([date(2021, 4, 2)])
    with pytest.raises(AttributeError):
        cal._holidays = frozenset()
    with pytest.raises(AttributeError):
        cal.extra = 1
    assert cal == WorkingCalendar(iter([date(2021, 4, 2)]))
    assert hash(cal) == hash(WorkingCalendar([date(2021, 4, 2)]))
    assert cal != WorkingCalendar([date(2021, 4, 2)], weekend=frozenset({6}))
    assert isinstance(cal.holidays, frozenset)
    assert cal.weekend == DEFAULT_WEEKEND


def test_empty_calendar_counts_weekdays_only() -> None:
    cal = WorkingCalendar([])
    # Fri 2 Apr 2021 + 1 = Mon 5 Apr; 10 working days = exactly two weeks.
    assert cal.add_working_days(date(2021, 4, 2), 1) == date(2021, 4, 5)
    assert cal.add_working_days(date(2021, 4, 2), 10) == date(2021, 4, 16)
    assert cal.working_days_between(date(2021, 4, 2), date(2021, 4, 16)) == 10


def test_custom_weekend() -> None:
    # A six-day week (only Sunday off) as some agencies run for front-line services.
    cal = WorkingCalendar([], weekend=frozenset({6}))
    assert cal.add_working_days(date(2021, 4, 2), 1) == date(2021, 4, 3)  # Fri -> Sat
    assert cal.add_working_days(date(2021, 4, 3), 1) == date(2021, 4, 5)  # Sat -> Mon
    assert cal.working_days_between(date(2021, 4, 4), date(2021, 4, 11)) == 6


@pytest.mark.parametrize(
    ("weekend", "message"),
    [
        (frozenset(range(7)), "no working day"),
        (frozenset({7}), "weekday numbers 0..6"),
        (frozenset({-1}), "weekday numbers 0..6"),
        (frozenset({True}), "weekday numbers 0..6"),
    ],
)
def test_rejects_impossible_weekend(weekend: frozenset[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingCalendar([], weekend=weekend)


def test_rejects_datetimes() -> None:
    instant = datetime(2021, 4, 2, 10)
    with pytest.raises(TypeError):
        WorkingCalendar([instant])
    for call in (
        lambda: CAL_2021.is_working_day(instant),
        lambda: CAL_2021.add_working_days(instant, 1),
        lambda: CAL_2021.working_days_between(instant, date(2021, 4, 8)),
    ):
        with pytest.raises(TypeError):
            call()


# -- working_days_between -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cal", "start", "end", "expected"),
    [
        (CAL_2021, date(2021, 3, 31), date(2021, 3, 31), 0),
        (CAL_2021, date(2021, 3, 31), date(2021, 4, 1), 1),
        (CAL_2021, date(2021, 3, 31), date(2021, 4, 4), 1),  # Good Friday + weekend
        (CAL_2021, date(2021, 3, 31), date(2021, 4, 8), 5),
        (CAL_2021, date(2021, 4, 1), date(2021, 4, 2), 0),  # end excluded when not working
        (CAL_2021, date(2021, 5, 11), date(2021, 5, 17), 1),
        (CAL_2021, date(2021, 5, 12), date(2021, 5, 16), 0),  # the whole Lebaran break
        (CAL_2026, date(2026, 3, 17), date(2026, 3, 25), 1),
        # Fri 13 -> Fri 27 Mar 2026: Mon 16, Tue 17, Wed 25, Thu 26, Fri 27.
        (CAL_2026, date(2026, 3, 13), date(2026, 3, 27), 5),
        (CAL_2026_2027, date(2026, 12, 23), date(2027, 1, 4), 5),
        (CAL_2026_2027, date(2026, 12, 31), date(2027, 1, 11), 5),
        # Backwards: a submission made before the deadline is negative.
        (CAL_2021, date(2021, 4, 8), date(2021, 3, 31), -5),
        (CAL_2021, date(2021, 5, 17), date(2021, 5, 11), -1),
        (CAL_2026_2027, date(2027, 1, 4), date(2026, 12, 23), -5),
        # Reverse of a span ending on a non-working day: -(count of (Apr 1, Apr 5]).
        (CAL_2021, date(2021, 4, 5), date(2021, 4, 1), -1),
    ],
)
def test_working_days_between(cal: WorkingCalendar, start: date, end: date, expected: int) -> None:
    assert cal.working_days_between(start, end) == expected
    assert cal.working_days_between(end, start) == -expected
    assert naive_between(cal, start, end) == expected


def test_working_days_between_is_additive() -> None:
    a, b, c = date(2021, 3, 1), date(2021, 5, 13), date(2021, 12, 31)
    total = CAL_2021.working_days_between(a, c)
    assert CAL_2021.working_days_between(a, b) + CAL_2021.working_days_between(b, c) == total
    assert CAL_2021.working_days_between(c, b) + CAL_2021.working_days_between(b, a) == -total


def _grid_starts() -> Iterable[date]:
    spans = [(date(2021, 3, 1), date(2021, 6, 30)), (date(2026, 3, 1), date(2027, 1, 31))]
    for first, last in spans:
        day = first
        while day <= last:
            yield day
            day += DAY


GRID_OFFSETS = (1, 2, 3, 5, 7, 10, 20, 60, 250)


def test_between_inverts_add_on_a_grid() -> None:
    cal = calendar_for(2020, 2021, 2022, 2025, 2026, 2027, 2028)
    checked = 0
    for start in _grid_starts():
        for n in GRID_OFFSETS:
            forward = cal.add_working_days(start, n)
            assert forward > start
            assert cal.is_working_day(forward)
            assert cal.working_days_between(start, forward) == n, (start, n)
            backward = cal.add_working_days(start, -n)
            assert backward < start
            assert cal.is_working_day(backward)
            # (backward, start] holds the n-1 working days after `backward`, plus `start` if
            # it is itself a working day.
            expected = n - 1 + cal.is_working_day(start)
            assert cal.working_days_between(backward, start) == expected, (start, -n)
            checked += 1
    assert checked > 3000


def test_next_and_previous_working_day() -> None:
    assert CAL_2021.next_working_day(date(2021, 5, 11)) == date(2021, 5, 17)
    assert CAL_2021.next_working_day(date(2021, 4, 5)) == date(2021, 4, 6)
    assert CAL_2021.previous_working_day(date(2021, 5, 17)) == date(2021, 5, 11)
    assert CAL_2021.previous_working_day(date(2021, 4, 5)) == date(2021, 4, 1)
    assert CAL_2026_2027.previous_working_day(date(2027, 1, 4)) == date(2026, 12, 31)
    assert CAL_2026_2027.next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)


# -- property tests against the naive reference -------------------------------------------------

dates_2019_2028 = st.dates(min_value=date(2019, 1, 1), max_value=date(2028, 12, 31))
offsets = st.integers(min_value=-400, max_value=400)
extra_holidays = st.lists(dates_2019_2028, max_size=40)
removed_holidays = st.lists(st.sampled_from(sorted(indonesian_holidays(*range(2019, 2029)))))


@settings(max_examples=300, deadline=None, database=None)
@given(start=dates_2019_2028, n=offsets, extra=extra_holidays, removed=removed_holidays)
def test_add_working_days_matches_naive(
    start: date, n: int, extra: list[date], removed: list[date]
) -> None:
    cal = CAL_WIDE.with_holidays(extra).without_holidays(removed)
    result = cal.add_working_days(start, n)
    assert result == naive_add(cal, start, n)
    if n > 0:
        assert cal.working_days_between(start, result) == n


@settings(max_examples=300, deadline=None, database=None)
@given(start=dates_2019_2028, end=dates_2019_2028, extra=extra_holidays)
def test_working_days_between_matches_naive(start: date, end: date, extra: list[date]) -> None:
    cal = CAL_WIDE.with_holidays(extra)
    assert cal.working_days_between(start, end) == naive_between(cal, start, end)


@settings(max_examples=300, deadline=None, database=None)
@given(
    weekend=st.frozensets(st.integers(min_value=0, max_value=6), max_size=6),
    holiday_list=st.lists(dates_2019_2028, max_size=60),
    start=dates_2019_2028,
    n=offsets,
    end=dates_2019_2028,
)
def test_any_weekend_matches_naive(
    weekend: frozenset[int], holiday_list: list[date], start: date, n: int, end: date
) -> None:
    cal = WorkingCalendar(holiday_list, weekend=weekend)
    assert cal.add_working_days(start, n) == naive_add(cal, start, n)
    assert cal.working_days_between(start, end) == naive_between(cal, start, end)

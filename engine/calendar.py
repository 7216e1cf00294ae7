"""The working-day calendar behind every deadline and reminder.

Deadlines are counted in working days (hari kerja): Monday to Friday, minus national holidays and
cuti bersama, which change by decree every year and are therefore data, not code. Reminder sweeps
evaluate many (document, rung) pairs per run, so the arithmetic must not walk day by day: it
counts whole weeks arithmetically and counts holidays in a range with `bisect` over a sorted tuple
of the holidays that fall on otherwise-working weekdays.

Day numbers: internally a date is its proleptic ordinal minus one, so that day number 0 is
Monday 0001-01-01 and `day % 7` is the weekday (0 = Monday, as in `date.weekday()`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime
from typing import Final

__all__ = ["DEFAULT_WEEKEND", "WorkingCalendar"]

_WEEKDAYS: Final = frozenset(range(7))

DEFAULT_WEEKEND: Final = frozenset({5, 6})
"""Saturday and Sunday, as `date.weekday()` numbers."""


def _day(d: date) -> int:
    """Day number of a date; datetimes are refused because their local date is zone-dependent."""
    if isinstance(d, datetime):
        raise TypeError("Pass a date; convert instants with engine.clock.local_date() first")
    return d.toordinal() - 1


def _date(day: int) -> date:
    return date.fromordinal(day + 1)


class WorkingCalendar:
    """An immutable set of non-working days: a weekly weekend plus dated holidays.

    Immutable so it can be shared freely across a sweep and cached; edits by an admin produce a
    new calendar (`with_holidays`, `without_holidays`).
    """

    __slots__ = ("_holiday_days", "_holidays", "_per_week", "_prefix", "_weekend", "_working_rank")

    _holidays: frozenset[date]
    _weekend: frozenset[int]
    _holiday_days: tuple[int, ...]
    _per_week: int
    _prefix: tuple[int, ...]
    _working_rank: tuple[int, ...]

    def __init__(self, holidays: Iterable[date], weekend: frozenset[int] = DEFAULT_WEEKEND) -> None:
        weekend = frozenset(weekend)
        if any(
            isinstance(w, bool) or not isinstance(w, int) or w not in _WEEKDAYS for w in weekend
        ):
            raise ValueError(f"weekend must hold weekday numbers 0..6, got {sorted(weekend)!r}")
        if weekend == _WEEKDAYS:
            raise ValueError("weekend cannot cover the whole week: there would be no working day")
        holiday_set = frozenset(holidays)
        for holiday in holiday_set:
            if isinstance(holiday, datetime) or not isinstance(holiday, date):
                raise TypeError(f"holidays must be dates, got {holiday!r}")
        # prefix[r]: weekdays 0..r that are not weekend; working_rank[j]: the (j+1)-th such
        # weekday. Together they invert the week-arithmetic count in O(1).
        prefix: list[int] = []
        running = 0
        for weekday in range(7):
            running += weekday not in weekend
            prefix.append(running)
        working_rank = tuple(w for w in range(7) if w not in weekend)
        # Holidays on a weekend change nothing; dropping them keeps the count exact.
        holiday_days = tuple(sorted(_day(h) for h in holiday_set if h.weekday() not in weekend))
        set_ = object.__setattr__
        set_(self, "_holidays", holiday_set)
        set_(self, "_weekend", weekend)
        set_(self, "_holiday_days", holiday_days)
        set_(self, "_per_week", len(working_rank))
        set_(self, "_prefix", tuple(prefix))
        set_(self, "_working_rank", working_rank)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return self._weekend == other._weekend and self._holidays == other._holidays

    def __hash__(self) -> int:
        return hash((self._weekend, self._holidays))

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(<{len(self._holidays)} holidays>, "
            f"weekend=frozenset({sorted(self._weekend)!r}))"
        )

    @property
    def holidays(self) -> frozenset[date]:
        """Every holiday given, including those that fall on a weekend (kept for display)."""
        return self._holidays

    @property
    def weekend(self) -> frozenset[int]:
        """Weekly non-working weekdays (`date.weekday()` numbers)."""
        return self._weekend

    # -- week arithmetic -------------------------------------------------------------------------

    def _weekdays_through(self, day: int) -> int:
        """Non-weekend days with day number in [0, day]; relative, so only differences matter."""
        weeks, weekday = divmod(day, 7)
        return weeks * self._per_week + self._prefix[weekday]

    def _weekday_at_rank(self, rank: int) -> int:
        """Smallest day number whose `_weekdays_through` reaches `rank` (a non-weekend day)."""
        weeks, index = divmod(rank - 1, self._per_week)
        return weeks * 7 + self._working_rank[index]

    def _holidays_in(self, after: int, through: int) -> int:
        """Count of weekday holidays with after < day <= through."""
        return bisect_right(self._holiday_days, through) - bisect_right(self._holiday_days, after)

    def _is_working(self, day: int) -> bool:
        if day % 7 in self._weekend:
            return False
        index = bisect_left(self._holiday_days, day)
        return index == len(self._holiday_days) or self._holiday_days[index] != day

    # -- public API ------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Whether work is expected on `d` (not a weekend day, not a holiday)."""
        if isinstance(d, datetime):
            raise TypeError("Pass a date; convert instants with engine.clock.local_date() first")
        return d.weekday() not in self._weekend and d not in self._holidays

    def add_working_days(self, start: date, n: int) -> date:
        """Move `n` working days from `start`; this is how every deadline is computed.

        - n > 0: the n-th working day strictly after `start` ("5 hari kerja setelah triwulan
          berakhir" counts from the day after the quarter's last day, whatever that day is).
        - n < 0: the |n|-th working day strictly before `start` (reminders "3 hari kerja
          sebelum batas waktu").
        - n == 0: `start` itself if it is a working day, otherwise the next working day, so a
          zero offset never lands on a day off.

        Runs in time proportional to the holidays in the span (plus a constant), never to the
        span's length in days.
        """
        day = _day(start)
        if n == 0:
            return start if self._is_working(day) else _date(self._forward(day, 1))
        if n > 0:
            return _date(self._forward(day, n))
        return _date(self._backward(day, -n))

    def _forward(self, day: int, n: int) -> int:
        """n-th working day strictly after `day` (n > 0)."""
        while True:
            target = self._weekday_at_rank(self._weekdays_through(day) + n)
            # Each holiday skipped in (day, target] must be made up after target; the made-up
            # stretch may contain further holidays, hence the loop (bounded by holidays passed).
            n = self._holidays_in(day, target)
            if n == 0:
                return target
            day = target

    def _backward(self, day: int, n: int) -> int:
        """n-th working day strictly before `day` (n > 0)."""
        while True:
            target = self._weekday_at_rank(self._weekdays_through(day - 1) - n + 1)
            n = self._holidays_in(target - 1, day - 1)
            if n == 0:
                return target
            day = target

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end; the negation of the reverse when end < start.

        Half-open so that `working_days_between(s, add_working_days(s, n)) == n` for n > 0 and so
        that spans add up: between(a, b) + between(b, c) == between(a, c). A negative result says
        how many working days `end` lies before `start` (e.g. how late a submission is).
        """
        first, last = _day(start), _day(end)
        if last < first:
            return -self._count(last, first)
        return self._count(first, last)

    def _count(self, after: int, through: int) -> int:
        weekdays = self._weekdays_through(through) - self._weekdays_through(after)
        return weekdays - self._holidays_in(after, through)

    def next_working_day(self, d: date) -> date:
        """Return the first working day strictly after `d`."""
        return self.add_working_days(d, 1)

    def previous_working_day(self, d: date) -> date:
        """Return the last working day strictly before `d`."""
        return self.add_working_days(d, -1)

    def with_holidays(self, extra: Iterable[date]) -> WorkingCalendar:
        """Return a new calendar with `extra` days off, e.g. a cuti bersama decreed mid-year."""
        return WorkingCalendar(self._holidays | frozenset(extra), self._weekend)

    def without_holidays(self, removed: Iterable[date]) -> WorkingCalendar:
        """Return a new calendar where `removed` are working days again (cancelled cuti)."""
        return WorkingCalendar(self._holidays - frozenset(removed), self._weekend)

"""Reporting periods: the triwulan (quarter).

Quarterly realisation reports, their targets and their deadlines are all keyed by a quarter, and
users name quarters as "TW I 2021". A small value object keeps the arithmetic (bounds, next,
previous, which quarter an instant falls in) in one tested place, and keeps the time-zone rule
explicit: a quarter is a span of *local* (Asia/Jakarta) calendar days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.clock import JAKARTA, local_date

__all__ = ["Quarter"]

_ROMAN = ("I", "II", "III", "IV")
_FROM_ROMAN = {numeral: index + 1 for index, numeral in enumerate(_ROMAN)}
_MIN_YEAR = 1
_QUARTERS_PER_YEAR = 4
_MAX_YEAR = 9999

_TW_PATTERN = re.compile(r"^\s*(?:TW|TRIWULAN)\s*(IV|I{1,3}|[1-4])\s+(\d{4})\s*$", re.IGNORECASE)
_ISO_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*Q\s*([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """One triwulan of a year; ordered chronologically by (year, number)."""

    year: int
    number: int

    def __post_init__(self) -> None:
        for name, value in (("tahun", self.year), ("nomor triwulan", self.number)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name.capitalize()} harus berupa bilangan bulat: {value!r}")
        if not _MIN_YEAR <= self.year <= _MAX_YEAR:
            raise ValueError(f"Tahun di luar rentang yang didukung: {self.year}")
        if not 1 <= self.number <= _QUARTERS_PER_YEAR:
            raise ValueError(f"Nomor triwulan harus 1 sampai 4, bukan {self.number}")

    def __str__(self) -> str:
        return self.label

    @property
    def roman(self) -> str:
        """The numeral users write ("I".."IV"), as in official documents."""
        return _ROMAN[self.number - 1]

    @property
    def label(self) -> str:
        """The name shown to users, e.g. "TW I 2021"."""
        return f"TW {self.roman} {self.year}"

    @property
    def first_day(self) -> date:
        """First calendar day of the quarter (inclusive)."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        """Last calendar day of the quarter (inclusive): the day deadlines are counted from."""
        if self.number == _QUARTERS_PER_YEAR:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    def starts_at(self, tz: ZoneInfo = JAKARTA) -> datetime:
        """Aware instant of local midnight opening the quarter, for range queries on timestamps."""
        return datetime.combine(self.first_day, time(0), tzinfo=tz)

    def ends_at(self, tz: ZoneInfo = JAKARTA) -> datetime:
        """Aware instant of local midnight after the last day: an *exclusive* end.

        Exclusive ends let consecutive quarters tile time without gaps or overlaps
        (`q.ends_at() == q.next().starts_at()`).
        """
        return datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=tz)

    def contains(self, d: date) -> bool:
        """Whether the local calendar date `d` falls in this quarter."""
        if isinstance(d, datetime):
            raise TypeError("Pass a date; convert instants with local_date() first")
        return self.first_day <= d <= self.last_day

    def next(self) -> Quarter:
        """Return the following quarter, crossing into the next year after TW IV."""
        if self.number == _QUARTERS_PER_YEAR:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        """Return the preceding quarter, crossing into the previous year before TW I."""
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    @classmethod
    def of(cls, d: date) -> Quarter:
        """Return the quarter of a local calendar date."""
        if isinstance(d, datetime):
            raise TypeError("Pass a date; use Quarter.containing() for instants")
        return cls(d.year, (d.month - 1) // 3 + 1)

    @classmethod
    def containing(cls, instant: datetime, tz: ZoneInfo = JAKARTA) -> Quarter:
        """Return the quarter of the instant's *local* date.

        2021-03-31T17:30Z is already 1 April 2021 in Jakarta, hence TW II: using the UTC date
        would file late-evening work in the wrong quarter. Naive instants are refused.
        """
        return cls.of(local_date(instant, tz))

    @classmethod
    def quarters_of(cls, year: int) -> tuple[Quarter, ...]:
        """Return the four quarters of a year in order, for target tables and reports."""
        return tuple(cls(year, number) for number in range(1, _QUARTERS_PER_YEAR + 1))

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read a quarter as users and URLs write it: "TW II 2021", "2021-Q2" or "2021Q2".

        Raises ValueError with a message fit to show to the user.
        """
        match = _TW_PATTERN.match(text)
        if match is not None:
            numeral, year = match.group(1).upper(), match.group(2)
            number = int(numeral) if numeral.isdigit() else _FROM_ROMAN[numeral]
            return cls._checked(int(year), number, text)
        match = _ISO_PATTERN.match(text)
        if match is not None:
            return cls._checked(int(match.group(1)), int(match.group(2)), text)
        raise ValueError(
            f"Format triwulan tidak dikenali: {text!r}. Gunakan mis. 'TW II 2021' atau '2021-Q2'."
        )

    @classmethod
    def _checked(cls, year: int, number: int, text: str) -> Quarter:
        """Build a parsed quarter, restating range errors in terms of the user's input."""
        try:
            return cls(year, number)
        except ValueError as error:
            raise ValueError(f"Triwulan tidak valid: {text!r}. {error}") from error

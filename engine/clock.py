"""Time as an injected dependency.

Deadlines, reminders and escalations all hinge on "now". Reading the wall clock in business code
makes that code untestable and non-deterministic, so the domain receives a `Clock` instead.
`SystemClock` is the one place in the project allowed to read the wall clock; `FixedClock` is its
fake, living beside it, for tests and for replaying a sweep "as of" a given moment.

All instants are aware and normalised to UTC (stored that way); the calendar date that matters to
people (Asia/Jakarta, WIB) is derived with `local_date`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

__all__ = ["JAKARTA", "Clock", "FixedClock", "SystemClock", "local_date"]

JAKARTA = ZoneInfo("Asia/Jakarta")
"""The time zone in which the regency works and in which dates are reasoned about (WIB)."""


def _require_aware(instant: datetime, what: str) -> None:
    """Refuse naive datetimes: their meaning depends on the machine, which is exactly the bug."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {instant!r}")


class Clock(Protocol):
    """The port through which the domain learns the current instant."""

    def now(self) -> datetime:
        """Return the current instant as an aware datetime in UTC."""
        ...


class SystemClock:
    """The production clock: the only sanctioned reader of the wall clock."""

    def now(self) -> datetime:
        """Read the wall clock in UTC, so stored instants never depend on the host's zone."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that only moves when told to, so time-dependent tests are deterministic."""

    __slots__ = ("_instant",)

    def __init__(self, instant: datetime) -> None:
        _require_aware(instant, "FixedClock instant")
        self._instant = instant.astimezone(UTC)

    def now(self) -> datetime:
        """Return the configured instant (in UTC)."""
        return self._instant

    def advance(self, delta: timedelta) -> None:
        """Move time forward (or back, with a negative delta) to simulate sweeps over days."""
        self._instant = self._instant + delta

    def set(self, instant: datetime) -> None:
        """Jump to an arbitrary instant; naive datetimes are refused as in the constructor."""
        _require_aware(instant, "FixedClock instant")
        self._instant = instant.astimezone(UTC)

    def __repr__(self) -> str:
        return f"FixedClock({self._instant.isoformat()})"


def local_date(instant: datetime, tz: ZoneInfo = JAKARTA) -> date:
    """Return the calendar date of `instant` in `tz`.

    Working days and quarters are defined on the local calendar: 17:30 UTC on 31 March is already
    1 April in Jakarta. Naive datetimes are refused because their zone would be a guess.
    """
    _require_aware(instant, "instant")
    return instant.astimezone(tz).date()

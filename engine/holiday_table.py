"""The holiday table's days: what the admin sees and edits, and what the calendar is built of.

Holidays (libur nasional and cuti bersama) change by decree every year, so the published
calendar is only the starting point: the admin adds regional holidays and follows a new
decree. A removed day is kept, marked inactive, so that seeding again never brings it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["ADMIN", "CATEGORIES", "GOVERNMENT", "LOCAL", "PUBLIC", "SEED", "HolidayDay"]

PUBLIC = "public"
GOVERNMENT = "government"  # cuti bersama
LOCAL = "local"  # added by the admin (e.g. a regional holiday)
CATEGORIES = (PUBLIC, GOVERNMENT, LOCAL)

SEED = "seed"
ADMIN = "admin"
"""Where a day's row came from: the published calendar, or the admin."""


@dataclass(frozen=True)
class HolidayDay:
    """A day of the holiday table; an inactive one was removed by the admin."""

    day: date
    name: str
    category: str
    source: str = ADMIN
    active: bool = True

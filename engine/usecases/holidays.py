"""The holiday table behind every working-day deadline: list, add, remove, seed.

The published Indonesian calendar (libur nasional, cuti bersama) is only the starting
point: holidays change by decree every year, so the administrator adds and removes days.
A removed day stays in the table, marked inactive, so seeding again never brings it back;
adding it again restores it with the name given.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from engine.errors import NotFoundError, ValidationError
from engine.holiday_table import ADMIN, CATEGORIES, LOCAL, HolidayDay
from engine.ports import UnitOfWork, writes
from engine.text import single_line

__all__ = ["add_holiday", "list_holidays", "remove_holiday", "seed_holidays"]


def list_holidays(
    uow: UnitOfWork, *, year: int | None = None, include_removed: bool = False
) -> list[HolidayDay]:
    """Holidays in date order, of one year if given, with the removed days if asked."""
    return uow.holidays.days(year=year, include_removed=include_removed)


@writes
def add_holiday(
    uow: UnitOfWork, day: date, name: str, *, category: str = LOCAL, now: datetime
) -> HolidayDay:
    """Add a day (or bring back a removed one, with the new name)."""
    name = single_line(name, "Nama hari libur", field="name").strip()
    if not name:
        raise ValidationError("Nama hari libur wajib diisi", log_message="holiday name missing")
    if category not in CATEGORIES:
        raise ValidationError(
            f"Jenis hari libur '{category}' tidak dikenal (public, government, local)",
            log_message=f"unknown holiday category {category!r}",
        )
    holiday = HolidayDay(day, name, category, ADMIN, active=True)
    uow.holidays.put(holiday, now)
    uow.commit()
    return holiday


@writes
def remove_holiday(uow: UnitOfWork, day: date, *, now: datetime) -> HolidayDay:
    """Make a holiday a working day again; NotFoundError if it is not a holiday."""
    found = uow.holidays.day(day)
    if found is None or not found.active:
        raise NotFoundError(
            f"{day.isoformat()} tidak ada dalam daftar hari libur",
            log_message=f"holiday {day} not found",
        )
    removed = HolidayDay(day, found.name, found.category, ADMIN, active=False)
    uow.holidays.put(removed, now)
    uow.commit()
    return removed


@writes
def seed_holidays(uow: UnitOfWork, years: Iterable[int], *, now: datetime) -> int:
    """Add the published holidays of `years` the table has no row for; how many were new."""
    added = uow.holidays.seed(years, now)
    uow.commit()
    return added

"""The holiday table behind every working-day deadline: list, add, remove, seed.

The published Indonesian calendar (libur nasional, cuti bersama) is only the starting
point: holidays change by decree every year, so the administrator adds and removes days.
A removed day stays in the table, marked inactive, so seeding again never brings it back;
adding it again restores it with the name given. A day that already is a holiday is never
renamed silently: adding it again is refused with the name it has (`HolidayTakenError`) unless
the caller says to replace it. Every change is recorded in the admin
log, in its transaction (`actor`: who, as the log names them; the demo's seeding is
the system's).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from engine.errors import FieldError, NotFoundError, ValidationError
from engine.formatting import format_date_id
from engine.holiday_table import ADMIN, CATEGORIES, GOVERNMENT, LOCAL, PUBLIC, HolidayDay
from engine.ports import UnitOfWork, writes
from engine.text import single_line
from engine.usecases.audit import SYSTEM_ACTOR, record_admin

__all__ = [
    "KIND_LABELS",
    "HolidayTakenError",
    "add_holiday",
    "list_holidays",
    "remove_holiday",
    "seed_holidays",
]

KIND_LABELS = {PUBLIC: "Libur nasional", GOVERNMENT: "Cuti bersama", LOCAL: "Libur daerah"}
"""How each kind of holiday is named to people."""


class HolidayTakenError(FieldError):
    """The day already is a holiday (`existing`); nothing was written."""

    def __init__(self, existing: HolidayDay) -> None:
        kind = KIND_LABELS.get(existing.category, existing.category)
        super().__init__(
            "day",
            f"{format_date_id(existing.day)} sudah tercatat sebagai hari libur: "
            f"{existing.name} ({kind}). Tidak diubah.",
            log_message=f"holiday {existing.day} exists",
        )
        self.existing = existing


def list_holidays(
    uow: UnitOfWork, *, year: int | None = None, include_removed: bool = False
) -> list[HolidayDay]:
    """Holidays in date order, of one year if given, with the removed days if asked."""
    return uow.holidays.days(year=year, include_removed=include_removed)


def _values(holiday: HolidayDay | None) -> dict[str, object] | None:
    if holiday is None or not holiday.active:
        return None
    return {"name": holiday.name, "category": holiday.category}


def _subject(day: date) -> str:
    return f"Hari libur {format_date_id(day)}"


@writes
def add_holiday(
    uow: UnitOfWork,
    day: date,
    name: str,
    *,
    category: str = LOCAL,
    now: datetime,
    actor: str = SYSTEM_ACTOR,
    replace: bool = False,
) -> HolidayDay:
    """Add a day (or bring back a removed one, with the new name). A day that is a holiday
    already is replaced only with `replace`; otherwise HolidayTakenError (the same name and kind
    again changes nothing)."""
    name = single_line(name, "Nama hari libur", field="name").strip()
    if not name:
        raise ValidationError("Nama hari libur wajib diisi", log_message="holiday name missing")
    if category not in CATEGORIES:
        raise ValidationError(
            f"Jenis hari libur '{category}' tidak dikenal (public, government, local)",
            log_message=f"unknown holiday category {category!r}",
        )
    holiday = HolidayDay(day, name, category, ADMIN, active=True)
    found = uow.holidays.day(day)
    before = _values(found)
    if found is not None and before is not None:
        if before == _values(holiday):
            return found
        if not replace:
            raise HolidayTakenError(found)
    uow.holidays.put(holiday, now)
    action = "holiday.add" if before is None else "holiday.replace"
    record_admin(uow, actor, action, _subject(day), before, _values(holiday), now=now)
    uow.commit()
    return holiday


@writes
def remove_holiday(
    uow: UnitOfWork, day: date, *, now: datetime, actor: str = SYSTEM_ACTOR
) -> HolidayDay:
    """Make a holiday a working day again; NotFoundError if it is not a holiday."""
    found = uow.holidays.day(day)
    if found is None or not found.active:
        raise NotFoundError(
            f"{day.isoformat()} tidak ada dalam daftar hari libur",
            log_message=f"holiday {day} not found",
        )
    removed = HolidayDay(day, found.name, found.category, ADMIN, active=False)
    uow.holidays.put(removed, now)
    record_admin(uow, actor, "holiday.remove", _subject(day), _values(found), None, now=now)
    uow.commit()
    return removed


@writes
def seed_holidays(
    uow: UnitOfWork, years: Iterable[int], *, now: datetime, actor: str = SYSTEM_ACTOR
) -> int:
    """Add the published holidays of `years` the table has no row for; how many were new."""
    years = sorted(set(years))
    added = uow.holidays.seed(years, now)
    if added:
        span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
        subject = f"Hari libur resmi tahun {span}"
        record_admin(uow, actor, "holiday.seed", subject, None, {"added": added}, now=now)
    uow.commit()
    return added

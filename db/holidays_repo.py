"""The holiday table: seeded from the `holidays` package, then kept by the admin.

Holidays (libur nasional and cuti bersama) change by decree every year, so the
package only provides the starting point; `kinerja holidays add/remove` lets an
admin follow a new decree. Removing a day marks it inactive instead of deleting
it, so that seeding again never brings back a day the admin took out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import holidays as holidays_package
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.memo import Memo
from db.models import Holiday
from engine.calendar import WorkingCalendar
from engine.errors import NotFoundError, ValidationError

PUBLIC = "public"
GOVERNMENT = "government"  # cuti bersama
LOCAL = "local"  # added by the admin (e.g. a regional holiday)
SEED = "seed"
ADMIN = "admin"


def package_holidays(years: Iterable[int]) -> dict[date, tuple[str, str]]:
    """Indonesian public holidays and cuti bersama from the `holidays` package.

    Returns day -> (name in Bahasa Indonesia, category).
    """
    year_list = sorted(set(years))
    every = holidays_package.country_holidays(
        "ID", years=year_list, categories=(PUBLIC, GOVERNMENT), language="id"
    )
    joint = holidays_package.country_holidays(
        "ID", years=year_list, categories=(GOVERNMENT,), language="id"
    )
    return {
        day: (name, GOVERNMENT if day in joint and len(name.split("; ")) == 1 else PUBLIC)
        for day, name in every.items()
    }


def seed_holidays(session: Session, years: Iterable[int], now: datetime) -> int:
    """Insert the package's holidays for `years` that the table does not have yet.

    Returns the number of days inserted. Existing rows (including days an admin
    removed or renamed) are left as they are.
    """
    wanted = package_holidays(years)
    if not wanted:
        return 0
    present = set(session.exec(select(col(Holiday.day)).where(col(Holiday.day).in_(list(wanted)))))
    added = 0
    for day, (name, category) in sorted(wanted.items()):
        if day in present:
            continue
        session.add(
            Holiday(day=day, name=name, category=category, source=SEED, active=True, updated_at=now)
        )
        added += 1
    session.flush()
    return added


def list_holidays(
    session: Session, *, year: int | None = None, include_removed: bool = False
) -> list[Holiday]:
    """Holidays in date order, optionally of one year, optionally with removed days."""
    query = select(Holiday).order_by(col(Holiday.day))
    if year is not None:
        query = query.where(
            col(Holiday.day) >= date(year, 1, 1), col(Holiday.day) <= date(year, 12, 31)
        )
    if not include_removed:
        query = query.where(col(Holiday.active).is_(True))
    return list(session.exec(query))


def add_holiday(
    session: Session, day: date, name: str, now: datetime, *, category: str = LOCAL
) -> Holiday:
    """Add a day (or bring back a removed one, with the new name)."""
    name = name.strip()
    if not name:
        raise ValidationError("Nama hari libur wajib diisi", log_message="holiday name missing")
    if category not in (PUBLIC, GOVERNMENT, LOCAL):
        raise ValidationError(
            f"Jenis hari libur '{category}' tidak dikenal (public, government, local)",
            log_message=f"unknown holiday category {category!r}",
        )
    row = session.get(Holiday, day)
    if row is None:
        row = Holiday(
            day=day, name=name, category=category, source=ADMIN, active=True, updated_at=now
        )
        session.add(row)
    else:
        row.name, row.category, row.source, row.active, row.updated_at = (
            name,
            category,
            ADMIN,
            True,
            now,
        )
    session.flush()
    return row


def remove_holiday(session: Session, day: date, now: datetime) -> Holiday:
    """Mark a day as a working day again; `NotFoundError` if it is not a holiday."""
    row = session.get(Holiday, day)
    if row is None or not row.active:
        raise NotFoundError(
            f"{day.isoformat()} tidak ada dalam daftar hari libur",
            log_message=f"holiday {day} not found",
        )
    row.active, row.source, row.updated_at = False, ADMIN, now
    session.flush()
    return row


def load_calendar(session: Session) -> WorkingCalendar:
    """The working-day calendar from the active holidays in the table.

    Read on every call (a holiday added by the admin counts at once); the calendar built
    from the same set of days is reused, like the organisation tree (`db.org_repo`).
    """
    column = Holiday.metadata.tables["holiday"].c
    days = frozenset(
        session.connection().execute(sa_select(column.day).where(column.active.is_(True))).scalars()
    )
    return _calendars.get(days, WorkingCalendar)


_calendars: Memo[frozenset[date], WorkingCalendar] = Memo(size=8)

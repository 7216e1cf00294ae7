"""The holiday table: seeded from the `holidays` package, then kept by the admin.

Holidays (libur nasional and cuti bersama) change by decree every year, so the
package only provides the starting point; engine.usecases.holidays lets an admin
follow a new decree. Removing a day marks it inactive instead of deleting it, so that
seeding again never brings back a day the admin took out. Reading the `holidays`
package is infrastructure, so it stays here, behind `SqlHolidays.seed`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import holidays as holidays_package
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.workflow_models import Holiday
from engine.calendar import WorkingCalendar
from engine.holiday_table import GOVERNMENT, PUBLIC, SEED, HolidayDay
from engine.memo import Memo


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


def _day(row: Holiday) -> HolidayDay:
    return HolidayDay(row.day, row.name, row.category, row.source, row.active)


class SqlHolidays:
    """The holiday table on the unit of work's session (`engine.ports.HolidayRepository`)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def days(self, *, year: int | None, include_removed: bool) -> list[HolidayDay]:
        """Holidays in date order, optionally of one year, optionally with removed days."""
        query = select(Holiday).order_by(col(Holiday.day))
        if year is not None:
            query = query.where(
                col(Holiday.day) >= date(year, 1, 1), col(Holiday.day) <= date(year, 12, 31)
            )
        if not include_removed:
            query = query.where(col(Holiday.active).is_(True))
        return [_day(row) for row in self.session.exec(query)]

    def day(self, day: date) -> HolidayDay | None:
        """The row of a day, active or removed."""
        row = self.session.get(Holiday, day)
        return None if row is None else _day(row)

    def put(self, holiday: HolidayDay, now: datetime) -> None:
        """Insert the day, or replace what its row says."""
        row = self.session.get(Holiday, holiday.day)
        if row is None:
            row = Holiday(
                day=holiday.day,
                name=holiday.name,
                category=holiday.category,
                source=holiday.source,
                active=holiday.active,
                updated_at=now,
            )
        else:
            row.name, row.category, row.source, row.active, row.updated_at = (
                holiday.name,
                holiday.category,
                holiday.source,
                holiday.active,
                now,
            )
        self.session.add(row)
        self.session.flush()

    def seed(self, years: Iterable[int], now: datetime) -> int:
        """Insert the package's holidays of `years` that have no row yet; how many."""
        return seed_holidays(self.session, years, now)


def load_calendar(session: Session) -> WorkingCalendar:
    """The working-day calendar from the active holidays in the table.

    Read on every call (a holiday added by the admin counts at once); the calendar built
    from the same set of days is reused, like the organisation tree (`db.organisation`).
    """
    column = Holiday.metadata.tables["holiday"].c
    days = frozenset(
        session.connection().execute(sa_select(column.day).where(column.active.is_(True))).scalars()
    )
    return _calendars.get(days, WorkingCalendar)


_calendars: Memo[frozenset[date], WorkingCalendar] = Memo(size=8)

"""The holiday table on SQLite and PostgreSQL, and the calendar read from it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

from db.admin import load_calendar, package_holidays, seed_holidays
from db.database import transaction
from db.uow import SqlUnitOfWork
from engine.periods import Quarter
from engine.usecases.holidays import add_holiday, list_holidays, remove_holiday

NOW = datetime(2021, 1, 2, tzinfo=UTC)
SUBMISSION_DAYS = 5


def deadline(engine: Engine, quarter: Quarter) -> date:
    with transaction(engine) as session:
        calendar = load_calendar(session)
    return calendar.add_working_days(quarter.last_day, SUBMISSION_DAYS)


def test_package_marks_cuti_bersama_as_government() -> None:
    days = package_holidays([2021, 2026])
    assert days[date(2021, 5, 12)] == ("Cuti Bersama Hari Raya Idul Fitri", "government")
    assert days[date(2026, 3, 23)][1] == "government"
    assert days[date(2021, 4, 2)][1] == "public"
    assert date(2021, 4, 3) not in days


def test_seeded_calendar_gives_the_tw_i_2021_deadline(engine: Engine) -> None:
    with transaction(engine) as session:
        assert seed_holidays(session, [2021], NOW) == 16
    # 1 Apr (1), 2 Apr Good Friday, 5 (2), 6 (3), 7 (4), 8 Apr (5).
    assert deadline(engine, Quarter(2021, 1)) == date(2021, 4, 8)


def test_an_admin_adds_a_day_and_the_deadline_moves(engine: Engine) -> None:
    with transaction(engine) as session:
        seed_holidays(session, [2021], NOW)
    with SqlUnitOfWork(engine, write=True) as uow:
        add_holiday(uow, date(2021, 4, 8), "Libur daerah", now=NOW)
    assert deadline(engine, Quarter(2021, 1)) == date(2021, 4, 9)
    with SqlUnitOfWork(engine, write=True) as uow:
        remove_holiday(uow, date(2021, 4, 8), now=NOW)
    assert deadline(engine, Quarter(2021, 1)) == date(2021, 4, 8)


def test_removed_days_stay_removed_when_seeding_again(engine: Engine) -> None:
    with transaction(engine) as session:
        seed_holidays(session, [2021], NOW)
    with SqlUnitOfWork(engine, write=True) as uow:
        remove_holiday(uow, date(2021, 5, 12), now=NOW)
    with transaction(engine) as session:
        assert seed_holidays(session, [2021, 2022], NOW) == len(package_holidays([2022]))
    with SqlUnitOfWork(engine) as uow:
        active = {h.day for h in list_holidays(uow, year=2021)}
        every = {h.day for h in list_holidays(uow, year=2021, include_removed=True)}
    assert date(2021, 5, 12) not in active
    assert every - active == {date(2021, 5, 12)}


def test_deadline_across_idul_fitri_2026_and_year_end(engine: Engine) -> None:
    with transaction(engine) as session:
        seed_holidays(session, [2026, 2027], NOW)
        calendar = load_calendar(session)
    # 17 Mar 2026 (Tue) + 1: 18-24 Mar are Nyepi, Idul Fitri and cuti bersama.
    assert calendar.add_working_days(date(2026, 3, 17), 1) == date(2026, 3, 25)
    # TW IV 2026 closes 31 Dec; 1 Jan and 5 Jan 2027 are holidays.
    assert calendar.add_working_days(Quarter(2026, 4).last_day, 1) == date(2027, 1, 4)

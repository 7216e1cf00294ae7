"""engine.usecases.holidays against the in-memory unit of work: the admin's holiday table."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.errors import NotFoundError, ValidationError
from engine.holiday_table import ADMIN, GOVERNMENT, LOCAL, PUBLIC, SEED, HolidayDay
from engine.usecases.holidays import (
    KIND_LABELS,
    HolidayTakenError,
    add_holiday,
    list_holidays,
    remove_holiday,
    seed_holidays,
)
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.fakes_accounts import FakeHolidays

NOW = datetime(2021, 1, 2, tzinfo=UTC)
PUBLISHED = {
    date(2021, 1, 1): ("Tahun Baru Masehi", PUBLIC),
    date(2021, 5, 12): ("Cuti Bersama Hari Raya Idul Fitri", GOVERNMENT),
    date(2022, 1, 1): ("Tahun Baru Masehi", PUBLIC),
}


def given(*days: HolidayDay) -> tuple[FakeUnitOfWork, FakeHolidays]:
    table = FakeHolidays(PUBLISHED, *days)
    return FakeUnitOfWork(holidays=table), table


def test_seeding_adds_only_the_days_without_a_row() -> None:
    removed = HolidayDay(date(2021, 5, 12), "Cuti Bersama", GOVERNMENT, ADMIN, active=False)
    uow, table = given(removed)
    assert seed_holidays(uow, [2021], now=NOW) == 1
    assert table.rows[date(2021, 1, 1)] == HolidayDay(
        date(2021, 1, 1), "Tahun Baru Masehi", PUBLIC, SEED
    )
    assert table.rows[date(2021, 5, 12)] == removed  # the admin's removal stays
    assert seed_holidays(uow, [2021, 2022], now=NOW) == 1
    assert uow.commits == 2


def test_the_list_is_per_year_with_the_removed_days_on_request() -> None:
    uow, _ = given(
        HolidayDay(date(2021, 8, 17), "Hari Kemerdekaan", PUBLIC, SEED),
        HolidayDay(date(2021, 5, 12), "Cuti Bersama", GOVERNMENT, ADMIN, active=False),
        HolidayDay(date(2022, 1, 1), "Tahun Baru", PUBLIC, SEED),
    )
    assert [d.day for d in list_holidays(uow, year=2021)] == [date(2021, 8, 17)]
    assert [d.day for d in list_holidays(uow, year=2021, include_removed=True)] == [
        date(2021, 5, 12),
        date(2021, 8, 17),
    ]
    assert len(list_holidays(uow)) == 2


@pytest.mark.parametrize(
    ("name", "category", "message"),
    [
        ("  ", LOCAL, "Nama hari libur wajib diisi"),
        ("Hari Jadi", "regional", "Jenis hari libur 'regional' tidak dikenal"),
    ],
)
def test_a_refused_holiday_writes_nothing(name: str, category: str, message: str) -> None:
    uow, table = given()
    with pytest.raises(ValidationError, match=message):
        add_holiday(uow, date(2021, 4, 8), name, category=category, now=NOW)
    assert table.rows == {} and uow.commits == 0


def test_adding_a_day_or_bringing_a_removed_one_back() -> None:
    removed = HolidayDay(date(2021, 5, 12), "Cuti Bersama", GOVERNMENT, SEED, active=False)
    uow, table = given(removed)
    added = add_holiday(uow, date(2021, 4, 8), " Hari Jadi Kabupaten ", now=NOW)
    assert table.rows[date(2021, 4, 8)] == added
    assert (added.name, added.category, added.source, added.active) == (
        "Hari Jadi Kabupaten",
        LOCAL,
        ADMIN,
        True,
    )
    back = add_holiday(
        uow, date(2021, 5, 12), "Cuti Bersama Idul Fitri", category=GOVERNMENT, now=NOW
    )
    assert table.rows[date(2021, 5, 12)] == back and back.active
    assert table.stamps[date(2021, 5, 12)] == NOW and uow.commits == 2


def test_removing_keeps_the_day_marked_inactive() -> None:
    uow, table = given(HolidayDay(date(2021, 8, 17), "Hari Kemerdekaan", PUBLIC, SEED))
    removed = remove_holiday(uow, date(2021, 8, 17), now=NOW)
    assert table.rows[date(2021, 8, 17)] == removed
    assert (removed.name, removed.source, removed.active) == ("Hari Kemerdekaan", ADMIN, False)
    with pytest.raises(NotFoundError, match="2021-08-17 tidak ada dalam daftar hari libur"):
        remove_holiday(uow, date(2021, 8, 17), now=NOW)
    with pytest.raises(NotFoundError, match="2021-04-09 tidak ada"):
        remove_holiday(uow, date(2021, 4, 9), now=NOW)
    assert uow.commits == 1


def test_every_change_is_in_the_admin_log_with_before_and_after() -> None:
    uow, _ = given()
    seed_holidays(uow, [2021, 2022], now=NOW, actor="konsol (ops)")
    seed_holidays(uow, [2021], now=NOW, actor="konsol (ops)")  # nothing new: no row
    add_holiday(uow, date(2021, 6, 15), "Hari Jadi", now=NOW, actor="Admin (admin)")
    add_holiday(uow, date(2021, 6, 15), "Hari Jadi Gresik", now=NOW, replace=True)
    remove_holiday(uow, date(2021, 6, 15), now=NOW, actor="Admin (admin)")
    rows = list(uow.admin_log.rows())
    assert [(r.id, r.actor, r.action, r.subject) for r in rows] == [
        (1, "konsol (ops)", "holiday.seed", "Hari libur resmi tahun 2021-2022"),
        (2, "Admin (admin)", "holiday.add", "Hari libur 15 Juni 2021"),
        (3, "sistem", "holiday.replace", "Hari libur 15 Juni 2021"),
        (4, "Admin (admin)", "holiday.remove", "Hari libur 15 Juni 2021"),
    ]
    assert rows[0].values("after") == {"added": 3}
    assert (rows[1].before, rows[1].values("after")) == (
        None,
        {"name": "Hari Jadi", "category": LOCAL},
    )
    assert rows[2].values("before") == {"name": "Hari Jadi", "category": LOCAL}
    assert rows[2].values("after") == {"name": "Hari Jadi Gresik", "category": LOCAL}
    assert (rows[3].values("before")["name"], rows[3].after) == ("Hari Jadi Gresik", None)


def test_a_refused_holiday_leaves_no_admin_row() -> None:
    uow, _ = given()
    with pytest.raises(NotFoundError):
        remove_holiday(uow, date(2021, 6, 16), now=NOW, actor="Admin (admin)")
    with pytest.raises(ValidationError):
        add_holiday(uow, date(2021, 6, 16), " ", now=NOW, actor="Admin (admin)")
    assert list(uow.admin_log.rows()) == []


def test_a_day_that_is_a_holiday_is_never_renamed_silently() -> None:
    kept = HolidayDay(date(2021, 12, 24), "Cuti Bersama Natal", GOVERNMENT, SEED)
    uow, table = given(kept)
    with pytest.raises(HolidayTakenError) as taken:
        add_holiday(uow, date(2021, 12, 24), "Hari Jadi", now=NOW, actor="Admin (admin)")
    assert str(taken.value) == (
        "24 Desember 2021 sudah tercatat sebagai hari libur: Cuti Bersama Natal (Cuti bersama). "
        "Tidak diubah."
    )
    assert taken.value.field == "day" and taken.value.existing == kept
    assert table.rows[date(2021, 12, 24)] == kept and list(uow.admin_log.rows()) == []
    same = add_holiday(uow, date(2021, 12, 24), "Cuti Bersama Natal", category=GOVERNMENT, now=NOW)
    assert same == kept and uow.commits == 0  # the same again: nothing to change
    replaced = add_holiday(
        uow, date(2021, 12, 24), "Hari Jadi", now=NOW, actor="Admin (admin)", replace=True
    )
    assert table.rows[date(2021, 12, 24)] == replaced and replaced.name == "Hari Jadi"
    [row] = uow.admin_log.rows()
    assert row.action == "holiday.replace" and row.values("before")["name"] == "Cuti Bersama Natal"
    assert KIND_LABELS[GOVERNMENT] == "Cuti bersama"

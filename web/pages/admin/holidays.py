"""The admin page for the holiday calendar: a year's holidays, adding and removing one.

Adding a day that already is a holiday changes nothing: the page says which holiday the day
has and offers a "Ganti" button that sends the same form again with `ganti=1`."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from engine.errors import FieldError, NotFoundError
from engine.holiday_table import LOCAL
from engine.ports import UnitOfWork
from engine.usecases.holidays import (
    KIND_LABELS,
    HolidayTakenError,
    add_holiday,
    list_holidays,
    remove_holiday,
)
from web.auth import AdminFormUser, AdminUser, CurrentUser
from web.deps import UowDep, web_of
from web.pages.admin.common import Text, done, log, parse_day, parse_int, refused, render, who

router = APIRouter()

HOLIDAY_KINDS = KIND_LABELS


def _year(raw: str, today: date) -> int:
    year = parse_int(raw)
    return year if year is not None and 1900 <= year <= 2200 else today.year


def _holidays_page(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    year: int,
    form: dict[str, str],
    errors: dict[str, str],
    taken: HolidayTakenError | None = None,
) -> HTMLResponse:
    days = list_holidays(uow, year=year, include_removed=True)
    context = {
        "taken": None if taken is None else taken.existing,
        "year": year,
        "holidays": [d for d in days if d.active],
        "removed": [d for d in days if not d.active],
        "kinds": HOLIDAY_KINDS,
        "form": form,
        "errors": errors,
    }
    status = 422 if errors else 200
    return render(request, user, "admin_holidays.html", context, status_code=status)


@router.get("/admin/hari-libur", response_class=HTMLResponse)
def holidays(request: Request, user: AdminUser, uow: UowDep, tahun: str = "") -> HTMLResponse:
    """The holidays of a year, and the form to add one."""
    year = _year(tahun, web_of(request).today())
    form = {"day": "", "name": "", "category": LOCAL}
    return _holidays_page(request, user, uow, year, form, {})


@router.post("/admin/hari-libur", response_class=HTMLResponse, response_model=None)
def holiday_add(
    request: Request,
    user: AdminFormUser,
    uow: UowDep,
    day: Text = "",
    name: Text = "",
    category: Text = LOCAL,
    tahun: Text = "",
    ganti: Text = "",
) -> HTMLResponse | RedirectResponse:
    """Add a holiday (or bring back a removed one); replace one only when `ganti` says so."""
    web = web_of(request)
    form = {"day": day, "name": name, "category": category}
    errors: dict[str, str] = {}
    when = parse_day(day, "day", errors, required=True)
    if not name.strip():
        errors["name"] = "Nama hari libur wajib diisi"
    if category not in HOLIDAY_KINDS:
        errors["category"] = "Pilih jenis hari libur"
    year = when.year if when is not None else _year(tahun, web.today())
    if errors or when is None:
        return _holidays_page(request, user, uow, year, form, errors)
    try:
        add_holiday(
            uow, when, name, category=category, now=web.now(), actor=who(user), replace=ganti == "1"
        )
    except HolidayTakenError as exc:
        errors = refused(request, user, exc)
        return _holidays_page(request, user, uow, year, form, errors, exc)
    except FieldError as exc:
        return _holidays_page(request, user, uow, year, form, refused(request, user, exc))
    log.info("%s added holiday %s", user.login, when)
    return done(f"/admin/hari-libur?tahun={when.year}", "libur-ditambah")


@router.post("/admin/hari-libur/{day}/hapus", response_model=None)
def holiday_remove(
    request: Request, user: AdminFormUser, uow: UowDep, day: str
) -> RedirectResponse:
    """Make a holiday a working day again (kept as removed, so a re-seed leaves it out)."""
    web = web_of(request)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise NotFoundError("Tanggal tidak dikenal", log_message=f"bad day {day!r}") from None
    remove_holiday(uow, when, now=web.now(), actor=who(user))
    log.info("%s removed holiday %s", user.login, when)
    return done(f"/admin/hari-libur?tahun={when.year}", "libur-dihapus")

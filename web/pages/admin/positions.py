"""The admin pages of positions (/admin/jabatan): the list, and adding, renaming, moving
(another superior) and closing a position, each with its effective date and written to the
admin log by its use case (engine.usecases.organisation)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from engine.errors import FieldError
from engine.org import Level
from engine.ports import UnitOfWork
from engine.usecases.assignments import assignment_choices
from engine.usecases.organisation import add_position, change_position, close_position
from engine.usecases.people import get_position, list_positions
from web.auth import AdminFormUser, AdminUser, CurrentUser
from web.deps import UowDep, web_of
from web.pages.admin.common import (
    Text,
    clock_args,
    done,
    log,
    parse_day,
    parse_int,
    refused,
    render,
    who,
)

router = APIRouter()


@router.get("/admin/jabatan", response_class=HTMLResponse)
def positions(request: Request, user: AdminUser, uow: UowDep) -> HTMLResponse:
    """Positions in tree order, with level and today's holders."""
    rows = list_positions(uow, **clock_args(web_of(request)))
    return render(request, user, "admin_positions.html", {"rows": rows})


LEVELS = {level.value: level.label for level in Level}


def _position_form(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    position_id: int | None,
    form: dict[str, str] | None,
    errors: dict[str, str],
) -> HTMLResponse:
    web = web_of(request)
    position = None if position_id is None else get_position(uow, position_id)
    if form is None:
        assert position is not None
        form = {
            "title": position.title,
            "parent_id": str(position.parent_id or ""),
            "effective": web.today().isoformat(),
        }
    parents = assignment_choices(uow, **clock_args(web)).positions
    if position is not None:
        parents = [row for row in parents if row.position.agency_id == position.agency_id]
    context = {
        "position": position,
        "parents": parents,
        "levels": LEVELS,
        "form": form,
        "errors": errors,
    }
    status = 422 if errors else 200
    return render(request, user, "admin_position_form.html", context, status_code=status)


@router.get("/admin/jabatan/baru", response_class=HTMLResponse)
def position_new(request: Request, user: AdminUser, uow: UowDep, atasan: str = "") -> HTMLResponse:
    """The form for a new position (its superior chosen beforehand if given)."""
    form = {
        "parent_id": atasan,
        "code": "",
        "title": "",
        "unit_name": "",
        "level": Level.PELAKSANA.value,
        "effective": web_of(request).today().isoformat(),
    }
    return _position_form(request, user, uow, None, form, {})


@router.post("/admin/jabatan/baru", response_class=HTMLResponse, response_model=None)
def position_create(
    request: Request,
    user: AdminFormUser,
    uow: UowDep,
    parent_id: Text = "",
    code: Text = "",
    title: Text = "",
    unit_name: Text = "",
    level: Text = "",
    effective: Text = "",
) -> HTMLResponse | RedirectResponse:
    """Add a position under a superior, in force from its effective date."""
    form = {
        "parent_id": parent_id,
        "code": code,
        "title": title,
        "unit_name": unit_name,
        "level": level,
        "effective": effective,
    }
    errors: dict[str, str] = {}
    start = parse_day(effective, "effective", errors, required=True)
    if errors or start is None:
        return _position_form(request, user, uow, None, form, errors)
    try:
        added = add_position(
            uow,
            parent_id=parse_int(parent_id),
            code=code,
            title=title,
            unit_name=unit_name,
            level=level,
            effective=start,
            actor=who(user),
            now=web_of(request).now(),
        )
    except FieldError as exc:
        return _position_form(request, user, uow, None, form, refused(request, user, exc))
    log.info("%s added position %s", user.login, added.id)
    return done("/admin/jabatan", "jabatan-dibuat")


@router.get("/admin/jabatan/{position_id}", response_class=HTMLResponse)
def position_edit(request: Request, user: AdminUser, uow: UowDep, position_id: int) -> HTMLResponse:
    """The form to rename a position or give it another superior."""
    return _position_form(request, user, uow, position_id, None, {})


@router.post("/admin/jabatan/{position_id}", response_class=HTMLResponse, response_model=None)
def position_update(
    request: Request,
    user: AdminFormUser,
    uow: UowDep,
    position_id: int,
    title: Text = "",
    parent_id: Text = "",
    effective: Text = "",
) -> HTMLResponse | RedirectResponse:
    """Save a position's title and superior, with the date the change takes effect."""
    form = {"title": title, "parent_id": parent_id, "effective": effective}
    errors: dict[str, str] = {}
    start = parse_day(effective, "effective", errors, required=True)
    if errors or start is None:
        return _position_form(request, user, uow, position_id, form, errors)
    web = web_of(request)
    parent = parse_int(parent_id) if parent_id.strip() else get_position(uow, position_id).parent_id
    try:
        change_position(
            uow,
            position_id,
            title=title,
            parent_id=parent,
            effective=start,
            actor=who(user),
            **clock_args(web),
        )
    except FieldError as exc:
        return _position_form(request, user, uow, position_id, form, refused(request, user, exc))
    log.info("%s changed position %s", user.login, position_id)
    return done("/admin/jabatan", "jabatan-diubah")


def _close_form(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    position_id: int,
    form: dict[str, str],
    errors: dict[str, str],
) -> HTMLResponse:
    context = {"position": get_position(uow, position_id), "form": form, "errors": errors}
    status = 422 if errors else 200
    return render(request, user, "admin_position_close.html", context, status_code=status)


@router.get("/admin/jabatan/{position_id}/tutup", response_class=HTMLResponse)
def position_close_form(
    request: Request, user: AdminUser, uow: UowDep, position_id: int
) -> HTMLResponse:
    """The form to close a position after its last day."""
    form = {"last_day": web_of(request).today().isoformat()}
    return _close_form(request, user, uow, position_id, form, {})


@router.post("/admin/jabatan/{position_id}/tutup", response_class=HTMLResponse, response_model=None)
def position_close(
    request: Request, user: AdminFormUser, uow: UowDep, position_id: int, last_day: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Close a position: it keeps its history, takes nothing new after its last day."""
    form = {"last_day": last_day}
    errors: dict[str, str] = {}
    end = parse_day(last_day, "last_day", errors, required=True)
    if errors or end is None:
        return _close_form(request, user, uow, position_id, form, errors)
    try:
        close_position(uow, position_id, last_day=end, actor=who(user), now=web_of(request).now())
    except FieldError as exc:
        return _close_form(request, user, uow, position_id, form, refused(request, user, exc))
    log.info("%s closed position %s after %s", user.login, position_id, end)
    return done("/admin/jabatan", "jabatan-ditutup")

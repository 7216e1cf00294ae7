"""The admin pages for who holds what: officials and their assignments (the positions are
web/pages/admin/positions.py's).

An appointment or its end takes its effective date. An appointment that overlaps other
holders is shown back with the overlaps in words and a button to confirm it
(`konfirmasi=1`): never refused, never accepted silently."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from engine.errors import FieldError
from engine.org import AssignmentStatus
from engine.ports import UnitOfWork
from engine.usecases.assignments import (
    AssignmentChoices,
    ConfirmationNeededError,
    assignment_choices,
    assignment_details,
    create_assignment,
    end_assignment,
    list_assignments,
)
from engine.usecases.people import (
    create_official,
    list_officials,
    official_details,
    update_official,
)
from web.auth import AdminFormUser, AdminUser, CurrentUser
from web.deps import UowDep, web_of
from web.pages.admin.common import (
    STATUS_LABELS,
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


# -- officials ------------------------------------------------------------------------------


@router.get("/admin/pegawai", response_class=HTMLResponse)
def officials(request: Request, user: AdminUser, uow: UowDep) -> HTMLResponse:
    """Every official with today's positions."""
    rows = list_officials(uow, **clock_args(web_of(request)))
    return render(request, user, "admin_officials.html", {"officials": rows})


def _official_form(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    official_id: int | None,
    form: dict[str, str] | None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {"errors": errors or {}, "official": None}
    if official_id is not None:
        found = official_details(uow, official_id)
        context |= {
            "official": found.official,
            "assignments": found.assignments,
            "account": found.account,
        }
        if form is None:
            form = {"name": found.official.name, "email": found.official.email}
    context["form"] = form or {}
    status = 422 if errors else 200
    return render(request, user, "admin_official_form.html", context, status_code=status)


@router.get("/admin/pegawai/baru", response_class=HTMLResponse)
def official_new(request: Request, user: AdminUser, uow: UowDep) -> HTMLResponse:
    """The form for a new official."""
    return _official_form(request, user, uow, None, {"nip": "", "name": "", "email": ""})


@router.post("/admin/pegawai/baru", response_class=HTMLResponse, response_model=None)
def official_create(
    request: Request,
    user: AdminFormUser,
    uow: UowDep,
    nip: Text = "",
    name: Text = "",
    email: Text = "",
) -> HTMLResponse | RedirectResponse:
    """Register an official."""
    form = {"nip": nip, "name": name, "email": email}
    try:
        official = create_official(
            uow, nip=nip, name=name, email=email, actor=who(user), now=web_of(request).now()
        )
    except FieldError as exc:
        return _official_form(request, user, uow, None, form, refused(request, user, exc))
    log.info("%s created official %s", user.login, official.id)
    return done(f"/admin/pegawai/{official.id}", "pegawai-dibuat")


@router.get("/admin/pegawai/{official_id}", response_class=HTMLResponse)
def official_edit(request: Request, user: AdminUser, uow: UowDep, official_id: int) -> HTMLResponse:
    """An official: name and email to edit, their assignments and account."""
    return _official_form(request, user, uow, official_id, None)


@router.post("/admin/pegawai/{official_id}", response_class=HTMLResponse, response_model=None)
def official_update(
    request: Request,
    user: AdminFormUser,
    uow: UowDep,
    official_id: int,
    name: Text = "",
    email: Text = "",
) -> HTMLResponse | RedirectResponse:
    """Save an official's name and email."""
    try:
        update_official(
            uow,
            official_id,
            name=name,
            email=email,
            actor=who(user),
            now=web_of(request).now(),
        )
    except FieldError as exc:
        form = {"name": name, "email": email}
        return _official_form(request, user, uow, official_id, form, refused(request, user, exc))
    log.info("%s updated official %s", user.login, official_id)
    return done(f"/admin/pegawai/{official_id}", "pegawai-diubah")


# -- assignments ----------------------------------------------------------------------------


def _choices(choices: AssignmentChoices) -> dict[str, Any]:
    return {
        "official_choices": choices.officials,
        "position_choices": choices.positions,
        "statuses": STATUS_LABELS,
    }


@router.get("/admin/penugasan", response_class=HTMLResponse)
def assignments(
    request: Request, user: AdminUser, uow: UowDep, jabatan: str = "", pegawai: str = ""
) -> HTMLResponse:
    """Assignments, all or of one position or one official."""
    position_id, official_id = parse_int(jabatan), parse_int(pegawai)
    found = list_assignments(
        uow, official_id=official_id, position_id=position_id, **clock_args(web_of(request))
    )
    context = _choices(found.choices) | {
        "rows": found.rows,
        "position_id": position_id,
        "official_id": official_id,
    }
    return render(request, user, "admin_assignments.html", context)


def _assignment_form(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    form: dict[str, str],
    errors: dict[str, str],
    warnings: list[str] | None = None,
) -> HTMLResponse:
    choices = assignment_choices(uow, **clock_args(web_of(request)))
    context = _choices(choices) | {"form": form, "errors": errors, "warnings": warnings or []}
    status = 422 if errors or warnings else 200
    return render(request, user, "admin_assignment_form.html", context, status_code=status)


@router.get("/admin/penugasan/baru", response_class=HTMLResponse)
def assignment_new(
    request: Request, user: AdminUser, uow: UowDep, jabatan: str = "", pegawai: str = ""
) -> HTMLResponse:
    """The form for a new assignment (position or official chosen beforehand if given)."""
    form = {
        "official_id": pegawai,
        "position_id": jabatan,
        "status": AssignmentStatus.DEFINITIF.value,
        "valid_from": web_of(request).today().isoformat(),
        "valid_to": "",
        "decree": "",
    }
    return _assignment_form(request, user, uow, form, {})


@router.post("/admin/penugasan/baru", response_class=HTMLResponse, response_model=None)
def assignment_create(
    request: Request,
    user: AdminFormUser,
    uow: UowDep,
    official_id: Text = "",
    position_id: Text = "",
    status: Text = "",
    valid_from: Text = "",
    valid_to: Text = "",
    decree: Text = "",
    konfirmasi: Text = "",
) -> HTMLResponse | RedirectResponse:
    """Assign an official to a position over a date window (overlaps confirmed first)."""
    form = {
        "official_id": official_id,
        "position_id": position_id,
        "status": status,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "decree": decree,
    }
    errors: dict[str, str] = {}
    official, position = parse_int(official_id), parse_int(position_id)
    if official is None:
        errors["official_id"] = "Pilih pegawai"
    if position is None:
        errors["position_id"] = "Pilih jabatan"
    start = parse_day(valid_from, "valid_from", errors, required=True)
    end = parse_day(valid_to, "valid_to", errors, required=False)
    if errors or official is None or position is None or start is None:
        return _assignment_form(request, user, uow, form, errors)
    try:
        added = create_assignment(
            uow,
            official_id=official,
            position_id=position,
            status=status,
            valid_from=start,
            valid_to=end,
            decree=decree,
            actor=who(user),
            now=web_of(request).now(),
            confirmed=konfirmasi == "1",
        )
    except ConfirmationNeededError as exc:
        log.info("%s asked to confirm an overlapping assignment", user.login)
        return _assignment_form(request, user, uow, form, {}, exc.warnings)
    except FieldError as exc:
        return _assignment_form(request, user, uow, form, refused(request, user, exc))
    log.info("%s created assignment %s", user.login, added.id)
    return done(f"/admin/penugasan?jabatan={position}", "penugasan-dibuat")


def _end_form(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    assignment_id: int,
    form: dict[str, str] | None,
    errors: dict[str, str],
) -> HTMLResponse:
    found = assignment_details(uow, assignment_id)
    if form is None:
        last = found.assignment.valid_to or web_of(request).today()
        form = {"valid_to": last.isoformat()}
    context = {
        "assignment": found.assignment,
        "official": found.official,
        "position": found.position,
        "form": form,
        "errors": errors,
    }
    status = 422 if errors else 200
    return render(request, user, "admin_assignment_end.html", context, status_code=status)


@router.get("/admin/penugasan/{assignment_id}/akhiri", response_class=HTMLResponse)
def assignment_end_form(
    request: Request, user: AdminUser, uow: UowDep, assignment_id: int
) -> HTMLResponse:
    """The form to set an assignment's last day."""
    return _end_form(request, user, uow, assignment_id, None, {})


@router.post(
    "/admin/penugasan/{assignment_id}/akhiri", response_class=HTMLResponse, response_model=None
)
def assignment_end(
    request: Request, user: AdminFormUser, uow: UowDep, assignment_id: int, valid_to: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Set an assignment's last day (inclusive)."""
    errors: dict[str, str] = {}
    end = parse_day(valid_to, "valid_to", errors, required=True)
    form = {"valid_to": valid_to}
    if end is None:
        return _end_form(request, user, uow, assignment_id, form, errors)
    try:
        ended = end_assignment(
            uow, assignment_id, valid_to=end, actor=who(user), now=web_of(request).now()
        )
    except FieldError as exc:
        return _end_form(request, user, uow, assignment_id, form, refused(request, user, exc))
    log.info("%s ended assignment %s on %s", user.login, assignment_id, end)
    return done(f"/admin/penugasan?jabatan={ended.position_id}", "penugasan-diakhiri")


# -- positions ------------------------------------------------------------------------------

"""The admin pages for who holds what: officials, their assignments, and positions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, select

from db.admin_repo import (
    create_assignment,
    create_official,
    end_assignment,
    get_assignment,
    get_official,
    get_position,
    list_assignments,
    list_officials,
    rename_position,
    update_official,
)
from db.database import transaction
from db.models import Account, OfficialRow, PositionRow
from db.org_repo import load_org
from engine.errors import FieldError
from engine.org import AssignmentStatus, Holding, Position
from web.auth import AdminFormUser, AdminUser, CurrentUser
from web.deps import web_of
from web.pages.admin.common import (
    STATUS_LABELS,
    Text,
    done,
    log,
    parse_day,
    parse_int,
    refused,
    render,
)

router = APIRouter()


@dataclass(frozen=True)
class TreeRow:
    """A position in tree order with its holders today."""

    depth: int
    position: Position
    holders: list[Holding]


def _tree_rows(session: Session, today: date) -> list[TreeRow]:
    tree = load_org(session).tree
    return [
        TreeRow(depth, position, tree.holders(position.id, today))
        for root in tree.roots()
        for depth, position in tree.walk(root.id)
    ]


# -- officials ------------------------------------------------------------------------------


@router.get("/admin/pegawai", response_class=HTMLResponse)
def officials(request: Request, user: AdminUser) -> HTMLResponse:
    """Every official with today's positions."""
    web = web_of(request)
    with Session(web.deps.engine) as session:
        tree = load_org(session).tree
        rows = [(o, tree.holdings_of(o.id or 0, web.today())) for o in list_officials(session)]
    return render(request, user, "admin_officials.html", {"officials": rows})


def _official_form(
    request: Request,
    user: CurrentUser,
    official_id: int | None,
    form: dict[str, str],
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    web = web_of(request)
    context: dict[str, Any] = {"form": form, "errors": errors or {}, "official": None}
    if official_id is not None:
        with Session(web.deps.engine) as session:
            context["official"] = get_official(session, official_id)
            context["assignments"] = list_assignments(session, official_id=official_id)
            context["account"] = session.exec(
                select(Account).where(Account.official_id == official_id)
            ).first()
    status = 422 if errors else 200
    return render(request, user, "admin_official_form.html", context, status_code=status)


@router.get("/admin/pegawai/baru", response_class=HTMLResponse)
def official_new(request: Request, user: AdminUser) -> HTMLResponse:
    """The form for a new official."""
    return _official_form(request, user, None, {"nip": "", "name": "", "email": ""})


@router.post("/admin/pegawai/baru", response_class=HTMLResponse, response_model=None)
def official_create(
    request: Request, user: AdminFormUser, nip: Text = "", name: Text = "", email: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Register an official."""
    form = {"nip": nip, "name": name, "email": email}
    try:
        with transaction(web_of(request).deps.engine) as session:
            row = create_official(session, nip=nip, name=name, email=email)
    except FieldError as exc:
        return _official_form(request, user, None, form, refused(request, user, exc))
    log.info("%s created official %s", user.login, row.id)
    return done(f"/admin/pegawai/{row.id}", "pegawai-dibuat")


@router.get("/admin/pegawai/{official_id}", response_class=HTMLResponse)
def official_edit(request: Request, user: AdminUser, official_id: int) -> HTMLResponse:
    """An official: name and email to edit, their assignments and account."""
    with Session(web_of(request).deps.engine) as session:
        row = get_official(session, official_id)
    return _official_form(request, user, official_id, {"name": row.name, "email": row.email})


@router.post("/admin/pegawai/{official_id}", response_class=HTMLResponse, response_model=None)
def official_update(
    request: Request, user: AdminFormUser, official_id: int, name: Text = "", email: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Save an official's name and email."""
    try:
        with transaction(web_of(request).deps.engine) as session:
            update_official(session, official_id=official_id, name=name, email=email)
    except FieldError as exc:
        form = {"name": name, "email": email}
        return _official_form(request, user, official_id, form, refused(request, user, exc))
    log.info("%s updated official %s", user.login, official_id)
    return done(f"/admin/pegawai/{official_id}", "pegawai-diubah")


# -- assignments ----------------------------------------------------------------------------


def _choices(session: Session, today: date) -> dict[str, Any]:
    return {
        "official_choices": list_officials(session),
        "position_choices": _tree_rows(session, today),
        "statuses": STATUS_LABELS,
    }


@router.get("/admin/penugasan", response_class=HTMLResponse)
def assignments(
    request: Request, user: AdminUser, jabatan: str = "", pegawai: str = ""
) -> HTMLResponse:
    """Assignments, all or of one position or one official."""
    web = web_of(request)
    position_id, official_id = parse_int(jabatan), parse_int(pegawai)
    with Session(web.deps.engine) as session:
        rows = list_assignments(session, official_id=official_id, position_id=position_id)
        context = _choices(session, web.today())
    context |= {
        "rows": rows,
        "position_id": position_id,
        "official_id": official_id,
    }
    return render(request, user, "admin_assignments.html", context)


def _assignment_form(
    request: Request, user: CurrentUser, form: dict[str, str], errors: dict[str, str]
) -> HTMLResponse:
    web = web_of(request)
    with Session(web.deps.engine) as session:
        context = _choices(session, web.today())
    context |= {"form": form, "errors": errors}
    status = 422 if errors else 200
    return render(request, user, "admin_assignment_form.html", context, status_code=status)


@router.get("/admin/penugasan/baru", response_class=HTMLResponse)
def assignment_new(
    request: Request, user: AdminUser, jabatan: str = "", pegawai: str = ""
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
    return _assignment_form(request, user, form, {})


@router.post("/admin/penugasan/baru", response_class=HTMLResponse, response_model=None)
def assignment_create(
    request: Request,
    user: AdminFormUser,
    official_id: Text = "",
    position_id: Text = "",
    status: Text = "",
    valid_from: Text = "",
    valid_to: Text = "",
    decree: Text = "",
) -> HTMLResponse | RedirectResponse:
    """Assign an official to a position over a date window."""
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
        return _assignment_form(request, user, form, errors)
    try:
        with transaction(web_of(request).deps.engine) as session:
            row = create_assignment(
                session,
                official_id=official,
                position_id=position,
                status=status,
                valid_from=start,
                valid_to=end,
                decree=decree,
            )
    except FieldError as exc:
        return _assignment_form(request, user, form, refused(request, user, exc))
    log.info("%s created assignment %s", user.login, row.id)
    return done(f"/admin/penugasan?jabatan={position}", "penugasan-dibuat")


def _end_form(
    request: Request,
    user: CurrentUser,
    assignment_id: int,
    form: dict[str, str],
    errors: dict[str, str],
) -> HTMLResponse:
    with Session(web_of(request).deps.engine) as session:
        row = get_assignment(session, assignment_id)
        context = {
            "assignment": row,
            "official": session.get(OfficialRow, row.official_id),
            "position": session.get(PositionRow, row.position_id),
            "form": form,
            "errors": errors,
        }
    status = 422 if errors else 200
    return render(request, user, "admin_assignment_end.html", context, status_code=status)


@router.get("/admin/penugasan/{assignment_id}/akhiri", response_class=HTMLResponse)
def assignment_end_form(request: Request, user: AdminUser, assignment_id: int) -> HTMLResponse:
    """The form to set an assignment's last day."""
    with Session(web_of(request).deps.engine) as session:
        row = get_assignment(session, assignment_id)
    last = row.valid_to or web_of(request).today()
    return _end_form(request, user, assignment_id, {"valid_to": last.isoformat()}, {})


@router.post(
    "/admin/penugasan/{assignment_id}/akhiri", response_class=HTMLResponse, response_model=None
)
def assignment_end(
    request: Request, user: AdminFormUser, assignment_id: int, valid_to: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Set an assignment's last day (inclusive)."""
    errors: dict[str, str] = {}
    end = parse_day(valid_to, "valid_to", errors, required=True)
    form = {"valid_to": valid_to}
    if end is None:
        return _end_form(request, user, assignment_id, form, errors)
    try:
        with transaction(web_of(request).deps.engine) as session:
            row = end_assignment(session, assignment_id=assignment_id, valid_to=end)
    except FieldError as exc:
        return _end_form(request, user, assignment_id, form, refused(request, user, exc))
    log.info("%s ended assignment %s on %s", user.login, assignment_id, end)
    return done(f"/admin/penugasan?jabatan={row.position_id}", "penugasan-diakhiri")


# -- positions ------------------------------------------------------------------------------


@router.get("/admin/jabatan", response_class=HTMLResponse)
def positions(request: Request, user: AdminUser) -> HTMLResponse:
    """Positions in tree order, with level and today's holders."""
    web = web_of(request)
    with Session(web.deps.engine) as session:
        rows = _tree_rows(session, web.today())
    return render(request, user, "admin_positions.html", {"rows": rows})


def _position_form(
    request: Request,
    user: CurrentUser,
    position_id: int,
    form: dict[str, str],
    errors: dict[str, str],
) -> HTMLResponse:
    with Session(web_of(request).deps.engine) as session:
        position = get_position(session, position_id)
    context = {"position": position, "form": form, "errors": errors}
    status = 422 if errors else 200
    return render(request, user, "admin_position_form.html", context, status_code=status)


@router.get("/admin/jabatan/{position_id}", response_class=HTMLResponse)
def position_edit(request: Request, user: AdminUser, position_id: int) -> HTMLResponse:
    """The form to rename a position."""
    with Session(web_of(request).deps.engine) as session:
        title = get_position(session, position_id).title
    return _position_form(request, user, position_id, {"title": title}, {})


@router.post("/admin/jabatan/{position_id}", response_class=HTMLResponse, response_model=None)
def position_update(
    request: Request, user: AdminFormUser, position_id: int, title: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Save a position's title."""
    try:
        with transaction(web_of(request).deps.engine) as session:
            rename_position(session, position_id=position_id, title=title)
    except FieldError as exc:
        form = {"title": title}
        return _position_form(request, user, position_id, form, refused(request, user, exc))
    log.info("%s renamed position %s", user.login, position_id)
    return done("/admin/jabatan", "jabatan-diubah")

"""The admin page of position roles (/admin/peran): which posts do the agency's planning
work and which carry a regency role (engine.roles), with who holds them today; a form
gives or takes a position's role. Each change is written to the admin log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from engine.errors import ValidationError
from engine.org import PositionRole
from engine.ports import UnitOfWork
from engine.usecases.roles import list_position_roles, set_position_role
from web.auth import AdminFormUser, AdminUser, CurrentUser
from web.deps import UowDep, web_of
from web.pages.admin.common import Text, done, log, parse_int, render, who

router = APIRouter()
PATH = "/admin/peran"
SAVED = "peran-disimpan"


def _page(
    request: Request, user: CurrentUser, uow: UnitOfWork, message: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    web = web_of(request)
    context = {
        "agencies": list_position_roles(uow, now=web.now(), policy=web.deps.policy),
        "roles": [(role.value, role.label) for role in PositionRole],
        "errors": {"form": message} if message else {},
        "form": form or {},
        "notice": "Peran jabatan disimpan" if request.query_params.get("ok") == SAVED else None,
    }
    return render(request, user, "admin_roles.html", context, status_code=422 if message else 200)


@router.get(PATH, response_class=HTMLResponse)
def roles_page(request: Request, user: AdminUser, uow: UowDep) -> HTMLResponse:
    """Every agency's posts with a role, and the form to give or take one."""
    return _page(request, user, uow)


@router.post(PATH, response_class=HTMLResponse, response_model=None)
def roles_save(
    request: Request, user: AdminFormUser, uow: UowDep, jabatan: Text = "", peran: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Give the chosen position the chosen role ('' takes it away)."""
    position_id = parse_int(jabatan)
    if position_id is None:
        return _page(request, user, uow, "Pilih jabatan", {"jabatan": jabatan, "peran": peran})
    try:
        set_position_role(uow, position_id, role=peran, actor=who(user), now=web_of(request).now())
    except ValidationError as exc:
        log.info("%s position role refused: %s", user.login, exc.log_message)
        return _page(request, user, uow, exc.message, {"jabatan": jabatan, "peran": peran})
    log.info("%s set the role of position %s to %r", user.login, position_id, peran)
    return done(PATH, SAVED)

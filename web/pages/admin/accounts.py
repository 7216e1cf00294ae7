"""The admin pages for sign-in accounts: creating, (de)activating, and setting passwords."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from db.admin_repo import (
    create_official_account,
    get_account,
    list_accounts,
    reset_password,
    set_account_active,
)
from db.database import transaction
from db.models import Account, OfficialRow
from engine.errors import FieldError
from web.auth import AdminFormUser, AdminUser, CurrentUser
from web.deps import web_of
from web.pages.admin.common import Text, done, log, moment_format, parse_int, refused, render

router = APIRouter()

Secret = Annotated[str, Form(max_length=1000)]


@router.get("/admin/akun", response_class=HTMLResponse)
def accounts(request: Request, user: AdminUser) -> HTMLResponse:
    """Every account with its official, state and last password change."""
    web = web_of(request)
    with Session(web.deps.engine) as session:
        rows = list_accounts(session)
    context = {"accounts": rows, "moment": moment_format(web)}
    return render(request, user, "admin_accounts.html", context)


def _account_form(
    request: Request, user: CurrentUser, form: dict[str, str], errors: dict[str, str]
) -> HTMLResponse:
    with Session(web_of(request).deps.engine) as session:
        taken = select(Account.official_id).where(col(Account.official_id).is_not(None))
        free = session.exec(
            select(OfficialRow)
            .where(col(OfficialRow.id).not_in(taken))
            .order_by(col(OfficialRow.name))
        ).all()
    context = {"form": form, "errors": errors, "free": free}
    status = 422 if errors else 200
    return render(request, user, "admin_account_form.html", context, status_code=status)


@router.get("/admin/akun/baru", response_class=HTMLResponse)
def account_new(request: Request, user: AdminUser, pegawai: str = "") -> HTMLResponse:
    """The form for a new account (login defaults to the official's email)."""
    login = ""
    if (official_id := parse_int(pegawai)) is not None:
        with Session(web_of(request).deps.engine) as session:
            official = session.get(OfficialRow, official_id)
            login = official.email if official is not None else ""
    return _account_form(request, user, {"official_id": pegawai, "login": login}, {})


@router.post("/admin/akun/baru", response_class=HTMLResponse, response_model=None)
def account_create(
    request: Request,
    user: AdminFormUser,
    official_id: Text = "",
    login: Text = "",
    password: Secret = "",
) -> HTMLResponse | RedirectResponse:
    """Create an account for an official with a first password typed by the admin."""
    web = web_of(request)
    form = {"official_id": official_id, "login": login}
    official = parse_int(official_id)
    if official is None:
        return _account_form(request, user, form, {"official_id": "Pilih pegawai"})
    try:
        with transaction(web.deps.engine) as session:
            row = create_official_account(
                session, official_id=official, login=login, password=password, now=web.now()
            )
    except FieldError as exc:
        return _account_form(request, user, form, refused(request, user, exc))
    log.info("%s created account %s for official %s", user.login, row.id, official)
    return done("/admin/akun", "akun-dibuat")


@router.post("/admin/akun/{account_id}/nonaktifkan", response_model=None)
def account_deactivate(request: Request, user: AdminFormUser, account_id: int) -> RedirectResponse:
    """Stop an account from signing in (its sessions end at once)."""
    with transaction(web_of(request).deps.engine) as session:
        set_account_active(
            session, account_id=account_id, active=False, by_account_id=user.account_id
        )
    log.info("%s deactivated account %s", user.login, account_id)
    return done("/admin/akun", "akun-nonaktif")


@router.post("/admin/akun/{account_id}/aktifkan", response_model=None)
def account_activate(request: Request, user: AdminFormUser, account_id: int) -> RedirectResponse:
    """Let a deactivated account sign in again."""
    with transaction(web_of(request).deps.engine) as session:
        set_account_active(
            session, account_id=account_id, active=True, by_account_id=user.account_id
        )
    log.info("%s reactivated account %s", user.login, account_id)
    return done("/admin/akun", "akun-aktif")


def _password_form(
    request: Request, user: CurrentUser, account_id: int, errors: dict[str, str]
) -> HTMLResponse:
    with Session(web_of(request).deps.engine) as session:
        account = get_account(session, account_id)
    status = 422 if errors else 200
    context = {"account": account, "errors": errors}
    return render(request, user, "admin_password.html", context, status_code=status)


@router.get("/admin/akun/{account_id}/sandi", response_class=HTMLResponse)
def password_form(request: Request, user: AdminUser, account_id: int) -> HTMLResponse:
    """The form to set a new password for an account."""
    return _password_form(request, user, account_id, {})


@router.post("/admin/akun/{account_id}/sandi", response_class=HTMLResponse, response_model=None)
def password_reset(
    request: Request,
    user: AdminFormUser,
    account_id: int,
    password: Secret = "",
    repeat: Secret = "",
) -> HTMLResponse | RedirectResponse:
    """Set a new password typed by the admin; the account's other browsers are signed out."""
    web = web_of(request)
    if password != repeat:
        errors = {"repeat": "Ulangan kata sandi tidak sama"}
        return _password_form(request, user, account_id, errors)
    keep = user.session_token if account_id == user.account_id else None
    try:
        with transaction(web.deps.engine) as session:
            reset_password(
                session, account_id=account_id, password=password, now=web.now(), keep_session=keep
            )
    except FieldError as exc:
        return _password_form(request, user, account_id, refused(request, user, exc))
    log.info("%s reset the password of account %s", user.login, account_id)
    return done("/admin/akun", "sandi-diganti")

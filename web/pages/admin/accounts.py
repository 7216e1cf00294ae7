"""The admin pages for sign-in accounts: creating (with an invitation email or a first
password), sending an invitation again, (de)activating, setting passwords, and unlocking an
account the login throttle locked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from engine.errors import FieldError
from engine.ports import UnitOfWork
from engine.usecases.admin_accounts import (
    account_form,
    create_official_account,
    get_account,
    invite_official_account,
    list_accounts,
    locked_accounts,
    resend_invitation,
    reset_password,
    set_account_active,
    unlock_account,
)
from web.auth import AdminFormUser, AdminUser, CurrentUser
from web.deps import UowDep, web_of
from web.pages.admin.common import (
    Text,
    done,
    log,
    moment_format,
    parse_int,
    refused,
    render,
    who,
)

router = APIRouter()

Secret = Annotated[str, Form(max_length=1000)]


@router.get("/admin/akun", response_class=HTMLResponse)
def accounts(request: Request, user: AdminUser, uow: UowDep) -> HTMLResponse:
    """Every account with its official, state (locked by failed logins, invitation not yet
    used) and last password change."""
    web = web_of(request)
    context = {
        "accounts": list_accounts(uow),
        "locked": locked_accounts(uow, now=web.now()),
        "moment": moment_format(web),
        "invite_days": web.settings.invite_days,
    }
    return render(request, user, "admin_accounts.html", context)


def _account_form(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    form: dict[str, str],
    errors: dict[str, str],
    official_id: int | None = None,
) -> HTMLResponse:
    found = account_form(uow, official_id)
    if official_id is not None:
        form = {**form, "login": found.login}
    web = web_of(request)
    context = {
        "form": form,
        "errors": errors,
        "free": found.free,
        "invite_days": web.settings.invite_days,
    }
    status = 422 if errors else 200
    return render(request, user, "admin_account_form.html", context, status_code=status)


@router.get("/admin/akun/baru", response_class=HTMLResponse)
def account_new(request: Request, user: AdminUser, uow: UowDep, pegawai: str = "") -> HTMLResponse:
    """The form for a new account (login defaults to the official's email)."""
    form = {"official_id": pegawai, "login": ""}
    return _account_form(request, user, uow, form, {}, parse_int(pegawai))


@router.post("/admin/akun/baru", response_class=HTMLResponse, response_model=None)
def account_create(
    request: Request,
    user: AdminFormUser,
    uow: UowDep,
    official_id: Text = "",
    login: Text = "",
    password: Secret = "",
) -> HTMLResponse | RedirectResponse:
    """Create an account for an official: with an invitation email (no password typed, the
    default) or with a first password typed by the admin."""
    form = {"official_id": official_id, "login": login}
    official = parse_int(official_id)
    if official is None:
        return _account_form(request, user, uow, form, {"official_id": "Pilih pegawai"})
    web = web_of(request)
    try:
        if password:
            account = create_official_account(
                uow,
                official_id=official,
                login=login,
                password=password,
                now=web.now(),
                actor=who(user),
            )
        else:
            account = invite_official_account(
                uow,
                official_id=official,
                login=login,
                now=web.now(),
                days=web.settings.invite_days,
                actor=who(user),
            )
    except FieldError as exc:
        return _account_form(request, user, uow, form, refused(request, user, exc))
    how = "a first password" if password else "an invitation"
    log.info("%s created account %s for official %s with %s", user.login, account.id, official, how)
    return done("/admin/akun", "akun-dibuat" if password else "undangan-dikirim")


@router.post("/admin/akun/{account_id}/undang", response_model=None)
def account_reinvite(
    request: Request, user: AdminFormUser, uow: UowDep, account_id: int
) -> RedirectResponse:
    """Send the invitation again: a new link, the earlier ones stop working."""
    web = web_of(request)
    resend_invitation(
        uow, account_id, now=web.now(), days=web.settings.invite_days, actor=who(user)
    )
    log.info("%s resent the invitation of account %s", user.login, account_id)
    return done("/admin/akun", "undangan-dikirim")


@router.post("/admin/akun/{account_id}/buka-kunci", response_model=None)
def account_unlock(
    request: Request, user: AdminFormUser, uow: UowDep, account_id: int
) -> RedirectResponse:
    """Clear the lock that failed logins put on an account."""
    unlock_account(uow, account_id, now=web_of(request).now(), actor=who(user))
    log.info("%s unlocked account %s", user.login, account_id)
    return done("/admin/akun", "akun-dibuka")


@router.post("/admin/akun/{account_id}/nonaktifkan", response_model=None)
def account_deactivate(
    request: Request, user: AdminFormUser, uow: UowDep, account_id: int
) -> RedirectResponse:
    """Stop an account from signing in (its sessions end at once, its API tokens are
    revoked)."""
    set_account_active(
        uow,
        account_id,
        active=False,
        by_account_id=user.account_id,
        now=web_of(request).now(),
        actor=who(user),
    )
    log.info("%s deactivated account %s", user.login, account_id)
    return done("/admin/akun", "akun-nonaktif")


@router.post("/admin/akun/{account_id}/aktifkan", response_model=None)
def account_activate(
    request: Request, user: AdminFormUser, uow: UowDep, account_id: int
) -> RedirectResponse:
    """Let a deactivated account sign in again."""
    set_account_active(
        uow,
        account_id,
        active=True,
        by_account_id=user.account_id,
        now=web_of(request).now(),
        actor=who(user),
    )
    log.info("%s reactivated account %s", user.login, account_id)
    return done("/admin/akun", "akun-aktif")


def _password_form(
    request: Request, user: CurrentUser, uow: UnitOfWork, account_id: int, errors: dict[str, str]
) -> HTMLResponse:
    status = 422 if errors else 200
    context = {"account": get_account(uow, account_id), "errors": errors}
    return render(request, user, "admin_password.html", context, status_code=status)


@router.get("/admin/akun/{account_id}/sandi", response_class=HTMLResponse)
def password_form(request: Request, user: AdminUser, uow: UowDep, account_id: int) -> HTMLResponse:
    """The form to set a new password for an account."""
    return _password_form(request, user, uow, account_id, {})


@router.post("/admin/akun/{account_id}/sandi", response_class=HTMLResponse, response_model=None)
def password_reset(
    request: Request,
    user: AdminFormUser,
    uow: UowDep,
    account_id: int,
    password: Secret = "",
    repeat: Secret = "",
) -> HTMLResponse | RedirectResponse:
    """Set a new password typed by the admin; the account's other browsers are signed out."""
    if password != repeat:
        errors = {"repeat": "Ulangan kata sandi tidak sama"}
        return _password_form(request, user, uow, account_id, errors)
    keep = user.session_token if account_id == user.account_id else None
    try:
        reset_password(
            uow,
            account_id,
            password=password,
            now=web_of(request).now(),
            keep_session=keep,
            actor=who(user),
        )
    except FieldError as exc:
        return _password_form(request, user, uow, account_id, refused(request, user, exc))
    log.info("%s reset the password of account %s", user.login, account_id)
    return done("/admin/akun", "sandi-diganti")

"""Signing in and out, "lupa kata sandi", the one-time set-password page (invitations and
resets), changing the password, and personal API tokens (the second factor's pages are
web/pages/second_factor.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from engine.accounts import TOKEN_DAYS, AccountInfo, LoginRefusedError, TokenScope
from engine.errors import FieldError, ValidationError
from engine.ports import UnitOfWork
from engine.usecases.account_links import (
    password_link,
    request_password_reset,
    set_password_by_link,
)
from engine.usecases.accounts import (
    TOKEN_LIFETIMES,
    change_password,
    create_token,
    revoke_token,
    show_account,
    sign_in,
    sign_out,
)
from engine.usecases.second_factor import requires_second_factor
from web.auth import (
    SESSION_COOKIE,
    FormUser,
    MaybeUser,
    PageUser,
    check_login_csrf,
    client_address,
    login_csrf,
    session_token,
    set_login_csrf,
    set_session_cookie,
)
from web.deps import UowDep, Web, web_of
from web.pages.admin.common import moment_format
from web.render import page

router = APIRouter()
log = logging.getLogger("kinerja.web")


def second_factor_rule(web: Web, uow: UnitOfWork) -> Callable[[AccountInfo], bool]:
    """Whether the deployment requires a second factor of an account (today's holdings)."""
    required = web.settings.second_factor_required
    today = web.today()

    def rule(account: AccountInfo) -> bool:
        return bool(required) and requires_second_factor(uow, account, required, today=today)

    return rule


def safe_next(target: str | None) -> str:
    """Only a local path: never send a fresh login to another site."""
    if not target:
        return "/tugas"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/tugas"
    return target


def _login_page(
    request: Request,
    *,
    login: str = "",
    error: str | None = None,
    next_url: str = "",
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    web = web_of(request)
    token = login_csrf(web, request)
    context: dict[str, Any] = {
        "login": login,
        "error": error,
        "notice": notice,
        "next": next_url,
        "login_csrf": token,
        "accounts": web.deps.demo_logins(),
    }
    response = page(request, "login.html", context, None, status_code=status_code)
    set_login_csrf(web, response, token)
    return response


@router.get("/masuk", response_class=HTMLResponse)
def login_form(request: Request, user: MaybeUser, next: str = "", sandi: str = "") -> Response:
    """The login form (the demo accounts are listed in demo mode); `?sandi=baru` after a
    password was set with a one-time link."""
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    notice = "Kata sandi Anda telah disimpan. Silakan masuk." if sandi == "baru" else None
    return _login_page(request, next_url=next, notice=notice)


@router.post("/masuk", response_class=HTMLResponse)
def login(
    request: Request,
    uow: UowDep,
    login: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Check the login and password; on success start a session."""
    web = web_of(request)
    check_login_csrf(web, request, csrf_token)
    if not login.strip() or not password:
        return _login_page(
            request,
            login=login,
            error="NIP/email dan kata sandi wajib diisi",
            next_url=next,
            status_code=422,
        )
    try:
        started = sign_in(
            uow,
            login,
            password,
            now=web.now(),
            throttle=web.settings.throttle,
            lifetime=timedelta(hours=web.settings.session_hours),
            address=client_address(web, request),
            second_factor_required=second_factor_rule(web, uow),
        )
    except LoginRefusedError as exc:
        log.info("login refused: %s", exc.log_message)
        return _login_page(request, login=login, error=exc.message, next_url=next, status_code=401)
    target = safe_next(next)
    if started.waits_for is not None:
        target = "/masuk/kode?" + urlencode({"next": target})
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(web, response, started.token)
    return response


@router.post("/keluar")
def logout(user: FormUser, uow: UowDep) -> RedirectResponse:
    """End this browser's session."""
    if user.session_token is not None:
        sign_out(uow, user.session_token)
    response = RedirectResponse("/masuk", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def account_page_with(
    request: Request,
    user: PageUser,
    uow: UowDep,
    *,
    errors: dict[str, str] | None = None,
    flash: str | None = None,
    new_token: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The account page with a form's errors or a notice."""
    found = show_account(uow, user.account_id)
    context: dict[str, Any] = {
        "account": found.account,
        "tokens": found.tokens,
        "now": web_of(request).now(),
        "moment": moment_format(web_of(request)),
        "lifetimes": TOKEN_LIFETIMES,
        "default_days": TOKEN_DAYS,
        "second_factor_on": found.second_factor_on,
        "recovery_left": found.recovery_left,
        "second_factor_required": second_factor_rule(web_of(request), uow)(found.account),
        "errors": errors or {},
        "flash": flash,
        "new_token": new_token,
    }
    return page(request, "account.html", context, user, status_code=status_code)


@router.get("/akun", response_class=HTMLResponse)
def account_page(
    request: Request,
    user: PageUser,
    uow: UowDep,
    kode_pemulihan: Annotated[int | None, Query(alias="kode-pemulihan", ge=0, le=100)] = None,
) -> HTMLResponse:
    """The account: password change, second factor and personal API tokens."""
    flash = None
    if kode_pemulihan is not None:
        flash = (
            f"Anda masuk dengan kode pemulihan; sisa {kode_pemulihan} kode. "
            "Bila tinggal sedikit, nonaktifkan lalu aktifkan lagi verifikasi dua langkah "
            "untuk mendapat kode baru."
        )
    return account_page_with(request, user, uow, flash=flash)


@router.post("/akun/sandi", response_class=HTMLResponse)
def password_change(
    request: Request,
    user: FormUser,
    uow: UowDep,
    current: Annotated[str, Form(max_length=1000)] = "",
    new: Annotated[str, Form(max_length=1000)] = "",
    repeat: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    """Change the password; every other browser of the account is signed out."""
    if new != repeat:
        errors = {"repeat": "Ulangan kata sandi baru tidak sama"}
        return account_page_with(request, user, uow, errors=errors, status_code=422)
    try:
        change_password(
            uow,
            user.account_id,
            current,
            new,
            now=web_of(request).now(),
            keep_session=user.session_token,
        )
    except FieldError as exc:
        return account_page_with(
            request, user, uow, errors={exc.field: exc.message}, status_code=422
        )
    return account_page_with(request, user, uow, flash="Kata sandi sudah diganti")


@router.post("/akun/token", response_class=HTMLResponse)
def token_create(
    request: Request,
    user: FormUser,
    uow: UowDep,
    name: Annotated[str, Form(max_length=200)] = "",
    scope: Annotated[str, Form(max_length=10)] = TokenScope.READ.value,
    days: Annotated[str, Form(max_length=10)] = str(TOKEN_DAYS),
) -> HTMLResponse:
    """Create a personal API token (a scope, a lifetime); its value is shown once."""
    try:
        raw = create_token(
            uow,
            user.account_id,
            name,
            now=web_of(request).now(),
            days=int(days) if days.strip().isdigit() else -1,
            scope=TokenScope.WRITE if scope == TokenScope.WRITE.value else TokenScope.READ,
        )
    except ValidationError as exc:
        return account_page_with(request, user, uow, errors={"token": exc.message}, status_code=422)
    return account_page_with(
        request,
        user,
        uow,
        new_token=raw,
        flash="Token dibuat; salin sekarang, tidak akan ditampilkan lagi",
    )


@router.post("/akun/token/{token_id}/cabut", response_class=HTMLResponse)
def token_revoke(request: Request, user: FormUser, uow: UowDep, token_id: int) -> HTMLResponse:
    """Revoke one of my tokens."""
    token = revoke_token(uow, user.account_id, token_id, now=web_of(request).now())
    return account_page_with(request, user, uow, flash=f"Token '{token.name}' dicabut")


__all__ = ["router", "session_token"]


# --- "lupa kata sandi" and the one-time set-password page ------------------------------------

FORGOT_ANSWER = (
    "Bila akun terdaftar dan memiliki alamat email, tautan untuk membuat kata sandi baru telah "
    "dikirim ke email tersebut. Periksa kotak masuk (dan folder spam) Anda; tautan berlaku "
    "{minutes} menit dan hanya sekali pakai."
)
Secret = Annotated[str, Path(max_length=100)]


def _csrf_page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page outside any session whose form carries the pre-login CSRF token."""
    web = web_of(request)
    token = login_csrf(web, request)
    response = page(request, name, {**context, "login_csrf": token}, None, status_code=status_code)
    set_login_csrf(web, response, token)
    return response


@router.get("/masuk/lupa-sandi", response_class=HTMLResponse)
def forgot_form(request: Request) -> HTMLResponse:
    """The "lupa kata sandi" form: NIP, email or login."""
    return _csrf_page(request, "forgot_password.html", {"login": "", "sent": None, "error": None})


@router.post("/masuk/lupa-sandi", response_class=HTMLResponse)
def forgot(
    request: Request,
    uow: UowDep,
    login: Annotated[str, Form(max_length=254)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """Send a one-time link if the account exists; the answer is the same either way."""
    web = web_of(request)
    check_login_csrf(web, request, csrf_token)
    context: dict[str, Any] = {"login": login, "sent": None, "error": None}
    if not login.strip():
        context["error"] = "Isi NIP, email, atau login Anda"
        return _csrf_page(request, "forgot_password.html", context, 422)
    try:
        request_password_reset(
            uow,
            login,
            now=web.now(),
            throttle=web.settings.throttle,
            address=client_address(web, request),
            minutes=web.settings.reset_minutes,
        )
    except LoginRefusedError as exc:
        log.info("password reset refused: %s", exc.log_message)
        context["error"] = exc.message
        return _csrf_page(request, "forgot_password.html", context, 429)
    context["sent"] = FORGOT_ANSWER.format(minutes=web.settings.reset_minutes)
    return _csrf_page(request, "forgot_password.html", context)


@router.get("/masuk/sandi/{secret}", response_class=HTMLResponse)
def set_password_form(request: Request, uow: UowDep, secret: Secret) -> HTMLResponse:
    """The page a one-time link opens: a new password twice, or why the link is dead."""
    try:
        found = password_link(uow, secret, now=web_of(request).now())
    except ValidationError as exc:
        return _csrf_page(request, "set_password.html", {"dead": exc.message}, 410)
    context: dict[str, Any] = {"dead": None, "found": found, "secret": secret, "errors": {}}
    return _csrf_page(request, "set_password.html", context)


@router.post("/masuk/sandi/{secret}", response_class=HTMLResponse, response_model=None)
def set_password(
    request: Request,
    uow: UowDep,
    secret: Secret,
    password: Annotated[str, Form(max_length=1000)] = "",
    repeat: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Set the password with the link (once); then the login page."""
    web = web_of(request)
    check_login_csrf(web, request, csrf_token)
    try:
        found = password_link(uow, secret, now=web.now())
        if password != repeat:
            raise FieldError(
                "repeat", "Ulangan kata sandi tidak sama", log_message="repeat differs"
            )
        login = set_password_by_link(uow, secret, password, now=web.now())
    except FieldError as exc:
        context = {
            "dead": None,
            "found": found,
            "secret": secret,
            "errors": {exc.field: exc.message},
        }
        return _csrf_page(request, "set_password.html", context, 422)
    except ValidationError as exc:
        return _csrf_page(request, "set_password.html", {"dead": exc.message}, 410)
    log.info("password set with a one-time link for %s", login)
    response = RedirectResponse("/masuk?sandi=baru", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response

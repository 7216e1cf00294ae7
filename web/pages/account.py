"""Signing in and out, changing the password, and personal API tokens."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from engine.accounts import LoginRefusedError
from engine.errors import FieldError, ValidationError
from engine.usecases.accounts import (
    change_password,
    create_token,
    revoke_token,
    show_account,
    sign_in,
    sign_out,
)
from web.auth import (
    SESSION_COOKIE,
    FormUser,
    MaybeUser,
    PageUser,
    check_login_csrf,
    login_csrf,
    session_token,
    set_login_csrf,
    set_session_cookie,
)
from web.deps import UowDep, web_of
from web.render import page

router = APIRouter()
log = logging.getLogger("kinerja.web")


def _safe_next(target: str | None) -> str:
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
) -> HTMLResponse:
    web = web_of(request)
    token = login_csrf(web, request)
    context: dict[str, Any] = {
        "login": login,
        "error": error,
        "next": next_url,
        "login_csrf": token,
        "accounts": web.deps.demo_logins(),
    }
    response = page(request, "login.html", context, None, status_code=status_code)
    set_login_csrf(web, response, token)
    return response


@router.get("/masuk", response_class=HTMLResponse)
def login_form(request: Request, user: MaybeUser, next: str = "") -> Response:
    """The login form (the demo accounts are listed in demo mode)."""
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, next_url=next)


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
        token = sign_in(
            uow,
            login,
            password,
            now=web.now(),
            throttle=web.settings.throttle,
            lifetime=timedelta(hours=web.settings.session_hours),
        )
    except LoginRefusedError as exc:
        log.info("login refused: %s", exc.log_message)
        return _login_page(request, login=login, error=exc.message, next_url=next, status_code=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(web, response, token)
    return response


@router.post("/keluar")
def logout(user: FormUser, uow: UowDep) -> RedirectResponse:
    """End this browser's session."""
    if user.session_token is not None:
        sign_out(uow, user.session_token)
    response = RedirectResponse("/masuk", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _account_page(
    request: Request,
    user: PageUser,
    uow: UowDep,
    *,
    errors: dict[str, str] | None = None,
    flash: str | None = None,
    new_token: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = show_account(uow, user.account_id)
    context: dict[str, Any] = {
        "account": found.account,
        "tokens": found.tokens,
        "errors": errors or {},
        "flash": flash,
        "new_token": new_token,
    }
    return page(request, "account.html", context, user, status_code=status_code)


@router.get("/akun", response_class=HTMLResponse)
def account_page(request: Request, user: PageUser, uow: UowDep) -> HTMLResponse:
    """The account: password change and personal API tokens."""
    return _account_page(request, user, uow)


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
        return _account_page(request, user, uow, errors=errors, status_code=422)
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
        return _account_page(request, user, uow, errors={exc.field: exc.message}, status_code=422)
    return _account_page(request, user, uow, flash="Kata sandi sudah diganti")


@router.post("/akun/token", response_class=HTMLResponse)
def token_create(
    request: Request, user: FormUser, uow: UowDep, name: Annotated[str, Form(max_length=200)] = ""
) -> HTMLResponse:
    """Create a personal API token; its value is shown once."""
    try:
        raw = create_token(uow, user.account_id, name, now=web_of(request).now())
    except ValidationError as exc:
        return _account_page(request, user, uow, errors={"token": exc.message}, status_code=422)
    return _account_page(
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
    return _account_page(request, user, uow, flash=f"Token '{token.name}' dicabut")


__all__ = ["router", "session_token"]

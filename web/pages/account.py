"""Signing in and out, changing the password, and personal API tokens."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from db.accounts import (
    authenticate,
    change_password,
    create_token,
    end_other_sessions,
    end_session,
    list_tokens,
    revoke_token,
    start_session,
)
from db.database import transaction
from db.models import Account
from engine.errors import ValidationError
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
from web.deps import web_of
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
    with transaction(web.deps.engine) as session:
        result = authenticate(session, login, password, web.now(), web.settings.throttle)
        token = None
        if result.account is not None:
            token, _ = start_session(
                session, result.account, web.now(), timedelta(hours=web.settings.session_hours)
            )
    if token is None:
        assert result.refusal is not None
        log.info("login refused: %s", result.refusal.log_message)
        return _login_page(
            request, login=login, error=result.refusal.message, next_url=next, status_code=401
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(web, response, token)
    return response


@router.post("/keluar")
def logout(request: Request, user: FormUser) -> RedirectResponse:
    """End this browser's session."""
    web = web_of(request)
    if user.session_token is not None:
        with transaction(web.deps.engine) as session:
            end_session(session, user.session_token)
    response = RedirectResponse("/masuk", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _account_page(
    request: Request,
    user: PageUser,
    *,
    errors: dict[str, str] | None = None,
    flash: str | None = None,
    new_token: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    web = web_of(request)
    with Session(web.deps.engine) as session:
        account = session.get(Account, user.account_id)
        tokens = list_tokens(session, user.account_id)
    context: dict[str, Any] = {
        "account": account,
        "tokens": tokens,
        "errors": errors or {},
        "flash": flash,
        "new_token": new_token,
    }
    return page(request, "account.html", context, user, status_code=status_code)


@router.get("/akun", response_class=HTMLResponse)
def account_page(request: Request, user: PageUser) -> HTMLResponse:
    """The account: password change and personal API tokens."""
    return _account_page(request, user)


@router.post("/akun/sandi", response_class=HTMLResponse)
def password_change(
    request: Request,
    user: FormUser,
    current: Annotated[str, Form(max_length=1000)] = "",
    new: Annotated[str, Form(max_length=1000)] = "",
    repeat: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    """Change the password; every other browser of the account is signed out."""
    web = web_of(request)
    if new != repeat:
        return _account_page(
            request, user, errors={"repeat": "Ulangan kata sandi baru tidak sama"}, status_code=422
        )
    try:
        with transaction(web.deps.engine) as session:
            account = session.get(Account, user.account_id)
            assert account is not None
            change_password(session, account, current, new, web.now())
            end_other_sessions(session, user.account_id, keep=user.session_token)
    except ValidationError as exc:
        field = "current" if "saat ini" in exc.message else "new"
        return _account_page(request, user, errors={field: exc.message}, status_code=422)
    return _account_page(request, user, flash="Kata sandi sudah diganti")


@router.post("/akun/token", response_class=HTMLResponse)
def token_create(
    request: Request, user: FormUser, name: Annotated[str, Form(max_length=200)] = ""
) -> HTMLResponse:
    """Create a personal API token; its value is shown once."""
    web = web_of(request)
    try:
        with transaction(web.deps.engine) as session:
            raw, _ = create_token(session, user.account_id, name, web.now())
    except ValidationError as exc:
        return _account_page(request, user, errors={"token": exc.message}, status_code=422)
    return _account_page(
        request,
        user,
        new_token=raw,
        flash="Token dibuat; salin sekarang, tidak akan ditampilkan lagi",
    )


@router.post("/akun/token/{token_id}/cabut", response_class=HTMLResponse)
def token_revoke(request: Request, user: FormUser, token_id: int) -> HTMLResponse:
    """Revoke one of my tokens."""
    web = web_of(request)
    with transaction(web.deps.engine) as session:
        row = revoke_token(session, user.account_id, token_id, web.now())
    return _account_page(request, user, flash=f"Token '{row.name}' dicabut")


__all__ = ["router", "session_token"]

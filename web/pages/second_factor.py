"""The second factor's pages: the code after the password (/masuk/kode), the enrolment (at
sign-in when it is required, or from the account page), switching it off, and the
administrator's reset.

A session waiting for its code signs nobody in (`optional_user` ignores it); these pages
read it themselves and check its CSRF token. The QR code is an SVG data URI drawn by segno
(the Content-Security-Policy allows `data:` images, nothing inline runs).
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from engine.accounts import LoginRefusedError
from engine.errors import FieldError, ValidationError
from engine.usecases.second_factor import (
    Enrolment,
    PendingSignIn,
    confirm_enrolment,
    disable_second_factor,
    enrolment,
    pending_sign_in,
    reset_second_factor,
    start_enrolment,
    verify_code,
)
from web.auth import (
    AdminFormUser,
    CsrfError,
    FormUser,
    PageUser,
    client_address,
    session_token,
)
from web.deps import UowDep, web_of
from web.pages.account import account_page_with, safe_next, second_factor_rule
from web.pages.admin.common import done, who
from web.render import page

router = APIRouter()
log = logging.getLogger("kinerja.web")


def _qr(uri: str) -> str:
    """The otpauth link as a QR code, an SVG data URI."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def _pending(request: Request, uow: UowDep) -> tuple[str, PendingSignIn] | None:
    web = web_of(request)
    token = session_token(web, request)
    if token is None:
        return None
    found = pending_sign_in(uow, token, now=web.now())
    return None if found is None else (token, found)


def _posted(request: Request, uow: UowDep, sent: str) -> tuple[str, PendingSignIn] | None:
    """The waiting session of a form post, its CSRF token checked; None when none waits."""
    found = _pending(request, uow)
    if found is not None and (not sent or not hmac.compare_digest(sent, found[1].csrf_token)):
        raise CsrfError(
            "Formulir kedaluwarsa atau tidak sah; muat ulang halaman lalu coba lagi",
            log_message="csrf mismatch on the second factor page",
        )
    return found


def _code_page(
    request: Request,
    pending: PendingSignIn,
    *,
    next_url: str,
    setup: Enrolment | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "pending": pending,
        "form_csrf": pending.csrf_token,
        "next": next_url,
        "setup": setup,
        "qr": None if setup is None else _qr(setup.uri),
        "error": error,
        "action": "/masuk/kode/daftar" if setup is not None else "/masuk/kode",
    }
    return page(request, "second_factor.html", context, None, status_code=status_code)


@router.get("/masuk/kode", response_class=HTMLResponse)
def code_form(request: Request, uow: UowDep, next: str = "") -> Response:
    """After the password: the code from the app, or (when required) the enrolment."""
    found = _pending(request, uow)
    if found is None:
        return RedirectResponse("/masuk", status_code=303)
    _, pending = found
    setup = None
    if not pending.enrolled:
        setup = enrolment(uow, pending.account.id) or start_enrolment(
            uow, pending.account.id, now=web_of(request).now()
        )
    return _code_page(request, pending, next_url=safe_next(next), setup=setup)


@router.post("/masuk/kode", response_class=HTMLResponse)
def code_check(
    request: Request,
    uow: UowDep,
    code: Annotated[str, Form(max_length=40)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Check the code (or a recovery code) and finish signing in."""
    web = web_of(request)
    found = _posted(request, uow, csrf_token)
    if found is None:
        return RedirectResponse("/masuk", status_code=303)
    token, pending = found
    try:
        left = verify_code(
            uow,
            token,
            code,
            now=web.now(),
            throttle=web.settings.throttle,
            address=client_address(web, request),
        )
    except LoginRefusedError as exc:
        log.info("second factor refused: %s", exc.log_message)
        return _code_page(
            request, pending, next_url=safe_next(next), error=exc.message, status_code=401
        )
    target = safe_next(next)
    if left is not None:
        log.info("account %s signed in with a recovery code (%d left)", pending.account.id, left)
        target = f"/akun?kode-pemulihan={max(left, 0)}"
    return RedirectResponse(target, status_code=303)


@router.post("/masuk/kode/daftar", response_class=HTMLResponse)
def code_enrol(
    request: Request,
    uow: UowDep,
    code: Annotated[str, Form(max_length=40)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """A required enrolment at sign-in: the first code switches it on and signs in."""
    web = web_of(request)
    found = _posted(request, uow, csrf_token)
    if found is None:
        return RedirectResponse("/masuk", status_code=303)
    token, pending = found
    try:
        codes = confirm_enrolment(uow, pending.account.id, code, now=web.now(), session_token=token)
    except FieldError as exc:
        setup = enrolment(uow, pending.account.id)
        return _code_page(
            request,
            pending,
            next_url=safe_next(next),
            setup=setup,
            error=exc.message,
            status_code=422,
        )
    log.info("account %s enrolled a second factor at sign-in", pending.account.id)
    return _recovery_page(request, codes, next_url=safe_next(next), user=None)


def _recovery_page(request: Request, codes: list[str], *, next_url: str, user: Any) -> HTMLResponse:
    context = {"codes": codes, "next": next_url}
    return page(request, "second_factor_codes.html", context, user)


def _setup_page(
    request: Request,
    user: Any,
    setup: Enrolment,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "pending": None,
        "form_csrf": user.csrf_token,
        "next": "/akun",
        "setup": setup,
        "qr": _qr(setup.uri),
        "error": error,
        "action": "/akun/dua-langkah",
    }
    return page(request, "second_factor.html", context, user, status_code=status_code)


@router.get("/akun/dua-langkah", response_class=HTMLResponse)
def enrol_form(request: Request, user: PageUser, uow: UowDep) -> Response:
    """Start (or continue) switching on the second factor from the account page."""
    setup = enrolment(uow, user.account_id)
    if setup is None:
        try:
            setup = start_enrolment(uow, user.account_id, now=web_of(request).now())
        except ValidationError:
            return RedirectResponse("/akun", status_code=303)
    return _setup_page(request, user, setup)


@router.post("/akun/dua-langkah", response_class=HTMLResponse)
def enrol_confirm(
    request: Request,
    user: FormUser,
    uow: UowDep,
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """The first code switches the second factor on; the recovery codes are shown once."""
    try:
        codes = confirm_enrolment(uow, user.account_id, code, now=web_of(request).now())
    except FieldError as exc:
        setup = enrolment(uow, user.account_id)
        if setup is None:
            return RedirectResponse("/akun/dua-langkah", status_code=303)
        return _setup_page(request, user, setup, error=exc.message, status_code=422)
    except ValidationError:
        return RedirectResponse("/akun/dua-langkah", status_code=303)
    log.info("%s switched on a second factor", user.login)
    return _recovery_page(request, codes, next_url="/akun", user=user)


@router.post("/akun/dua-langkah/nonaktifkan", response_model=None)
def disable(
    request: Request,
    user: FormUser,
    uow: UowDep,
    password: Annotated[str, Form(max_length=1000)] = "",
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Switch the second factor off (password and a code), unless it is required."""
    web = web_of(request)
    try:
        disable_second_factor(
            uow,
            user.account_id,
            password,
            code,
            now=web.now(),
            required=second_factor_rule(web, uow),
        )
    except FieldError as exc:
        return account_page_with(request, user, uow, errors={f"2fa-{exc.field}": exc.message})
    except ValidationError as exc:
        return account_page_with(request, user, uow, errors={"2fa": exc.message})
    log.info("%s switched off their second factor", user.login)
    return account_page_with(request, user, uow, flash="Verifikasi dua langkah dinonaktifkan")


@router.post("/admin/akun/{account_id}/dua-langkah/reset", response_model=None)
def admin_reset(
    request: Request, user: AdminFormUser, uow: UowDep, account_id: int
) -> RedirectResponse:
    """The administrator switches off someone's second factor (a lost phone)."""
    account = reset_second_factor(
        uow, account_id, by_account_id=user.account_id, now=web_of(request).now(), actor=who(user)
    )
    log.info("%s reset the second factor of account %s", user.login, account.login)
    return done("/admin/akun", "dua-langkah-direset")

"""Who is asking: the session cookie (pages), personal tokens (API), and CSRF.

The session cookie holds a random token signed with the secret key (itsdangerous);
the database keeps only its SHA-256 with the account and the session's CSRF
token. Every state-changing form carries that CSRF token; the login form, which
has no session yet, carries one bound to a signed pre-login cookie.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from itsdangerous import BadSignature

from engine.errors import ForbiddenError, KinerjaError
from engine.usecases.accounts import session_user, token_user
from engine.workflow import Actor
from web.deps import UowDep, Web, web_of

SESSION_COOKIE = "kinerja_sesi"
LOGIN_CSRF_COOKIE = "kinerja_masuk"
CSRF_FIELD = "csrf_token"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequiredError(KinerjaError):
    """No valid session: pages redirect to the login page, the API answers 401."""


class CsrfError(KinerjaError):
    """A form arrived without the token of the session that showed it (HTTP 403)."""


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in account and the workflow actor it is."""

    account_id: int
    login: str
    actor: Actor
    csrf_token: str
    session_token: str | None = None

    @property
    def is_admin(self) -> bool:
        """Whether the account has the administrator permission."""
        return self.actor.is_admin

    @property
    def name(self) -> str:
        """The name shown in the header."""
        return self.actor.name


def session_token(web: Web, request: Request) -> str | None:
    """The raw session token from a correctly signed cookie, or None."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        return web.signer.unsign(cookie).decode()
    except (BadSignature, UnicodeDecodeError):
        return None


def client_address(web: Web, request: Request) -> str | None:
    """The client's address, as the login throttle counts it: the peer's, unless the peer is
    a trusted reverse proxy (`KINERJA_TRUSTED_PROXIES`); then the right-most address of
    X-Forwarded-For that is not itself a trusted proxy (the left part is the client's word,
    which anyone can forge)."""
    peer = request.client.host if request.client is not None else None
    trusted = web.settings.trusted_proxies
    if peer is None or not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = [
        part.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for part in header.split(",")
        if part.strip()
    ]
    for address in reversed(forwarded):
        if not _is_trusted(address, trusted):
            return address if _is_address(address) else peer
    return forwarded[0] if forwarded and _is_address(forwarded[0]) else peer


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, trusted: tuple[object, ...]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)  # type: ignore[operator]


def optional_user(request: Request, uow: UowDep) -> CurrentUser | None:
    """The signed-in user of this browser, or None (read in the request's unit of work)."""
    web = web_of(request)
    token = session_token(web, request)
    if token is None:
        return None
    found = session_user(uow, token, now=web.now())
    if found is None:
        return None
    return CurrentUser(found.account_id, found.login, found.actor, found.csrf_token, token)


def page_user(user: Annotated[CurrentUser | None, Depends(optional_user)]) -> CurrentUser:
    """The signed-in user; otherwise the login page (see the handler in web.app)."""
    if user is None:
        raise LoginRequiredError("Silakan masuk terlebih dahulu", log_message="no session")
    return user


def admin_user(user: Annotated[CurrentUser, Depends(page_user)]) -> CurrentUser:
    """The signed-in administrator; 403 for anyone else."""
    if not user.is_admin:
        raise ForbiddenError(
            "Halaman ini hanya untuk administrator", log_message=f"{user.login} is not admin"
        )
    return user


async def _check_form_token(request: Request, user: CurrentUser) -> None:
    """Refuse a form whose CSRF token is not the session's (its uploads closed first)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, user.csrf_token):
        await form.close()  # spooled upload files must not outlive a refused request
        raise CsrfError(
            "Formulir kedaluwarsa atau tidak sah; muat ulang halaman lalu coba lagi",
            log_message=f"csrf mismatch for {user.login}",
        )


async def form_user(
    request: Request, user: Annotated[CurrentUser, Depends(page_user)]
) -> CurrentUser:
    """The signed-in user of a form post whose CSRF token matches the session's."""
    await _check_form_token(request, user)
    return user


async def admin_form_user(
    request: Request, user: Annotated[CurrentUser, Depends(admin_user)]
) -> CurrentUser:
    """A form post from the administrator (checked before the form is read), CSRF checked."""
    await _check_form_token(request, user)
    return user


def login_csrf(web: Web, request: Request) -> str:
    """The pre-login CSRF token of this browser (from its signed cookie, or a new one)."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if cookie:
        try:
            return web.signer.unsign(cookie).decode()
        except (BadSignature, UnicodeDecodeError):
            pass
    return secrets.token_urlsafe(32)


def set_login_csrf(web: Web, response: Response, token: str) -> None:
    """Remember the pre-login token in a signed cookie."""
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        web.signer.sign(token).decode(),
        httponly=True,
        samesite="strict",
        secure=web.settings.secure_cookies,
        path="/masuk",
    )


def check_login_csrf(web: Web, request: Request, sent: str | None) -> None:
    """Refuse a login post whose token does not match this browser's pre-login cookie."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    expected = None
    if cookie:
        try:
            expected = web.signer.unsign(cookie).decode()
        except (BadSignature, UnicodeDecodeError):
            expected = None
    if not sent or expected is None or not hmac.compare_digest(sent, expected):
        raise CsrfError(
            "Formulir kedaluwarsa atau tidak sah; muat ulang halaman lalu coba lagi",
            log_message="login csrf mismatch",
        )


def set_session_cookie(web: Web, response: Response, token: str) -> None:
    """Hand the browser its signed session cookie."""
    response.set_cookie(
        SESSION_COOKIE,
        web.signer.sign(token).decode(),
        max_age=web.settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=web.settings.secure_cookies,
        path="/",
    )


def api_user(request: Request, uow: UowDep) -> CurrentUser:
    """The account of the request's bearer token (API), or 401."""
    web = web_of(request)
    header = request.headers.get("authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise LoginRequiredError(
            "Token API wajib dikirim di header Authorization: Bearer <token>",
            log_message="missing bearer token",
        )
    found = token_user(uow, raw.strip(), now=web.now())
    if found is None:
        raise LoginRequiredError(
            "Token API tidak sah, sudah kedaluwarsa, atau sudah dicabut",
            log_message="bad, expired or revoked bearer token",
        )
    if found.read_only and request.method not in READ_METHODS:
        raise ForbiddenError(
            "Token ini hanya untuk membaca; buat token 'baca dan tulis' di halaman Akun "
            "untuk mengubah data",
            log_message=f"read-only token of {found.login} tried {request.method}",
        )
    return CurrentUser(found.account_id, found.login, found.actor, "", None)


PageUser = Annotated[CurrentUser, Depends(page_user)]
MaybeUser = Annotated[CurrentUser | None, Depends(optional_user)]
FormUser = Annotated[CurrentUser, Depends(form_user)]
AdminUser = Annotated[CurrentUser, Depends(admin_user)]
AdminFormUser = Annotated[CurrentUser, Depends(admin_form_user)]
ApiUser = Annotated[CurrentUser, Depends(api_user)]

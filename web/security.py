"""Pure ASGI middlewares: the request body limit and the security headers.

Both wrap the whole application, so they hold for pages, the API, static files,
error pages and 304s alike.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.evidence import MAX_EVIDENCE_BYTES
from web.auth import SESSION_COOKIE
from web.pages.admin.workbooks import MAX_WORKBOOK_BYTES

log = logging.getLogger("kinerja.web")

MIB = 1024 * 1024
SMALL_BODY_BYTES = 1 * MIB
"""Every body not listed in BODY_LIMITS: forms, the login, JSON."""
FORM_OVERHEAD_BYTES = 2 * MIB
"""The multipart envelope and the other fields around an uploaded file, with room to spare:
a file a little over its limit still reaches the page, which says so next to the field."""
_SESSION = SESSION_COOKIE.encode() + b"="

BODY_LIMITS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"/laporan/\d+/bukti"), MAX_EVIDENCE_BYTES + FORM_OVERHEAD_BYTES),
    (re.compile(r"/api/v1/reports/\d+/evidence"), MAX_EVIDENCE_BYTES + FORM_OVERHEAD_BYTES),
    (re.compile(r"/admin/katalog"), MAX_WORKBOOK_BYTES + FORM_OVERHEAD_BYTES),
)
"""The uploads allowed a larger body, by full path; only with credentials (below)."""

TOO_LARGE_MESSAGE = (
    "Permintaan terlalu besar: batasnya {limit} untuk alamat ini. "
    "Perkecil berkas atau isian lalu kirim lagi."
)


def _credentials(scope: Scope) -> bool:
    """A session cookie or an API token is present (not checked here: the route checks it).

    Without either, even an upload path gets the small limit, so an anonymous body is
    refused before anything is spooled to disk.
    """
    for name, value in scope.get("headers", ()):
        if name == b"authorization" and value:
            return True
        if name == b"cookie" and _SESSION in value:
            return True
    return False


def body_limit(scope: Scope) -> int:
    """The largest body accepted for this request, in bytes."""
    if _credentials(scope):
        path = scope.get("path", "")
        for pattern, limit in BODY_LIMITS:
            if pattern.fullmatch(path):
                return limit
    return SMALL_BODY_BYTES


def _readable(limit: int) -> str:
    return f"{limit / MIB:.0f} MB" if limit >= MIB else f"{limit // 1024} KB"


class BodyTooLargeError(Exception):
    """The body streamed past its limit."""


Refusal = Callable[[Request, str], Response]
"""Builds the 413 answer (the error page or the API's error JSON) for a request."""


@dataclass
class BodyLimitMiddleware:
    """Refuse a body over its limit with 413 before it is read.

    A Content-Length over the limit is refused before the application runs; a chunked
    body (or one longer than it said) is counted as it streams and cut off at the limit:
    the application sees an error from `receive`, and whatever it answers is replaced
    by the 413 if it has not started answering.
    """

    app: ASGIApp
    refuse: Refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope)
        message = TOO_LARGE_MESSAGE.format(limit=_readable(limit))
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    self._log(scope, f"Content-Length {declared}", limit)
                    await self.refuse(Request(scope), message)(scope, receive, send)
                    return
        seen = 0
        exceeded = False
        started = False

        async def counted_receive() -> Message:
            nonlocal seen, exceeded
            if exceeded:
                raise BodyTooLargeError
            received = await receive()
            if received["type"] == "http.request":
                seen += len(received.get("body", b""))
                if seen > limit:
                    exceeded = True
                    self._log(scope, f"streamed body over {seen} bytes", limit)
                    raise BodyTooLargeError
            return received

        async def guarded_send(sent: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the application's own answer to the cut-off body: the 413 replaces it
            if sent["type"] == "http.response.start":
                started = True
            await send(sent)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLargeError:
            if started:
                raise
        except Exception:
            if not exceeded or started:
                raise
            log.debug("the application failed on a cut-off body", exc_info=True)
        if exceeded and not started:
            await self.refuse(Request(scope), message)(scope, receive, send)

    @staticmethod
    def _log(scope: Scope, what: str, limit: int) -> None:
        log.info(
            "request body refused (%s %s): %s over the limit of %d bytes",
            scope.get("method"), scope.get("path"), what, limit,
        )  # fmt: skip


CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # base.html's <style> block and style attributes (indentation, category colours):
        # styles only; no script can run from a style.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-src 'self'",
        "frame-ancestors 'self'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


@dataclass
class SecurityHeadersMiddleware:
    """Add the security headers to every HTTP answer, whoever built it.

    A header the answer already carries is kept (the demo mailbox's email body sends
    its own, stricter policy).
    """

    app: ASGIApp
    hsts: bool = False

    def _headers(self) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
            (b"x-frame-options", b"SAMEORIGIN"),
            (b"referrer-policy", b"same-origin"),
            (b"x-content-type-options", b"nosniff"),
        ]
        if self.hsts:
            headers.append((b"strict-transport-security", HSTS.encode()))
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in extra if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

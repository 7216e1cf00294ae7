"""The web application: FastAPI, built from a container (never from globals).

Pages (server-rendered Jinja2) live in web/pages, the JSON API in web/api. Both
go through the same db/engine use cases and the one gate as the CLI.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from itsdangerous import TimestampSigner
from starlette.exceptions import HTTPException as StarletteHTTPException

from documents.pdf import PdfConversionError, PdfUnavailableError
from engine.errors import (
    ActionRefusedError,
    ConflictError,
    ForbiddenError,
    KinerjaError,
    NotFoundError,
)
from web.api.errors import RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, log_unavailable
from web.auth import CsrfError, CurrentUser, LoginRequiredError, optional_user
from web.deps import Web, WebDeps, web_of
from web.pages import (
    account,
    admin,
    dashboard,
    demo,
    documents,
    home,
    manual_pages,
    my_documents,
    second_factor,
    tasks,
)
from web.render import build_templates, page
from web.security import BodyLimitMiddleware, SecurityHeadersMiddleware

STATIC_DIR = Path(__file__).parent / "static"

log = logging.getLogger("kinerja.web")

STATUS: dict[type[KinerjaError], tuple[int, str]] = {
    NotFoundError: (404, "not_found"),
    ActionRefusedError: (403, "forbidden"),
    ForbiddenError: (403, "forbidden"),
    CsrfError: (403, "csrf"),
    ConflictError: (409, "conflict"),
    LoginRequiredError: (401, "unauthenticated"),
    PdfUnavailableError: (503, "unavailable"),
    PdfConversionError: (503, "unavailable"),
}
HTTP_MESSAGES = {
    404: "Halaman atau data tidak ditemukan",
    405: "Metode tidak diizinkan untuk alamat ini",
    413: "Berkas terlalu besar",
}


def too_large(request: Request, message: str) -> Response:
    """The body limit's 413: the API's error JSON or the normal error page (no user in the
    header: the refusal comes before anything is read, the database included)."""
    if _is_api(request):
        return error_json(413, "too_large", message)
    return page(request, "error.html", {"message": message}, None, status_code=413)


def _status(exc: KinerjaError) -> tuple[int, str]:
    for kind, answer in STATUS.items():
        if isinstance(exc, kind):
            return answer
    return 422, "invalid"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_json(status: int, code: str, message: str, **extra: object) -> JSONResponse:
    """The API's error body: a machine code and a message in Bahasa Indonesia."""
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def _error_page_user(request: Request) -> CurrentUser | None:
    """Who is signed in, for the header of an error page (in a reader's unit of work of its
    own: the request's may have ended with the error)."""
    try:
        with web_of(request).deps.uow() as uow:
            return optional_user(request, uow)
    except Exception:  # an error page never fails for want of its header
        log.debug("no signed-in user for the error page", exc_info=True)
        return None


def create_app(container: WebDeps) -> FastAPI:
    """Build the web application around `container`."""
    app = FastAPI(title="Kinerja", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = Web(
        deps=container,
        templates=build_templates(),
        signer=TimestampSigner(container.secret_key, salt="kinerja.cookie"),
        settings=container.web_settings(),
    )
    for module in (
        home, account, second_factor, tasks, documents, my_documents, dashboard, manual_pages,
        admin, demo,
    ):  # fmt: skip
        app.include_router(module.router)
    from web.api import v1

    app.mount("/api/v1", v1.create_api(app.state.web))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Outermost first: the headers wrap everything, the 413 included.
    app.add_middleware(BodyLimitMiddleware, refuse=too_large)
    app.add_middleware(SecurityHeadersMiddleware, hsts=app.state.web.settings.secure_cookies)

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.exception_handler(KinerjaError)
    async def domain_error(request: Request, exc: KinerjaError) -> Response:
        status, code = _status(exc)
        log.info("request refused (%s %s): %s", request.method, request.url.path, exc.log_message)
        if isinstance(exc, LoginRequiredError) and not _is_api(request):
            target = request.url.path
            if request.url.query:
                target += "?" + request.url.query
            # Quoted whole: a link's own query (?aksi=verify&...) comes back intact.
            return RedirectResponse(
                "/masuk?" + urlencode({"next": target}, safe="/")
                if request.method == "GET"
                else "/masuk",
                303,
            )
        if _is_api(request):
            return error_json(status, code, exc.message)
        return page(
            request,
            "error.html",
            {"message": exc.message},
            _error_page_user(request),
            status_code=status,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code) or str(exc.detail)
        if _is_api(request):
            return error_json(exc.status_code, "http_error", message)
        return page(
            request,
            "error.html",
            {"message": message},
            _error_page_user(request),
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        log.info("invalid request %s %s: %s", request.method, request.url.path, exc.errors())
        message = "Permintaan tidak valid: periksa isian dan alamatnya"
        return page(
            request, "error.html", {"message": message}, _error_page_user(request), status_code=422
        )

    async def unavailable(request: Request, exc: Exception) -> Response:
        """The database is down or too busy: 503 with a message, never a traceback.

        Nothing was committed by a request that failed before its commit (the server
        rolls an interrupted transaction back); the pool's pre-ping replaces dead
        connections, so the next request after the outage simply works.
        """
        if not container.is_outage(exc):
            raise exc  # a bug, not an outage: the server error it is
        log_unavailable(log, request, exc)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if _is_api(request):
            response: Response = error_json(503, "unavailable", UNAVAILABLE_MESSAGE)
        else:  # no user in the header: finding who is signed in needs the database
            response = page(request, "error.html", {"message": UNAVAILABLE_MESSAGE}, None,
                            status_code=503)  # fmt: skip
        response.headers.update(headers)
        return response

    for kind in container.outage_errors:
        app.add_exception_handler(kind, unavailable)
    return app


__all__ = ["HTMLResponse", "create_app", "error_json"]

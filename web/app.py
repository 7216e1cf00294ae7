"""The web application: FastAPI, built from a container (never from globals).

For now the home page lists the agency's positions and their holders; the
working pages (Tugas Saya, reports, dashboard, admin) arrive with later issues.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from db.doc_views import pk_view, report_view
from db.org_repo import load_org
from engine.clock import Clock, local_date
from engine.errors import KinerjaError, NotFoundError
from engine.formatting import format_date_id, format_number_id
from engine.org import Holding, Position
from engine.workflow import DocKind, parse_ref
from notifications.catcher import CaughtMail

log = logging.getLogger("kinerja.web")
TEMPLATES = Path(__file__).with_name("templates")


class WebDeps(Protocol):
    """What the web application needs; kinerja.bootstrap.Container provides it.

    Declared here so that web/ does not import the package that wires it.
    """

    @property
    def engine(self) -> Engine: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def zone(self) -> ZoneInfo: ...

    @property
    def demo(self) -> bool: ...

    def demo_logins(self) -> list[tuple[str, str, str]]:
        """(login, password, who) shown on the demo pages; empty outside demo mode."""
        ...

    def mailbox(self) -> list[CaughtMail] | None:
        """Messages caught by the demo's local SMTP server; None when it is not running."""
        ...


@dataclass(frozen=True)
class PositionRow:
    """One line of the organisation table."""

    depth: int
    position: Position
    holders: list[Holding]


def create_app(container: WebDeps) -> FastAPI:
    """Build the web application around `container`."""
    app = FastAPI(title="Kinerja", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=TEMPLATES)
    templates.env.undefined = StrictUndefined
    templates.env.filters["tanggal"] = format_date_id
    templates.env.filters["angka"] = lambda value, decimals=2: format_number_id(
        Decimal(str(value)), decimals
    )
    app.state.container = container

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        today = local_date(container.clock.now(), container.zone)
        with Session(container.engine) as session:
            snapshot = load_org(session)
        tree = snapshot.tree
        agencies = []
        for agency in snapshot.agencies:
            rows = [
                PositionRow(depth, position, tree.holders(position.id, today))
                for root in tree.roots()
                if root.agency_id == agency.id
                for depth, position in tree.walk(root.id)
            ]
            agencies.append((agency, rows))
        context: dict[str, Any] = {
            "regency": snapshot.regency,
            "agencies": agencies,
            "today": today,
            "demo": container.demo,
            "accounts": container.demo_logins(),
        }
        return templates.TemplateResponse(request, "home.html", context)

    @app.get("/dokumen/{ref}", response_class=HTMLResponse)
    def document(request: Request, ref: str) -> HTMLResponse:
        kind, doc_id = parse_ref(ref)
        today = local_date(container.clock.now(), container.zone)
        with Session(container.engine) as session:
            data = (
                pk_view(session, doc_id, today, container.zone)
                if kind is DocKind.PK
                else report_view(session, doc_id)
            )
        return templates.TemplateResponse(request, "document.html", {"doc": data})

    @app.get("/demo/kotak-surat", response_class=HTMLResponse)
    def mailbox(request: Request) -> HTMLResponse:
        messages = container.mailbox()
        if messages is None:
            raise StarletteHTTPException(404)
        return templates.TemplateResponse(request, "mailbox.html", {"messages": messages})

    @app.get("/demo/kotak-surat/{number}", response_class=HTMLResponse)
    def mail(request: Request, number: int) -> HTMLResponse:
        messages = container.mailbox()
        if messages is None or not 0 <= number < len(messages):
            raise StarletteHTTPException(404)
        return templates.TemplateResponse(
            request, "mail.html", {"mail": messages[number], "number": number}
        )

    @app.get("/demo/kotak-surat/{number}/isi", response_class=HTMLResponse)
    def mail_body(number: int) -> HTMLResponse:
        messages = container.mailbox()
        if messages is None or not 0 <= number < len(messages):
            raise StarletteHTTPException(404)
        # The email's own HTML, isolated: no scripts, no requests, only inline styles.
        policy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        return HTMLResponse(messages[number].html, headers={"Content-Security-Policy": policy})

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        message = "Halaman tidak ditemukan." if exc.status_code == 404 else str(exc.detail)
        return templates.TemplateResponse(
            request, "error.html", {"message": message}, status_code=exc.status_code
        )

    @app.exception_handler(KinerjaError)
    async def domain_error(request: Request, exc: KinerjaError) -> JSONResponse | HTMLResponse:
        log.info("request refused: %s", exc.log_message)
        status = 404 if isinstance(exc, NotFoundError) else 422
        return templates.TemplateResponse(
            request, "error.html", {"message": exc.message}, status_code=status
        )

    return app

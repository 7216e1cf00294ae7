"""Rendering pages: the shared template environment and the context every page gets."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined

from documents.colours import CATEGORY_COLOURS
from engine.capaian import parse_target
from engine.errors import KinerjaError
from engine.formatting import format_date_id, format_number_id
from web.auth import CSRF_FIELD, CurrentUser
from web.deps import web_of

TEMPLATES = Path(__file__).with_name("templates")


def _number(value: Any, decimals: int = 2) -> str:
    if value is None or value == "":
        return "-"
    return format_number_id(Decimal(str(value)), decimals)


def typed_number(value: Any) -> str:
    """A stored input as its holder typed it: the places it has, up to four ("111", "12,5")."""
    if value is None or value == "":
        return "-"
    number = Decimal(str(value)).normalize()
    places = max(0, min(4, -int(number.as_tuple().exponent)))
    return format_number_id(number, places)


def _target(text: str | None) -> str:
    """A stored target as people read it ("62,80", "80-90"); as stored if it does not parse."""
    if not text:
        return "-"
    try:
        return parse_target(text).display
    except KinerjaError:
        return text


# --- the report page's words (issue 17) ---------------------------------------------------


DISABLED_STYLE = "background:#e3e6ea; color:#5b6b7b; border-color:#c4cad1; cursor:not-allowed"
"""How a button the reader cannot use now looks (grey, not the accent colour)."""


def capaian_sentence(reason: str | None) -> str:
    """Why a capaian is not shown, as a sentence ("Capaian belum dapat dihitung karena
    realisasi TW III belum tersedia."), never a bare fragment."""
    text = (reason or "").strip()
    if not text:
        return "Capaian belum dapat dihitung."
    if text.startswith("tidak ada data"):
        return "Capaian tidak dihitung karena tidak ada data."
    if text.startswith("realisasi TW"):
        return f"Capaian belum dapat dihitung karena {text} belum tersedia."
    return f"Capaian belum dapat dihitung: {text}."


def build_templates() -> Jinja2Templates:
    """The Jinja2 environment: strict, autoescaped, with Indonesian formatting filters."""
    templates = Jinja2Templates(directory=TEMPLATES)
    templates.env.undefined = StrictUndefined
    templates.env.filters["tanggal"] = format_date_id
    templates.env.filters["angka"] = _number
    templates.env.filters["target"] = _target
    templates.env.filters["isian"] = typed_number
    templates.env.filters["alasan_capaian"] = capaian_sentence
    templates.env.globals["CATEGORY_COLOURS"] = CATEGORY_COLOURS
    templates.env.globals["CSRF_FIELD"] = CSRF_FIELD
    templates.env.globals["DISABLED_STYLE"] = DISABLED_STYLE
    return templates


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    user: CurrentUser | None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page with the signed-in user, the CSRF token and the demo flag."""
    web = web_of(request)
    full = {
        "user": user,
        "csrf_token": "" if user is None else user.csrf_token,
        "demo": web.deps.demo,
        "today": web.today(),
        **context,
    }
    response = web.templates.TemplateResponse(request, name, full, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response

"""Rendering pages: the shared template environment and the context every page gets."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined

from documents.colours import CATEGORY_COLOURS, text_colour
from engine.capaian import parse_target
from engine.errors import KinerjaError
from engine.evidence import ALLOWED_EXTENSIONS, ALLOWED_LABEL, MAX_EVIDENCE_BYTES, format_size
from engine.formatting import format_date_id, format_moment_id, format_number_id
from engine.nip import format_nip
from engine.usecases.notices import unread_count
from engine.usecases.roles import my_roles
from web.auth import CSRF_FIELD, CurrentUser
from web.deps import web_of

TEMPLATES = Path(__file__).with_name("templates")
log = logging.getLogger(__name__)


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


# --- human text: NIPs, ISO dates and stored targets as people read them (issue 17) ---------


def nip_text(value: str | None) -> str:
    """A NIP in its four groups ("19740512 199803 1 004"); "-" when absent; as stored when it is
    not 18 digits (an old or contract number), never an error on a page."""
    if not value:
        return "-"
    try:
        return format_nip(value)
    except KinerjaError:
        return value


def date_text(value: date | str | None) -> str:
    """An Indonesian date ("4 Februari 2021") from a date or its ISO text; "-" when absent."""
    if value is None or value == "":
        return "-"
    if isinstance(value, date):
        return format_date_id(value)
    try:
        return format_date_id(date.fromisoformat(value[:10]))
    except ValueError:
        return value


def stored_target(text: str | None, decimals: int | None = None) -> str:
    """A target as stored, read the way the engine reads it ("78.29", "1.027.733,50", "80-90"),
    in Indonesian style ("78,29"). With the indicator's `decimals` for reading, never hiding a
    place the holder typed; without, every place kept (a form field gives back the same value).
    Text that does not read as a target is shown as stored."""
    if not text:
        return "-"
    try:
        target = parse_target(str(text))
    except KinerjaError:
        return str(text)

    def places(value: Decimal) -> int:
        exponent = value.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0

    def shown(value: Decimal) -> str:
        if decimals is None:
            return format_number_id(value, min(places(value), 4))
        return format_number_id(value, min(max(decimals, places(value.normalize())), 4))

    if not target.is_range:
        return shown(target.low)
    separator = " s.d. " if target.low < 0 or target.high < 0 else "-"
    return f"{shown(target.low)}{separator}{shown(target.high)}"


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
    # Evidence: sizes as people read them, what the upload form accepts.
    templates.env.filters["ukuran"] = format_size
    templates.env.filters["waktu"] = format_moment_id
    templates.env.globals["EVIDENCE_TYPES"] = ALLOWED_LABEL
    templates.env.globals["EVIDENCE_ACCEPT"] = ",".join(ALLOWED_EXTENSIONS)
    templates.env.globals["EVIDENCE_MAX"] = MAX_EVIDENCE_BYTES
    templates.env.filters["nip"] = nip_text
    templates.env.filters["tanggal_teks"] = date_text
    templates.env.filters["target_tersimpan"] = stored_target
    templates.env.filters["warna_teks"] = text_colour  # text readable on a category colour
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
        "unread_notices": _unread(request, user),
        "plans_year": _plans(request, user),
        "csrf_token": "" if user is None else user.csrf_token,
        "demo": web.deps.demo,
        "today": web.today(),
        **context,
    }
    response = web.templates.TemplateResponse(request, name, full, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def _plans(request: Request, user: CurrentUser | None) -> bool:
    """Whether the header links Tahun kerja: the administrator, or a planning holder today."""
    if user is None:
        return False
    if user.is_admin:
        return True
    uow = getattr(request.state, "uow", None)
    if uow is None or user.actor.official_id is None:
        return False
    web = web_of(request)
    try:
        return bool(my_roles(uow, user.actor, now=web.now(), policy=web.deps.policy).planning)
    except Exception:  # an error page after a failed statement: no link
        log.warning("planning role not read for %s", user.login, exc_info=True)
        return False


def _unread(request: Request, user: CurrentUser | None) -> int | None:
    """The header bell's count: the signed-in official's unread notifications, read in the
    request's unit of work (None when there is no user, or the database cannot answer now:
    an error page still renders)."""
    uow = getattr(request.state, "uow", None)
    if user is None or uow is None:
        return None
    try:
        return unread_count(uow, user.actor.official_id)
    except Exception:  # an error page after a failed statement: show no count
        log.warning("unread notifications not counted for %s", user.login, exc_info=True)
        return None

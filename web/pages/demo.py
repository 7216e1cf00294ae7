"""Demo mode: the local mail catcher's mailbox (404 outside demo mode)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.periods import Quarter
from engine.ports import CaughtMail
from web.auth import MaybeUser
from web.deps import web_of
from web.render import page

router = APIRouter(prefix="/demo")
ADVANCE_PAST_QUARTER = 14
"""How far past the quarter's end the mailbox's hint advances the demo: the reports' deadlines
(5 working days) and the first escalations fall in it."""


def _messages(request: Request) -> list[CaughtMail]:
    messages = web_of(request).deps.mailbox()
    if messages is None:
        raise StarletteHTTPException(404)
    return messages


@router.get("/kotak-surat", response_class=HTMLResponse)
def mailbox(request: Request, user: MaybeUser) -> HTMLResponse:
    """Every email the demo's SMTP server received, newest first, and how to make the
    reminders of this quarter's close arrive (`kinerja demo advance` to after its end)."""
    web = web_of(request)
    today = web.today()
    close = Quarter.of(today).last_day + timedelta(days=ADVANCE_PAST_QUARTER)
    context = {"messages": _messages(request), "today": today, "advance_to": close}
    return page(request, "mailbox.html", context, user)


@router.get("/kotak-surat/{number}", response_class=HTMLResponse)
def mail(request: Request, number: int, user: MaybeUser) -> HTMLResponse:
    """One email: headers and both parts."""
    messages = _messages(request)
    if not 0 <= number < len(messages):
        raise StarletteHTTPException(404)
    return page(request, "mail.html", {"mail": messages[number], "number": number}, user)


@router.get("/kotak-surat/{number}/isi", response_class=HTMLResponse)
def mail_body(request: Request, number: int) -> HTMLResponse:
    """The email's own HTML, isolated: no scripts, no requests, only inline styles."""
    messages = _messages(request)
    if not 0 <= number < len(messages):
        raise StarletteHTTPException(404)
    policy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return HTMLResponse(messages[number].html, headers={"Content-Security-Policy": policy})

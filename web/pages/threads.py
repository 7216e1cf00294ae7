"""The discussion on a document (POST a comment) and the notifications page (/notifikasi).

A comment goes through engine.usecases.comments.post_comment (one transaction: the comment
and its outbox rows); the page is shown again at the new comment's anchor. The
notifications are the outbox messages to the reader, listed with their emails' subjects.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from engine.errors import ValidationError
from engine.usecases.comments import post_comment
from engine.usecases.notices import mark_all_read, notice_page
from engine.workflow import DocKind
from web.auth import FormUser, PageUser
from web.deps import UowDep, web_of
from web.pages import pk_pages, report_pages
from web.pages.discussion import LINK_ACTIONS
from web.render import page

router = APIRouter()
DocId = Annotated[int, Path(ge=1, le=2_147_483_647)]
OptionalId = Annotated[str, Form(max_length=12)]


def _optional_id(raw: str, what: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 10 or int(text) < 1:
        raise ValidationError(f"{what} tidak dikenal", log_message=f"bad {what}: {raw!r}")
    return int(text)


def _comment(
    request: Request,
    kind: DocKind,
    doc_id: int,
    user: FormUser,
    uow: UowDep,
    text: str,
    indicator: str,
    reply_to: str,
) -> Response:
    web = web_of(request)
    path = f"/{'laporan' if kind is DocKind.REPORT else 'pk'}/{doc_id}"
    try:
        comment = post_comment(
            uow, kind, doc_id, user.actor, text, now=web.now(), policy=web.deps.policy,
            indicator_id=_optional_id(indicator, "Indikator"),
            reply_to=_optional_id(reply_to, "Komentar yang dibalas"),
        )  # fmt: skip
    except ValidationError as exc:
        uow.rollback()
        request.state.comment_error = (indicator.strip() or "dokumen", exc.message)
        request.state.comment_typed = text
        render = report_pages.render_report if kind is DocKind.REPORT else pk_pages.render_pk
        return render(request, user, uow, doc_id, status_code=422)
    return RedirectResponse(f"{path}#komentar-{comment.id}", status_code=303)


@router.post("/laporan/{report_id}/komentar", response_class=HTMLResponse)
def report_comment(
    request: Request,
    report_id: DocId,
    user: FormUser,
    uow: UowDep,
    comment: Annotated[str, Form(max_length=20_000)] = "",
    indicator_id: OptionalId = "",
    reply_to: OptionalId = "",
) -> Response:
    """Write in a report's discussion (on the report, or on one of its indicators)."""
    return _comment(request, DocKind.REPORT, report_id, user, uow, comment, indicator_id, reply_to)


@router.post("/pk/{pk_id}/komentar", response_class=HTMLResponse)
def pk_comment(
    request: Request,
    pk_id: DocId,
    user: FormUser,
    uow: UowDep,
    comment: Annotated[str, Form(max_length=20_000)] = "",
    indicator_id: OptionalId = "",
    reply_to: OptionalId = "",
) -> Response:
    """Write in a PK's discussion (on the PK, or on one of its indicators)."""
    return _comment(request, DocKind.PK, pk_id, user, uow, comment, indicator_id, reply_to)


@router.get("/notifikasi", response_class=HTMLResponse)
def notices(
    request: Request,
    user: PageUser,
    uow: UowDep,
    halaman: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The reader's notifications, newest first: the same messages their emails carry."""
    web = web_of(request)
    found = notice_page(uow, user.actor.official_id, page=halaman)
    rows = [
        {
            "subject": web.deps.notice_subject(n.kind, n.payload),
            "doc": n.payload.get("doc"),
            "at": n.created_at,
            "unread": unread,
            "href": _href(n.kind, n.payload),
        }
        for n, unread in found.items
    ]
    return page(request, "notifications.html", {"found": found, "rows": rows}, user)


_EVENT_ACTIONS = {
    "workflow.submitted": "verify",
    "workflow.verified": "approve",
    "workflow.reopened": "submit",
}
"""The action a workflow message's link gets ready, as in its email."""


def _href(kind: str, payload: object) -> str | None:
    """Where a notification leads, as its email's link: the document, with the action
    ready where the reader has one (`?aksi=`), or the comment; a digest of several
    items leads to Tugas Saya."""
    if not isinstance(payload, dict):
        return None
    doc, aksi = payload.get("doc"), _EVENT_ACTIONS.get(kind)
    if kind == "digest":
        items = payload.get("items") or []
        if len(items) != 1 or not isinstance(items[0], dict):
            return "/tugas"
        doc = items[0].get("doc")
        aksi = items[0].get("step") if items[0].get("rung") == "reminder" else None
    if not isinstance(doc, str):
        return None
    href = f"/dokumen/{quote(doc, safe='')}"
    if kind == "comment.posted":
        return f"{href}#komentar-{payload.get('comment_id')}"
    return f"{href}?aksi={aksi}" if aksi in LINK_ACTIONS else href


@router.post("/notifikasi/baca")
def read_all(request: Request, user: FormUser, uow: UowDep) -> RedirectResponse:
    """Mark every notification read."""
    mark_all_read(uow, user.actor.official_id, now=web_of(request).now())
    return RedirectResponse("/notifikasi", status_code=303)

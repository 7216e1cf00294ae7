"""The admin page for outgoing email: the newest messages, and retrying dead letters."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func
from sqlmodel import Session, select

from db.database import transaction
from db.workflow_models import OutboxMessage
from notifications.dispatcher import OUTBOX_STATUSES
from notifications.outbox import list_outbox, retry_dead
from web.auth import AdminFormUser, AdminUser, CurrentUser
from web.deps import web_of
from web.pages.admin.common import done, log, moment_format, render

router = APIRouter()

OUTBOX_LABELS = {"pending": "menunggu", "sent": "terkirim", "dead": "gagal"}


@router.get("/admin/kotak-keluar", response_class=HTMLResponse)
def outbox(request: Request, user: AdminUser, status: str = "") -> HTMLResponse:
    """The newest outgoing emails, optionally of one status."""
    web = web_of(request)
    chosen = status if status in OUTBOX_STATUSES else ""
    with Session(web.deps.engine) as session:
        rows = list_outbox(session, chosen or None, limit=100)
        dead = session.exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "dead")
        ).one()
    context = {
        "rows": rows,
        "status": chosen,
        "labels": OUTBOX_LABELS,
        "dead": int(dead),
        "moment": moment_format(web),
    }
    return render(request, user, "admin_outbox.html", context)


def _retry(request: Request, user: CurrentUser, ids: list[int] | None) -> RedirectResponse:
    web = web_of(request)
    with transaction(web.deps.engine) as session:
        revived = retry_dead(session, ids, web.now())
    log.info("%s requeued dead outbox messages %s", user.login, revived)
    return done("/admin/kotak-keluar?status=dead", "kirim-ulang" if revived else "tidak-ada")


@router.post("/admin/kotak-keluar/kirim-ulang", response_model=None)
def outbox_retry_all(request: Request, user: AdminFormUser) -> RedirectResponse:
    """Give every dead letter a fresh start."""
    return _retry(request, user, None)


@router.post("/admin/kotak-keluar/{message_id}/kirim-ulang", response_model=None)
def outbox_retry_one(request: Request, user: AdminFormUser, message_id: int) -> RedirectResponse:
    """Give one dead letter a fresh start."""
    return _retry(request, user, [message_id])

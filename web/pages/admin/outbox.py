"""The admin page for outgoing email: the newest messages, and retrying dead letters.

Kinds and attempts are shown in words; the raw kind code is only in the cell's tooltip."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from engine.events import OutboxStatus
from engine.usecases.outbox import (
    attempts_in_words,
    kind_in_words,
    list_messages,
    outbox_counts,
    retry_dead,
)
from web.auth import AdminFormUser, AdminUser, CurrentUser
from web.deps import UowDep, web_of
from web.pages.admin.common import done, log, moment_format, render, who

router = APIRouter()

OUTBOX_LABELS = {status.value: status.label for status in OutboxStatus}


@router.get("/admin/kotak-keluar", response_class=HTMLResponse)
def outbox(request: Request, user: AdminUser, uow: UowDep, status: str = "") -> HTMLResponse:
    """The newest outgoing emails, optionally of one status."""
    chosen = status if status in OUTBOX_LABELS else ""
    rows = list_messages(uow, status=OutboxStatus(chosen) if chosen else None, limit=100)
    context = {
        "rows": rows,
        "status": chosen,
        "labels": OUTBOX_LABELS,
        "dead": outbox_counts(uow)[OutboxStatus.DEAD],
        "moment": moment_format(web_of(request)),
        "kind_words": kind_in_words,
        "attempt_words": attempts_in_words,
    }
    return render(request, user, "admin_outbox.html", context)


def _retry(
    request: Request, user: CurrentUser, uow: UowDep, ids: list[int] | None
) -> RedirectResponse:
    revived = retry_dead(uow, ids, now=web_of(request).now(), actor=who(user))
    log.info("%s requeued dead outbox messages %s", user.login, revived)
    return done("/admin/kotak-keluar?status=dead", "kirim-ulang" if revived else "tidak-ada")


@router.post("/admin/kotak-keluar/kirim-ulang", response_model=None)
def outbox_retry_all(request: Request, user: AdminFormUser, uow: UowDep) -> RedirectResponse:
    """Give every dead letter a fresh start."""
    return _retry(request, user, uow, None)


@router.post("/admin/kotak-keluar/{message_id}/kirim-ulang", response_model=None)
def outbox_retry_one(
    request: Request, user: AdminFormUser, uow: UowDep, message_id: int
) -> RedirectResponse:
    """Give one dead letter a fresh start."""
    return _retry(request, user, uow, [message_id])

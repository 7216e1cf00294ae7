"""The administrator's pages: officials, assignments, positions, holidays, accounts, outbox.

Each form post is checked by `db.admin_repo` inside one transaction. A refused
post shows the form again (HTTP 422) with the Indonesian message next to the
field and what was typed kept; an accepted one redirects (303) to a page that
shows the result, with a short notice chosen by a fixed code (`?ok=...`).

This module builds the one `router` (the overview and settings pages, then each
area's routes) that web/app.py includes.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func
from sqlmodel import Session, col, select

from db.holidays_repo import list_holidays
from db.models import Account, AssignmentRow, OfficialRow, PositionRow
from db.workflow_models import OutboxMessage
from web.auth import AdminUser
from web.deps import web_of
from web.pages.admin import accounts, holidays, outbox, people, workbooks
from web.pages.admin.common import render

router = APIRouter()


@router.get("/admin", response_class=HTMLResponse)
def overview(request: Request, user: AdminUser) -> HTMLResponse:
    """What an administrator looks after, with counts and links."""
    web = web_of(request)
    today = web.today()

    def count(model: Any, *where: Any) -> int:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())

    with Session(web.deps.engine) as session:
        counts = {
            "officials": count(OfficialRow),
            "positions": count(PositionRow),
            "assignments": count(
                AssignmentRow,
                col(AssignmentRow.valid_from) <= today,
                (col(AssignmentRow.valid_to).is_(None)) | (col(AssignmentRow.valid_to) >= today),
            ),
            "accounts": count(Account, col(Account.active).is_(True)),
            "holidays": len(list_holidays(session, year=today.year)),
            "pending": count(OutboxMessage, col(OutboxMessage.status) == "pending"),
            "dead": count(OutboxMessage, col(OutboxMessage.status) == "dead"),
        }
    return render(request, user, "admin_index.html", {"counts": counts})


@router.get("/admin/pengaturan", response_class=HTMLResponse)
def settings_page(request: Request, user: AdminUser) -> HTMLResponse:
    """The settings in force (secrets masked), to check a deployment."""
    overview_rows = web_of(request).settings.overview
    return render(request, user, "admin_settings.html", {"settings": overview_rows})


router.include_router(people.router)
router.include_router(holidays.router)
router.include_router(accounts.router)
router.include_router(outbox.router)
router.include_router(workbooks.router)

"""The administrator's pages: officials, assignments, positions, holidays, accounts, outbox,
the admin log.

Each form post is checked by its use case (engine.usecases) in the request's unit
of work. A refused post shows the form again (HTTP 422) with the Indonesian message
next to the field and what was typed kept; an accepted one redirects (303) to a page that
shows the result, with a short notice chosen by a fixed code (`?ok=...`).

This module builds the one `router` (the overview and settings pages, then each
area's routes) that web/app.py includes.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from engine.usecases.people import admin_overview
from web.auth import AdminUser
from web.deps import UowDep, web_of
from web.pages.admin import (
    accounts,
    admin_log,
    capaian,
    derived,
    holidays,
    outbox,
    people,
    positions,
    roles,
    workbooks,
)
from web.pages.admin.common import render

router = APIRouter()


@router.get("/admin", response_class=HTMLResponse)
def overview(request: Request, user: AdminUser, uow: UowDep) -> HTMLResponse:
    """What an administrator looks after, with counts and links."""
    web = web_of(request)
    counts = admin_overview(uow, now=web.now(), policy=web.deps.policy)
    return render(request, user, "admin_index.html", {"counts": counts})


@router.get("/admin/pengaturan", response_class=HTMLResponse)
def settings_page(request: Request, user: AdminUser) -> HTMLResponse:
    """The settings in force (secrets masked), to check a deployment."""
    overview_rows = web_of(request).settings.overview
    return render(request, user, "admin_settings.html", {"settings": overview_rows})


router.include_router(people.router)
router.include_router(positions.router)
router.include_router(holidays.router)
router.include_router(capaian.router)
router.include_router(accounts.router)
router.include_router(outbox.router)
router.include_router(workbooks.router)
router.include_router(derived.router)
router.include_router(roles.router)
router.include_router(admin_log.router)

"""Tugas Saya: what waits for me (to fill, to verify, to approve), with deadlines."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from notifications.tasks import my_tasks
from web.auth import PageUser
from web.deps import web_of
from web.render import page

router = APIRouter()


@router.get("/tugas", response_class=HTMLResponse)
def tasks(request: Request, user: PageUser) -> HTMLResponse:
    """The documents waiting for the signed-in official, overdue first."""
    web = web_of(request)
    with Session(web.deps.engine) as session:
        items = my_tasks(
            session,
            user.actor,
            web.today(),
            rules=web.settings.deadlines,
            acting_rules=web.deps.acting_rules,
        )
    groups = {
        "submit": [t for t in items if t.step.value == "submit"],
        "verify": [t for t in items if t.step.value == "verify"],
        "approve": [t for t in items if t.step.value == "approve"],
    }
    context = {"tasks": items, "groups": groups, "overdue": sum(t.overdue for t in items)}
    return page(request, "tasks.html", context, user)

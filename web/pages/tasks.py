"""Tugas Saya: what waits for me (to fill, to verify, to approve), with deadlines."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from engine.pending import Step
from engine.usecases.tasks import my_tasks
from web.auth import PageUser
from web.deps import UowDep, web_of
from web.render import page

router = APIRouter()


@router.get("/tugas", response_class=HTMLResponse)
def tasks(request: Request, user: PageUser, uow: UowDep) -> HTMLResponse:
    """The documents waiting for the signed-in official, overdue first."""
    web = web_of(request)
    items = my_tasks(uow, user.actor, now=web.now(), policy=web.deps.policy)
    groups = {step.value: [t for t in items if t.step is step] for step in Step}
    context = {"tasks": items, "groups": groups, "overdue": sum(t.overdue for t in items)}
    return page(request, "tasks.html", context, user)

"""Tugas Saya: what waits for me (to fill, to verify, to approve), with deadlines.

The list sorts and filters by query parameters (it works without scripts). Reports and
PKs waiting for verification or approval can be chosen with checkboxes: the choice
goes to a confirmation page listing them (`/tugas/konfirmasi`), and only its "Ya" post
(`/tugas/proses`) acts, each document through the gate in its own transaction
(engine.usecases.bulk); the result page says what was done and what was refused, why.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from engine.pending import Step
from engine.usecases.bulk import MAX_BULK, act_on_many, parse_choices
from engine.usecases.tasks import SORTS, TaskQuery, list_tasks
from web.auth import FormUser, PageUser
from web.deps import UowDep, web_of
from web.render import page

router = APIRouter()

Chosen = Annotated[list[str], Form()]
ActionField = Annotated[str, Form(max_length=20)]


@router.get("/tugas", response_class=HTMLResponse)
def tasks(
    request: Request,
    user: PageUser,
    uow: UowDep,
    urut: str = "tenggat",
    langkah: str = "",
    bidang: int | None = None,
    periode: str = "",
    terlambat: str = "",
) -> HTMLResponse:
    """The documents waiting for the signed-in official, overdue first (or as sorted)."""
    web = web_of(request)
    query = TaskQuery(urut, langkah, bidang, periode[:10], terlambat == "1")
    found = list_tasks(uow, user.actor, query, now=web.now(), policy=web.deps.policy)
    items = found.tasks
    groups = {step.value: [t for t in items if t.step is step] for step in Step}
    context = {
        "tasks": items,
        "found": found,
        "groups": groups,
        "sorts": SORTS,
        "overdue": sum(t.overdue for t in items),
        "max_bulk": MAX_BULK,
    }
    return page(request, "tasks.html", context, user)


@router.post("/tugas/konfirmasi", response_class=HTMLResponse)
def confirm(
    request: Request,
    user: FormUser,
    uow: UowDep,
    action: ActionField = "",
    pilih: Chosen = [],  # noqa: B006 (FastAPI copies a form default)
) -> HTMLResponse:
    """The chosen documents listed (ref, holder, capaian) before anything is done."""
    web = web_of(request)
    chosen, choices = parse_choices(action, pilih)
    found = list_tasks(uow, user.actor, TaskQuery(), now=web.now(), policy=web.deps.policy)
    listed = {t.ref: t for t in found.tasks}
    rows = [(choice, listed.get(choice.ref)) for choice in choices]
    return page(request, "tasks_confirm.html", {"action": chosen, "rows": rows}, user)


@router.post("/tugas/proses", response_class=HTMLResponse)
def act(
    request: Request,
    user: FormUser,
    uow: UowDep,
    action: ActionField = "",
    pilih: Chosen = [],  # noqa: B006 (FastAPI copies a form default)
) -> HTMLResponse:
    """Verify or approve each confirmed document alone; show what was done and refused."""
    web = web_of(request)
    chosen, choices = parse_choices(action, pilih)
    outcomes = act_on_many(uow, chosen, choices, user.actor, now=web.now(), policy=web.deps.policy)
    context = {
        "action": chosen,
        "done": [o for o in outcomes if o.done],
        "refused": [o for o in outcomes if not o.done],
    }
    return page(request, "tasks_result.html", context, user)

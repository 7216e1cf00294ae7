"""The front door: `/` sends people to their tasks (or the login), `/organisasi` shows the tree."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from engine.staff import tree_rows
from engine.usecases.organisation import show_organisation
from web.auth import MaybeUser
from web.deps import UowDep, web_of
from web.render import page

router = APIRouter()


@router.get("/")
def home(user: MaybeUser) -> RedirectResponse:
    """Signed in: Tugas Saya; otherwise the login page."""
    return RedirectResponse("/tugas" if user else "/masuk", status_code=303)


@router.get("/organisasi", response_class=HTMLResponse)
def organisation(request: Request, user: MaybeUser, uow: UowDep) -> HTMLResponse:
    """The agencies' positions and who holds them today (public: the structure is no secret;
    the officials' NIPs are personal data, shown only to signed-in users)."""
    web = web_of(request)
    found = show_organisation(uow, now=web.now(), policy=web.deps.policy)
    agencies = [
        (
            agency,
            [
                r
                for r in tree_rows(found.tree, found.day, agency.id)
                if r.position.is_open_on(found.day)
            ],
        )
        for agency in found.agencies
    ]  # a position closed before the day is not in that day's organisation
    context: dict[str, Any] = {
        "regency": found.regency,
        "agencies": agencies,
        "show_nip": user is not None,
    }
    return page(request, "organisation.html", context, user)

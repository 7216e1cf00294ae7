"""The front door: `/` sends people to their tasks (or the login), `/organisasi` shows the tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from db.org_repo import load_org
from engine.org import Holding, Position
from web.auth import MaybeUser
from web.deps import web_of
from web.render import page

router = APIRouter()


@dataclass(frozen=True)
class PositionRow:
    """One line of the organisation table."""

    depth: int
    position: Position
    holders: list[Holding]


@router.get("/")
def home(user: MaybeUser) -> RedirectResponse:
    """Signed in: Tugas Saya; otherwise the login page."""
    return RedirectResponse("/tugas" if user else "/masuk", status_code=303)


@router.get("/organisasi", response_class=HTMLResponse)
def organisation(request: Request, user: MaybeUser) -> HTMLResponse:
    """The agencies' positions and who holds them today (public: the structure is no secret)."""
    web = web_of(request)
    today = web.today()
    with Session(web.deps.engine) as session:
        snapshot = load_org(session)
    tree = snapshot.tree
    agencies = []
    for agency in snapshot.agencies:
        rows = [
            PositionRow(depth, position, tree.holders(position.id, today))
            for root in tree.roots()
            if root.agency_id == agency.id
            for depth, position in tree.walk(root.id)
        ]
        agencies.append((agency, rows))
    context: dict[str, Any] = {"regency": snapshot.regency, "agencies": agencies}
    return page(request, "organisation.html", context, user)

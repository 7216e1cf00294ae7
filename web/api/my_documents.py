"""`GET /documents/mine`: Dokumen saya as JSON (the page `/dokumen-saya`, same use case)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from engine.usecases.my_documents import PAGE_SIZE, my_documents
from engine.workflow import State
from web.api.errors import responses
from web.api.listing import MAX_PAGE
from web.api.schemas import Page, _Out
from web.auth import ApiUser
from web.deps import UowDep, web_of

router = APIRouter()


class MyDocumentOut(_Out):
    """A PK or report I hold, held, verified or approved."""

    kind: str
    ref: str
    id: int
    position_title: str
    year: int
    quarter: int | None
    period: str
    state: str
    relations: list[str]
    capaian: str | None
    category: str | None
    step: str | None
    deadline: date | None
    overdue: bool


@router.get("/documents/mine", response_model=Page[MyDocumentOut], responses=responses(401, 422))
def list_my_documents(
    request: Request,
    user: ApiUser,
    uow: UowDep,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="Tahun")] = None,
    period: Annotated[
        Literal["pk", "1", "2", "3", "4"] | None, Query(description="PK atau triwulan 1-4")
    ] = None,
    state: Annotated[State | None, Query(description="Status dokumen")] = None,
    relation: Annotated[
        Literal["pemegang", "dulu-pemegang", "verifikator", "penyetuju"] | None,
        Query(description="Peran saya"),
    ] = None,
    q: Annotated[str, Query(max_length=200, description="Cari jabatan atau nomor")] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Nomor halaman, dari 1")] = 1,
) -> Any:
    """Dokumen saya: PK dan laporan yang saya pegang, pernah pegang, verifikasi atau setujui."""
    web = web_of(request)
    found = my_documents(
        uow, user.actor, now=web.now(), policy=web.deps.policy, year=year,
        period=period or "", state=state.value if state else "", relation=relation or "",
        search=q, page=page,
    )  # fmt: skip
    items = [
        {
            "kind": d.kind.value,
            "ref": d.ref,
            "id": d.id,
            "position_title": d.position_title,
            "year": d.year,
            "quarter": d.quarter,
            "period": d.period,
            "state": d.state.value,
            "relations": list(d.relations),
            "capaian": None if d.capaian is None else str(d.capaian),
            "category": d.category,
            "step": None if d.step is None else d.step.value,
            "deadline": d.deadline,
            "overdue": d.overdue,
        }
        for d in found.items
    ]
    return {"items": items, "page": page, "per_page": PAGE_SIZE, "total": found.total}

"""Who is asking, what waits for them, the organisation and the recap."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from engine.memo import Memo
from engine.org import Holding, OrgTree
from engine.recap import Recap, recap_json
from engine.usecases.organisation import show_organisation
from engine.usecases.recap import period_recap
from engine.usecases.tasks import my_tasks
from web.api.errors import responses
from web.api.listing import Pagination, pagination
from web.api.schemas import CODE_LIMIT, Me, OrganisationOut, Page, RecapOut, TaskOut
from web.auth import ApiUser
from web.deps import UowDep, web_of

router = APIRouter()


def holding_json(holding: Holding) -> dict[str, Any]:
    """An official holding a position, as the API shows it (no email)."""
    return {
        "position": holding.position.code,
        "title": holding.display_title,
        "official_name": holding.official.name,
        "nip": holding.official.nip,
        "status": holding.status.value,
    }


@router.get("/me", response_model=Me, responses=responses(401))
def me(request: Request, user: ApiUser, uow: UowDep) -> Any:
    """Akun pemilik token dan jabatan yang dipegangnya hari ini."""
    web = web_of(request)
    holdings: list[Holding] = []
    if user.actor.official_id is not None:
        found = show_organisation(uow, now=web.now(), policy=web.deps.policy)
        holdings = found.tree.holdings_of(user.actor.official_id, found.day)
    return {
        "account_id": user.account_id,
        "login": user.login,
        "name": user.actor.name,
        "nip": user.actor.nip,
        "is_admin": user.is_admin,
        "positions": [holding_json(h) for h in holdings],
    }


@router.get("/tasks", response_model=Page[TaskOut], responses=responses(401, 422))
def tasks(
    request: Request,
    user: ApiUser,
    uow: UowDep,
    paging: Annotated[Pagination, Depends(pagination)],
) -> Any:
    """Dokumen yang menunggu tindakan Anda: yang terlambat dulu, lalu menurut tenggat."""
    web = web_of(request)
    found = my_tasks(uow, user.actor, now=web.now(), policy=web.deps.policy)
    return paging.slice([task.as_json() for task in found])


def _positions(tree: OrgTree, agency_codes: dict[int, str], today: date) -> list[dict[str, Any]]:
    order = [p for root in tree.roots() for _, p in tree.walk(root.id)]
    return [
        {
            "id": p.id,
            "code": p.code,
            "title": p.title,
            "unit_name": p.unit_name,
            "level": p.level.value,
            "agency": agency_codes.get(p.agency_id, ""),
            "parent": None if p.parent_id is None else tree.position(p.parent_id).code,
            "holders": [holding_json(h) for h in tree.holders(p.id, today)],
        }
        for p in order
    ]


@router.get("/organisation", response_model=OrganisationOut, responses=responses(401))
def organisation(request: Request, user: ApiUser, uow: UowDep) -> Any:
    """Perangkat daerah dan jabatannya (pohon, atasan dulu) dengan pemegangnya hari ini."""
    web = web_of(request)
    org = show_organisation(uow, now=web.now(), policy=web.deps.policy)
    agencies = [
        {"id": a.id, "code": a.code, "name": a.name, "short_name": a.short_name}
        for a in org.agencies
    ]
    codes = {a.id: a.code for a in org.agencies}
    return {
        "regency": None if org.regency is None else org.regency.name,
        "head_title": None if org.regency is None else org.regency.head_title,
        "date": org.day,
        "agencies": agencies,
        "positions": _positions(org.tree, codes, org.day),
    }


@router.get("/recap", response_model=RecapOut, responses=responses(401, 422))
def recap(
    user: ApiUser,
    uow: UowDep,
    year: Annotated[int, Query(ge=2000, le=2100, description="Tahun")],
    quarter: Annotated[
        int | None, Query(ge=1, le=4, description="Triwulan 1-4; tanpa ini: setahun")
    ] = None,
    agency: Annotated[
        str | None, Query(max_length=CODE_LIMIT, description="Kode perangkat daerah")
    ] = None,
    include_unverified: Annotated[
        bool, Query(description="Hitung juga realisasi laporan yang belum diverifikasi")
    ] = False,
) -> Any:
    """Rekap capaian per jabatan, bidang dan perangkat daerah (target dari PK yang disetujui;
    realisasi dari laporan yang sudah diverifikasi/disetujui, kecuali include_unverified)."""
    found = period_recap(
        uow, year=year, quarter=quarter, agency_code=agency, include_unverified=include_unverified
    )
    return Response(recap_body(found), media_type="application/json")


# Keyed on id(recap): the entry holds the recap itself, so that id stays its own.
_bodies: Memo[int, tuple[Recap, bytes]] = Memo(size=16)


def recap_body(recap: Recap) -> bytes:
    """The JSON of a recap, validated against `RecapOut` once per recap object.

    `period_recap` hands out the same `Recap` while its data is unchanged, so the
    serialisation (a few MiB for a regency) is done once per change too. The body is
    what FastAPI would produce from `recap_json` through the response model.
    """

    def serialise(_: int) -> tuple[Recap, bytes]:
        out = RecapOut.model_validate(recap_json(recap))
        return recap, out.model_dump_json(by_alias=True).encode()

    return _bodies.get(id(recap), serialise)[1]

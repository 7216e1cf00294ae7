"""Tahun kerja: the planning holder (or the administrator) starts an agency's year.

One page (/tahun) walks the steps in order: open year N from N-1's catalogue, change the
catalogue with its workbook (downloaded and uploaded here, checked whole as on the
administrator's page), set the DPA date, create the PKs, then follow their signing per
bidang. Every step is a use case of engine/usecases/year.py in one transaction; anyone
without the planning role of the agency gets 403 with the reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from documents.xlsx.catalogue_cells import WorkbookProblemsError
from documents.xlsx.catalogue_import import open_workbook
from engine.errors import ForbiddenError, ValidationError
from engine.ports import AgencyInfo, UnitOfWork
from engine.usecases.audit import admin_actor
from engine.usecases.catalogue import export_catalogue
from engine.usecases.year import (
    import_year_workbook,
    open_year,
    planned_agencies,
    set_year_dpa,
    year_overview,
)
from engine.usecases.year_pks import YearPks, create_year_pks
from engine.workflow import State
from web.auth import CurrentUser, FormUser, PageUser, form_user
from web.deps import UowDep, web_of
from web.pages.admin.common import parse_int
from web.pages.admin.workbooks import MAX_WORKBOOK_BYTES, OUTCOMES, _download, _read
from web.render import page

router = APIRouter()

STATES = (State.DRAFT, State.SUBMITTED, State.VERIFIED, State.APPROVED)
NOTICES = {
    "buka": "Tahun dibuka: katalog indikator disalin dari tahun sebelumnya.",
    "dpa": "Tanggal DPA disimpan.",
    "katalog": "Buku kerja katalog diimpor.",
}


def _agencies(uow: UnitOfWork, user: CurrentUser, request: Request) -> list[AgencyInfo]:
    web = web_of(request)
    found = planned_agencies(uow, user.actor, now=web.now(), policy=web.deps.policy)
    if not found:
        raise ForbiddenError(
            "Halaman Tahun kerja hanya untuk pemegang jabatan perencanaan perangkat daerah "
            "atau administrator",
            log_message=f"{user.login} has no planning role",
        )
    return found


def _choose(agencies: list[AgencyInfo], raw: str) -> AgencyInfo:
    wanted = parse_int(raw)
    for agency in agencies:
        if agency.id == wanted:
            return agency
    if raw.strip():
        raise ForbiddenError(
            "Anda tidak mengurus tahun kerja perangkat daerah itu",
            log_message=f"agency {raw!r} not planned",
        )
    return agencies[0]


def _year(raw: str, request: Request, uow: UnitOfWork) -> int:
    """The year typed, else this year or the newest catalogue's when it is later (a
    planner who opened next year in December sees it)."""
    year = parse_int(raw)
    if year is not None and 2001 <= year <= 2100:
        return year
    return max(web_of(request).today().year, uow.catalogue.latest_year() or 0)


def _render(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    agency_raw: str,
    year_raw: str,
    *,
    created: YearPks | None = None,
    error: str | None = None,
    problems: list[dict[str, str]] | None = None,
    summary: list[dict[str, Any]] | None = None,
    typed_dpa: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    web = web_of(request)
    agencies = _agencies(uow, user, request)
    agency = _choose(agencies, agency_raw)
    year = _year(year_raw, request, uow)
    overview = year_overview(
        uow, user.actor, agency.id, year, now=web.now(), policy=web.deps.policy
    )
    notice = NOTICES.get(request.query_params.get("ok", ""))
    context = {
        "agencies": agencies,
        "o": overview,
        "states": STATES,
        "created": created,
        "error": error,
        "problems": problems or [],
        "summary": summary or [],
        "notice": notice,
        "typed_dpa": typed_dpa or (overview.dpa_date.isoformat() if overview.dpa_date else ""),
        # From October the next year is prepared (the DPA is ratified in December or January).
        "next_year": year + 1 if year == web.today().year and web.today().month >= 10 else None,
    }
    if error or problems:
        status_code = 422
    return page(request, "year.html", context, user, status_code=status_code)


def _back(agency: int, year: int, ok: str) -> RedirectResponse:
    return RedirectResponse(f"/tahun?perangkat={agency}&tahun={year}&ok={ok}", status_code=303)


@router.get("/tahun", response_class=HTMLResponse)
def year_page(
    request: Request, user: PageUser, uow: UowDep, perangkat: str = "", tahun: str = ""
) -> HTMLResponse:
    """Where the agency's year stands, with its next steps."""
    return _render(request, user, uow, perangkat, tahun)


async def _fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v[:200] for k, v in form.multi_items() if isinstance(v, str)}


def _who(user: CurrentUser) -> str:
    return admin_actor(user.login, user.actor)


@router.post("/tahun/buka", response_class=HTMLResponse)
async def open_step(request: Request, user: FormUser, uow: UowDep) -> Response:
    """Open the year from last year's catalogue."""
    fields = await _fields(request)
    web = web_of(request)
    agency, year = (
        _choose(_agencies(uow, user, request), fields.get("perangkat", "")),
        _year(fields.get("tahun", ""), request, uow),
    )
    try:
        open_year(
            uow, user.actor, agency.id, year, by=_who(user), now=web.now(), policy=web.deps.policy
        )
    except ValidationError as exc:
        return _render(request, user, uow, str(agency.id), str(year), error=exc.message)
    return _back(agency.id, year, "buka")


@router.post("/tahun/dpa", response_class=HTMLResponse)
async def dpa_step(request: Request, user: FormUser, uow: UowDep) -> Response:
    """Record the DPA date (the PK deadline is one month later)."""
    fields = await _fields(request)
    web = web_of(request)
    agency = _choose(_agencies(uow, user, request), fields.get("perangkat", ""))
    year = _year(fields.get("tahun", ""), request, uow)
    raw = fields.get("tanggal_dpa", "").strip()
    try:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(
                f"Tanggal DPA '{raw}' tidak sah (tulis TTTT-BB-HH, mis. {year}-01-07)"
                if raw
                else "Tanggal DPA wajib diisi",
                log_message=f"dpa date {raw!r}",
            ) from None
        set_year_dpa(
            uow, user.actor, agency.id, year, day, by=_who(user), now=web.now(),
            policy=web.deps.policy,
        )  # fmt: skip
    except ValidationError as exc:
        return _render(
            request, user, uow, str(agency.id), str(year), error=exc.message, typed_dpa=raw
        )
    return _back(agency.id, year, "dpa")


@router.post("/tahun/pk", response_class=HTMLResponse)
async def pk_step(request: Request, user: FormUser, uow: UowDep) -> Response:
    """Create the draft PK of every position that has none (the result listed)."""
    fields = await _fields(request)
    web = web_of(request)
    agency = _choose(_agencies(uow, user, request), fields.get("perangkat", ""))
    year = _year(fields.get("tahun", ""), request, uow)
    try:
        created = create_year_pks(
            uow, user.actor, agency.id, year, by=_who(user), now=web.now(), policy=web.deps.policy
        )
    except ValidationError as exc:
        return _render(request, user, uow, str(agency.id), str(year), error=exc.message)
    return _render(request, user, uow, str(agency.id), str(year), created=created)


@router.get("/tahun/katalog.xlsx")
def workbook_download(
    request: Request, user: PageUser, uow: UowDep, perangkat: str = "", tahun: str = ""
) -> Response:
    """The catalogue workbook of the agency's year (what is stored, to change and upload)."""
    agency = _choose(_agencies(uow, user, request), perangkat)
    return _download(export_catalogue(uow, agency.code, _year(tahun, request, uow)), "katalog")


@router.post("/tahun/katalog", response_class=HTMLResponse)
async def workbook_upload(request: Request, user: PageUser, uow: UowDep) -> HTMLResponse:
    """Import the agency's catalogue workbook of the year: everything or nothing."""
    form = await request.form()
    try:
        await form_user(request, user)
        data = await _read(form)
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        return await run_in_threadpool(
            _import, request, user, uow, fields, form.get("berkas"), data
        )
    finally:
        await form.close()


def _import(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    fields: dict[str, str],
    file: object,
    data: bytes | None,
) -> HTMLResponse:
    web = web_of(request)
    agency = _choose(_agencies(uow, user, request), fields.get("perangkat", ""))
    year = _year(fields.get("tahun", ""), request, uow)
    filename = file.filename if isinstance(file, UploadFile) and file.filename else ""
    again = (str(agency.id), str(year))
    try:
        if data is None:
            raise ValidationError("Pilih berkas Excel (.xlsx)", log_message="no workbook uploaded")
        if not filename.lower().endswith(".xlsx"):
            raise ValidationError(
                "Berkas harus buku kerja Excel (.xlsx)", log_message=f"not xlsx: {filename!r}"
            )
        if len(data) > MAX_WORKBOOK_BYTES:
            raise ValidationError(
                "Berkas terlalu besar (paling besar 5 MB)", log_message="workbook too large"
            )
        report = import_year_workbook(
            uow, user.actor, agency.id, year, open_workbook(data, filename), by=_who(user),
            now=web.now(), policy=web.deps.policy,
        )  # fmt: skip
    except WorkbookProblemsError as exc:
        problems = [{"sheet": p.sheet, "cell": p.cell, "message": p.message} for p in exc.problems]
        return _render(request, user, uow, *again, problems=problems)
    except ValidationError as exc:
        return _render(request, user, uow, *again, error=exc.message)
    summary = [
        {"outcome": label, "kind": kind, "count": count}
        for outcome, label in OUTCOMES.items()
        for kind, count in sorted(getattr(report, outcome).items())
    ]
    return _render(request, user, uow, *again, summary=summary)

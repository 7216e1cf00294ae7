"""The admin page for the catalogue workbook: download the template or the export, upload one.

An upload is checked whole before anything is written
(engine/usecases/catalogue_workbook.py): a refused workbook shows every problem with
its sheet and cell (HTTP 422); an accepted one shows what was created and updated.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from documents.xlsx.catalogue_cells import WorkbookProblemsError
from documents.xlsx.catalogue_export import catalogue_workbook
from documents.xlsx.catalogue_import import open_workbook
from documents.xlsx.catalogue_layout import MEDIA_TYPE
from engine.catalogue_workbook import CatalogueContents
from engine.errors import ValidationError
from engine.imports import ImportReport
from engine.ports import UnitOfWork
from engine.usecases.catalogue import catalogue_template, export_catalogue
from engine.usecases.catalogue_workbook import import_catalogue_workbook
from engine.usecases.organisation import list_agencies
from web.auth import AdminUser, CurrentUser, form_user
from web.deps import UowDep, web_of
from web.pages.admin.common import log, parse_int, render, who

router = APIRouter()

MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
OUTCOMES = {"created": "Baru", "updated": "Diubah", "unchanged": "Tidak berubah"}


def _year(raw: str, fallback: int) -> int:
    year = parse_int(raw)
    return year if year is not None and 2000 <= year <= 2100 else fallback


def _agency(raw: str) -> str | None:
    return raw.strip() or None


def _page(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    *,
    year: int,
    agency: str | None,
    problems: list[dict[str, str]] | None = None,
    error: str | None = None,
    report: ImportReport | None = None,
    filename: str = "",
) -> HTMLResponse:
    agencies = list_agencies(uow)
    summary: list[dict[str, Any]] = []
    if report is not None:
        for outcome, label in OUTCOMES.items():
            for kind, count in sorted(getattr(report, outcome).items()):
                summary.append({"outcome": label, "kind": kind, "count": count})
    context = {
        "year": year,
        "agency": agency or (agencies[0].code if len(agencies) == 1 else ""),
        "agencies": agencies,
        "problems": problems or [],
        "upload_error": error,
        "report": report,
        "summary": summary,
        "filename": filename,
    }
    status = 422 if problems or error else 200
    return render(request, user, "admin_workbooks.html", context, status_code=status)


@router.get("/admin/katalog", response_class=HTMLResponse)
def workbooks(
    request: Request, user: AdminUser, uow: UowDep, tahun: str = "", perangkat: str = ""
) -> HTMLResponse:
    """Downloads of the template and the export, and the upload form."""
    year = _year(tahun, web_of(request).today().year)
    return _page(request, user, uow, year=year, agency=_agency(perangkat))


def _download(contents: CatalogueContents, kind: str) -> Response:
    """The workbook as a download named like ``katalog-diskoperindag-2021.xlsx``."""
    name = f"{kind}-{contents.agency}-{contents.year}.xlsx"
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return Response(
        catalogue_workbook(contents),
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/admin/katalog/templat.xlsx")
def template_download(
    request: Request, user: AdminUser, uow: UowDep, tahun: str = "", perangkat: str = ""
) -> Response:
    """The empty workbook of the year with the agency's positions listed."""
    year = _year(tahun, web_of(request).today().year)
    return _download(catalogue_template(uow, _agency(perangkat), year), "templat-katalog")


@router.get("/admin/katalog/ekspor.xlsx")
def export_download(
    request: Request, user: AdminUser, uow: UowDep, tahun: str = "", perangkat: str = ""
) -> Response:
    """The catalogue of the year, with the targets and budget of its PKs."""
    year = _year(tahun, web_of(request).today().year)
    return _download(export_catalogue(uow, _agency(perangkat), year), "katalog")


@router.post("/admin/katalog", response_class=HTMLResponse)
async def workbook_upload(request: Request, user: AdminUser, uow: UowDep) -> HTMLResponse:
    """Import an uploaded workbook: everything or nothing.

    The CSRF check (`form_user`) runs here rather than as a dependency so that the
    uploaded file is closed on every path, a refused token included.
    """
    form = await request.form()
    try:
        await form_user(request, user)
        data = await _read(form)
        # The import takes a few hundred milliseconds: keep it off the event loop.
        return await run_in_threadpool(
            _import, request, user, uow, form.get("tahun"), form.get("berkas"), data
        )
    finally:
        await form.close()


async def _read(form: FormData) -> bytes | None:
    file = form.get("berkas")
    if not isinstance(file, UploadFile) or not file.filename:
        return None
    return await file.read(MAX_WORKBOOK_BYTES + 1)  # never more than the limit + 1


def _import(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    tahun: object,
    file: object,
    data: bytes | None,
) -> HTMLResponse:
    web = web_of(request)
    year = _year(tahun if isinstance(tahun, str) else "", web.today().year)
    filename = file.filename if isinstance(file, UploadFile) and file.filename else ""
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
        workbook = open_workbook(data, filename)
        report = import_catalogue_workbook(uow, workbook, now=web.now(), actor=who(user))
    except WorkbookProblemsError as exc:
        log.info("%s workbook import refused: %s", user.login, exc.log_message)
        problems = [{"sheet": p.sheet, "cell": p.cell, "message": p.message} for p in exc.problems]
        return _page(request, user, uow, year=year, agency=None, problems=problems)
    except ValidationError as exc:
        log.info("%s workbook import refused: %s", user.login, exc.log_message)
        return _page(request, user, uow, year=year, agency=None, error=exc.message)
    log.info("%s imported workbook %s: %s", user.login, filename, report.summary())
    return _page(request, user, uow, year=year, agency=None, report=report, filename=filename)

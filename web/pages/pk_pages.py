"""The Perjanjian Kinerja page: targets and budget lines in draft, revisions, the printable PK."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from documents.docx.pk import (
    BLANK_NAME,
    BUDGET_WIDTHS_CM,
    TARGET_WIDTHS_CM,
    sasaran_runs,
    signature_rows,
)
from engine.errors import ConflictError, FieldError
from engine.ports import UnitOfWork
from engine.targets import ROMAN
from engine.usecases.audit import admin_actor
from engine.usecases.documents import pk_document, view_pk
from engine.usecases.pk import TargetInput, save_budget, save_targets
from engine.usecases.pk_revision import REVISION_REASONS, revision_options, start_revision
from engine.workflow import DocKind, State
from web.auth import CurrentUser, FormUser, PageUser
from web.deps import UowDep, web_of
from web.pages import year
from web.pages.discussion import discussion
from web.pages.report_pages import FIELD_LIMIT, done_message, form_version
from web.render import page

router = APIRouter()
router.include_router(year.router)  # Tahun kerja: the year's PKs are started there
DocId = Annotated[int, Path(ge=1, le=2_147_483_647)]
EMPTY_BUDGET_ROWS = 3


def render_pk(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    pk_id: int,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    action_error: tuple[str, str] | None = None,
    typed_comment: str = "",
    flash: str | None = None,
    warnings: list[str] | None = None,
    conflict: str | None = None,
    revision_typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The PK page with what the user typed and the errors next to the fields (and, for a
    stale save refused, the `conflict` message)."""
    web = web_of(request)
    doc = view_pk(uow, pk_id, user.actor, now=web.now(), policy=web.deps.policy)
    options = revision_options(uow, pk_id, user.actor, now=web.now(), policy=web.deps.policy)
    typed_revision = revision_typed or {}
    if not typed_revision and options.reason:
        typed_revision = {"jenis": options.kind, "alasan": options.reason}
    done = request.query_params.get("selesai", "")
    if flash is None and done == "perubahan":
        flash = (
            "PK Perubahan dibuat sebagai draf: ubah target dan anggarannya lalu ajukan; "
            "versi sebelumnya tetap dapat dibaca"
        )
    elif flash is None and done:
        flash = done_message(done, State(doc["state"]))
    budget_rows = [*doc["budget"]]
    if doc["editable"]:
        budget_rows += [
            {"program": "", "kegiatan": "", "sub_kegiatan": "", "anggaran": ""}
        ] * EMPTY_BUDGET_ROWS
    context: dict[str, Any] = {
        "doc": doc,
        "revisions": doc["revisions"],
        "budget_rows": budget_rows,
        "typed": typed or {},
        "errors": errors or {},
        "action_error": action_error,
        "typed_comment": typed_comment,
        "flash": flash,
        "warnings": warnings or [],
        "conflict": conflict,
        "revise": options,
        "revise_open": bool(revision_typed) or "perubahan" in request.query_params,
        "revise_typed": typed_revision,
        "reasons": REVISION_REASONS,
        "locked_quarters": ", ".join(f"TW {ROMAN[q - 1]}" for q in options.locked),
        **discussion(request, uow, DocKind.PK, pk_id, doc),
    }
    return page(request, "pk.html", context, user, status_code=status_code)


@router.get("/pk/{pk_id}", response_class=HTMLResponse)
def pk(request: Request, pk_id: DocId, user: PageUser, uow: UowDep) -> HTMLResponse:
    """A PK: targets, budget, revisions, actions and history."""
    return render_pk(request, user, uow, pk_id)


@router.post("/pk/{pk_id}/target", response_class=HTMLResponse)
async def targets(request: Request, pk_id: DocId, user: FormUser, uow: UowDep) -> Response:
    """Store the typed targets (fields annual.CODE, tw1.CODE ... tw4.CODE, alasan.CODE)."""
    form = await request.form()
    fields = {k: v[:FIELD_LIMIT] for k, v in form.multi_items() if isinstance(v, str)}
    codes = [k.partition(".")[2] for k in fields if k.startswith("annual.")]
    typed = {
        code: TargetInput(
            fields.get(f"annual.{code}", ""),
            (
                fields.get(f"tw1.{code}", ""),
                fields.get(f"tw2.{code}", ""),
                fields.get(f"tw3.{code}", ""),
                fields.get(f"tw4.{code}", ""),
            ),
            fields.get(f"alasan.{code}", ""),
        )
        for code in codes
    }
    web = web_of(request)
    try:
        errors, warnings = save_targets(
            uow, pk_id, typed, user.actor, now=web.now(), policy=web.deps.policy,
            expected_version=form_version(form),
        )  # fmt: skip
    except ConflictError as exc:
        return render_pk(request, user, uow, pk_id, typed=fields, conflict=exc.message,
                         status_code=409)  # fmt: skip
    if errors:
        return render_pk(request, user, uow, pk_id, typed=fields, errors=errors, status_code=422)
    if warnings:
        return render_pk(request, user, uow, pk_id, flash="Target disimpan", warnings=warnings)
    return RedirectResponse(f"/pk/{pk_id}?selesai=simpan", status_code=303)


@router.post("/pk/{pk_id}/anggaran", response_class=HTMLResponse)
async def budget(request: Request, pk_id: DocId, user: FormUser, uow: UowDep) -> Response:
    """Replace the budget lines (rows of program, kegiatan, sub kegiatan, anggaran)."""
    form = await request.form()

    def column(name: str) -> list[str]:
        return [v[:FIELD_LIMIT] for v in form.getlist(name) if isinstance(v, str)]

    programs, kegiatan, subs, amounts = (
        column("program"), column("kegiatan"), column("sub_kegiatan"), column("anggaran"),
    )  # fmt: skip
    count = max(len(programs), len(kegiatan), len(subs), len(amounts))

    def at(values: list[str], i: int) -> str:
        return values[i] if i < len(values) else ""

    rows = [(at(programs, i), at(kegiatan, i), at(subs, i), at(amounts, i)) for i in range(count)]
    web = web_of(request)
    names = ("program", "kegiatan", "sub_kegiatan", "anggaran")
    typed = {
        f"{name}.{i + 1}": row[n] for i, row in enumerate(rows) for n, name in enumerate(names)
    }
    try:
        errors = save_budget(
            uow, pk_id, rows, user.actor, now=web.now(), policy=web.deps.policy,
            expected_version=form_version(form),
        )  # fmt: skip
    except ConflictError as exc:
        return render_pk(request, user, uow, pk_id, typed=typed, conflict=exc.message,
                         status_code=409)  # fmt: skip
    if errors:
        return render_pk(request, user, uow, pk_id, typed=typed, errors=errors, status_code=422)
    return RedirectResponse(f"/pk/{pk_id}?selesai=simpan", status_code=303)


@router.post("/pk/{pk_id}/perubahan", response_class=HTMLResponse)
async def revise(request: Request, pk_id: DocId, user: FormUser, uow: UowDep) -> Response:
    """Start the PK Perubahan of this approved PK (reason chosen and explained)."""
    form = await request.form()
    typed = {k: v[:FIELD_LIMIT] for k, v in form.multi_items() if isinstance(v, str)}
    typed = {"jenis": typed.get("jenis", ""), "alasan": typed.get("alasan", "")}
    web = web_of(request)
    try:
        revision = start_revision(
            uow, pk_id, user.actor, kind=typed["jenis"], reason=typed["alasan"],
            by=admin_actor(user.login, user.actor), now=web.now(), policy=web.deps.policy,
        )  # fmt: skip
    except FieldError as exc:
        errors = {f"perubahan.{exc.field}": exc.message}
        return render_pk(
            request, user, uow, pk_id, errors=errors, revision_typed=typed, status_code=422
        )
    return RedirectResponse(f"/pk/{revision.id}?selesai=perubahan", status_code=303)


@router.get("/pk/{pk_id}/cetak", response_class=HTMLResponse)
def printable(request: Request, pk_id: DocId, user: PageUser, uow: UowDep) -> HTMLResponse:
    """The PK in the official layout, for printing (or saving as PDF from the browser): the
    same columns, widths and signature rows as the Word file (documents/docx/pk.py)."""
    web = web_of(request)
    doc = pk_document(uow, pk_id, user.actor, now=web.now(), policy=web.deps.policy)
    goals = [doc.sasaran.get(t["indicator"], "") for t in doc.view["targets"]]
    cells: list[tuple[str, int] | None] = [None] * len(goals)  # None: under the cell above
    for first, last in sasaran_runs(goals):
        cells[first] = (goals[first], last - first + 1)
    context = {
        "doc": doc.view,
        "sasaran_cells": cells,
        "signed_on": date.fromisoformat(doc.view["signed_on"]),
        "signature_rows": signature_rows(doc.view["parties"]),
        "blank_name": BLANK_NAME,
        "target_widths": TARGET_WIDTHS_CM,
        "budget_widths": BUDGET_WIDTHS_CM,
    }
    return page(request, "pk_print.html", context, user)

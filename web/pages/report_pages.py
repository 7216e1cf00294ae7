"""The quarterly report page: inputs per indicator, capaian as you type, evidence, actions."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from engine.completeness import missing_in_rows
from engine.errors import ActionRefusedError, ConflictError, ValidationError
from engine.evidence import MAX_EVIDENCE_BYTES
from engine.inputs import check_input
from engine.ports import UnitOfWork
from engine.usecases.documents import view_report
from engine.usecases.evidence import upload_evidence
from engine.usecases.manual import position_manuals
from engine.usecases.reports import EntryInput, preview_entries, save_and_submit, save_entries
from engine.workflow import Action, DocKind, State
from web.auth import CurrentUser, FormUser, PageUser
from web.deps import UowDep, web_of
from web.pages.discussion import discussion
from web.render import page, typed_number

router = APIRouter()
DocId = Annotated[int, Path(ge=1, le=2_147_483_647)]
FIELD_LIMIT = 10_000


def entries_from_form(form: FormData) -> dict[str, EntryInput]:
    """The typed entries: fields named v.CODE.var, nodata.CODE, kendala.CODE, upaya.CODE."""
    values: dict[str, dict[str, str]] = {}
    texts: dict[str, dict[str, str]] = {}
    for key, raw in form.multi_items():
        if not isinstance(raw, str):
            continue
        text = raw[:FIELD_LIMIT]
        kind, _, rest = key.partition(".")
        if kind == "v":
            code, _, name = rest.rpartition(".")
            if code and name:
                values.setdefault(code, {})[name] = text
        elif kind in ("nodata", "kendala", "upaya") and rest:
            texts.setdefault(rest, {})[kind] = text
    codes = list(dict.fromkeys([*values, *texts]))
    return {
        code: EntryInput(
            values.get(code, {}),
            texts.get(code, {}).get("nodata"),
            texts.get(code, {}).get("kendala"),
            texts.get(code, {}).get("upaya"),
        )
        for code in codes
    }


def form_version(form: FormData) -> int | None:
    """The document version the form was built on (its hidden `expected_version` field);
    None when the post carries none."""
    raw = form.get("expected_version")
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) <= 10:
        return int(raw)
    return None


def _typed_fields(entries: dict[str, EntryInput]) -> dict[str, str]:
    typed: dict[str, str] = {}
    for code, entry in entries.items():
        for name, value in entry.values.items():
            typed[f"v.{code}.{name}"] = value
        for part, key in (("no_data_reason", "nodata"), ("kendala", "kendala"), ("upaya", "upaya")):
            value = getattr(entry, part)
            if value is not None:
                typed[f"{key}.{code}"] = value
    return typed


def render_report(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    report_id: int,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    action_error: tuple[str, str] | None = None,
    typed_comment: str = "",
    upload_error: str | None = None,
    flash: str | None = None,
    conflict: str | None = None,
    entries: dict[str, EntryInput] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The report page, with what the user typed and the errors next to the fields; with
    `conflict` (a stale save refused), the message and, next to each typed value, what is
    stored now."""
    web = web_of(request)
    doc = view_report(uow, report_id, user.actor, now=web.now(), policy=web.deps.policy)
    done = request.query_params.get("selesai", "")
    if flash is None and done:
        flash = done_message(done, State(doc["state"]))
    needed: dict[str, list[str]] = {}
    if doc["editable"]:
        # The gaps and the low results needing kendala and upaya as the typed values make
        # them (the page shows what the holder typed, even when nothing was stored).
        _, rows = preview_entries(
            uow, report_id, entries or {}, user.actor, now=web.now(), policy=web.deps.policy
        )
        doc["missing"] = missing_in_rows(rows)
        needed = {row["indicator"]: row["narrative_needed"] for row in rows}
    context: dict[str, Any] = {
        "doc": doc,
        "needed": needed,
        "need_text": (
            "Wajib diisi sebelum diajukan: capaian "
            f"{web.deps.policy.narrative_threshold} atau di bawahnya"
        ),
        "typed": typed or {},
        "errors": errors or {},
        "action_error": action_error,
        "typed_comment": typed_comment,
        "upload_error": upload_error,
        "flash": flash,
        "conflict": conflict,
        **discussion(request, uow, DocKind.REPORT, report_id, doc),
        "stored_now": _stored_now(doc, typed or {}) if conflict else {},
        "guides": position_manuals(uow, doc["position_id"], doc["year"], doc["position_title"]),
    }
    return page(request, "report.html", context, user, status_code=status_code)


def _stored_now(doc: dict[str, Any], typed: dict[str, str]) -> dict[str, Decimal | None]:
    """For each typed input whose number differs from the stored one, the stored value."""
    found: dict[str, Decimal | None] = {}
    for entry in doc["entries"]:
        for item in entry["inputs"]:
            field = f"v.{entry['indicator']}.{item['name']}"
            if field not in typed:
                continue
            stored = None if item["value"] is None else Decimal(str(item["value"]))
            try:
                mine = check_input(typed[field]) if typed[field].strip() else None
            except ValidationError:
                mine = None
            if mine != stored:
                found[field] = stored
    return found


def done_message(done: str, state: State) -> str | None:
    """The confirmation after a redirect (a fixed code, so a link cannot inject text)."""
    fixed = {
        "simpan": "Isian disimpan",
        "unggah": "Bukti dukung diunggah",
        "ganti": "Bukti dukung diganti; berkas lama tetap tersimpan di riwayat bukti",
        "tarik": "Bukti dukung ditarik; berkasnya tetap tersimpan di riwayat bukti",
    }
    if done in fixed:
        return fixed[done]
    if done in {a.value for a in Action}:
        return f"Aksi '{Action(done).label}' berhasil; status sekarang {state.label}"
    return None


@router.get("/laporan/{report_id}", response_class=HTMLResponse)
def report(request: Request, report_id: DocId, user: PageUser, uow: UowDep) -> HTMLResponse:
    """A quarterly report: the form for its holder, the same page with actions for reviewers."""
    return render_report(request, user, uow, report_id)


@router.post("/laporan/{report_id}", response_class=HTMLResponse)
async def save(request: Request, report_id: DocId, user: FormUser, uow: UowDep) -> Response:
    """Store the typed inputs ("Simpan") or store them and submit the report in the same
    transaction ("Simpan dan ajukan", `lanjut=ajukan`); on any error or refusal nothing is
    stored, the typed values stay and the reasons are shown.

    A form built on an older version of the report (someone saved or acted since it was
    opened) is refused with 409: the page names who and when, keeps the typed values and
    shows what is stored now; saving again from it is a deliberate choice."""
    form = await request.form()
    entries = entries_from_form(form)
    submit = form.get("lanjut") == "ajukan"
    web = web_of(request)
    typed = _typed_fields(entries)
    try:
        if submit:
            errors, _ = save_and_submit(
                uow, report_id, entries, user.actor, now=web.now(), policy=web.deps.policy,
                expected_version=form_version(form),
            )  # fmt: skip
        else:
            errors = save_entries(
                uow, report_id, entries, user.actor, now=web.now(), policy=web.deps.policy,
                expected_version=form_version(form),
            )  # fmt: skip
    except ConflictError as exc:
        uow.rollback()
        return render_report(
            request, user, uow, report_id, typed=typed, conflict=exc.message, status_code=409
        )
    except ActionRefusedError as exc:
        uow.rollback()
        return render_report(
            request, user, uow, report_id, typed=typed, entries=entries,
            action_error=(Action.SUBMIT.value, exc.message), status_code=422,
        )  # fmt: skip
    if errors:
        return render_report(
            request, user, uow, report_id, typed=typed, errors=errors, entries=entries,
            flash=None, status_code=422,
        )  # fmt: skip
    done = Action.SUBMIT.value if submit else "simpan"
    return RedirectResponse(f"/laporan/{report_id}?selesai={done}", status_code=303)


@router.post("/laporan/{report_id}/hitung")
async def preview(request: Request, report_id: DocId, user: FormUser, uow: UowDep) -> JSONResponse:
    """Realisation, capaian and category for the typed inputs, computed by the server (a
    reader's unit of work: nothing is written)."""
    form = await request.form()
    web = web_of(request)
    errors, rows = preview_entries(
        uow, report_id, entries_from_form(form), user.actor, now=web.now(), policy=web.deps.policy
    )
    return JSONResponse(
        {
            "errors": errors,
            "missing": missing_in_rows(rows),
            "rows": [
                {
                    "indicator": r["indicator"],
                    "realisation": r["realisation"],
                    "realisation_reason": r["realisation_reason"],
                    "capaian": r["capaian"],
                    "capaian_reason": r["capaian_reason"],
                    "category": r["category"],
                    "decimals": r["decimals"],
                    "measured_to_date": r["measured_to_date"],
                    "compared_to_date": r["compared_to_date"],
                    "target": r["target"],
                    "no_data": bool((r["no_data_reason"] or "").strip())
                    and r["realisation"] is None,
                    "narrative_needed": r["narrative_needed"],
                    # Each input as it was read ("Terbaca: 0,26"), so the holder sees at
                    # once what a typed "0,260" or "1.500" became.
                    "read": {
                        f"v.{r['indicator']}.{i['name']}": typed_number(i["value"])
                        for i in r["inputs"]
                        if i["value"] is not None
                    },
                }
                for r in rows
            ],
        }
    )


@router.post("/laporan/{report_id}/bukti", response_class=HTMLResponse)
async def upload(request: Request, report_id: DocId, user: FormUser, uow: UowDep) -> Response:
    """Attach an evidence file (type and size checked; nothing is kept on error)."""
    form = await request.form()
    web = web_of(request)
    file = form.get("berkas")
    indicator = form.get("indikator")
    replaces, reason = form.get("ganti"), form.get("alasan")
    try:
        if not isinstance(file, UploadFile) or not file.filename:
            raise ValidationError("Pilih berkas bukti dukung", log_message="no file uploaded")
        data = await file.read(MAX_EVIDENCE_BYTES + 1)  # never more than the limit + 1
        indicator_id = (
            int(indicator) if isinstance(indicator, str) and indicator.isdigit() else None
        )
        upload_evidence(
            uow, report_id, user.actor, filename=file.filename, data=data, now=web.now(),
            policy=web.deps.policy, indicator_id=indicator_id,
            replaces_id=int(replaces) if isinstance(replaces, str) and replaces.isdigit() else None,
            reason=reason if isinstance(reason, str) else None,
        )  # fmt: skip
    except ValidationError as exc:
        uow.rollback()
        return render_report(
            request, user, uow, report_id, upload_error=exc.message, status_code=422
        )
    finally:
        await form.close()
    done = "ganti" if isinstance(replaces, str) and replaces else "unggah"
    return RedirectResponse(f"/laporan/{report_id}?selesai={done}#bukti", status_code=303)

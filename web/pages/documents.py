"""Documents: the quarterly report and PK pages, workflow actions, evidence downloads.

`/dokumen/PK-n` and `/dokumen/LAP-n` (the links in emails) lead to the document's page.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from engine.errors import ActionRefusedError, ConflictError, KinerjaError, ValidationError
from engine.usecases.evidence import download_evidence
from engine.usecases.workflow import parse_action, take_action
from engine.workflow import Action, DocKind, parse_ref
from web.auth import FormUser, PageUser
from web.deps import UowDep, web_of
from web.pages import document_files, history_export, pk_pages, report_pages, threads
from web.pages.discussion import LINK_ACTIONS

router = APIRouter()
router.include_router(report_pages.router)
router.include_router(pk_pages.router)
router.include_router(history_export.router)
router.include_router(document_files.router)
router.include_router(threads.router)

DocId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def document_url(kind: DocKind, doc_id: int) -> str:
    """The page of a document."""
    return f"/laporan/{doc_id}" if kind is DocKind.REPORT else f"/pk/{doc_id}"


@router.get("/dokumen/{ref}")
def document(ref: str, user: PageUser, aksi: str = "") -> RedirectResponse:
    """The link in emails: PK-n or LAP-n, to the document's page; `aksi` (a known action
    only) is passed on so the page shows that action ready. A GET never acts."""
    kind, doc_id = parse_ref(ref)
    target = document_url(kind, doc_id)
    if aksi in LINK_ACTIONS:
        target += f"?aksi={aksi}"
    return RedirectResponse(target, status_code=303)


@router.post("/dokumen/{ref}/aksi", response_class=HTMLResponse)
def take(
    request: Request,
    ref: str,
    user: FormUser,
    uow: UowDep,
    action: Annotated[str, Form(max_length=20)] = "",
    comment: Annotated[str, Form(max_length=10_000)] = "",
    expected_version: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None,
) -> Response:
    """Submit, verify, approve, return or reopen, through the gate."""
    web = web_of(request)
    kind, doc_id = parse_ref(ref)
    render = report_pages.render_report if kind is DocKind.REPORT else pk_pages.render_pk
    try:
        chosen = parse_action(action)
        if chosen in (Action.RETURN, Action.REOPEN) and not comment.strip():
            raise ValidationError(
                "Alasan wajib diisi", log_message=f"{chosen} without a reason on {ref}"
            )
        result = take_action(
            uow, kind, doc_id, chosen, user.actor, now=web.now(), policy=web.deps.policy,
            comment=comment.strip() or None, expected_version=expected_version, must_view=True,
        )  # fmt: skip
    except (ActionRefusedError, ConflictError, ValidationError) as exc:
        uow.rollback()
        status = 409 if isinstance(exc, ConflictError) else 403
        if isinstance(exc, ValidationError):
            status = 422
        return render(
            request, user, uow, doc_id,
            action_error=(action, exc.message), typed_comment=comment, status_code=status,
        )  # fmt: skip
    # A fixed code, not a message: a link cannot put arbitrary text on the page.
    return RedirectResponse(
        f"{document_url(kind, doc_id)}?selesai={result.action.value}", status_code=303
    )


@router.get("/bukti/{evidence_id}")
def evidence(request: Request, evidence_id: DocId, user: PageUser, uow: UowDep) -> Response:
    """Download an evidence file (checksum verified), for whoever may see its report."""
    web = web_of(request)
    found = download_evidence(uow, evidence_id, user.actor, now=web.now(), policy=web.deps.policy)
    quoted = quote(found.record.filename)
    return Response(
        found.data,
        media_type=found.record.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quoted}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


__all__ = ["KinerjaError", "router"]

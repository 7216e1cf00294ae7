"""`/dokumen/{ref}/riwayat.xlsx`: a document's audit trail as an Excel workbook.

Only for those who may see the document (the same check as its page); the
workbook carries every step, the hashes and the chain check (docs/exports.md).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from documents.xlsx.audit import audit_workbook_bytes
from documents.xlsx.common import CONTENT_TYPE
from engine.usecases.audit import view_audit_trail
from engine.workflow import parse_ref
from web.auth import PageUser
from web.deps import UowDep, web_of

router = APIRouter()


@router.get("/dokumen/{ref}/riwayat.xlsx")
def history_xlsx(request: Request, ref: str, user: PageUser, uow: UowDep) -> Response:
    """The audit trail of PK-n or LAP-n; 403 when the document is not the user's to see."""
    web = web_of(request)
    kind, doc_id = parse_ref(ref)
    trail = view_audit_trail(uow, kind, doc_id, user.actor, now=web.now(), policy=web.deps.policy)
    return Response(
        audit_workbook_bytes(trail),
        media_type=CONTENT_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{trail.filename}"',
            "Cache-Control": "no-store",
        },
    )

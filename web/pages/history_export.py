"""`/dokumen/{ref}/riwayat.xlsx`: a document's audit trail as an Excel workbook.

Only for those who may see the document (the same check as its page); the
workbook carries every step, the hashes and the chain check (docs/exports.md).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from documents.xlsx.audit import audit_workbook_bytes, load_audit_export
from documents.xlsx.common import CONTENT_TYPE
from engine.workflow import parse_ref
from web.auth import PageUser
from web.deps import web_of
from web.usecases import access

router = APIRouter()


@router.get("/dokumen/{ref}/riwayat.xlsx")
def history_xlsx(request: Request, ref: str, user: PageUser) -> Response:
    """The audit trail of PK-n or LAP-n; 403 when the document is not the user's to see."""
    web = web_of(request)
    kind, doc_id = parse_ref(ref)
    with Session(web.deps.engine) as session:
        access(session, web, user, kind, doc_id)
        export = load_audit_export(session, kind, doc_id, now=web.now())
    return Response(
        audit_workbook_bytes(export),
        media_type=CONTENT_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "no-store",
        },
    )

"""Downloads of the documents as files: the PK as .docx and PDF, the quarterly report as .docx.

The same access rule as the pages (`pk_document` / `report_document` raise ForbiddenError
for someone who may not see the document). The PDF goes through LibreOffice when the server
has it; without it the answer is a page pointing to the printable PK, which the browser
saves as PDF. At most two conversions run at once: each is an office process.
"""

from __future__ import annotations

import threading
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from documents.docx.pk import DOCX_MEDIA_TYPE, build_pk_docx, pk_filename
from documents.docx.report import build_report_docx, report_filename
from documents.pdf import PDF_MEDIA_TYPE, docx_to_pdf
from engine.usecases.documents import pk_document, report_document
from web.auth import PageUser
from web.deps import UowDep, web_of

router = APIRouter()
DocId = Annotated[int, Path(ge=1, le=2_147_483_647)]
CONVERSIONS = threading.BoundedSemaphore(2)


def file_response(data: bytes, media_type: str, filename: str) -> Response:
    """A download: the file name for the browser, never cached, never sniffed."""
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/pk/{pk_id}/unduh.docx")
def pk_word(request: Request, pk_id: DocId, user: PageUser, uow: UowDep) -> Response:
    """The PK in the official layout as a Word document."""
    web = web_of(request)
    doc = pk_document(uow, pk_id, user.actor, now=web.now(), policy=web.deps.policy)
    data = build_pk_docx(doc.view, doc.sasaran)
    return file_response(data, DOCX_MEDIA_TYPE, pk_filename(doc.view))


@router.get("/pk/{pk_id}/unduh.pdf")
def pk_pdf(request: Request, pk_id: DocId, user: PageUser, uow: UowDep) -> Response:
    """The PK as PDF through LibreOffice; without it, a page that points to the printable PK."""
    web = web_of(request)
    doc = pk_document(uow, pk_id, user.actor, now=web.now(), policy=web.deps.policy)
    uow.rollback()  # nothing more to read: no transaction stays open during the conversion
    data = build_pk_docx(doc.view, doc.sasaran)
    with CONVERSIONS:  # LibreOffice missing or failing: web.app answers 503 with the reason
        pdf = docx_to_pdf(data, name=f"PK-{pk_id}", pk_id=pk_id)
    return file_response(pdf, PDF_MEDIA_TYPE, pk_filename(doc.view, "pdf"))


@router.get("/laporan/{report_id}/unduh.docx")
def report_word(request: Request, report_id: DocId, user: PageUser, uow: UowDep) -> Response:
    """The quarterly report as a Word document."""
    web = web_of(request)
    doc = report_document(uow, report_id, user.actor, now=web.now(), policy=web.deps.policy)
    data = build_report_docx(doc.view, doc.agency)
    return file_response(data, DOCX_MEDIA_TYPE, report_filename(doc.view))

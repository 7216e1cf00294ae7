"""A document's discussion through the API: read the comments, write one.

The same use cases as the pages (engine.usecases.comments): whoever may view the document
may read and write; a comment never changes the document's state or version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from engine.ports import CommentRecord
from engine.usecases.comments import COMMENT_LIMIT, document_comments, post_comment
from engine.workflow import DocKind
from web.api.documents import READ, WRITE, PkId, ReportId
from web.api.schemas import MAX_ID
from web.auth import ApiUser
from web.deps import UowDep, web_of

router = APIRouter()


class CommentIn(BaseModel):
    """A comment to write: on the document, or on one of its indicators."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=COMMENT_LIMIT * 2, description="Isi komentar")
    indicator_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="Id indikator")
    reply_to: int | None = Field(default=None, ge=1, le=MAX_ID, description="Komentar dibalas")


class CommentOut(BaseModel):
    """A comment as stored."""

    id: int
    anchor_kind: str
    anchor_key: str | None
    author_name: str
    author_title: str
    text: str
    at: datetime
    reply_to: int | None


def _out(comment: CommentRecord) -> dict[str, Any]:
    return {
        "id": comment.id,
        "anchor_kind": comment.anchor_kind,
        "anchor_key": comment.anchor_key,
        "author_name": comment.author_name,
        "author_title": comment.author_title,
        "text": comment.body,
        "at": comment.at,
        "reply_to": comment.reply_to,
    }


def _read(request: Request, uow: UowDep, user: ApiUser, kind: DocKind, doc_id: int) -> Any:
    web = web_of(request)
    found = document_comments(uow, kind, doc_id, user.actor, now=web.now(), policy=web.deps.policy)
    return [_out(c) for c in found]


def _write(
    request: Request, uow: UowDep, user: ApiUser, kind: DocKind, doc_id: int, body: CommentIn
) -> Any:
    web = web_of(request)
    comment = post_comment(
        uow, kind, doc_id, user.actor, body.text, now=web.now(), policy=web.deps.policy,
        indicator_id=body.indicator_id, reply_to=body.reply_to,
    )  # fmt: skip
    return _out(comment)


@router.get("/reports/{report_id}/comments", response_model=list[CommentOut], responses=READ)
def report_comments(request: Request, user: ApiUser, uow: UowDep, report_id: ReportId) -> Any:
    """Diskusi laporan: semua komentar, terlama dahulu."""
    return _read(request, uow, user, DocKind.REPORT, report_id)


@router.post(
    "/reports/{report_id}/comments", response_model=CommentOut, status_code=201, responses=WRITE
)
def report_comment(
    request: Request, user: ApiUser, uow: UowDep, report_id: ReportId, body: CommentIn
) -> Any:
    """Tulis komentar pada laporan (tidak mengubah status dokumen)."""
    return _write(request, uow, user, DocKind.REPORT, report_id, body)


@router.get("/pks/{pk_id}/comments", response_model=list[CommentOut], responses=READ)
def pk_comments(request: Request, user: ApiUser, uow: UowDep, pk_id: PkId) -> Any:
    """Diskusi Perjanjian Kinerja: semua komentar, terlama dahulu."""
    return _read(request, uow, user, DocKind.PK, pk_id)


@router.post("/pks/{pk_id}/comments", response_model=CommentOut, status_code=201, responses=WRITE)
def pk_comment(request: Request, user: ApiUser, uow: UowDep, pk_id: PkId, body: CommentIn) -> Any:
    """Tulis komentar pada Perjanjian Kinerja (tidak mengubah status dokumen)."""
    return _write(request, uow, user, DocKind.PK, pk_id, body)

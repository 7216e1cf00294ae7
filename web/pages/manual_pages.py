"""The Manual Indikator Kinerja and the pohon kinerja: pages, printable, and Word files.

`/manual-ik` shows the Manual IK of every position with indicators in a year,
`/manual-ik/{jabatan}` one position's; `/pohon-kinerja` the cascade of a period with the
capaian of each node (the dashboard's period and numbers). Each has a Word download; the
pages print as they are (the filters and buttons are hidden in print). Whoever may open the
dashboard (any signed-in user) may open them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from documents.docx.manual import (
    build_manual_docx,
    build_tree_docx,
    manual_filename,
    tree_filename,
)
from documents.docx.pk import DOCX_MEDIA_TYPE
from engine.periods import Quarter
from engine.usecases.manual import manual_book, performance_tree
from engine.usecases.recap import recap_basis
from web.auth import PageUser
from web.deps import UowDep, web_of
from web.pages.document_files import file_response
from web.render import page

router = APIRouter()
Year = Annotated[int | None, Query(ge=2000, le=2100)]
Code = Annotated[str, Path(max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*$")]


@router.get("/manual-ik", response_class=HTMLResponse)
def manual_all(request: Request, user: PageUser, uow: UowDep, year: Year = None) -> HTMLResponse:
    """The Manual IK of every position with indicators in `year` (default: the newest)."""
    book = manual_book(uow, year=year)
    context: dict[str, Any] = {"book": book, "chosen": None, "word_url": _word(None, book.year)}
    return page(request, "manual_ik.html", context, user)


@router.get("/manual-ik/{position}", response_class=HTMLResponse)
def manual_position(
    request: Request, position: Code, user: PageUser, uow: UowDep, year: Year = None
) -> HTMLResponse:
    """The Manual IK of one position."""
    book = manual_book(uow, position=position, year=year)
    context: dict[str, Any] = {
        "book": book,
        "chosen": position,
        "word_url": _word(position, book.year),
    }
    return page(request, "manual_ik.html", context, user)


@router.get("/manual-ik-word")
def manual_word(
    user: PageUser, uow: UowDep, year: Year = None, jabatan: str | None = Query(None, max_length=80)
) -> Response:
    """The Manual IK of one position (`jabatan`) or of all as a Word document."""
    book = manual_book(uow, position=jabatan or None, year=year)
    return file_response(
        build_manual_docx(book), DOCX_MEDIA_TYPE, manual_filename(book.year, jabatan or None)
    )


@router.get("/pohon-kinerja", response_class=HTMLResponse)
def tree_page(
    request: Request, user: PageUser, uow: UowDep, year: Year = None, quarter: str | None = None
) -> HTMLResponse:
    """The cascade of a year and quarter (default: the dashboard's) with each node's capaian."""
    web = web_of(request)
    period, tree = performance_tree(
        uow, year=year, quarter=quarter, now=web.now(), policy=web.deps.policy
    )
    scale = recap_basis(uow, period.year).rules.scale  # the dashboard's colours, too
    context: dict[str, Any] = {
        "period": period,
        "tree": tree,
        "CATEGORY_COLOURS": {c.name: c.color for c in scale.categories},
        "quarters": [(q, Quarter(period.year, q).label) for q in range(1, 5)],
        "word_url": "/pohon-kinerja-word?year={}&quarter={}".format(
            period.year, "" if period.quarter is None else period.quarter
        ),
    }
    return page(request, "pohon_kinerja.html", context, user)


@router.get("/pohon-kinerja-word")
def tree_word(
    request: Request, user: PageUser, uow: UowDep, year: Year = None, quarter: str | None = None
) -> Response:
    """The pohon kinerja of the period as a Word document."""
    web = web_of(request)
    period, tree = performance_tree(
        uow, year=year, quarter=quarter, now=web.now(), policy=web.deps.policy
    )
    return file_response(
        build_tree_docx(tree, period.label),
        DOCX_MEDIA_TYPE,
        tree_filename(period.year, period.quarter),
    )


def _word(position: str | None, year: int) -> str:
    suffix = "" if position is None else f"&jabatan={position}"
    return f"/manual-ik-word?year={year}{suffix}"

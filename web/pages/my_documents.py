"""Dokumen saya: the PKs and reports I hold, held, verified or approved (`/dokumen-saya`).

The route parses the filters, asks `engine.usecases.my_documents.my_documents` and draws
the list; which documents are mine, their capaian and deadlines are the use case's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from engine.errors import ValidationError
from engine.periods import Quarter
from engine.usecases.my_documents import RELATIONS, MyDocuments, my_documents
from engine.workflow import State
from web.auth import PageUser
from web.deps import UowDep, web_of
from web.render import page

router = APIRouter()


@router.get("/dokumen-saya", response_class=HTMLResponse)
def my_documents_page(
    request: Request,
    user: PageUser,
    uow: UowDep,
    year: str = "",
    period: str = "",
    state: str = "",
    relation: str = "",
    q: str = "",
    sort: str = "",
    halaman: int = 1,
) -> HTMLResponse:
    """My documents, newest first, filtered by year, period, state, relation and a search."""
    web = web_of(request)
    found = my_documents(
        uow, user.actor, now=web.now(), policy=web.deps.policy, year=parse_year(year),
        period=period, state=state, relation=relation, search=q[:200],
        oldest_first=sort == "terlama", page=halaman,
    )  # fmt: skip
    context: dict[str, Any] = {
        "found": found,
        "periods": [("pk", "Perjanjian Kinerja")]
        + [(str(n), f"Laporan TW {Quarter(2000, n).roman}") for n in range(1, 5)],
        "states": [(s.value, s.label.capitalize()) for s in State],
        "relations": list(RELATIONS.items()),
        "relation_labels": RELATIONS,
        "sort": "terlama" if found.oldest_first else "",
        "page_url": lambda number: page_url(found, number),
    }
    return page(request, "my_documents.html", context, user)


def parse_year(year: str) -> int | None:
    """The year filter: empty for every year; a year in range otherwise (4xx if not)."""
    if not year.strip():
        return None
    if not year.strip().isdigit() or not 2000 <= int(year) <= 2100:
        raise ValidationError(
            "Tahun harus angka antara 2000 dan 2100", log_message=f"bad year {year!r}"
        )
    return int(year)


def page_url(found: MyDocuments, number: int) -> str:
    """The link to another page of the same list."""
    query = {
        "year": "" if found.year is None else str(found.year),
        "period": found.period,
        "state": found.state,
        "relation": found.relation,
        "q": found.search,
        "sort": "terlama" if found.oldest_first else "",
        "halaman": str(number),
    }
    return "/dokumen-saya?" + urlencode({k: v for k, v in query.items() if v})

"""Lists of documents, pages of them, and which positions a user may read.

A list shows only documents the gate's `may_view` lets the user read: the
visible positions are worked out once from the organisation tree, and the
query is restricted to them, so counting and paging stay in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import PerjanjianKinerja, PositionRow, QuarterlyReport
from db.workflow_store import SqlWorkflowStore
from engine.gate import may_view
from engine.periods import Quarter
from engine.workflow import Actor, DocKind, State

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Pagination:
    """Which page of a list was asked for."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        """How many items come before this page."""
        return (self.page - 1) * self.per_page

    def envelope(self, items: Sequence[Any], total: int) -> dict[str, Any]:
        """The page as the API answers it."""
        return {"items": list(items), "page": self.page, "per_page": self.per_page, "total": total}

    def slice(self, items: Sequence[Any]) -> dict[str, Any]:
        """A page of a list already in memory."""
        return self.envelope(items[self.offset : self.offset + self.per_page], len(items))


def pagination(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Nomor halaman, dari 1")] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=MAX_PER_PAGE, description="Banyak butir per halaman (1-100)")
    ] = DEFAULT_PER_PAGE,
) -> Pagination:
    """The `page` and `per_page` query parameters of every list."""
    return Pagination(page, per_page)


def visible_positions(session: Session, actor: Actor, today: date) -> set[int] | None:
    """Ids of the positions whose documents `actor` may read today; None means all (admin)."""
    if actor.is_admin:
        return None
    tree = SqlWorkflowStore(session).org_tree()
    return {p.id for p in tree.positions if may_view(p.id, actor, today, tree=tree)}


@dataclass(frozen=True)
class DocumentFilter:
    """What a list of documents is narrowed to."""

    year: int | None = None
    quarter: int | None = None
    state: State | None = None
    position: str | None = None


def list_documents(
    session: Session,
    kind: DocKind,
    *,
    visible: set[int] | None,
    where: DocumentFilter,
    paging: Pagination,
) -> dict[str, Any]:
    """One page of the reports or PKs the user may read, with the total over all pages."""
    model: type[QuarterlyReport] | type[PerjanjianKinerja] = (
        QuarterlyReport if kind is DocKind.REPORT else PerjanjianKinerja
    )
    conditions: list[Any] = []
    if visible is not None:
        conditions.append(col(model.position_id).in_(sorted(visible)))
    if where.year is not None:
        conditions.append(col(model.year) == where.year)
    if where.state is not None:
        conditions.append(col(model.state) == where.state.value)
    if where.position is not None:
        conditions.append(col(PositionRow.code) == where.position)
    if kind is DocKind.REPORT and where.quarter is not None:
        conditions.append(col(QuarterlyReport.quarter) == where.quarter)
    joined = col(PositionRow.id) == col(model.position_id)
    total = session.exec(
        select(func.count()).select_from(model).join(PositionRow, joined).where(*conditions)
    ).one()
    order: list[Any] = [col(model.year).desc()]
    if kind is DocKind.REPORT:
        order.append(col(QuarterlyReport.quarter).desc())
    else:
        order.append(col(PerjanjianKinerja.revision).desc())
    order += [col(PositionRow.sort_order), col(PositionRow.id), col(model.id)]
    rows = session.exec(
        select(model, PositionRow)
        .join(PositionRow, joined)
        .where(*conditions)
        .order_by(*order)
        .offset(paging.offset)
        .limit(paging.per_page)
    ).all()
    items = []
    for doc, position in rows:
        assert isinstance(doc, QuarterlyReport | PerjanjianKinerja)
        assert isinstance(position, PositionRow)
        items.append(_summary(kind, doc, position))
    return paging.envelope(items, int(total))


def _summary(
    kind: DocKind, doc: QuarterlyReport | PerjanjianKinerja, position: PositionRow
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": doc.id,
        "ref": f"{kind.prefix}-{doc.id}",
        "position": position.code,
        "position_title": position.title,
        "year": doc.year,
        "state": doc.state,
        "version": doc.version,
        "updated_at": doc.updated_at,
    }
    if isinstance(doc, QuarterlyReport):
        item["quarter"] = doc.quarter
        item["period"] = Quarter(doc.year, doc.quarter).label
    else:
        item["revision"] = doc.revision
    return item

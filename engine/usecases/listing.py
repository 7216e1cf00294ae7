"""Lists of reports and PKs: the pages of the API (only what the reader may see) and the
CLI's lists.

A list shows only documents the gate's `may_view` lets the reader see: the visible
positions are worked out once from the organisation, and the query is restricted to
them, so counting and paging stay in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.clock import local_date
from engine.gate import may_view
from engine.policy import Policy
from engine.ports import UnitOfWork
from engine.records import DocumentFilter
from engine.workflow import Actor, DocKind

__all__ = ["DocumentPage", "list_documents", "list_visible_documents", "visible_positions"]


@dataclass(frozen=True)
class DocumentPage:
    """One page of a list, and how many items all pages hold together."""

    items: list[dict[str, Any]]
    total: int


def visible_positions(
    uow: UnitOfWork, actor: Actor, *, now: datetime, policy: Policy
) -> set[int] | None:
    """Ids of the positions whose documents `actor` may read today; None means all (admin)."""
    if actor.is_admin:
        return None
    tree = uow.documents.org_tree()
    today = local_date(now, policy.zone)
    return {p.id for p in tree.positions if may_view(p.id, actor, today, tree=tree)}


def list_visible_documents(
    uow: UnitOfWork,
    kind: DocKind,
    actor: Actor,
    where: DocumentFilter,
    *,
    offset: int,
    limit: int,
    now: datetime,
    policy: Policy,
) -> DocumentPage:
    """One page of the reports or PKs `actor` may read (newest first), with the total."""
    visible = visible_positions(uow, actor, now=now, policy=policy)
    items, total = uow.documents.page(kind, where, visible=visible, offset=offset, limit=limit)
    return DocumentPage(items, total)


def list_documents(uow: UnitOfWork, kind: DocKind, where: DocumentFilter) -> list[dict[str, Any]]:
    """Every report or PK matching `where` (the CLI's lists: the operator sees all)."""
    return uow.documents.listing(kind, where)

"""In-app notifications: the same messages the emails carry, read from the outbox.

Every outbox message addressed to an official is one of their notifications; those
created after their read mark are unread. Nothing is stored twice: the bell and the
page read the outbox, and marking read moves one timestamp per official.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.ports import Notice, UnitOfWork, writes

__all__ = ["NoticePage", "mark_all_read", "notice_page", "unread_count"]

PER_PAGE = 20


@dataclass(frozen=True)
class NoticePage:
    """One page of an official's notifications, newest first."""

    items: list[tuple[Notice, bool]]
    """Each notification and whether it is unread."""
    total: int
    page: int
    pages: int
    unread: int


def unread_count(uow: UnitOfWork, official_id: int | None) -> int:
    """How many notifications the official has not seen (0 for an account with no official)."""
    return 0 if official_id is None else uow.notifications.unread(official_id)


def notice_page(
    uow: UnitOfWork, official_id: int | None, *, page: int = 1, per_page: int = PER_PAGE
) -> NoticePage:
    """Page `page` (from 1; past the end gives the last) of the official's notifications."""
    if official_id is None:
        return NoticePage([], 0, 1, 1, 0)
    repo = uow.notifications
    unread = repo.unread(official_id)
    read_at = repo.read_at(official_id)
    page = max(page, 1)
    items, total = repo.page(official_id, offset=(page - 1) * per_page, limit=per_page)
    pages = max(1, -(-total // per_page))
    if page > pages:
        page = pages
        items, total = repo.page(official_id, offset=(page - 1) * per_page, limit=per_page)
    marked = [(n, read_at is None or n.created_at > read_at) for n in items]
    return NoticePage(marked, total, page, pages, unread)


@writes
def mark_all_read(uow: UnitOfWork, official_id: int | None, *, now: datetime) -> None:
    """Everything the official has received up to `now` is read."""
    if official_id is not None:
        uow.notifications.mark_read(official_id, now)
    uow.commit()

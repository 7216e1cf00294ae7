"""In-memory comment threads and notifications (engine.ports.threads) for the unit tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from engine.ports import CommentRecord, Notice
from engine.workflow import DocKind


class FakeComments:
    """engine.ports.CommentRepository in memory, numbering comments from 1."""

    def __init__(self) -> None:
        self.rows: list[CommentRecord] = []

    def add(self, comment: CommentRecord) -> CommentRecord:
        stored = replace(comment, id=len(self.rows) + 1)
        self.rows.append(stored)
        return stored

    def of_document(self, kind: DocKind, doc_id: int) -> list[CommentRecord]:
        return [c for c in self.rows if (c.doc_kind, c.doc_id) == (kind, doc_id)]

    def get(self, comment_id: int) -> CommentRecord | None:
        return next((c for c in self.rows if c.id == comment_id), None)


class FakeNotifications:
    """engine.ports.NotificationRepository over a list of notices per official."""

    def __init__(self, notices: dict[int, list[Notice]] | None = None) -> None:
        self.notices = notices or {}
        self.marks: dict[int, datetime] = {}

    def unread(self, official_id: int) -> int:
        mark = self.marks.get(official_id)
        return sum(
            1 for n in self.notices.get(official_id, []) if mark is None or n.created_at > mark
        )

    def page(self, official_id: int, *, offset: int, limit: int) -> tuple[list[Notice], int]:
        mine = sorted(self.notices.get(official_id, []), key=lambda n: n.created_at, reverse=True)
        return mine[offset : offset + limit], len(mine)

    def read_at(self, official_id: int) -> datetime | None:
        return self.marks.get(official_id)

    def mark_read(self, official_id: int, at: datetime) -> None:
        times = [n.created_at for n in self.notices.get(official_id, [])]
        self.marks[official_id] = max([at, *times, self.marks.get(official_id, at)])

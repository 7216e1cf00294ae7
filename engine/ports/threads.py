"""Comment threads on documents, and the in-app notifications read from the outbox."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from engine.workflow import DocKind


@dataclass(frozen=True)
class CommentRecord:
    """One comment as stored. The anchor says what it is about: the document itself
    (`anchor_kind` "dokumen", no key) or one of its parts ("indikator" and the indicator's
    id; later "bagian" and an LKjIP section's key)."""

    id: int
    doc_kind: DocKind
    doc_id: int
    anchor_kind: str
    anchor_key: str | None
    author_official_id: int | None
    author_name: str
    author_title: str
    body: str
    at: datetime
    reply_to: int | None = None


@dataclass(frozen=True)
class Notice:
    """An outbox message as the app lists it to its recipient."""

    id: int
    kind: str
    payload: Mapping[str, Any]
    created_at: datetime


class CommentRepository(Protocol):
    """The comments of documents (append-only)."""

    def add(self, comment: CommentRecord) -> CommentRecord:
        """Store a new comment (its `id` ignored); the comment with its id."""
        ...

    def of_document(self, kind: DocKind, doc_id: int) -> list[CommentRecord]:
        """Every comment of a document, oldest first."""
        ...

    def get(self, comment_id: int) -> CommentRecord | None:
        """One comment, or None."""
        ...


class NotificationRepository(Protocol):
    """The outbox messages of one official as notifications, and their read mark."""

    def unread(self, official_id: int) -> int:
        """How many messages to the official were created after their read mark (one
        indexed query: it runs on every page)."""
        ...

    def page(self, official_id: int, *, offset: int, limit: int) -> tuple[list[Notice], int]:
        """The official's messages, newest first, and how many there are."""
        ...

    def read_at(self, official_id: int) -> datetime | None:
        """When the official last marked everything read."""
        ...

    def mark_read(self, official_id: int, at: datetime) -> None:
        """Everything created up to `at`, and every message there is now (a clock behind a
        message's time must not leave it unread), is read."""
        ...

"""Comment threads on a report or a PK: a question and its answers, beside the workflow.

Anyone who may view a document (engine.usecases.documents.document_access) may read and
write its thread. A comment is anchored to the document or to one of its indicators
(later, an LKjIP section: the anchor is a kind and a key, both strings). A comment never
changes the document's state or version: it is stored, and "the other party" is told
through the outbox in the same transaction (kind "comment.posted"): the holder(s) of the
position when someone else writes, the next reviewer when the holder writes, and everyone
who already wrote in that thread; never the author.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from engine.clock import local_date
from engine.errors import NotFoundError, ValidationError
from engine.events import CommentPosted, Recipient
from engine.gate import parties
from engine.org import Holding, OrgTree
from engine.periods import Quarter
from engine.policy import Policy
from engine.ports import CommentRecord, UnitOfWork, writes
from engine.usecases.documents import document_access
from engine.workflow import Actor, DocKind, DocumentView, State

__all__ = [
    "ANCHOR_DOCUMENT",
    "ANCHOR_INDICATOR",
    "COMMENT_LIMIT",
    "Thread",
    "comment_threads",
    "document_comments",
    "post_comment",
]

COMMENT_LIMIT = 4000
"""The longest comment, in characters (after stripping)."""
ANCHOR_DOCUMENT = "dokumen"
ANCHOR_INDICATOR = "indikator"


@dataclass
class Thread:
    """The comments of one anchor, oldest first."""

    anchor_kind: str
    anchor_key: str | None
    comments: list[CommentRecord] = field(default_factory=list)


def comment_threads(uow: UnitOfWork, kind: DocKind, doc_id: int) -> dict[str, Thread]:
    """A document's threads by anchor ("dokumen", "indikator:12"), each oldest first.

    For a page that has just read the document through view_report / view_pk (which
    refuse whoever may not view it); it checks no rights itself."""
    threads: dict[str, Thread] = {}
    for comment in uow.comments.of_document(kind, doc_id):
        key = anchor_id(comment.anchor_kind, comment.anchor_key)
        threads.setdefault(key, Thread(comment.anchor_kind, comment.anchor_key))
        threads[key].comments.append(comment)
    return threads


def document_comments(
    uow: UnitOfWork, kind: DocKind, doc_id: int, actor: Actor, *, now: datetime, policy: Policy
) -> list[CommentRecord]:
    """Every comment of a document `actor` may view (ForbiddenError otherwise), oldest first."""
    document_access(uow, kind, doc_id, actor, now=now, policy=policy)
    return uow.comments.of_document(kind, doc_id)


def anchor_id(anchor_kind: str, anchor_key: str | None) -> str:
    """The anchor as one string: "dokumen" or "indikator:12"."""
    return anchor_kind if anchor_key is None else f"{anchor_kind}:{anchor_key}"


@writes
def post_comment(
    uow: UnitOfWork,
    kind: DocKind,
    doc_id: int,
    actor: Actor,
    text: str,
    *,
    now: datetime,
    policy: Policy,
    indicator_id: int | None = None,
    reply_to: int | None = None,
) -> CommentRecord:
    """Write a comment on a document (ForbiddenError for whoever may not view it;
    ValidationError for an empty or too long text, an indicator not of this document, or a
    reply to a comment elsewhere). Commits the comment and its notifications together."""
    access = document_access(uow, kind, doc_id, actor, now=now, policy=policy)
    view = access.view
    body = _body(text)
    anchor_kind, anchor_key = ANCHOR_DOCUMENT, None
    if indicator_id is not None:
        own = {i.id for i in uow.documents.indicators(view.position_id, view.year)}
        if indicator_id not in own:
            raise ValidationError(
                "Indikator itu bukan bagian dari dokumen ini",
                log_message=f"comment on {view.ref}: indicator {indicator_id} not its own",
            )
        anchor_kind, anchor_key = ANCHOR_INDICATOR, str(indicator_id)
    if reply_to is not None:
        parent = uow.comments.get(reply_to)
        if parent is None or (parent.doc_kind, parent.doc_id) != (kind, doc_id):
            raise ValidationError(
                "Komentar yang dibalas tidak ada di dokumen ini",
                log_message=f"reply on {view.ref} to foreign comment {reply_to}",
            )
    on = local_date(now, policy.zone)
    tree = access.tree
    held = tree.holdings_of(actor.official_id, on) if actor.official_id is not None else []
    title = held[0].display_title if held else "Administrator"
    comment = uow.comments.add(
        CommentRecord(
            id=0, doc_kind=kind, doc_id=doc_id, anchor_kind=anchor_kind, anchor_key=anchor_key,
            author_official_id=actor.official_id, author_name=actor.name, author_title=title,
            body=body, at=now.astimezone(UTC), reply_to=reply_to,
        )
    )  # fmt: skip
    earlier = [
        c.author_official_id
        for c in uow.comments.of_document(kind, doc_id)
        if (c.anchor_kind, c.anchor_key) == (anchor_kind, anchor_key)
    ]
    targets = other_party(view, tree, actor, on) + [o for o in earlier if o is not None]
    uow.collect(*_events(view, tree, comment, targets, actor, now))
    uow.commit()
    return comment


def _body(text: str) -> str:
    body = text.strip()
    if not body:
        raise ValidationError("Komentar tidak boleh kosong", log_message="empty comment")
    if len(body) > COMMENT_LIMIT:
        raise ValidationError(
            f"Komentar paling banyak {COMMENT_LIMIT:,} karakter".replace(",", "."),
            log_message="comment too long",
        )
    return body


def other_party(view: DocumentView, tree: OrgTree, actor: Actor, on: date) -> list[int]:
    """Who a comment is for: the position's holders when someone else writes; when a
    holder writes, the next reviewer (the verifier, or the approver once verified or when
    the head approves in one step), or whoever acts for an empty post above."""
    holders = tree.holders(view.position_id, on)
    if actor.official_id not in {h.official.id for h in holders}:
        return [h.official.id for h in holders]
    who = parties(tree, view.position_id)
    reviewer = who.verifier
    if view.state in (State.VERIFIED, State.APPROVED) or who.one_step:
        reviewer = who.approver
    if reviewer is None:
        return []
    found: list[Holding] = tree.holders(reviewer.id, on)
    if not found:
        above = tree.nearest_held_superior(reviewer.id, on)
        found = [above] if above is not None else []
    return [h.official.id for h in found]


def _events(
    view: DocumentView,
    tree: OrgTree,
    comment: CommentRecord,
    officials: Iterable[int],
    actor: Actor,
    now: datetime,
) -> list[CommentPosted]:
    period = str(view.year) if view.quarter is None else Quarter(view.year, view.quarter).label
    payload = {
        "event": "comment",
        "doc": view.ref,
        "doc_kind": view.kind.value,
        "doc_label": view.kind.label,
        "position": tree.position(view.position_id).title,
        "period": period,
        "actor": comment.author_name,
        "actor_title": comment.author_title,
        "comment": comment.body,
        "comment_id": comment.id,
        "anchor": anchor_id(comment.anchor_kind, comment.anchor_key),
    }
    events = []
    for official_id in dict.fromkeys(officials):
        if official_id == actor.official_id:
            continue
        try:
            official = tree.official(official_id)
        except NotFoundError:
            continue  # an administrator outside the agency's part of the tree
        events.append(
            CommentPosted(
                recipient=Recipient(official.id, official.email, official.name),
                at=now,
                dedupe_key=f"comment.posted:{comment.id}:to{official.id}",
                payload=payload,
            )
        )
    return events

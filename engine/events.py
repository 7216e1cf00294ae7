"""Domain events: what happened, typed, collected by the unit of work and mailed after commit.

A use case never sends anything. It tells the unit of work what happened
(`uow.collect(ReportSubmitted(...))`); when the unit of work commits, its outbox
repository (the outbox's only writer) turns every collected event into an outbox row in
the same transaction, keyed by the event's dedupe key so that a repeated event is
enqueued once. The dispatcher sends the rows afterwards.

The outbox's states live here too, next to the events that fill it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar

from engine.workflow import Action, DocKind, State


class OutboxStatus(StrEnum):
    """Where an outbox message stands: waiting to be sent, sent, or given up (dead letter)."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"

    @property
    def label(self) -> str:
        """The status's name for users."""
        return _OUTBOX_LABELS[self]


_OUTBOX_LABELS = {
    OutboxStatus.PENDING: "menunggu",
    OutboxStatus.SENT: "terkirim",
    OutboxStatus.DEAD: "gagal",
}


@dataclass(frozen=True)
class Recipient:
    """Who an event's email goes to: the official holding the position that day."""

    official_id: int
    email: str
    name: str


@dataclass(frozen=True)
class OutboxDraft:
    """An outbox row before it is written; its dedupe key makes enqueueing idempotent."""

    dedupe_key: str
    kind: str
    recipient_official_id: int
    recipient_email: str
    recipient_name: str
    payload: Mapping[str, Any]
    available_at: datetime


def _frozen(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(payload))


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened and that someone is told about by email.

    Subclasses name the fact (past tense). `message()` is the one translation of an
    event into an outbox row.
    """

    kind: ClassVar[str] = ""
    """The message kind the email templates are chosen by."""

    recipient: Recipient
    at: datetime
    dedupe_key: str
    payload: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "payload", _frozen(self.payload))

    def message(self) -> OutboxDraft:
        """The outbox row this event becomes."""
        return OutboxDraft(
            dedupe_key=self.dedupe_key,
            kind=self.kind,
            recipient_official_id=self.recipient.official_id,
            recipient_email=self.recipient.email,
            recipient_name=self.recipient.name,
            payload=dict(self.payload),
            available_at=self.at,
        )


@dataclass(frozen=True)
class WorkflowEvent(DomainEvent):
    """A document moved through its workflow; the next one to act (or the holder) is told."""

    doc_kind: DocKind = DocKind.REPORT
    doc_id: int = 0
    action: Action = Action.SUBMIT
    state: State = State.DRAFT

    @property
    def ref(self) -> str:
        """The document's reference: PK-12, LAP-34."""
        return f"{self.doc_kind.prefix}-{self.doc_id}"


@dataclass(frozen=True)
class ReportSubmitted(WorkflowEvent):
    """A quarterly report was submitted (the verifier, or the head in one step, is told)."""

    kind: ClassVar[str] = "workflow.submitted"


@dataclass(frozen=True)
class ReportVerified(WorkflowEvent):
    """A quarterly report was verified (the head is told)."""

    kind: ClassVar[str] = "workflow.verified"


@dataclass(frozen=True)
class ReportApproved(WorkflowEvent):
    """A quarterly report was approved (the holder is told)."""

    kind: ClassVar[str] = "workflow.approved"


@dataclass(frozen=True)
class ReportReturned(WorkflowEvent):
    """A quarterly report was returned to draft with a reason (the holder is told)."""

    kind: ClassVar[str] = "workflow.returned"


@dataclass(frozen=True)
class ReportReopened(WorkflowEvent):
    """An approved quarterly report was reopened with a reason (the holder is told)."""

    kind: ClassVar[str] = "workflow.reopened"


@dataclass(frozen=True)
class PkSubmitted(WorkflowEvent):
    """A Perjanjian Kinerja was submitted."""

    kind: ClassVar[str] = "workflow.submitted"


@dataclass(frozen=True)
class PkVerified(WorkflowEvent):
    """A Perjanjian Kinerja was verified."""

    kind: ClassVar[str] = "workflow.verified"


@dataclass(frozen=True)
class PkApproved(WorkflowEvent):
    """A Perjanjian Kinerja was approved (signed)."""

    kind: ClassVar[str] = "workflow.approved"


@dataclass(frozen=True)
class PkReturned(WorkflowEvent):
    """A Perjanjian Kinerja was returned to draft with a reason."""

    kind: ClassVar[str] = "workflow.returned"


@dataclass(frozen=True)
class PkReopened(WorkflowEvent):
    """An approved Perjanjian Kinerja was reopened with a reason."""

    kind: ClassVar[str] = "workflow.reopened"


@dataclass(frozen=True)
class CommentPosted(DomainEvent):
    """Someone wrote in a document's thread (the other party and the thread's writers are
    told; the document itself does not change)."""

    kind: ClassVar[str] = "comment.posted"


WORKFLOW_EVENTS: Mapping[tuple[DocKind, Action], type[WorkflowEvent]] = MappingProxyType(
    {
        (DocKind.REPORT, Action.SUBMIT): ReportSubmitted,
        (DocKind.REPORT, Action.VERIFY): ReportVerified,
        (DocKind.REPORT, Action.APPROVE): ReportApproved,
        (DocKind.REPORT, Action.RETURN): ReportReturned,
        (DocKind.REPORT, Action.REOPEN): ReportReopened,
        (DocKind.PK, Action.SUBMIT): PkSubmitted,
        (DocKind.PK, Action.VERIFY): PkVerified,
        (DocKind.PK, Action.APPROVE): PkApproved,
        (DocKind.PK, Action.RETURN): PkReturned,
        (DocKind.PK, Action.REOPEN): PkReopened,
    }
)
"""The event each action on each kind of document records."""


@dataclass(frozen=True)
class RemindersDue(DomainEvent):
    """Reminders and escalations fell due for one recipient: one digest email lists them."""

    kind: ClassVar[str] = "digest"

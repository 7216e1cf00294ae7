"""The outbox's delivery rules: what each answer of the mail server does to a message.

A message is sent, retried later or given up (dead-lettered for an admin). Only answers
count as attempts: a failure without any answer (refused, unreachable, timed out) says
nothing about the message, so a day-long outage at quarter close dead-letters nothing; the
row waits as long as it has already waited (30 s doubling to the 1 h cap) instead. A 4xx
answer is retried with exponential backoff for at most `max_attempts` answers, a 5xx
dead-letters at once, and a refused login pauses sending without using anyone's attempts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from engine.events import OutboxStatus

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "OutboxChange",
    "OutboxEntry",
    "Recorded",
    "SendStatus",
    "backoff_delay",
    "delivery_change",
    "unrenderable_change",
]

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)


class SendStatus(StrEnum):
    """What became of one message at the mail server."""

    SENT = "sent"
    RETRY = "retry"
    DEAD = "dead"
    AUTH_FAILED = "auth_failed"


class Recorded(StrEnum):
    """What the outbox made of an outcome (the dispatcher counts these)."""

    SENT = "sent"
    RETRY = "retry"
    DEAD = "dead"
    PAUSED = "paused"
    """The login was refused: the message waits, unchanged, for sending to resume."""


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """An outbox message as stored (claimed by a dispatcher, or listed for the admin)."""

    id: int
    dedupe_key: str
    kind: str
    recipient_official_id: int | None
    recipient_email: str
    recipient_name: str
    payload: Mapping[str, Any]
    status: OutboxStatus
    attempts: int
    available_at: datetime
    created_at: datetime
    lease_until: datetime | None = None
    """Until when the dispatcher that claimed it holds it."""
    sent_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxChange:
    """What to write to a claimed message: each field given is set (None: left as it is),
    and the lease is always given back."""

    status: OutboxStatus | None = None
    attempts: int | None = None
    available_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    payload: Mapping[str, Any] | None = None
    """The payload to keep from now on (None: as it is): a sent message's one-time secret is
    blanked (`sent_payload`)."""
    own_lease: bool = field(default=True)
    """Write only while the message still carries the claim's lease: a message whose lease
    ran out may have been claimed by another dispatcher, whose record wins. A sent message
    is recorded regardless (it did go out)."""


def backoff_delay(failed_before: int) -> timedelta:
    """How long to wait after a failed attempt, given how many attempts had failed before it.

    30 s, 1 min, 2 min, 4 min ... capped at one hour: quick for a greylisting server,
    patient with one that is down.
    """
    return min(BACKOFF_BASE * (1 << min(max(failed_before, 0), 16)), BACKOFF_CAP)


def delivery_change(
    entry: OutboxEntry,
    status: SendStatus,
    *,
    code: int | None,
    answer: str,
    now: datetime,
    max_attempts: int,
) -> tuple[OutboxChange, Recorded]:
    """What the server's answer (`code` None: no answer at all) does to a claimed message."""
    if status is SendStatus.SENT:
        sent = OutboxChange(
            status=OutboxStatus.SENT, sent_at=now, own_lease=False,
            payload=sent_payload(entry.payload),
        )  # fmt: skip
        return sent, Recorded.SENT
    if status is SendStatus.DEAD:
        change = OutboxChange(
            status=OutboxStatus.DEAD, attempts=entry.attempts + 1, last_error=answer
        )
        return change, Recorded.DEAD
    if status is SendStatus.AUTH_FAILED:
        return OutboxChange(), Recorded.PAUSED
    if code is None:
        waited = min(max(now - entry.created_at, BACKOFF_BASE), BACKOFF_CAP)
        delay = max(backoff_delay(entry.attempts), waited)
        return OutboxChange(available_at=now + delay, last_error=answer), Recorded.RETRY
    attempts = entry.attempts + 1
    if attempts >= max_attempts:
        error = f"gave up after {attempts} attempts; last answer: {answer}"
        return OutboxChange(
            status=OutboxStatus.DEAD, attempts=attempts, last_error=error
        ), Recorded.DEAD
    change = OutboxChange(
        attempts=attempts, available_at=now + backoff_delay(entry.attempts), last_error=answer
    )
    return change, Recorded.RETRY


SECRET_KEY_NAME = "secret"  # noqa: S105 (a key name, not a secret)
"""The payload key of a one-time secret (the link of an invitation or a password reset)."""


def sent_payload(payload: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The payload to keep once the message went out: its one-time secret blanked, so that
    the outbox never holds a live set-password link after the email left (the link table
    keeps only its hash); None when there is nothing to blank."""
    if not payload.get(SECRET_KEY_NAME):
        return None
    return {**payload, SECRET_KEY_NAME: ""}


def unrenderable_change(error: str) -> OutboxChange:
    """A message that cannot be rendered is dead-lettered (an admin looks at it); it was
    never offered to the server, so no attempt is counted."""
    return OutboxChange(status=OutboxStatus.DEAD, last_error=error)

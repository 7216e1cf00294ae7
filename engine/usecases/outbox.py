"""The outbox after enqueueing: a dispatcher claims batches and records what the server
said; the admin lists messages and gives dead letters a fresh start.

Each use case commits its own short transaction: a claim holds its rows only for the
lease, and each outcome is committed before the next message goes out (that is what
bounds a crash to one duplicate). What an answer does to a message is engine.outbox's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from engine.events import OutboxStatus
from engine.outbox import (
    OutboxEntry,
    Recorded,
    SendStatus,
    delivery_change,
    unrenderable_change,
)
from engine.ports import UnitOfWork, writes
from engine.usecases.audit import SYSTEM_ACTOR, record_admin

__all__ = [
    "KIND_WORDS",
    "attempts_in_words",
    "bury_unrenderable",
    "claim_batch",
    "kind_in_words",
    "list_messages",
    "outbox_counts",
    "record_delivery",
    "release_batch",
    "retry_dead",
]

KIND_WORDS = {
    "workflow.submitted": "Diajukan",
    "workflow.verified": "Diverifikasi",
    "workflow.approved": "Disetujui",
    "workflow.returned": "Dikembalikan untuk perbaikan",
    "workflow.reopened": "Dibuka kembali",
    "digest": "Ringkasan pengingat",
    "comment.posted": "Komentar baru",
}
"""What each kind of message is, in the admin's words (the code stays in a tooltip)."""


@writes
def claim_batch(
    uow: UnitOfWork, *, now: datetime, size: int, lease: timedelta
) -> list[OutboxEntry]:
    """Lease up to `size` due messages until `now + lease`, oldest first (committed at once:
    the claim must not hold its locks while the messages are sent)."""
    entries = uow.outbox.claim(now=now, limit=size, lease_until=now + lease)
    uow.commit()
    return entries


@writes
def record_delivery(
    uow: UnitOfWork,
    entry: OutboxEntry,
    status: SendStatus,
    *,
    code: int | None,
    answer: str,
    now: datetime,
    max_attempts: int,
) -> tuple[Recorded, bool]:
    """Record what the server answered for a claimed message (`code` None: no answer).

    Returns what the outbox made of it, and whether it was recorded: False when the lease
    ran out and another dispatcher may have claimed the message (its record wins).
    """
    change, recorded = delivery_change(
        entry, status, code=code, answer=answer, now=now, max_attempts=max_attempts
    )
    kept = uow.outbox.record(entry, change)
    uow.commit()
    return recorded, kept


@writes
def bury_unrenderable(uow: UnitOfWork, entry: OutboxEntry, error: str) -> bool:
    """Dead-letter a claimed message that could not be rendered; whether it was ours."""
    kept = uow.outbox.record(entry, unrenderable_change(error))
    uow.commit()
    return kept


@writes
def release_batch(uow: UnitOfWork, entries: Sequence[OutboxEntry]) -> None:
    """Give back the leases of claimed messages that will not be sent now (they are due
    again at once instead of after the lease)."""
    uow.outbox.release(entries)
    uow.commit()


def list_messages(
    uow: UnitOfWork, *, status: OutboxStatus | None = None, limit: int = 50
) -> list[OutboxEntry]:
    """The newest messages, optionally of one status, for the admin to inspect."""
    return uow.outbox.newest(status, limit)


def kind_in_words(kind: str) -> str:
    """A message kind as the admin reads it ("workflow.approved" -> "Disetujui")."""
    return KIND_WORDS.get(kind, "Email lain")


def attempts_in_words(attempts: int) -> str:
    """How many times sending was tried, in words ("Belum dicoba", "Dicoba 2 kali")."""
    return "Belum dicoba" if attempts <= 0 else f"Dicoba {attempts} kali"


def outbox_counts(uow: UnitOfWork) -> dict[OutboxStatus, int]:
    """How many messages wait, went out and were given up."""
    return uow.outbox.counts()


@writes
def retry_dead(
    uow: UnitOfWork, ids: Sequence[int] | None, *, now: datetime, actor: str = SYSTEM_ACTOR
) -> list[int]:
    """Give dead messages a fresh start (pending, no attempts, due `now`); their ids.

    Only dead messages are touched; `ids` None means every dead one. Recorded in the admin
    log when anything was revived.
    """
    revived = uow.outbox.revive(None if ids is None else list(ids), now)
    if revived:
        subject = f"Kotak keluar: {len(revived)} pesan gagal dikirim ulang"
        after = {"messages": ", ".join(f"#{n}" for n in revived)}
        record_admin(uow, actor, "outbox.retry", subject, None, after, now=now)
    uow.commit()
    return revived

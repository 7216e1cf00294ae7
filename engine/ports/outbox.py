"""The outbox, what waits for whom (the pending steps) and the reminder rungs sent; the
cluster lock and the demo mailbox."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from engine.calendar import WorkingCalendar
from engine.events import OutboxDraft, OutboxStatus
from engine.ladder import Planned
from engine.org import OrgTree
from engine.outbox import OutboxChange, OutboxEntry
from engine.pending import PendingDoc
from engine.progress import ReportRow
from engine.workflow import DocKind

# --- outbox -----------------------------------------------------------------------------


class OutboxRepository(Protocol):
    """The outbox's only writer: messages in (each once per dedupe key), claimed by a
    dispatcher with a lease, their outcomes recorded, listed and revived for the admin."""

    def add(self, messages: Sequence[OutboxDraft]) -> int:
        """Insert the messages, ignoring dedupe keys already present; how many were new."""
        ...

    def claim(self, *, now: datetime, limit: int, lease_until: datetime) -> list[OutboxEntry]:
        """Lease up to `limit` due pending messages (oldest first) that no live lease holds;
        rows another transaction has locked are skipped, never waited for."""
        ...

    def record(self, entry: OutboxEntry, change: OutboxChange) -> bool:
        """Write `change` to a pending message and give its lease back; False when the
        message was not ours any more (`OutboxChange.own_lease`)."""
        ...

    def release(self, entries: Sequence[OutboxEntry]) -> None:
        """Give back the leases of claimed messages that will not be sent now."""
        ...

    def newest(self, status: OutboxStatus | None, limit: int) -> list[OutboxEntry]:
        """The newest messages, optionally of one status."""
        ...

    def counts(self) -> dict[OutboxStatus, int]:
        """How many messages are in each status (every status, zero included)."""
        ...

    def revive(self, ids: Sequence[int] | None, now: datetime) -> list[int]:
        """Make dead messages (all when `ids` is None) pending again with no attempts, due
        `now`; the ids revived."""
        ...


# --- reminders: what waits for whom, and the rungs sent ---------------------------------


class PendingRepository(Protocol):
    """The pending documents and what their steps and deadlines are worked out from."""

    def org_tree(self) -> OrgTree:
        """The organisation tree as this transaction sees it (a writer's own changes too)."""
        ...

    def committed_org_tree(self) -> OrgTree:
        """The organisation tree as committed, cheap while it is unchanged (for reads)."""
        ...

    def calendar(self) -> WorkingCalendar:
        """The working-day calendar of the active holidays."""
        ...

    def pending_documents(self, positions: Collection[int] | None = None) -> list[PendingDoc]:
        """Reports and first-revision PKs that are not approved (of `positions` if given)."""
        ...

    def dpa_dates(self, years: Collection[int] | None = None) -> dict[tuple[int, int], date]:
        """(agency id, year) -> when its DPA was ratified (of `years` if given)."""
        ...

    def return_reasons(
        self, docs: Collection[tuple[DocKind, int]]
    ) -> dict[tuple[DocKind, int], str]:
        """The comment of the last step that sent each document back to draft."""
        ...

    def entered_at(
        self, docs: Collection[tuple[DocKind, int]]
    ) -> dict[tuple[DocKind, int], datetime]:
        """When each document took its last step (entered its current state), if it took any."""
        ...

    def reports_of(self, *, year: int, quarter: int | None) -> list[ReportRow]:
        """The reports of a quarter (or of every quarter of the year)."""
        ...


class RemindersRepository(Protocol):
    """The reminder rungs sent (each rung once ever)."""

    def sent_rungs(self, docs: Sequence[str]) -> set[str]:
        """The keys of the rungs already sent for these documents (by reference)."""
        ...

    def claim_rungs(
        self, planned: Sequence[Planned], digest_keys: Mapping[int, str], at: datetime
    ) -> set[str]:
        """Record the rungs as sent, each in its recipient's digest (`digest_keys` by
        official id), ignoring keys already there; the keys that were new."""
        ...


class ClusterLock(Protocol):
    """A lock across every instance sharing the database: only one runs a periodic job."""

    def __call__(self, name: str) -> AbstractContextManager[bool]:
        """Try to take the lock `name`; the context gives whether it is held."""
        ...


# --- the demo's mailbox ---------------------------------------------------------------


@dataclass(frozen=True)
class CaughtMail:
    """An email the demo's local mail server received, decoded for display."""

    received_at: datetime
    sender: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    html: str
    message_id: str

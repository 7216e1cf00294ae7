"""The outbox dispatcher: claims due messages, sends them, records what the server said.

Transitions only *enqueue* email (habit 6); this worker sends it afterwards. Its guarantees:

- Claims are exclusive: a batch is leased in one short write transaction (PostgreSQL
  `FOR UPDATE SKIP LOCKED`, SQLite `BEGIN IMMEDIATE`), so concurrent dispatchers never pick
  the same row while its lease lasts.
- Nothing is lost: each outcome is committed as soon as the server answers. A dispatcher killed
  mid-batch leaves its unsent rows leased; they are claimed again once the lease expires, so
  at most the message in flight is sent twice (and it keeps its Message-ID).
- Failures are sorted: a 4xx answer is retried with exponential backoff (at most
  `max_attempts` answers), 5xx and unrenderable rows are dead-lettered for an admin, a
  refused login pauses sending without using up anyone's attempts.
- An outage loses nothing: a failure without any answer from the server (refused,
  unreachable, timed out, dropped) says nothing about the message, so it is not an attempt.
  The row waits as long as it has already waited (30 s doubling to the 1 h cap) and is
  retried for as long as the outage lasts; the first drain after it sends everything owed,
  once (docs/faults.md).

Database work runs in a worker thread (`asyncio.to_thread`) so it never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from db.database import transaction
from db.workflow_models import OutboxMessage
from engine.clock import Clock
from notifications.mailer import Mailer, SendOutcome, SendStatus, build_email

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "OUTBOX_STATUSES",
    "DispatchReport",
    "Dispatcher",
    "RenderedEmail",
    "Renderer",
    "backoff_delay",
    "list_outbox",
    "retry_dead",
]

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
OUTBOX_STATUSES = ("pending", "sent", "dead")
AUTH_PAUSED_LOG = "SMTP authentication failed; dispatcher paused"


class RenderedEmail(Protocol):
    """What a renderer produces (notifications.render.Email fits)."""

    @property
    def subject(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def html(self) -> str: ...


Renderer = Callable[[OutboxMessage], RenderedEmail]


def backoff_delay(failed_before: int) -> timedelta:
    """How long to wait after a failed attempt, given how many attempts had failed before it.

    30 s, 1 min, 2 min, 4 min ... capped at one hour: quick for a greylisting server,
    patient with one that is down.
    """
    return min(BACKOFF_BASE * (1 << min(max(failed_before, 0), 16)), BACKOFF_CAP)


@dataclass(slots=True)
class DispatchReport:
    """What one run (or a drain of several) did."""

    claimed: int = 0
    sent: int = 0
    retry: int = 0
    dead: int = 0
    paused: bool = False
    unanswered: int = field(default=0, compare=False)
    """Messages the server never answered (unreachable): the drain stops after such a batch."""

    def add(self, other: DispatchReport) -> None:
        """Fold another run's counts into this one."""
        self.claimed += other.claimed
        self.sent += other.sent
        self.retry += other.retry
        self.dead += other.dead
        self.unanswered += other.unanswered
        self.paused = self.paused or other.paused


class Dispatcher:
    """Sends due outbox rows in batches through a `Mailer` (one connection per batch)."""

    def __init__(
        self,
        engine: Engine,
        mailer: Mailer,
        render: Renderer,
        *,
        clock: Clock,
        batch_size: int = 50,
        lease: timedelta = timedelta(minutes=5),
        max_attempts: int = 8,
    ) -> None:
        if batch_size < 1 or max_attempts < 1 or lease <= timedelta(0):
            raise ValueError("batch_size, max_attempts and lease must be positive")
        self._engine = engine
        self._mailer = mailer
        self._render = render
        self._clock = clock
        self._batch_size = batch_size
        self._lease = lease
        self._max_attempts = max_attempts

    async def drain(self, max_batches: int = 100) -> DispatchReport:
        """Run batches until nothing is due, sending is paused, the server cannot be reached,
        or `max_batches` ran.

        A batch nobody answered means the server is down: composing the next batches only to
        fail again would waste the drain (their rows stay due and the next tick tries again).
        """
        total = DispatchReport()
        for _ in range(max_batches):
            report = await self.run_once()
            total.add(report)
            unreachable = report.unanswered > 0 and report.sent == 0
            if report.claimed == 0 or report.paused or unreachable:
                break
        return total

    async def run_once(self) -> DispatchReport:
        """Claim one batch of due rows, send it, and record each outcome as it arrives."""
        rows = await asyncio.to_thread(self._claim)
        report = DispatchReport(claimed=len(rows))
        if not rows:
            return report
        ready: list[OutboxMessage] = []
        messages: list[EmailMessage] = []
        for row in rows:
            try:
                messages.append(self._compose(row))
            except Exception as exc:
                error = f"rendering failed: {type(exc).__name__}: {exc}"
                log.error("outbox %s (%s) dead-lettered: %s", row.id, row.kind, error, exc_info=exc)
                await asyncio.to_thread(self._bury, row, error)
                report.dead += 1
            else:
                ready.append(row)
        recorded: set[int] = set()

        async def on_outcome(index: int, outcome: SendOutcome) -> None:
            if index in recorded or index >= len(ready):
                return
            recorded.add(index)
            await asyncio.to_thread(self._record, ready[index], outcome, report)

        outcomes = await self._mailer.send_batch(messages, on_outcome=on_outcome)
        for index, outcome in enumerate(outcomes):  # for mailers that do not call back
            await on_outcome(index, outcome)
        if len(outcomes) < len(ready):
            log.warning("mailer answered %d of %d messages", len(outcomes), len(ready))
        return report

    def _compose(self, row: OutboxMessage) -> EmailMessage:
        rendered = self._render(row)
        return build_email(
            sender=self._mailer.sender,
            recipient_name=row.recipient_name,
            recipient_email=row.recipient_email,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            dedupe_key=row.dedupe_key,
            date=self._clock.now(),
        )

    def _claim(self) -> list[OutboxMessage]:
        """Lease up to batch_size due rows in one write transaction; return them detached."""
        now = self._clock.now()
        due = (
            select(OutboxMessage)
            .where(
                col(OutboxMessage.status) == "pending",
                col(OutboxMessage.available_at) <= now,
                or_(
                    col(OutboxMessage.lease_until).is_(None), col(OutboxMessage.lease_until) <= now
                ),
            )
            .order_by(col(OutboxMessage.available_at), col(OutboxMessage.id))
            .limit(self._batch_size)
        )
        if self._engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        lease_until = now + self._lease
        with transaction(self._engine) as session:
            rows = list(session.exec(due))
            session.expunge_all()  # plain snapshots from here on: the lease is set in SQL
            if rows:
                session.exec(
                    update(OutboxMessage)
                    .where(col(OutboxMessage.id).in_([row.id for row in rows]))
                    .values(lease_until=lease_until)
                    .execution_options(synchronize_session=False)
                )
        for row in rows:
            row.lease_until = lease_until
        return rows

    def _record(self, row: OutboxMessage, outcome: SendOutcome, report: DispatchReport) -> None:
        """Commit one outcome (its own short transaction) and count it."""
        now = self._clock.now()
        if outcome.status is SendStatus.SENT:
            self._update(row, {"status": "sent", "sent_at": now, "lease_until": None}, own=False)
            report.sent += 1
        elif outcome.status is SendStatus.DEAD:
            self._bury(row, outcome.answer, attempts=row.attempts + 1)
            report.dead += 1
        elif outcome.status is SendStatus.RETRY:
            if self._retry(row, outcome, now, report):
                report.retry += 1
            else:
                report.dead += 1
        else:
            if not report.paused:
                log.error("%s: %s", AUTH_PAUSED_LOG, outcome.answer or "no reply")
            report.paused = True
            self._update(row, {"lease_until": None})

    def _retry(
        self, row: OutboxMessage, outcome: SendOutcome, now: datetime, report: DispatchReport
    ) -> bool:
        """Schedule another attempt; False when the attempts are used up (dead-lettered).

        Only answers count as attempts (a day-long outage of the server at quarter close must
        not dead-letter what is owed); without an answer (code None) the delay grows with the
        row's age instead: as long as it has waited, at least 30 s, at most an hour.
        """
        if outcome.code is None:
            report.unanswered += 1
            waited = min(max(now - row.created_at, BACKOFF_BASE), BACKOFF_CAP)
            delay = max(backoff_delay(row.attempts), waited)
            self._update(
                row,
                {"available_at": now + delay, "lease_until": None, "last_error": outcome.answer},
            )
            return True
        attempts = row.attempts + 1
        if attempts >= self._max_attempts:
            error = f"gave up after {attempts} attempts; last answer: {outcome.answer}"
            self._bury(row, error, attempts=attempts)
            return False
        self._update(
            row,
            {
                "attempts": attempts,
                "available_at": now + backoff_delay(row.attempts),
                "lease_until": None,
                "last_error": outcome.answer,
            },
        )
        return True

    def _bury(self, row: OutboxMessage, error: str, *, attempts: int | None = None) -> None:
        """Dead-letter a row: an admin looks at it (`kinerja outbox list --status dead`)."""
        values: dict[str, Any] = {"status": "dead", "lease_until": None, "last_error": error}
        if attempts is not None:
            values["attempts"] = attempts
        self._update(row, values)

    def _update(self, row: OutboxMessage, values: dict[str, Any], *, own: bool = True) -> None:
        """Update a pending row; with `own`, only while it still carries our lease.

        A row whose lease ran out may have been claimed by another dispatcher; its record wins.
        A successful send is recorded regardless (the message did go out).
        """
        conditions = [col(OutboxMessage.id) == row.id, col(OutboxMessage.status) == "pending"]
        if own:
            conditions.append(col(OutboxMessage.lease_until) == row.lease_until)
        statement = (
            update(OutboxMessage)
            .where(*conditions)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        with transaction(self._engine) as session:
            changed = session.exec(statement).rowcount
        if changed == 0:
            log.warning("outbox %s: lease lost before recording %s", row.id, values)


def list_outbox(
    session: Session, status: str | None = None, limit: int = 50
) -> Sequence[OutboxMessage]:
    """The newest outbox rows, optionally of one status, for the admin to inspect."""
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(col(OutboxMessage.status) == status)
    query = query.order_by(col(OutboxMessage.id).desc()).limit(limit)
    return session.exec(query).all()


def retry_dead(session: Session, ids: Sequence[int] | None, now: datetime) -> list[int]:
    """Give dead messages a fresh start (pending, attempts 0, due `now`); returns their ids.

    Only dead rows are touched; `ids` None means every dead row. The caller commits.
    """
    query = select(OutboxMessage.id).where(col(OutboxMessage.status) == "dead")
    if ids is not None:
        query = query.where(col(OutboxMessage.id).in_(list(ids)))
    revived = sorted(i for i in session.exec(query).all() if i is not None)
    if revived:
        session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(revived), col(OutboxMessage.status) == "dead")
            .values(status="pending", attempts=0, available_at=now, lease_until=None)
            .execution_options(synchronize_session=False)
        )
    return revived

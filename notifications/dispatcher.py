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

The claim runs in a worker thread (`asyncio.to_thread`): it may wait on other dispatchers'
locks. Outcomes are written from the loop itself, each a short commit on a connection held
for the batch (`OutboxLedger`): the loop runs one drain and would only wait for them anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import Engine, or_, update
from sqlmodel import col, select

from db.database import transaction
from db.workflow_models import OutboxMessage
from engine.clock import Clock
from notifications.mailer import Mailer, SendOutcome, SendStatus, build_email
from notifications.outbox import OutboxLedger, dead_values

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "OUTBOX_STATUSES",
    "DispatchReport",
    "Dispatcher",
    "RenderedEmail",
    "Renderer",
    "backoff_delay",
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

        While a batch is sent, the next one is claimed and composed (`_prepare_ahead`) in the
        time the loop would spend waiting for the server's replies. A drain that stops gives
        the rows it prepared but did not send back at once (`_release`).
        """
        total = DispatchReport()
        batch = await self._prepare()
        for remaining in reversed(range(max_batches)):
            ahead = None
            if remaining and batch.rows:
                ahead = asyncio.create_task(self._prepare(cooperative=True))
            try:
                report = await self._deliver(batch)
            except BaseException:
                if ahead is not None:
                    ahead.cancel()  # a claim already made keeps its lease until it expires
                raise
            total.add(report)
            unreachable = report.unanswered > 0 and report.sent == 0
            if ahead is None or report.paused or unreachable:
                if ahead is not None:
                    await self._release(await ahead)
                break
            batch = await ahead
        return total

    async def run_once(self) -> DispatchReport:
        """Claim one batch of due rows, send it, and record each outcome as it arrives."""
        return await self._deliver(await self._prepare())

    async def _prepare(self, *, cooperative: bool = False) -> _Prepared:
        """Claim a batch and compose its messages; a row that cannot be rendered is set apart.

        `cooperative`: yield to the event loop after each message, so that composing the next
        batch fills the loop's idle time (the server's replies) instead of delaying them.
        """
        batch = _Prepared(await asyncio.to_thread(self._claim))
        for row in batch.rows:
            try:
                message = self._compose(row)
            except Exception as exc:
                error = f"rendering failed: {type(exc).__name__}: {exc}"
                log.error("outbox %s (%s) dead-lettered: %s", row.id, row.kind, error, exc_info=exc)
                batch.unrenderable.append((row, error))
            else:
                batch.ready.append(row)
                batch.messages.append(message)
            if cooperative:
                await asyncio.sleep(0)
        return batch

    async def _deliver(self, batch: _Prepared) -> DispatchReport:
        """Send a prepared batch and record each outcome as it arrives."""
        report = DispatchReport(claimed=len(batch.rows))
        if not batch.rows:
            return report
        ledger = OutboxLedger(self._engine)
        try:
            await self._send(batch, ledger, report)
        finally:
            ledger.close()
        return report

    async def _send(self, batch: _Prepared, ledger: OutboxLedger, report: DispatchReport) -> None:
        if batch.unrenderable:
            self._bury_all(ledger, batch.unrenderable)
            report.dead += len(batch.unrenderable)
        ready = batch.ready
        recorded: set[int] = set()

        async def on_outcome(index: int, outcome: SendOutcome) -> None:
            if index in recorded or index >= len(ready):
                return
            recorded.add(index)
            self._record(ledger, ready[index], outcome, report)

        outcomes = await self._mailer.send_batch(batch.messages, on_outcome=on_outcome)
        for index, outcome in enumerate(outcomes):  # for mailers that do not call back
            await on_outcome(index, outcome)
        if len(outcomes) < len(ready):
            log.warning("mailer answered %d of %d messages", len(outcomes), len(ready))

    async def _release(self, batch: _Prepared) -> None:
        """Give back the leases of a batch claimed ahead that will not be sent now."""
        if batch.rows:
            await asyncio.to_thread(self._release_rows, batch.rows)

    def _release_rows(self, rows: list[OutboxMessage]) -> None:
        ledger = OutboxLedger(self._engine)
        try:
            for row in rows:
                ledger.update(row, {"lease_until": None})
        finally:
            ledger.close()

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

    def _record(
        self, ledger: OutboxLedger, row: OutboxMessage, outcome: SendOutcome, report: DispatchReport
    ) -> None:
        """Commit one outcome (its own short transaction) and count it."""
        now = self._clock.now()
        if outcome.status is SendStatus.SENT:
            values = {"status": "sent", "sent_at": now, "lease_until": None}
            ledger.update(row, values, own=False)
            report.sent += 1
        elif outcome.status is SendStatus.DEAD:
            ledger.update(row, dead_values(outcome.answer, attempts=row.attempts + 1))
            report.dead += 1
        elif outcome.status is SendStatus.RETRY:
            if self._retry(ledger, row, outcome, now, report):
                report.retry += 1
            else:
                report.dead += 1
        else:
            if not report.paused:
                log.error("%s: %s", AUTH_PAUSED_LOG, outcome.answer or "no reply")
            report.paused = True
            ledger.update(row, {"lease_until": None})

    def _retry(
        self,
        ledger: OutboxLedger,
        row: OutboxMessage,
        outcome: SendOutcome,
        now: datetime,
        report: DispatchReport,
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
            ledger.update(
                row,
                {"available_at": now + delay, "lease_until": None, "last_error": outcome.answer},
            )
            return True
        attempts = row.attempts + 1
        if attempts >= self._max_attempts:
            error = f"gave up after {attempts} attempts; last answer: {outcome.answer}"
            ledger.update(row, dead_values(error, attempts=attempts))
            return False
        ledger.update(
            row,
            {
                "attempts": attempts,
                "available_at": now + backoff_delay(row.attempts),
                "lease_until": None,
                "last_error": outcome.answer,
            },
        )
        return True

    def _bury_all(self, ledger: OutboxLedger, rows: list[tuple[OutboxMessage, str]]) -> None:
        """Dead-letter the rows that could not be rendered (an admin looks at them)."""
        for row, error in rows:
            ledger.update(row, dead_values(error))


@dataclass(slots=True)
class _Prepared:
    """A claimed batch, composed: the rows to send with their messages, and those that
    could not be rendered (dead-lettered when the batch is delivered)."""

    rows: list[OutboxMessage]
    ready: list[OutboxMessage] = field(default_factory=list)
    messages: list[EmailMessage] = field(default_factory=list)
    unrenderable: list[tuple[OutboxMessage, str]] = field(default_factory=list)

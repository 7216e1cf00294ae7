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
locks. Outcomes are written from the loop itself, each a short commit of a unit of work held
for the batch (`_Ledger`): the loop runs one drain and would only wait for them anyway.
What each answer does to a message is engine.outbox's; the claim and the records are the
use cases of engine.usecases.outbox.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from typing import Protocol, TypeVar, overload

from engine.clock import Clock
from engine.outbox import OutboxEntry, Recorded
from engine.ports import UnitOfWork, UnitOfWorkFactory
from engine.usecases.outbox import (
    bury_unrenderable,
    claim_batch,
    record_delivery,
    release_batch,
)
from notifications.mailer import Mailer, SendOutcome, SendStatus, build_email

__all__ = [
    "AUTH_PAUSED_LOG",
    "DispatchReport",
    "Dispatcher",
    "RenderedEmail",
    "Renderer",
]

log = logging.getLogger(__name__)
_T = TypeVar("_T")

AUTH_PAUSED_LOG = "SMTP authentication failed; dispatcher paused"


class RenderedEmail(Protocol):
    """What a renderer produces (notifications.render.Email fits)."""

    @property
    def subject(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def html(self) -> str: ...


Renderer = Callable[[OutboxEntry], RenderedEmail]


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
        uows: UnitOfWorkFactory,
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
        self._uows = uows
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

        While a batch is sent, the next one is claimed and rendered (`_prepare`, cooperative) in
        the time the loop would spend waiting for the server's replies; its messages are built
        as they are sent (`_Messages`). A drain that stops gives
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
        """Claim a batch and render its emails; a row that cannot be rendered is set apart.

        The MIME messages are built later, each when the mailer comes to it (`_Messages`): a
        built message is some 600 objects, and a batch of them held while the one before was
        sent kept the garbage collector's full passes busy (bench_dispatch: a drain took 13%
        longer; more in a process holding the whole application).

        `cooperative`: yield to the event loop after each email, so that rendering the next
        batch fills the loop's idle time (the server's replies) instead of delaying them.
        """
        batch = _Prepared(await asyncio.to_thread(self._claim))
        for row in batch.rows:
            try:
                rendered = self._render(row)
            except Exception as exc:
                self._unrenderable(batch.unrenderable, row, exc)
            else:
                batch.ready.append(row)
                batch.rendered.append(rendered)
            if cooperative:
                await asyncio.sleep(0)
        return batch

    @staticmethod
    def _unrenderable(
        into: list[tuple[OutboxEntry, str]], row: OutboxEntry, exc: Exception
    ) -> None:
        error = f"rendering failed: {type(exc).__name__}: {exc}"
        log.error("outbox %s (%s) dead-lettered: %s", row.id, row.kind, error, exc_info=exc)
        into.append((row, error))

    async def _deliver(self, batch: _Prepared) -> DispatchReport:
        """Send a prepared batch and record each outcome as it arrives."""
        report = DispatchReport(claimed=len(batch.rows))
        if not batch.rows:
            return report
        ledger = _Ledger(self._uows)
        try:
            await self._send(batch, ledger, report)
        finally:
            ledger.close()
        return report

    async def _send(self, batch: _Prepared, ledger: _Ledger, report: DispatchReport) -> None:
        if batch.unrenderable:
            self._bury_all(ledger, batch.unrenderable)
            report.dead += len(batch.unrenderable)
        start = 0
        while start < len(batch.ready):
            ready = batch.ready[start:]
            rendered = batch.rendered[start:]
            try:
                await self._send_part(ready, rendered, ledger, report)
            except _UnbuildableError as failed:  # the messages before it went out and are recorded
                unbuildable: list[tuple[OutboxEntry, str]] = []
                self._unrenderable(unbuildable, ready[failed.index], failed.error)
                self._bury_all(ledger, unbuildable)
                report.dead += 1
                start += failed.index + 1
            else:
                return

    async def _send_part(
        self,
        ready: list[OutboxEntry],
        rendered: list[RenderedEmail],
        ledger: _Ledger,
        report: DispatchReport,
    ) -> None:
        recorded: set[int] = set()

        async def on_outcome(index: int, outcome: SendOutcome) -> None:
            if index in recorded or index >= len(ready):
                return
            recorded.add(index)
            self._record(ledger, ready[index], outcome, report)

        messages = _Messages(lambda i: self._compose(ready[i], rendered[i]), len(ready))
        outcomes = await self._mailer.send_batch(messages, on_outcome=on_outcome)
        for index, outcome in enumerate(outcomes):  # for mailers that do not call back
            await on_outcome(index, outcome)
        if len(outcomes) < len(ready):
            log.warning("mailer answered %d of %d messages", len(outcomes), len(ready))

    async def _release(self, batch: _Prepared) -> None:
        """Give back the leases of a batch claimed ahead that will not be sent now."""
        if batch.rows:
            await asyncio.to_thread(self._release_rows, batch.rows)

    def _release_rows(self, rows: list[OutboxEntry]) -> None:
        with self._uows(write=True) as uow:
            release_batch(uow, rows)

    def _compose(self, row: OutboxEntry, rendered: RenderedEmail) -> EmailMessage:
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

    def _claim(self) -> list[OutboxEntry]:
        """Lease up to batch_size due rows in one short write transaction."""
        with self._uows(write=True) as uow:
            return claim_batch(uow, now=self._clock.now(), size=self._batch_size, lease=self._lease)

    def _record(
        self, ledger: _Ledger, row: OutboxEntry, outcome: SendOutcome, report: DispatchReport
    ) -> None:
        """Commit one outcome (its own short transaction) and count it."""
        if outcome.status is SendStatus.AUTH_FAILED and not report.paused:
            log.error("%s: %s", AUTH_PAUSED_LOG, outcome.answer or "no reply")
        recorded, kept = ledger.run(
            lambda uow: record_delivery(
                uow,
                row,
                outcome.status,
                code=outcome.code,
                answer=outcome.answer,
                now=self._clock.now(),
                max_attempts=self._max_attempts,
            )
        )
        if not kept:
            log.warning("outbox %s: lease lost before recording %s", row.id, outcome.status)
        if recorded is Recorded.SENT:
            report.sent += 1
        elif recorded is Recorded.DEAD:
            report.dead += 1
        elif recorded is Recorded.RETRY:
            report.retry += 1
            if outcome.code is None:
                report.unanswered += 1
        else:
            report.paused = True

    def _bury_all(self, ledger: _Ledger, rows: list[tuple[OutboxEntry, str]]) -> None:
        """Dead-letter the rows that could not be rendered (an admin looks at them)."""
        for row, error in rows:
            if not ledger.run(functools.partial(bury_unrenderable, entry=row, error=error)):
                log.warning("outbox %s: lease lost before recording %s", row.id, error)


class _Ledger:
    """Where one batch records its outcomes: one unit of work held for the batch, committed
    once per outcome.

    Each outcome is committed before the next message goes out (that is what bounds a crash
    to one duplicate), so its cost is paid once per message on the critical path. Hence one
    connection for the batch (no pool checkout, and on PostgreSQL no pre-ping, per message),
    and no hop to a worker thread: the loop has nothing else to do meanwhile (it runs one
    drain), and on a busy machine the hop alone can cost more than the write. A commit is
    short (one row, by primary key); the claim, which may wait for other dispatchers'
    locks, still runs in a thread.
    """

    def __init__(self, uows: UnitOfWorkFactory) -> None:
        self._uows = uows
        self._uow: UnitOfWork | None = None

    def run(self, use_case: Callable[[UnitOfWork], _T]) -> _T:
        """Run a use case on the batch's unit of work (opened on first use)."""
        if self._uow is None:
            self._uow = self._uows(write=True)
        try:
            return use_case(self._uow)
        except BaseException:
            self.close()  # a fresh connection for the next outcome, should one come
            raise

    def close(self) -> None:
        """Give the connection back to the pool."""
        if self._uow is not None:
            uow, self._uow = self._uow, None
            uow.__exit__(None, None, None)


@dataclass(slots=True)
class _Prepared:
    """A claimed batch, rendered: the rows to send with their emails, and those that could
    not be rendered (dead-lettered when the batch is delivered)."""

    rows: list[OutboxEntry]
    ready: list[OutboxEntry] = field(default_factory=list)
    rendered: list[RenderedEmail] = field(default_factory=list)
    unrenderable: list[tuple[OutboxEntry, str]] = field(default_factory=list)


class _UnbuildableError(Exception):
    """The message at `index` could not be built (an address or header the builder refuses)."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(index, error)
        self.index = index
        self.error = error


class _Messages(Sequence[EmailMessage]):
    """A batch's messages for the mailer, each built when the mailer asks for it.

    Only the message being sent is alive (the last one built is kept: a mailer that
    reconnects asks for it again), so the messages die young instead of waiting as a batch.
    One that cannot be built raises `_UnbuildableError` out of the mailer's `send_batch`; the
    dispatcher dead-letters it and hands the rest to the mailer again.
    """

    def __init__(self, build: Callable[[int], EmailMessage], count: int) -> None:
        self._build = build
        self._count = count
        self._index = -1
        self._message: EmailMessage | None = None

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> EmailMessage: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[EmailMessage]: ...

    def __getitem__(self, index: int | slice) -> EmailMessage | Sequence[EmailMessage]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        if index != self._index or self._message is None:
            try:
                self._message = self._build(index)
            except Exception as exc:
                raise _UnbuildableError(index, exc) from exc
            self._index = index
        return self._message

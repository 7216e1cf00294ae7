"""The unit of work on SQLAlchemy: one connection, one transaction, the repositories on it.

`SqlUnitOfWork` implements `engine.ports.UnitOfWork`. It opens its connection on first
use and begins a transaction on the first statement after the last one ended. A reader's
unit of work begins plain (deferred) transactions: on SQLite in WAL mode they neither take
nor wait for the write lock. A use case writes inside `writing()`: the read transaction
before it is ended, and the next one begins with BEGIN IMMEDIATE on SQLite, so that it
queues on the busy timeout instead of failing between its read and its write; its commit
ends it (later reads are plain again). A writer's unit of work for good (`write=True`)
takes BEGIN IMMEDIATE for every transaction. Every repository works on the one
connection (Core statements) or on the one ORM session bound to it, so a use case's
reads and its write are one transaction.

`commit` writes the collected events through the outbox repository, flushes the
session and commits; leaving the context without committing rolls back. After a
commit the unit of work may be used again: the next statement begins a new
transaction (the web's request dependency relies on this for the page it renders
after an action).

The repositories are made on first use and dropped when the transaction ends, by
`repository`, not `functools.cached_property`: on Python 3.11 that holds one lock per
attribute, shared by every instance in the process, while its getter runs, and most
getters here open the connection. With the pool empty, one request waited for a
connection inside `uow.accounts` holding that lock, while the requests holding the
pool's connections waited for the same lock to reach `uow.accounts` again (after their
read transaction ended): nobody gave a connection back until the pool's 30 s timeout
(the saturated PostgreSQL recap stall of docs/performance.md). A unit of work belongs to
one thread at a time, so its repositories need no lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, overload

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from db.accounts import PASSWORDS, Argon2Passwords, SqlAccounts
from db.admin import SqlAdmin, SqlHolidays
from db.audit import SqlAdminLog, SqlAudit, SqlComments, SqlNotifications
from db.catalogue import SqlCatalogue
from db.database import WRITE_OPTION
from db.documents import SqlDocuments, SqlReports
from db.evidence import LocalFileStore, SqlEvidence
from db.organisation import SqlOrganisation
from db.outbox import SqlOutbox, SqlPending, SqlReminders
from db.pks import SqlPks
from db.recap import SqlRecaps
from db.workflow import SqlWorkflowStore
from engine.events import DomainEvent

_REPOSITORIES = (
    "workflow",
    "outbox",
    "accounts",
    "admin",
    "holidays",
    "recaps",
    "pending",
    "reminders",
    "documents",
    "reports",
    "pks",
    "evidence",
    "audit",
    "admin_log",
    "comments",
    "notifications",
    "organisation",
    "catalogue",
)
"""Names of the cached repositories, dropped when the transaction ends."""

R = TypeVar("R")


class repository(Generic[R]):  # noqa: N801 (used as a decorator, like property)
    """A repository of the unit of work, made on first use and kept in the instance until
    `_end_transaction` drops it: `functools.cached_property` without its lock (see the
    module's docstring: held while the getter waited for a pooled connection, it stalled
    every request holding one)."""

    def __init__(self, make: Callable[[SqlUnitOfWork], R]) -> None:
        self._make = make
        self._name = make.__name__
        self.__doc__ = make.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, instance: SqlUnitOfWork, owner: type | None = None) -> R: ...

    def __get__(self, instance: SqlUnitOfWork | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        cache = instance.__dict__
        if self._name not in cache:
            cache[self._name] = self._make(instance)
        return cache[self._name]


class SqlUnitOfWork:
    """One transaction on one connection, with the repositories that work inside it."""

    def __init__(
        self, engine: Engine, *, write: bool = False, evidence_dir: Path | None = None
    ) -> None:
        self._engine = engine
        self.write = write
        self._evidence_dir = evidence_dir
        self._connection: Connection | None = None
        self._session: Session | None = None
        self._events: list[DomainEvent] = []
        self._writing = False

    # --- the transaction ----------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def connection(self) -> Connection:
        """The connection of this unit of work (opened on first use)."""
        if self._connection is None:
            connection = self._engine.connect()
            if self.write or self._writing:
                connection.execution_options(**{WRITE_OPTION: True})
            self._connection = connection
        return self._connection

    @property
    def session(self) -> Session:
        """The ORM session joined to this unit of work's transaction (made on first use)."""
        if self._session is None:
            connection = self.connection
            if not connection.in_transaction():
                connection.begin()
            # Joined, never owning: only this unit of work commits or rolls back.
            self._session = Session(
                bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
        return self._session

    @property
    def events(self) -> Sequence[DomainEvent]:
        """Events collected and not yet written to the outbox."""
        return tuple(self._events)

    def collect(self, *events: DomainEvent) -> None:
        """Record what happened; the events become outbox rows when the work commits."""
        self._events.extend(events)

    def publish(self) -> int:
        """Write the collected events to the outbox now, in this transaction."""
        events, self._events = self._events, []
        return self.outbox.add([event.message() for event in events])

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The write transaction of a use case: the read transaction before it ends, the
        next begins with the write lock (SQLite: BEGIN IMMEDIATE); leaving it without a
        commit rolls back. Nested uses join the outer one."""
        if self._writing:
            yield
            return
        if not self.write:
            self._end_reads()
        self._writing = True
        self._lock_next(True)
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        finally:
            self._writing = False
            if not self.write:
                self.rollback()  # nothing left uncommitted holds the lock
                self._lock_next(False)

    def commit(self) -> None:
        """Publish the collected events, flush the session and commit (inside `writing()`
        unless this is a writer's unit of work for good)."""
        if not (self.write or self._writing):
            raise RuntimeError("a reader's unit of work commits only inside writing()")
        self.publish()
        if self._session is not None:
            self._session.flush()
        if self._connection is not None and self._connection.in_transaction():
            self._connection.commit()
        self._end_transaction()
        if not self.write:
            self._lock_next(False)  # what is read after the commit is read unlocked

    def _end_reads(self) -> None:
        """End the read transaction before a write one; nothing may be waiting to be written."""
        pending = self._session is not None and bool(
            self._session.new or self._session.dirty or self._session.deleted
        )
        if self._events or pending:
            raise RuntimeError("changes made outside writing() would be lost")
        self.rollback()

    def _lock_next(self, write: bool) -> None:
        """Whether the next transaction on the connection begins with the write lock."""
        if self._connection is not None:
            self._connection.execution_options(**{WRITE_OPTION: write})

    def rollback(self) -> None:
        """Forget everything done and collected."""
        self._events = []
        if self._connection is not None and self._connection.in_transaction():
            self._connection.rollback()
        self._end_transaction()

    def close(self) -> None:
        """Roll back what was not committed and give the connection back to the pool."""
        try:
            self.rollback()
        finally:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def release(self) -> None:
        """End the read transaction and give the connection back to the pool until the next
        statement needs one: for slow work outside the database (a password hash) after the
        reads it needs. Outside `writing()`, with nothing waiting to be written; a writer's
        unit of work for good (a command) keeps its transaction and connection."""
        if self._writing:
            raise RuntimeError("release() inside writing() would end the write transaction")
        if self.write:
            return
        self._end_reads()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _end_transaction(self) -> None:
        """Drop the session and the repositories: they belong to the transaction that ended."""
        if self._session is not None:
            self._session.close()
            self._session = None
        for name in _REPOSITORIES:
            self.__dict__.pop(name, None)

    # --- repositories -------------------------------------------------------------------

    @repository
    def workflow(self) -> SqlWorkflowStore:
        """Workflow documents and their transitions."""
        return SqlWorkflowStore.on_connection(self.connection, session=lambda: self.session)

    @repository
    def accounts(self) -> SqlAccounts:
        """Accounts and the officials they are."""
        return SqlAccounts(self.session)

    @property
    def passwords(self) -> Argon2Passwords:
        """Password hashing (argon2; not transactional)."""
        return PASSWORDS

    @repository
    def admin(self) -> SqlAdmin:
        """Officials, assignments and position titles as the administrator keeps them."""
        return SqlAdmin(self.session)

    @repository
    def holidays(self) -> SqlHolidays:
        """The holiday table."""
        return SqlHolidays(self.session)

    @repository
    def recaps(self) -> SqlRecaps:
        """The recap of a period (from the process's cache) and the data shown around it."""
        return SqlRecaps(self._engine, lambda: self.session)

    @repository
    def pending(self) -> SqlPending:
        """The pending documents and what their steps and deadlines come from."""
        return SqlPending(lambda: self.session)

    @repository
    def reminders(self) -> SqlReminders:
        """The reminder rungs sent."""
        return SqlReminders(lambda: self.session)

    @repository
    def documents(self) -> SqlDocuments:
        """What reports and PKs have in common."""
        return SqlDocuments(self.session)

    @repository
    def reports(self) -> SqlReports:
        """Quarterly reports and their entries."""
        return SqlReports(self.session)

    @repository
    def pks(self) -> SqlPks:
        """Perjanjian Kinerja: revisions, targets, budget lines."""
        return SqlPks(self.session)

    @repository
    def evidence(self) -> SqlEvidence:
        """The rows of evidence files."""
        return SqlEvidence(self.session)

    @property
    def evidence_files(self) -> LocalFileStore:
        """The evidence files on disk (the container's evidence directory)."""
        if self._evidence_dir is None:
            raise RuntimeError("this unit of work was made without an evidence directory")
        return LocalFileStore(self._evidence_dir)

    @repository
    def audit(self) -> SqlAudit:
        """The transition log, read as an auditor does."""
        return SqlAudit(self.session)

    @repository
    def admin_log(self) -> SqlAdminLog:
        """The hash-chained log of administrators' actions."""
        return SqlAdminLog(self.session)

    @repository
    def comments(self) -> SqlComments:
        """The comment threads of documents."""
        return SqlComments(self.session)

    @repository
    def notifications(self) -> SqlNotifications:
        """The outbox read as each official's notifications, with their read marks."""
        return SqlNotifications(self.session)

    @repository
    def organisation(self) -> SqlOrganisation:
        """The organisation: read and import."""
        return SqlOrganisation(self.session)

    @repository
    def catalogue(self) -> SqlCatalogue:
        """The indicator catalogue and the PK rows its workbook carries."""
        return SqlCatalogue(self.session)

    @repository
    def outbox(self) -> SqlOutbox:
        """The outbox's only writer."""
        return SqlOutbox(self.connection)


class SqlUnitOfWorkFactory:
    """Makes units of work on one engine (`engine.ports.UnitOfWorkFactory`)."""

    def __init__(self, engine: Engine, *, evidence_dir: Path | None = None) -> None:
        self.engine = engine
        self.evidence_dir = evidence_dir

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write=write, evidence_dir=self.evidence_dir)

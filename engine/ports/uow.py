"""The unit of work: one transaction with its repositories, collecting the events of a use case."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from functools import wraps
from types import TracebackType
from typing import Concatenate, ParamSpec, Protocol, Self, TypeVar

from engine.events import DomainEvent
from engine.ports.accounts import (
    AccountRepository,
    AdminRepository,
    HolidayRepository,
    PasswordHasher,
)
from engine.ports.audit import AdminLogRepository
from engine.ports.documents import (
    AuditRepository,
    DocumentRepository,
    EvidenceRepository,
    FileStore,
    PkRepository,
    ReportRepository,
)
from engine.ports.organisation import (
    CatalogueRepository,
    OrganisationRepository,
    RecapRepository,
)
from engine.ports.outbox import OutboxRepository, PendingRepository, RemindersRepository
from engine.ports.threads import CommentRepository, NotificationRepository
from engine.ports.workflow import WorkflowRepository

# --- the unit of work -------------------------------------------------------------------


class UnitOfWork(Protocol):
    """One transaction at a time with its repositories, collecting the events of a use case.

    Used as a context manager: leaving it without `commit` rolls everything back.

    A reader's unit of work (the default) reads in plain transactions, which on SQLite
    neither take nor wait for the write lock. A use case writes inside `writing()`: the
    read transaction before it ends, and its own transaction is a writer's (on SQLite,
    BEGIN IMMEDIATE: it queues for the lock up front instead of failing between its read
    and its write), ended by its commit, or rolled back when it leaves. Whatever is slow
    and needs no lock (a password hash, a file written, a page rendered) is done before
    or after it. `commit` is refused outside `writing()` unless the unit of work was made
    a writer's for good (`write=True`: the command line, the dispatcher, the demo).
    """

    @property
    def workflow(self) -> WorkflowRepository:
        """Workflow documents and their transitions."""
        ...

    @property
    def accounts(self) -> AccountRepository:
        """Accounts and the officials they are."""
        ...

    @property
    def passwords(self) -> PasswordHasher:
        """Password hashing (not transactional; here so use cases reach it like the rest)."""
        ...

    @property
    def admin(self) -> AdminRepository:
        """Officials, assignments and position titles as the administrator keeps them."""
        ...

    @property
    def holidays(self) -> HolidayRepository:
        """The holiday table."""
        ...

    @property
    def recaps(self) -> RecapRepository:
        """The recap of a period and the data shown around it."""
        ...

    @property
    def pending(self) -> PendingRepository:
        """The pending documents and what their steps and deadlines come from."""
        ...

    @property
    def reminders(self) -> RemindersRepository:
        """The reminder rungs sent."""
        ...

    @property
    def documents(self) -> DocumentRepository:
        """What reports and PKs have in common."""
        ...

    @property
    def reports(self) -> ReportRepository:
        """Quarterly reports and their entries."""
        ...

    @property
    def pks(self) -> PkRepository:
        """Perjanjian Kinerja: revisions, targets, budget lines."""
        ...

    @property
    def evidence(self) -> EvidenceRepository:
        """The rows of evidence files."""
        ...

    @property
    def evidence_files(self) -> FileStore:
        """The evidence files themselves."""
        ...

    @property
    def audit(self) -> AuditRepository:
        """The transition log, read as an auditor does."""
        ...

    @property
    def admin_log(self) -> AdminLogRepository:
        """The hash-chained log of administrators' actions."""
        ...

    @property
    def organisation(self) -> OrganisationRepository:
        """The organisation: read and import."""
        ...

    @property
    def catalogue(self) -> CatalogueRepository:
        """The indicator catalogue and the PK rows its workbook carries."""
        ...

    @property
    def comments(self) -> CommentRepository:
        """The comment threads of documents."""
        ...

    @property
    def notifications(self) -> NotificationRepository:
        """The outbox read as each official's notifications, with their read marks."""
        ...

    @property
    def outbox(self) -> OutboxRepository:
        """The outbox (written only through `publish` and `commit`)."""
        ...

    @property
    def events(self) -> Sequence[DomainEvent]:
        """Events collected and not yet written to the outbox."""
        ...

    def collect(self, *events: DomainEvent) -> None:
        """Record what happened; the events become outbox rows when the work commits."""
        ...

    def publish(self) -> int:
        """Write the collected events to the outbox now (same transaction); how many were new."""
        ...

    def writing(self) -> AbstractContextManager[None]:
        """The write transaction of a use case (see the class); nested uses join the outer."""
        ...

    def commit(self) -> None:
        """Publish the collected events and commit the transaction (inside `writing()`)."""
        ...

    def rollback(self) -> None:
        """Forget everything done and collected."""
        ...

    def release(self) -> None:
        """End the read transaction and give the connection back while slow work runs
        outside the database (a password hash): a login flood must not hold the pool's
        connections while it queues for the hasher. The next statement takes one again."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Makes a unit of work: a reader's, whose use cases write inside `writing()`, or a
    writer's for good (`write=True`: every transaction takes the write lock from its first
    statement, for a command or a job that only writes)."""

    def __call__(self, *, write: bool = False) -> UnitOfWork: ...


U = TypeVar("U", bound=UnitOfWork)
P = ParamSpec("P")
R = TypeVar("R")


def writes(use_case: Callable[Concatenate[U, P], R]) -> Callable[Concatenate[U, P], R]:
    """Run a use case, whose reads and write are one transaction, inside `uow.writing()`."""

    @wraps(use_case)
    def run(uow: U, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with uow.writing():
            return use_case(uow, *args, **kwargs)

    return run

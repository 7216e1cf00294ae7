"""The unit of work: one transaction with its repositories, collecting the events of a use case."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, Self

from engine.events import DomainEvent
from engine.ports.accounts import (
    AccountRepository,
    AdminRepository,
    HolidayRepository,
    PasswordHasher,
)
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
from engine.ports.workflow import WorkflowRepository

# --- the unit of work -------------------------------------------------------------------


class UnitOfWork(Protocol):
    """One transaction with its repositories, collecting the events of a use case.

    Used as a context manager: leaving it without `commit` rolls everything back.
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
    def organisation(self) -> OrganisationRepository:
        """The organisation: read and import."""
        ...

    @property
    def catalogue(self) -> CatalogueRepository:
        """The indicator catalogue and the PK rows its workbook carries."""
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

    def commit(self) -> None:
        """Publish the collected events and commit the transaction."""
        ...

    def rollback(self) -> None:
        """Forget everything done and collected."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Makes a unit of work: a reader's, or a writer's (`write=True`: on SQLite it holds the
    write lock from its first statement)."""

    def __call__(self, *, write: bool = False) -> UnitOfWork: ...

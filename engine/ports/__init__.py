"""The ports: what the use cases need from the outside world, as protocols.

A use case (engine/usecases/) receives a `UnitOfWork` and `now`, and nothing else
from outside. The unit of work is one transaction: its repositories read and write
inside it, it collects the domain events the use case records, and `commit` writes
those events to the outbox through the outbox repository before the transaction
commits (so a state change and the email it causes are written together or not at
all). db/ implements these protocols on SQLAlchemy (`db.uow.SqlUnitOfWork`); the
unit tests implement them in memory (tests/unit/fakes.py).

Repositories are grouped by capability. Each protocol lists only what a use case
calls; the SQL implementation may have more for db/'s own use.

The protocols live in one module per capability (workflow, documents, organisation,
accounts, audit, outbox, threads) and the unit of work that gathers them in
`engine.ports.uow`; they are all importable from `engine.ports`.
"""

from __future__ import annotations

from engine.clock import Clock
from engine.ports.accounts import (
    AccountRepository,
    AdminRepository,
    HolidayRepository,
    PasswordHasher,
    SignedIn,
)
from engine.ports.audit import AdminLogRepository
from engine.ports.documents import (
    AuditRepository,
    DocumentRepository,
    EvidenceRepository,
    FileStore,
    PkRepository,
    ReportRepository,
    StorageFullError,
)
from engine.ports.organisation import (
    AgencyInfo,
    CatalogueRepository,
    EntryInputs,
    Organisation,
    OrganisationRepository,
    PkStatus,
    RecapData,
    RecapRepository,
    RegencyInfo,
)
from engine.ports.outbox import (
    CaughtMail,
    ClusterLock,
    OutboxRepository,
    PendingRepository,
    RemindersRepository,
)
from engine.ports.threads import (
    CommentRecord,
    CommentRepository,
    Notice,
    NotificationRepository,
)
from engine.ports.uow import UnitOfWork, UnitOfWorkFactory, writes
from engine.ports.workflow import LoggedChange, Party, StateChange, WorkflowRepository

__all__ = [
    "AccountRepository",
    "AdminLogRepository",
    "AdminRepository",
    "AgencyInfo",
    "AuditRepository",
    "CatalogueRepository",
    "CaughtMail",
    "Clock",
    "ClusterLock",
    "CommentRecord",
    "CommentRepository",
    "DocumentRepository",
    "EntryInputs",
    "EvidenceRepository",
    "FileStore",
    "HolidayRepository",
    "LoggedChange",
    "Notice",
    "NotificationRepository",
    "Organisation",
    "OrganisationRepository",
    "OutboxRepository",
    "Party",
    "PasswordHasher",
    "PendingRepository",
    "PkRepository",
    "PkStatus",
    "RecapData",
    "RecapRepository",
    "RegencyInfo",
    "RemindersRepository",
    "ReportRepository",
    "SignedIn",
    "StateChange",
    "StorageFullError",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "WorkflowRepository",
    "writes",
]

"""The ports: what the use cases need from the outside world, as protocols.

A use case (engine/usecases/) receives a `UnitOfWork` and `now`, and nothing else
from outside. The unit of work is one transaction: its repositories read and write
inside it, it collects the domain events the use case records, and `commit` writes
those events to the outbox through the outbox repository before the transaction
commits (so a state change and the email it causes are written together or not at
all). db/ implements these protocols on SQLAlchemy (`db.uow.SqlUnitOfWork`); the
unit tests implement them in memory (tests/unit/fake_uow.py).

Repositories are grouped by capability. Each protocol lists only what a use case
calls; the SQL implementation may have more for db/'s own use.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from engine.accounts import AccountInfo, ApiTokenInfo, Credentials, Throttle
from engine.budget import BudgetLine
from engine.calendar import WorkingCalendar
from engine.catalogue import CatalogDocument, CatalogueFacts
from engine.catalogue_workbook import CatalogueContents, Known, PositionEntry, TargetEntry
from engine.clock import Clock
from engine.events import DomainEvent, OutboxDraft, OutboxStatus
from engine.holiday_table import HolidayDay
from engine.imports import ImportReport
from engine.indicators import Indicator
from engine.ladder import Planned
from engine.org import Official, OrgTree, Position
from engine.orgspec import OrgDocument, OrgFacts
from engine.outbox import OutboxChange, OutboxEntry
from engine.pending import PendingDoc
from engine.progress import ReportRow
from engine.recap import IndicatorInput, Recap
from engine.records import (
    DocumentFilter,
    DocumentHead,
    DocumentRecord,
    EvidenceRecord,
    IndicatorPlace,
    LogEntry,
    PkRecord,
    ReportRecord,
    Revision,
    StoredEntry,
    StoredTargets,
)
from engine.staff import AdminCounts, AssignmentLine, AssignmentRecord
from engine.workflow import Action, Actor, DocKind, DocumentView, State

__all__ = [
    "AccountRepository",
    "AdminRepository",
    "AgencyInfo",
    "AuditRepository",
    "CatalogueRepository",
    "CaughtMail",
    "Clock",
    "ClusterLock",
    "DocumentRepository",
    "EntryInputs",
    "EvidenceRepository",
    "FileStore",
    "HolidayRepository",
    "LoggedChange",
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
]


# --- workflow ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedChange:
    """The last change of a document, to name it in a conflict."""

    actor_name: str
    at: datetime
    action: Action


@dataclass(frozen=True)
class StateChange:
    """Everything written by one transition: the new state and the log row."""

    document: DocumentView
    action: Action
    target: State
    visit: int
    at: datetime
    log: dict[str, object]
    hash: str


@dataclass(frozen=True)
class Party:
    """A signatory of a PK as printed: name, NIP and title with acting prefix."""

    name: str
    nip: str | None
    title: str


class WorkflowRepository(Protocol):
    """Workflow documents as the gate sees them, and the one writer of their state."""

    def document(
        self, kind: DocKind, doc_id: int, *, completeness: bool = True, with_org: bool = False
    ) -> DocumentView:
        """The document as the gate sees it (NotFoundError when absent).

        With `completeness` false, `missing` is left empty: only submitting needs it. With
        `with_org`, the repository may read what `org_tree_for` gives for the document's
        position in the same round trip (a hint: the answer is the same either way).
        """
        ...

    def org_tree_for(self, position_id: int) -> OrgTree:
        """The part of the organisation a document of `position_id` is decided on.

        The position and all its superiors up to the head of the agency, with every holder
        (acting officials included) of each: each question about them has the answer of the
        full tree.
        """
        ...

    def regency_head_title(self) -> str:
        """The title of the regency head (pihak kedua of a head of agency's PK)."""
        ...

    def last_change(self, kind: DocKind, doc_id: int) -> LoggedChange | None:
        """The latest log entry of the document."""
        ...

    def apply(self, change: StateChange) -> bool:
        """Compare-and-swap the state and version, append the log row; False on conflict."""
        ...

    def record_parties(self, doc_id: int, first: Party, second: Party) -> None:
        """Snapshot the signatories of an approved PK."""
        ...


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


# --- accounts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    """A live browser session: its account, the actor it is and its CSRF token."""

    account_id: int
    login: str
    actor: Actor
    csrf_token: str


class AccountRepository(Protocol):
    """Accounts and the officials they are."""

    def signed_in(self, token: str, now: datetime) -> SignedIn | None:
        """The live session of an active account with this raw session token, or None."""
        ...

    def token_user(self, raw: str, now: datetime) -> SignedIn | None:
        """The account of a live personal API token (its use noted), or None."""
        ...

    def resolve_actor(self, who: str) -> Actor:
        """The actor a NIP (grouped or not) or an account login names (NotFoundError if none)."""
        ...

    # signing in and out

    def credentials(self, login: str) -> Credentials | None:
        """The account a login name, an official's email or an 18-digit NIP names."""
        ...

    def credentials_of(self, account_id: int) -> Credentials | None:
        """The account with this id, with its password hash."""
        ...

    def throttle(self, key: str) -> Throttle | None:
        """The failures counted for a typed login (`engine.accounts.throttle_key`)."""
        ...

    def save_throttle(self, key: str, throttle: Throttle | None, now: datetime) -> None:
        """Keep the throttle of a typed login; None forgets it (a successful login)."""
        ...

    def set_password_hash(
        self, account_id: int, password_hash: str, *, changed_at: datetime | None
    ) -> None:
        """Store a new password hash (`changed_at` None: the same password, hashed anew)."""
        ...

    def start_session(self, account_id: int, now: datetime, expires_at: datetime) -> str:
        """A new browser session: the raw token for the cookie (only its SHA-256 is kept)."""
        ...

    def end_session(self, token: str) -> None:
        """Forget the session with this raw token."""
        ...

    def end_sessions(self, account_id: int, *, keep: str | None) -> int:
        """Forget every session of the account but the one with the raw token `keep`."""
        ...

    # personal API tokens

    def add_token(self, account_id: int, name: str, now: datetime) -> str:
        """A new token of the account: its raw value, shown once (only its SHA-256 is kept)."""
        ...

    def tokens(self, account_id: int) -> list[ApiTokenInfo]:
        """The account's tokens, newest first, revoked ones included."""
        ...

    def token(self, token_id: int) -> ApiTokenInfo | None:
        """A token by id, whoever owns it."""
        ...

    def revoke_token(self, token_id: int, now: datetime) -> None:
        """Mark a token revoked as of `now`."""
        ...

    # the administrator's

    def accounts(self) -> list[tuple[AccountInfo, Official | None]]:
        """Every account with its official (None for an administrator without one), by login."""
        ...

    def account_named(self, login: str) -> AccountInfo | None:
        """The account whose login is `login` (compared in lower case)."""
        ...

    def account_of(self, official_id: int) -> AccountInfo | None:
        """The account of an official, if any."""
        ...

    def officials_without_account(self) -> list[Official]:
        """The officials who have no account yet, by name."""
        ...

    def add_account(
        self,
        *,
        login: str,
        password_hash: str,
        official_id: int | None,
        is_admin: bool,
        now: datetime,
    ) -> AccountInfo:
        """Store a new account."""
        ...

    def set_active(self, account_id: int, active: bool) -> None:
        """Let the account sign in, or stop it."""
        ...


class PasswordHasher(Protocol):
    """Password hashing (argon2 in db/): slow by design, never reversible."""

    def hash(self, password: str) -> str:
        """A new hash of `password`."""
        ...

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches the hash (False for a malformed one).

        None (no such account) is checked against a dummy hash all the same and is False:
        an unknown login costs as much time as a known one.
        """
        ...

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than today's."""
        ...


# --- the administrator's: officials, assignments, position titles, holidays ----------------


class AdminRepository(Protocol):
    """Officials, their assignments and the positions' titles as the administrator keeps
    them, and the overview's counts."""

    def counts(self, today: date) -> AdminCounts:
        """The overview's counts as of `today` (the outbox's by `OutboxStatus`)."""
        ...

    def officials(self) -> list[Official]:
        """Every official, by name."""
        ...

    def official(self, official_id: int) -> Official | None:
        """The official with this id."""
        ...

    def official_with_nip(self, nip: str) -> Official | None:
        """The official with this NIP (18 bare digits)."""
        ...

    def official_with_email(self, email: str) -> Official | None:
        """An official with this email (compared in lower case)."""
        ...

    def add_official(self, *, nip: str, name: str, email: str) -> Official:
        """Store a new official."""
        ...

    def update_official(self, official: Official) -> None:
        """Store an official's name and email."""
        ...

    def position(self, position_id: int) -> Position | None:
        """The position with this id."""
        ...

    def rename_position(self, position_id: int, title: str) -> None:
        """Store a position's new title."""
        ...

    def assignment(self, assignment_id: int) -> AssignmentRecord | None:
        """The assignment with this id."""
        ...

    def assignments(
        self, *, official_id: int | None = None, position_id: int | None = None
    ) -> list[AssignmentLine]:
        """Assignments (of an official, of a position) with their official and position, in
        tree order then by start."""
        ...

    def same_assignment(
        self, official_id: int, position_id: int, status: str, valid_from: date
    ) -> AssignmentRecord | None:
        """The assignment with exactly these official, position, status and start."""
        ...

    def definitif_assignments(
        self, position_id: int, *, excluding: int | None
    ) -> list[AssignmentRecord]:
        """The position's definitif assignments (but `excluding`), after locking the position
        so that two administrators cannot both pass the one-definitif-holder check."""
        ...

    def add_assignment(
        self,
        *,
        official_id: int,
        position_id: int,
        status: str,
        valid_from: date,
        valid_to: date | None,
        decree: str | None,
    ) -> AssignmentRecord | None:
        """Store a new assignment; None when the database's one-open-definitif-holder index
        refused it (the transaction must then be rolled back)."""
        ...

    def set_assignment_end(self, assignment_id: int, valid_to: date) -> bool:
        """Store an assignment's last day; False when the one-open-definitif-holder index
        refused it (the transaction must then be rolled back)."""
        ...


class HolidayRepository(Protocol):
    """The holiday table, and the published Indonesian calendar it is seeded from."""

    def days(self, *, year: int | None, include_removed: bool) -> list[HolidayDay]:
        """Holidays in date order (of one year), removed ones too if asked."""
        ...

    def day(self, day: date) -> HolidayDay | None:
        """The row of a day, active or removed."""
        ...

    def put(self, holiday: HolidayDay, now: datetime) -> None:
        """Store a day (insert, or replace what the row says)."""
        ...

    def seed(self, years: Iterable[int], now: datetime) -> int:
        """Insert the published holidays and cuti bersama of `years` that the table has no
        row for (a day the admin removed or renamed stays as it is); how many were new."""
        ...


# --- recap ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecapData:
    """The recap of a period with the indicator inputs it was computed from."""

    items: list[IndicatorInput]
    recap: Recap


@dataclass(frozen=True)
class EntryInputs:
    """The raw inputs of one indicator in one quarterly report, or why there are none."""

    indicator_id: int
    quarter: int
    report_id: int
    report_state: str
    inputs: dict[str, str] = field(default_factory=dict)
    no_data_reason: str | None = None


class RecapRepository(Protocol):
    """The recap of a period and what the dashboard and the workbook show around it."""

    def recap(self, *, year: int, quarter: int | None, agency_code: str | None = None) -> RecapData:
        """The recap of a quarter (or the year): targets from the latest approved PKs, reports
        in any state, every agency or one.

        Computed once per change of the rows it reads and shared by every caller: the same
        `RecapData` object comes back while nothing it depends on has changed.
        """
        ...

    def org_tree(self) -> OrgTree:
        """The organisation tree, as the unit of work's transaction sees it."""
        ...

    def entry_inputs(
        self, *, year: int, indicator_ids: Collection[int]
    ) -> dict[tuple[int, int], EntryInputs]:
        """What staff typed per (indicator id, quarter) in the reports of `year` (any state)."""
        ...

    def years_with_data(self) -> list[int]:
        """Years that have indicators or reports, newest first."""
        ...


# --- documents: reports, Perjanjian Kinerja, evidence, audit trail ----------------------


class DocumentRepository(Protocol):
    """What reports and PKs have in common: their heads, whose they are, lists of them."""

    def head(self, kind: DocKind, doc_id: int, *, lock: bool = False) -> DocumentHead:
        """The document for the editing rules (NotFoundError when absent); `lock` holds its row
        for the rest of the transaction (an upload must not race a submission)."""
        ...

    def record(self, kind: DocKind, doc_id: int) -> DocumentRecord:
        """Whose the document is, its state, version and last hash (NotFoundError if absent)."""
        ...

    def position_id(self, code: str) -> int:
        """A position's id by its code (NotFoundError when unknown)."""
        ...

    def indicators(self, position_id: int, year: int) -> list[Indicator]:
        """The indicators of a position for a year, in catalogue order."""
        ...

    def touch(self, kind: DocKind, doc_id: int, now: datetime) -> None:
        """Note that the document's content changed at `now`."""
        ...

    def org_tree(self) -> OrgTree:
        """The whole organisation, to work out whose documents someone may read."""
        ...

    def page(
        self,
        kind: DocKind,
        where: DocumentFilter,
        *,
        visible: Collection[int] | None,
        offset: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of summaries (newest first) of the documents of the `visible` positions
        (None: all) matching `where`, and how many match in all."""
        ...

    def listing(self, kind: DocKind, where: DocumentFilter) -> list[dict[str, Any]]:
        """Every document matching `where`, as the CLI lists them."""
        ...


class ReportRepository(Protocol):
    """Quarterly reports: opened per quarter, their entries read and written."""

    def report(self, report_id: int) -> ReportRecord:
        """The report with each indicator's realisation and capaian (NotFoundError if absent)."""
        ...

    def positions_with_approved_pk(self, year: int) -> set[int]:
        """Positions whose PK for `year` is approved."""
        ...

    def report_positions(self, year: int, quarter: int) -> set[int]:
        """Positions that have a report for the quarter."""
        ...

    def add_reports(
        self, year: int, quarter: int, position_ids: Sequence[int], now: datetime
    ) -> list[int]:
        """Open a draft report for each position (in this order); their ids."""
        ...

    def entry(self, report_id: int, indicator_id: int) -> StoredEntry | None:
        """What is stored for one indicator of a report."""
        ...

    def save_entry(self, report_id: int, indicator_id: int, entry: StoredEntry) -> None:
        """Store an indicator's entry (insert or replace)."""
        ...

    def quarters_in(self, position_id: int, year: int, states: Collection[State]) -> set[int]:
        """Quarters of the position's reports for `year` that are in one of `states`."""
        ...


class PkRepository(Protocol):
    """Perjanjian Kinerja: revisions, targets, budget lines, the DPA date."""

    def pk(self, pk_id: int) -> PkRecord:
        """The PK with its targets and budget (NotFoundError when absent)."""
        ...

    def revisions(self, position_id: int, year: int) -> list[Revision]:
        """Every revision of a position's PK for a year, oldest first."""
        ...

    def first_submitted(self, pk_id: int) -> datetime | None:
        """When the PK was first submitted (its log), if ever."""
        ...

    def add(
        self,
        position_id: int,
        year: int,
        now: datetime,
        *,
        revision: int = 1,
        reason: str | None = None,
    ) -> int:
        """A new draft PK (revision); its id."""
        ...

    def copy_contents(self, source_id: int, target_id: int) -> None:
        """Copy the targets and budget lines of one PK into another."""
        ...

    def targets(self, pk_id: int, indicator_id: int) -> StoredTargets | None:
        """The stored targets of one indicator in a PK."""
        ...

    def revision_targets(
        self, position_id: int, year: int, revision: int, indicator_id: int
    ) -> StoredTargets | None:
        """An indicator's targets in a given revision of the position's PK."""
        ...

    def save_targets(self, pk_id: int, indicator_id: int, targets: StoredTargets) -> None:
        """Store an indicator's targets (insert or replace)."""
        ...

    def replace_budget(self, pk_id: int, lines: Sequence[BudgetLine]) -> None:
        """Replace the budget lines of a PK, in this order."""
        ...

    def agency_id(self, code: str) -> int:
        """An agency's id by its code (NotFoundError when unknown)."""
        ...

    def set_dpa_date(self, agency_id: int, year: int, day: date) -> None:
        """Record when the agency's DPA for `year` was ratified."""
        ...


class EvidenceRepository(Protocol):
    """The rows of evidence files (the bytes are the FileStore's)."""

    def add(self, evidence: EvidenceRecord) -> EvidenceRecord:
        """Store a new row (its `id` is ignored); the row as stored."""
        ...

    def get(self, evidence_id: int) -> EvidenceRecord | None:
        """One evidence row."""
        ...

    def of_report(self, report_id: int, *, include_replaced: bool = False) -> list[EvidenceRecord]:
        """A report's evidence in upload order; replaced ones only when asked."""
        ...

    def with_checksum(self, report_id: int, sha256: str) -> list[EvidenceRecord]:
        """Earlier evidence of the report with the same bytes, oldest first."""
        ...

    def retire(self, evidence_id: int) -> bool:
        """Mark an active evidence replaced; False when it no longer was active."""
        ...

    def indicator(self, indicator_id: int) -> IndicatorPlace | None:
        """Whose indicator it is and for which year."""
        ...


class StorageFullError(Exception):
    """The file store has no room left (full disk or used-up quota)."""


class FileStore(Protocol):
    """Files written once and never replaced, under paths relative to the store's root."""

    def write(self, directory: str, names: Iterable[str], data: bytes) -> str:
        """Publish `data` under the first of `names` free in `directory` (or already holding
        these very bytes); the path written. Never replaces a file: FileExistsError when no
        name is left, StorageFullError when the store is full (nothing is left behind)."""
        ...

    def read(self, path: str) -> bytes:
        """The bytes at `path`: FileNotFoundError when absent, ValueError when the path
        leads outside the store."""
        ...


class AuditRepository(Protocol):
    """The transition log, read as an auditor does."""

    def log(self, kind: DocKind, doc_id: int) -> list[LogEntry]:
        """A document's log rows, oldest first."""
        ...

    def heads(self) -> dict[tuple[DocKind, int], str | None]:
        """The last hash each document keeps."""
        ...

    def entries(self) -> Iterator[LogEntry]:
        """Every log row, by document kind, document id and row id."""
        ...


# --- organisation and catalogue -----------------------------------------------------------


@dataclass(frozen=True)
class AgencyInfo:
    """A perangkat daerah as pages and files name it."""

    id: int
    code: str
    name: str
    short_name: str


@dataclass(frozen=True)
class RegencyInfo:
    """The regency a deployment serves."""

    code: str
    name: str
    head_title: str = "Bupati"
    """The regency head's title (pihak kedua of a head of agency's PK)."""


@dataclass(frozen=True)
class Organisation:
    """The whole organisation: the regency, its agencies (by id) and the tree."""

    regency: RegencyInfo | None
    agencies: tuple[AgencyInfo, ...]
    tree: OrgTree


@dataclass(frozen=True)
class PkStatus:
    """The latest revision of a position's PK of a year: which one, and where it stands."""

    id: int
    state: State


class OrganisationRepository(Protocol):
    """The organisation (regency, agency, positions, officials, assignments): read and import."""

    def facts(self) -> OrgFacts:
        """The stored NIPs and assignments an organisation file is checked against."""
        ...

    def regency_codes(self) -> list[str]:
        """The codes of the regencies stored (one, once anything was imported)."""
        ...

    def write(self, document: OrgDocument) -> ImportReport:
        """Insert or update the document's rows (matched by their codes, NIPs and starts)."""
        ...

    def organisation(self) -> Organisation:
        """The regency, the agencies and the tree, as stored now."""
        ...

    def agencies(self) -> list[AgencyInfo]:
        """Every agency, by code."""
        ...

    def tree(self) -> OrgTree:
        """The organisation tree, with this transaction's own changes."""
        ...


class CatalogueRepository(Protocol):
    """The indicator catalogue (duties, indicators, variables), and what a workbook import
    reads of the PKs it changes (their writes are the PK repository's)."""

    def facts(self) -> CatalogueFacts:
        """The agencies, positions and indicators a catalogue file is checked against."""
        ...

    def write(self, document: CatalogDocument) -> ImportReport:
        """Insert or update the catalogue's duties, indicators and variables."""
        ...

    def latest_year(self) -> int | None:
        """The newest year with indicators, None when there are none."""
        ...

    def indicators(self, *, year: int, position_ids: Collection[int]) -> list[Indicator]:
        """The indicators of these positions for a year, in catalogue order."""
        ...

    def positions(self, agency_id: int) -> list[PositionEntry]:
        """The agency's positions in the organisation's order (codes and titles only)."""
        ...

    def contents(self, agency: AgencyInfo, year: int) -> CatalogueContents:
        """The agency's catalogue of a year with the targets and budget of the latest
        revision of each position's PK of that year, whatever its state."""
        ...

    def known(self, agency: str | None, year: int | None) -> Known:
        """What a workbook naming this agency and year is checked against."""
        ...

    def position_ids(self, agency: str | None) -> dict[str, int]:
        """The agency's positions: code -> id."""
        ...

    def latest_pks(self, year: int) -> dict[int, PkStatus]:
        """The latest revision of each position's PK of `year`, by position id."""
        ...

    def stored_target(self, pk_id: int, indicator: str) -> TargetEntry | None:
        """The targets a PK holds for an indicator (by code), None when it has none."""
        ...

    def budget_lines(self, pk_id: int) -> tuple[BudgetLine, ...]:
        """A PK's budget lines in order."""
        ...


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

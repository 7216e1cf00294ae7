"""Workflow documents' contents: reports, Perjanjian Kinerja, evidence and the audit trail."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from engine.budget import BudgetLine
from engine.indicators import Indicator
from engine.org import OrgTree
from engine.pending import PendingDoc
from engine.records import (
    DocumentFilter,
    DocumentHead,
    DocumentRecord,
    EvidenceRecord,
    IndicatorPlace,
    LogEntry,
    PkLine,
    PkRecord,
    ReportRecord,
    ReportSources,
    Revision,
    StoredEntry,
    StoredTargets,
)
from engine.workflow import DocKind, State

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

    def mark_saved(
        self, kind: DocKind, doc_id: int, *, version: int | None, by: str, now: datetime
    ) -> bool:
        """Note that the draft's content was saved by `by` at `now`, moving its version on,
        if it still has `version` (compare-and-swap; None: whichever it has); False when it
        no longer has."""
        ...

    def last_save(self, kind: DocKind, doc_id: int) -> tuple[str, datetime] | None:
        """Who last saved the document's content and when, or None."""
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

    def report_sources(self, report_id: int) -> ReportSources:
        """What the report's realisation and capaian are computed from: its indicators, its
        and its earlier quarters' entries, the approved PK's targets (NotFoundError if absent)."""
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

    def of_year(self, year: int, position_ids: Collection[int]) -> list[PkLine]:
        """Every revision of these positions' PKs of `year`, by position, oldest first."""
        ...

    def pending_revisions(self, position_ids: Collection[int] | None = None) -> list[PendingDoc]:
        """PK Perubahan drafts and revisions not approved yet (revision 2 on), of every
        position or of `position_ids`."""
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

    def retire(self, evidence_id: int, *, at: datetime, by: int | None, reason: str) -> bool:
        """Mark an active evidence withdrawn (or replaced) by `by` at `at` for `reason`; False
        when it no longer was active. The row and the file stay."""
        ...

    def uploaded_since(self, official_id: int, since: datetime) -> int:
        """The bytes `official_id` uploaded from `since` on (withdrawn files too), after
        locking the official's row so that two uploads of one person count one after the
        other (the daily quota)."""
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

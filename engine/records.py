"""What the document repositories hand the use cases: plain values, never table rows.

Reports and Perjanjian Kinerja as read for editing (`DocumentHead`) and for showing
(`ReportRecord`, `PkRecord`), their stored parts (`StoredEntry`, `StoredTargets`), the
transition log as an auditor checks it (`LogEntry`) and evidence files (`EvidenceRecord`).
The protocols that return them are in engine.ports; db/ builds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from engine.indicators import Indicator
from engine.workflow import DocKind, State


@dataclass(frozen=True)
class DocumentHead:
    """What the rules about changing a document look at: which one, whose, when, its state."""

    kind: DocKind
    id: int
    position_id: int
    year: int
    state: State
    quarter: int | None = None
    """The report's quarter (None for a PK)."""
    revision: int = 1
    """The PK's revision (1 for a report)."""

    @property
    def ref(self) -> str:
        """PK-12 or LAP-34."""
        return f"{self.kind.prefix}-{self.id}"


@dataclass(frozen=True)
class DocumentRecord:
    """The part of a report or PK every view shows: whose it is, its state and version."""

    id: int
    position_id: int
    position_code: str
    position_title: str
    year: int
    state: State
    version: int
    visit: int
    agency: str | None = None
    """The agency's name, as printed on the documents."""
    place: str | None = None
    """Where the agency signs (the town on a PK)."""
    quarter: int | None = None
    """The report's quarter (None for a PK)."""
    revision: int = 1
    """The PK's revision (1 for a report)."""
    audit_hash: str | None = None
    """The hash of the document's last log row."""


@dataclass(frozen=True)
class ReportRecord:
    """A quarterly report as shown: each indicator's inputs, realisation, target and capaian."""

    document: DocumentRecord
    quarter: int
    pk_id: int | None
    """The approved PK the targets come from."""
    entries: list[dict[str, Any]]
    """One JSON-ready row per indicator, in catalogue order."""


@dataclass(frozen=True)
class ReportSources:
    """What a report's realisation and capaian are computed from, as stored
    (`engine.realisation.report_rows` turns them into the rows a report shows)."""

    quarter: int
    indicators: list[Indicator]
    """The indicators of the report's position and year, in catalogue order."""
    entries: dict[int, StoredEntry]
    """The report's own entries, by indicator id."""
    earlier: dict[tuple[int, int], StoredEntry]
    """The entries of the same position and year up to this quarter (this one included),
    by (indicator id, quarter): cumulative targets are measured to date."""
    targets: dict[int, StoredTargets]
    """The targets of the approved PK, by indicator id (empty when none is approved)."""


@dataclass(frozen=True)
class SignedParty:
    """A signatory as snapshotted on approval (name and title may be empty before that)."""

    name: str | None
    nip: str | None
    title: str | None


@dataclass(frozen=True)
class PkRecord:
    """A Perjanjian Kinerja as shown: targets, budget lines, signatories as stored."""

    document: DocumentRecord
    revision: int
    revision_reason: str | None
    targets: list[dict[str, Any]]
    """One JSON-ready row per indicator of the position, with its typed targets."""
    budget: list[dict[str, Any]]
    budget_total: Decimal
    sasaran: dict[str, str]
    """The kinerja (sasaran) of each indicator, by indicator code."""
    dpa_date: date | None
    """When the agency's DPA for the year was ratified, if known."""
    approved_at: datetime | None
    first: SignedParty
    second: SignedParty


@dataclass(frozen=True)
class Revision:
    """One revision of the PK of a position and year."""

    id: int
    revision: int
    reason: str | None
    state: State


@dataclass(frozen=True)
class PkLine:
    """One revision of a position's PK of a year, as the year's progress and prompts read it."""

    id: int
    position_id: int
    revision: int
    state: State
    approved_at: datetime | None
    first_nip: str | None
    """The NIP of pihak pertama as snapshotted on approval (None before)."""
    first_name: str | None = None


@dataclass(frozen=True)
class StoredEntry:
    """What is stored for one indicator of a report."""

    inputs: Mapping[str, str] = field(default_factory=dict)
    no_data_reason: str | None = None
    kendala: str | None = None
    upaya: str | None = None


@dataclass(frozen=True)
class StoredTargets:
    """The targets of one indicator in a PK, as typed (cleaned of surrounding blanks)."""

    annual: str
    tw1: str | None
    tw2: str | None
    tw3: str | None
    tw4: str | None
    tw4_reason: str | None = None

    def quarter(self, number: int) -> str | None:
        """The typed target of quarter `number` (1-4)."""
        return (self.tw1, self.tw2, self.tw3, self.tw4)[number - 1]


@dataclass(frozen=True)
class DocumentFilter:
    """What a list of documents is narrowed to."""

    year: int | None = None
    quarter: int | None = None
    state: str | None = None
    """A state's value (a `State`, or whatever the CLI was given: it then matches nothing)."""
    position: str | None = None
    """A position's code."""


@dataclass(frozen=True)
class LogEntry:
    """One row of the transition log: the hashed fields as stored, and its links."""

    id: int
    fields: Mapping[str, Any]
    """Every field of engine.audit.HASHED_FIELDS, as stored."""
    prev_hash: str | None
    hash: str

    @property
    def at(self) -> datetime:
        """When the step was taken (aware)."""
        moment: datetime = self.fields["at"]
        return moment


@dataclass(frozen=True)
class EvidenceRecord:
    """An evidence file (bukti dukung) of a report, as its row stores it."""

    id: int
    report_id: int
    indicator_id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str
    storage_path: str
    """Relative to the evidence store's root."""
    uploaded_by: int | None
    uploaded_at: datetime
    active: bool = True
    """False once replaced or withdrawn: no longer counted as evidence, still downloadable."""
    replaces_id: int | None = None
    replace_reason: str | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: int | None = None
    withdrawn_reason: str | None = None
    """Why it was withdrawn (or replaced: the replacement's reason is copied here too)."""


@dataclass(frozen=True)
class IndicatorPlace:
    """Whose indicator it is, for which year."""

    code: str
    position_id: int
    year: int

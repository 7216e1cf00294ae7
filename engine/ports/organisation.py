"""The organisation, the indicator catalogue and the recap computed from them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from engine.budget import BudgetLine
from engine.catalogue import CatalogDocument, CatalogueFacts
from engine.catalogue_workbook import CatalogueContents, Known, PositionEntry, TargetEntry
from engine.imports import ImportReport
from engine.indicators import Indicator
from engine.manual import ManualEntry
from engine.org import OrgTree
from engine.orgspec import OrgDocument, OrgFacts
from engine.recap import DEFAULT_BASIS, IndicatorInput, Recap, RecapBasis
from engine.workflow import State

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

    def manuals(self, indicator_ids: Collection[int]) -> dict[int, ManualEntry]:
        """The Manual IK entries stored for these indicators, by id (none stated: absent)."""
        ...

    def indicators(self, *, year: int, position_ids: Collection[int]) -> list[Indicator]:
        """The indicators of these positions for a year, in catalogue order."""
        ...

    def confirm(self, indicator_id: int) -> None:
        """Record that the agency confirmed this (derived) indicator; a re-import keeps it."""
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
    kendala: str | None = None
    """The obstacle the reporter wrote (required at or below the narrative threshold)."""


class RecapRepository(Protocol):
    """The recap of a period and what the dashboard and the workbook show around it."""

    def recap(
        self,
        *,
        year: int,
        quarter: int | None,
        agency_code: str | None = None,
        basis: RecapBasis = DEFAULT_BASIS,
    ) -> RecapData:
        """The recap of a quarter (or the year) under `basis` (the capaian rules; which
        report states count): targets from the latest approved PKs, every agency or one;
        `items` carry every report's result and state.

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

"""The shapes the API answers with, as pydantic models, so /openapi.json is precise.

The read models come from engine.usecases.documents (the same dicts `kinerja show
--json` prints); these classes only describe them. Numbers are exact decimal strings,
never floats.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from engine.usecases.workflow import NARRATIVE_LIMIT
from engine.workflow import Action, State

T = TypeVar("T")

MAX_ID = 2_147_483_647
"""Largest id accepted in paths, queries and bodies (a 32-bit integer column)."""
CODE_LIMIT = 100
"""Longest indicator, variable, position or agency code accepted."""
VALUE_LIMIT = 200
"""Longest typed formula input accepted."""

Text = Annotated[str, Field(max_length=NARRATIVE_LIMIT)]
Code = Annotated[str, Field(min_length=1, max_length=CODE_LIMIT)]


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


# --- errors and pages ---------------------------------------------------------------


class ErrorBody(_Out):
    """What went wrong: a machine code and a message in Bahasa Indonesia."""

    code: str = Field(
        description="not_found, forbidden, conflict, precondition_required, unauthenticated, "
        "invalid, http_error, unavailable"
    )
    message: str
    fields: dict[str, str] | None = Field(
        default=None, description="Per field (location or CODE.variable), what is wrong with it"
    )
    version: int | None = Field(
        default=None, description="conflict: the document's version now (send it to retry)"
    )
    changed_by: str | None = Field(
        default=None, description="conflict: who made the last change (a save or an action)"
    )
    changed_at: datetime | None = Field(
        default=None, description="conflict: when the last change was made (UTC)"
    )


class ErrorResponse(_Out):
    """Every error the API answers has this shape."""

    error: ErrorBody


class Page(_Out, Generic[T]):
    """One page of a list."""

    items: list[T]
    page: int = Field(description="This page's number, from 1")
    per_page: int
    total: int = Field(description="How many items all pages hold together")


# --- who is asking -------------------------------------------------------------------


class HoldingOut(_Out):
    """An official holding a position today, and how (definitif, Plt, Plh, Pj)."""

    position: str
    title: str = Field(description="The title as documents show it (with Plt./Plh. prefix)")
    official_name: str
    nip: str
    status: str


class Me(_Out):
    """The account of the token and the positions its official holds today."""

    account_id: int
    login: str
    name: str
    nip: str | None
    is_admin: bool
    positions: list[HoldingOut]


class TaskOut(_Out):
    """A document waiting for the user (engine.usecases.tasks.Task.as_json)."""

    ref: str
    kind: str
    id: int
    period: str
    position: str
    state: State
    step: str
    deadline: date | None
    days_left: int | None
    overdue: bool
    acting_as: str
    returned_reason: str | None
    version: int = Field(description="The version listed: send it back to act on it")
    holder: str | None = Field(description="Who holds the position today (Plt./Plh. prefixed)")
    capaian: str | None = Field(description="The report's capaian in its quarter, % (decimal)")
    waiting_days: int | None = Field(description="Working days since its last step")


# --- organisation --------------------------------------------------------------------


class AgencyOut(_Out):
    """A Perangkat Daerah."""

    id: int
    code: str
    name: str
    short_name: str


class PositionOut(_Out):
    """A position with its direct superior and whoever holds it today."""

    id: int
    code: str
    title: str
    unit_name: str
    level: str
    agency: str
    parent: str | None = Field(description="Code of the direct superior's position")
    holders: list[HoldingOut]


class OrganisationOut(_Out):
    """The whole organisation on today's date (a tree: not paginated)."""

    regency: str | None
    head_title: str | None
    date: date
    agencies: list[AgencyOut]
    positions: list[PositionOut]


# --- documents -----------------------------------------------------------------------


class HistoryItem(_Out):
    """One transition of a document: who did what, when, as what, with which comment."""

    id: int
    at: datetime
    when: str
    action: str
    from_state: str = Field(alias="from")
    to_state: str = Field(alias="to")
    actor: str
    nip: str | None
    acting_as: str | None = Field(alias="as")
    acting_status: str | None
    comment: str | None
    visit: int


class ActionOut(_Out):
    """A workflow action offered to the user, and whether the gate allows it now."""

    action: Action
    label: str
    allowed: bool
    reason: str | None = Field(description="Why the gate refuses it now (Bahasa Indonesia)")
    needs_comment: bool


class DocumentSummary(_Out):
    """A document in a list."""

    id: int
    ref: str
    position: str
    position_title: str
    year: int
    state: State
    version: int
    updated_at: datetime


class ReportSummary(DocumentSummary):
    """A quarterly report in a list."""

    quarter: int
    period: str


class PkSummary(DocumentSummary):
    """A Perjanjian Kinerja in a list."""

    revision: int


class _DocumentDetail(_Out):
    ref: str
    id: int
    kind: str
    position: str
    position_title: str
    year: int
    state: State
    version: int = Field(
        description="Send it back as expected_version with a transition or an entries save"
    )
    visit: int
    missing: list[str] = Field(description="What still has to be filled in before submitting")
    history: list[HistoryItem]
    editable: bool
    actions: list[ActionOut]


class InputOut(_Out):
    """A formula input of an indicator and its typed value."""

    name: str
    label: str | None
    unit: str | None
    value: str | None
    kind: str | None = Field(
        default=None, description="count (whole numbers), amount, percentage or index"
    )
    negative: bool = Field(default=False, description="Whether the input may be below zero")


class EntryOut(_Out):
    """One indicator of a report: inputs, realisation, target, capaian and category."""

    indicator: str
    name: str
    unit: str
    expression: str
    origin: str = Field(
        default="decree", description="decree, derived (not in the decree: marked) or agency"
    )
    origin_note: str | None = None
    growth_basis: str | None = Field(
        default=None,
        description="Growth indicators: same_period (c-to-c: year n-1 to the same quarter) or "
        "whole_year",
    )
    inputs: list[InputOut]
    no_data_reason: str | None
    kendala: str | None
    upaya: str | None
    realisation: str | None
    realisation_status: str
    realisation_reason: str | None
    measured_to_date: str | None
    target: str | None
    capaian: str | None
    capaian_status: str
    capaian_reason: str | None
    capaian_flag: str | None = None
    category: str | None
    category_color: str | None = None
    decimals: int


class EvidenceOut(_Out):
    """An evidence file (bukti dukung) of a report; download it at /evidence/{id}."""

    id: int
    filename: str
    size: int
    content_type: str
    indicator_id: int | None
    uploaded_at: datetime


class ReportDetail(_DocumentDetail):
    """A quarterly realisation report."""

    quarter: int
    period: str
    pk: str | None = Field(description="The approved PK the targets come from")
    entries: list[EntryOut]
    evidence: list[EvidenceOut]


class TargetOut(_Out):
    """The targets of one indicator in a PK, as typed (ranges like "80-90" allowed)."""

    indicator: str
    name: str
    unit: str
    annual: str | None
    quarters: list[str | None]
    tw4_reason: str | None
    mode: str
    origin: str = Field(
        default="decree", description="decree, derived (not in the decree: marked) or agency"
    )
    origin_note: str | None = None


class BudgetLineOut(_Out):
    """A program / kegiatan / sub kegiatan line with its anggaran (Rp)."""

    program: str
    kegiatan: str | None
    sub_kegiatan: str | None
    anggaran: str


class PartyOut(_Out):
    """A signatory of the PK."""

    name: str | None
    nip: str | None
    title: str | None


class PartiesOut(_Out):
    """Pihak pertama (the holder) and pihak kedua (the superior)."""

    first: PartyOut
    second: PartyOut


class PkDetail(_DocumentDetail):
    """A Perjanjian Kinerja."""

    revision: int
    revision_reason: str | None
    targets: list[TargetOut]
    budget: list[BudgetLineOut]
    budget_total: str
    deadline: date | None
    late: bool
    parties: PartiesOut
    parties_provisional: bool = Field(
        description="True until approval: who would sign if it were approved today"
    )


# --- requests ------------------------------------------------------------------------


class EntryIn(BaseModel):
    """What the holder types for one indicator; omitted parts stay as they are stored."""

    model_config = ConfigDict(extra="forbid")

    values: dict[Code, Annotated[str, Field(max_length=VALUE_LIMIT)] | None] = Field(
        default_factory=dict, description='Formula inputs by variable name, e.g. {"a": "12,5"}'
    )
    no_data_reason: Text | None = None
    kendala: Text | None = None
    upaya: Text | None = None


class TransitionIn(BaseModel):
    """A workflow action on a document."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    comment: Text | None = Field(
        default=None, description="The reason; required to return or reopen"
    )
    expected_version: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(
        default=None, description="The version you read; a stale one is refused with 409"
    )


class TransitionOut(_Out):
    """What the action did."""

    ref: str
    action: Action
    from_state: State
    to_state: State
    version: int
    visit: int
    acting_as: str
    messages: int = Field(description="Notification emails queued by this action")


class EvidenceCreated(_Out):
    """The id of the stored evidence file."""

    id: int
    report_id: int


# --- recap ---------------------------------------------------------------------------


class GroupOut(_Out):
    """A position, bidang or agency: mean capaian and how many indicators fell where."""

    key: str
    label: str
    capaian: str | None
    category: str | None
    indicators: int
    counts: dict[str, int]
    flagged: int = Field(description="Indikator yang capaiannya dibatasi 0 (dirata-rata sebagai 0)")
    unverified: int = Field(description="Indikator dengan realisasi yang belum diverifikasi")
    left_out: int = Field(
        description="Indikator turunan yang belum dikonfirmasi (di luar rata-rata)"
    )


class QuarterStateOut(_Out):
    """A quarter's realisation and the state of the report it comes from."""

    quarter: int
    state: str


class CategoryOut(_Out):
    """A category of the scale: its name, lower bound (null for the last) and colour."""

    name: str
    minimum: str | None
    color: str


class RulesOut(_Out):
    """The capaian rules the recap was computed with (the year's, or the defaults)."""

    scale: str
    categories: list[CategoryOut]
    cap: str | None
    negative_zero_target_met: str
    negative_zero_target_missed: str
    negative_target: str


class RecapIndicatorOut(_Out):
    """One indicator in the recap."""

    code: str
    name: str
    target: str | None
    realisation: str | None
    realisation_status: str
    capaian: str | None
    capaian_status: str
    reason: str | None
    flag: str | None = Field(description="Mengapa capaian ditandai, mis. dibatasi 0")
    category: str | None
    in_headline: bool
    counted: list[QuarterStateOut]
    unverified: list[QuarterStateOut]


class RecapOut(_Out):
    """The recap of a quarter, or of the year when quarter is null."""

    year: int
    quarter: int | None
    rules: RulesOut
    counted_states: list[str]
    include_unverified: bool
    agency: list[GroupOut]
    bidang: list[GroupOut]
    positions: list[GroupOut]
    indicators: list[RecapIndicatorOut]

"""The core tables: the organisation, the indicator catalogue, PKs and reports.

The tables around the documents are in db/workflow_models.py, those of accounts and
signing in in db/signin.py; all share one metadata (`db.migrate.metadata`). Enumerated values
are stored as short strings; db/ maps rows to engine values. Rows that caches are
computed from count their changes (`count_changes`). Every schema change goes through an
Alembic migration in db/migrations; a test holds the tables and the migrations equal.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Session, object_session
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Field, SQLModel

from db.database import UTCDateTime
from engine.workflow import State

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def _fixed(kind: Any, default: Any, server: str) -> Column[Any]:
    return Column(kind, nullable=False, default=default, server_default=server)


def _change_counter() -> Column[int]:
    """How many times the row was updated: bumped by every ORM update (see `count_changes`)."""
    return Column(Integer, nullable=False, server_default=text("0"))


class Regency(SQLModel, table=True):
    """The one regency (kabupaten/kota) a deployment serves."""

    __tablename__ = "regency"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    head_title: str = Field(sa_column=Column(String(200), nullable=False))


class RegencyHeadRow(SQLModel, table=True):
    """Who headed the regency when: the Bupati's name on a head of agency's PK."""

    __tablename__ = "regency_head"
    __table_args__ = (UniqueConstraint("regency_id", "valid_from", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    regency_id: int = Field(sa_column=Column(Integer, ForeignKey("regency.id"), nullable=False))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    status: str = Field(sa_column=Column(String(20), nullable=False))
    valid_from: date
    valid_to: date | None = None


class Agency(SQLModel, table=True):
    """A Perangkat Daerah (Dinas, Badan) of the regency."""

    __tablename__ = "agency"

    id: int | None = Field(default=None, primary_key=True)
    regency_id: int = Field(
        sa_column=Column(Integer, ForeignKey("regency.id"), nullable=False, index=True)
    )
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(300), nullable=False))
    short_name: str = Field(sa_column=Column(String(80), nullable=False))
    place: str = Field(sa_column=Column(String(80), nullable=False))


class PositionRow(SQLModel, table=True):
    """A position (jabatan); `parent_id` is the direct superior, `closed_on` its last day."""

    __tablename__ = "position"
    __table_args__ = (UniqueConstraint("agency_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(
        sa_column=Column(Integer, ForeignKey("agency.id"), nullable=False, index=True)
    )
    code: str = Field(sa_column=Column(String(80), nullable=False))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    unit_name: str = Field(sa_column=Column(String(300), nullable=False))
    level: str = Field(sa_column=Column(String(20), nullable=False))
    parent_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("position.id"), index=True)
    )
    sort_order: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    role: str | None = Field(default=None, sa_column=Column(String(20)))  # engine.org.PositionRole
    closed_on: date | None = None
    changes: int = Field(default=0, sa_column=_change_counter())


class OfficialRow(SQLModel, table=True):
    """A civil servant; the NIP is stored as its 18 bare digits."""

    __tablename__ = "official"

    id: int | None = Field(default=None, primary_key=True)
    nip: str = Field(sa_column=Column(String(18), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    email: str = Field(sa_column=Column(String(254), nullable=False))
    changes: int = Field(default=0, sa_column=_change_counter())


class AssignmentRow(SQLModel, table=True):
    """An official holding a position with a status over an inclusive date window."""

    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("official_id", "position_id", "status", "valid_from"),
        # One open-ended definitif holder per position; overlapping closed windows
        # are refused by the import's validation (engine.org.find_overlapping_definitif).
        Index(
            "uq_assignment_open_definitif",
            "position_id",
            unique=True,
            sqlite_where=text("status = 'definitif' AND valid_to IS NULL"),
            postgresql_where=text("status = 'definitif' AND valid_to IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    official_id: int = Field(
        sa_column=Column(Integer, ForeignKey("official.id"), nullable=False, index=True)
    )
    position_id: int = Field(
        sa_column=Column(Integer, ForeignKey("position.id"), nullable=False, index=True)
    )
    status: str = Field(sa_column=Column(String(12), nullable=False))
    valid_from: date
    valid_to: date | None = None
    decree: str | None = Field(default=None, sa_column=Column(String(200)))
    changes: int = Field(default=0, sa_column=_change_counter())


class PositionDuty(SQLModel, table=True):
    """A TUGAS or FUNGSI line of a position for a year, as the decree lists them."""

    __tablename__ = "position_duty"
    __table_args__ = (UniqueConstraint("position_id", "year", "kind", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(
        sa_column=Column(Integer, ForeignKey("position.id"), nullable=False, index=True)
    )
    year: int
    kind: str = Field(sa_column=Column(String(10), nullable=False))
    ordinal: int
    text: str = Field(sa_column=Column(Text, nullable=False))


class IndicatorRow(SQLModel, table=True):
    """A performance indicator (IKU/IKI) of a position for a year, with its formula."""

    __tablename__ = "indicator"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", "code"),
        Index("ix_indicator_position_id_year", "position_id", "year"),
        # Only for the recap cache's fingerprint (a covering scan); not led by year, so
        # that SQLite never prefers it for the recap's joins by year.
        Index("ix_indicator_changes", "changes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(sa_column=Column(Integer, ForeignKey("agency.id"), nullable=False))
    position_id: int = Field(sa_column=Column(Integer, ForeignKey("position.id"), nullable=False))
    year: int
    code: str = Field(sa_column=Column(String(80), nullable=False))
    kind: str = Field(sa_column=Column(String(3), nullable=False))
    kinerja: str = Field(sa_column=Column(Text, nullable=False))
    name: str = Field(sa_column=Column(Text, nullable=False))
    unit: str = Field(sa_column=Column(String(40), nullable=False))
    expression: str = Field(sa_column=Column(String(500), nullable=False))
    preset: str | None = Field(default=None, sa_column=Column(String(10)))
    data_source: str = Field(sa_column=Column(Text, nullable=False))
    polarity: str = Field(sa_column=Column(String(10), nullable=False))
    rollup: str = Field(sa_column=Column(String(10), nullable=False))
    target_mode: str = Field(sa_column=Column(String(12), nullable=False))
    decimals: int = 2
    parent_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("indicator.id"), index=True)
    )
    note: str | None = Field(default=None, sa_column=Column(Text))
    sort_order: int = 0
    changes: int = Field(default=0, sa_column=_change_counter())
    origin: str = Field(default="decree", sa_column=_fixed(String(10), "decree", "decree"))
    origin_note: str | None = Field(default=None, sa_column=Column(Text))
    confirmed: bool = Field(default=False, sa_column=_fixed(Boolean, False, "0"))
    growth_basis: str | None = Field(default=None, sa_column=Column(String(12)))


class IndicatorVariable(SQLModel, table=True):
    """A labelled input of an indicator's formula."""

    __tablename__ = "indicator_variable"
    __table_args__ = (UniqueConstraint("indicator_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(
        sa_column=Column(Integer, ForeignKey("indicator.id"), nullable=False, index=True)
    )
    ordinal: int
    name: str = Field(sa_column=Column(String(40), nullable=False))
    label: str = Field(sa_column=Column(Text, nullable=False))
    unit: str = Field(default="", sa_column=Column(String(40), nullable=False))
    kind: str | None = Field(default=None, sa_column=Column(String(12)))  # InputKind or None
    negative: bool = Field(default=False, sa_column=_fixed(Boolean, False, "0"))


class PerjanjianKinerja(SQLModel, table=True):
    """One version of the Perjanjian Kinerja of a position for a year.

    A PK Perubahan is a new row with the next `revision` and a reason; the old
    one stays readable. `version` is the compare-and-swap counter of the workflow.
    """

    __tablename__ = "pk"
    __table_args__ = (
        UniqueConstraint("position_id", "year", "revision"),
        Index("ix_pk_year_version_changes", "year", "version", "changes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(sa_column=Column(Integer, ForeignKey("position.id"), nullable=False))
    year: int
    revision: int = 1
    revision_reason: str | None = Field(default=None, sa_column=Column(Text))
    state: str = Field(
        default=State.DRAFT.value, sa_column=Column(String(12), nullable=False, index=True)
    )
    version: int = 1
    changes: int = Field(default=0, sa_column=_change_counter())
    visit: int = 1
    audit_hash: str | None = Field(default=None, sa_column=Column(String(64)))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    saved_by: str | None = Field(default=None, sa_column=Column(String(200)))
    """Who last saved the draft's content (the name shown when a stale save is refused)."""
    saved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    approved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Pihak pertama (the holder) and pihak kedua (the superior), as they stood at approval.
    first_party_name: str | None = Field(default=None, sa_column=Column(String(200)))
    first_party_nip: str | None = Field(default=None, sa_column=Column(String(18)))
    first_party_title: str | None = Field(default=None, sa_column=Column(String(320)))
    second_party_name: str | None = Field(default=None, sa_column=Column(String(200)))
    second_party_nip: str | None = Field(default=None, sa_column=Column(String(18)))
    second_party_title: str | None = Field(default=None, sa_column=Column(String(320)))


class PkTarget(SQLModel, table=True):
    """The targets of one indicator in one PK: annual and TW I-IV, as typed ("80-90")."""

    __tablename__ = "pk_target"
    __table_args__ = (UniqueConstraint("pk_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    pk_id: int = Field(sa_column=Column(Integer, ForeignKey("pk.id"), nullable=False, index=True))
    indicator_id: int = Field(sa_column=Column(Integer, ForeignKey("indicator.id"), nullable=False))
    annual: str = Field(sa_column=Column(String(60), nullable=False))
    tw1: str | None = Field(default=None, sa_column=Column(String(60)))
    tw2: str | None = Field(default=None, sa_column=Column(String(60)))
    tw3: str | None = Field(default=None, sa_column=Column(String(60)))
    tw4: str | None = Field(default=None, sa_column=Column(String(60)))
    tw4_reason: str | None = Field(default=None, sa_column=Column(Text))


class QuarterlyReport(SQLModel, table=True):
    """The realisation report of a position for a quarter (laporan realisasi triwulan)."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("position_id", "year", "quarter"),
        # Led by (year, quarter) for the period queries; version and changes make it
        # cover the recap cache's fingerprint too.
        Index("ix_report_year_quarter_version_changes", "year", "quarter", "version", "changes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(sa_column=Column(Integer, ForeignKey("position.id"), nullable=False))
    year: int
    quarter: int
    state: str = Field(
        default=State.DRAFT.value, sa_column=Column(String(12), nullable=False, index=True)
    )
    version: int = 1
    changes: int = Field(default=0, sa_column=_change_counter())
    visit: int = 1
    audit_hash: str | None = Field(default=None, sa_column=Column(String(64)))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    saved_by: str | None = Field(default=None, sa_column=Column(String(200)))
    """Who last saved the draft's content (the name shown when a stale save is refused)."""
    saved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    approved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class ReportEntry(SQLModel, table=True):
    """The formula inputs of one indicator in one report (exact decimal strings keyed by
    variable name), or why there is no data."""

    __tablename__ = "report_entry"
    __table_args__ = (UniqueConstraint("report_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(
        sa_column=Column(Integer, ForeignKey("report.id"), nullable=False, index=True)
    )
    indicator_id: int = Field(sa_column=Column(Integer, ForeignKey("indicator.id"), nullable=False))
    inputs: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    no_data_reason: str | None = Field(default=None, sa_column=Column(Text))
    kendala: str | None = Field(default=None, sa_column=Column(Text))
    upaya: str | None = Field(default=None, sa_column=Column(Text))


CHANGE_COUNTED: tuple[type[SQLModel], ...] = (
    PositionRow,
    OfficialRow,
    AssignmentRow,
    IndicatorRow,
    PerjanjianKinerja,
    QuarterlyReport,
)
"""Tables whose rows carry a `changes` counter, so that a cache of what is computed from them
(`db.recap`) can tell in one cheap query whether anything changed. The rows under them
count on their parent: an entry on its report, a target on its PK, a variable on its
indicator (`count_child_changes`)."""


def count_changes(_mapper: Any, _connection: Any, target: Any) -> None:
    """Bump `changes` of a row the ORM is about to update (only if a column really changed)."""
    session = object_session(target)
    if session is None or session.is_modified(target, include_collections=False):
        _bump(target)


def _bump(row: Any) -> None:
    # Incremented in SQL (SET changes = changes + 1), under the row's lock: two
    # transactions changing the same row concurrently both count.
    if not isinstance(row.changes, ColumnElement):  # not bumped yet in this flush
        row.changes = type(row).changes + 1


_PARENT: dict[type[SQLModel], tuple[type[SQLModel], str]] = {
    ReportEntry: (QuarterlyReport, "report_id"),
    PkTarget: (PerjanjianKinerja, "pk_id"),
    IndicatorVariable: (IndicatorRow, "indicator_id"),
}


def count_child_changes(session: Session, _context: Any, _instances: Any) -> None:
    """Before a flush: bump the parent of every entry, target or variable added, changed or
    deleted in it, once per parent (the parent row is written in the same transaction)."""
    parents: dict[tuple[type[SQLModel], int], None] = {}
    for child in (*session.new, *session.dirty, *session.deleted):
        found = _PARENT.get(type(child))
        if found is None:
            continue
        if child in session.dirty and not session.is_modified(child, include_collections=False):
            continue
        parent_id = getattr(child, found[1])
        if parent_id is not None:
            parents[(found[0], parent_id)] = None
    with session.no_autoflush:
        for model, parent_id in parents:
            parent = session.get(model, parent_id)
            if parent is not None:
                _bump(parent)


for _model in CHANGE_COUNTED:
    event.listen(_model, "before_update", count_changes)
event.listen(Session, "before_flush", count_child_changes)

"""The tables. Enumerated values are stored as short strings; db/ maps rows to engine values.

Every schema change goes through an Alembic migration in db/migrations; a test
compares these models with the migrated schema and fails when they disagree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class Regency(SQLModel, table=True):
    """The one regency (kabupaten/kota) a deployment serves."""

    __tablename__ = "regency"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    head_title: str = Field(sa_column=Column(String(200), nullable=False))


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
    """A position (jabatan); `parent_id` is the direct superior."""

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


class OfficialRow(SQLModel, table=True):
    """A civil servant; the NIP is stored as its 18 bare digits."""

    __tablename__ = "official"

    id: int | None = Field(default=None, primary_key=True)
    nip: str = Field(sa_column=Column(String(18), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    email: str = Field(sa_column=Column(String(254), nullable=False))


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


class Holiday(SQLModel, table=True):
    """A non-working day. Seeded from the `holidays` package, then edited by an admin.

    Removal sets `active` to false rather than deleting, so a later re-seed does
    not bring back a day the admin took out.
    """

    __tablename__ = "holiday"

    day: date = Field(primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    category: str = Field(sa_column=Column(String(20), nullable=False))
    source: str = Field(sa_column=Column(String(20), nullable=False))
    active: bool = True
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Account(SQLModel, table=True):
    """A login, tied to an official (or an administrator without one)."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    official_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("official.id"), unique=True)
    )
    password_hash: str = Field(sa_column=Column(String(200), nullable=False))
    is_admin: bool = False
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))

"""Tables around the documents: the transition log, the outbox, budget lines, evidence, the
reminder rungs sent, and the dates deadlines count from (DPA dates, holidays); and the
administrator's log, hash-chained like the transition log."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Numeric, String, Text
from sqlmodel import Field, SQLModel

from db.database import UTCDateTime
from engine.events import OutboxStatus


class TransitionLog(SQLModel, table=True):
    """One workflow step, append-only. Each row's hash covers its fields and the previous
    row's hash of the same document; the document keeps the last hash, so an altered,
    inserted or removed row breaks the chain (`kinerja audit verify`)."""

    __tablename__ = "transition_log"
    __table_args__ = (Index("ix_transition_log_document", "doc_type", "doc_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    doc_type: str = Field(sa_column=Column(String(10), nullable=False))
    doc_id: int
    visit: int
    action: str = Field(sa_column=Column(String(12), nullable=False))
    from_state: str = Field(sa_column=Column(String(12), nullable=False))
    to_state: str = Field(sa_column=Column(String(12), nullable=False))
    actor_official_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("official.id"))
    )
    actor_name: str = Field(sa_column=Column(String(200), nullable=False))
    actor_nip: str | None = Field(default=None, sa_column=Column(String(18)))
    acting_status: str | None = Field(default=None, sa_column=Column(String(12)))
    acting_position_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("position.id"))
    )
    acting_title: str = Field(sa_column=Column(String(320), nullable=False))
    comment: str | None = Field(default=None, sa_column=Column(Text))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    prev_hash: str | None = Field(default=None, sa_column=Column(String(64)))
    hash: str = Field(sa_column=Column(String(64), nullable=False))


class AdminLog(SQLModel, table=True):
    """One administrator's action (an assignment, account, name, holiday or setting changed),
    append-only. Each row's hash covers its fields and the previous row's hash: one chain
    for the whole database, checked by `kinerja audit verify`."""

    __tablename__ = "admin_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor: str = Field(sa_column=Column(String(200), nullable=False))
    action: str = Field(sa_column=Column(String(60), nullable=False))
    subject: str = Field(sa_column=Column(String(320), nullable=False))
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))
    prev_hash: str | None = Field(default=None, sa_column=Column(String(64)))
    hash: str = Field(sa_column=Column(String(64), nullable=False))


class OutboxMessage(SQLModel, table=True):
    """A message to send after commit; the dedupe key makes enqueueing idempotent."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_available_at", "status", "available_at"),
        Index("ix_outbox_recipient_created", "recipient_official_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    recipient_official_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("official.id"))
    )
    recipient_email: str = Field(sa_column=Column(String(254), nullable=False))
    recipient_name: str = Field(sa_column=Column(String(200), nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(
        default=OutboxStatus.PENDING.value, sa_column=Column(String(12), nullable=False)
    )
    attempts: int = 0
    available_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Comment(SQLModel, table=True):
    """A comment in a document's thread, append-only. Anchored to the document ("dokumen")
    or to a part of it ("indikator" and the indicator's id; an LKjIP section later)."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_document", "doc_type", "doc_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    doc_type: str = Field(sa_column=Column(String(10), nullable=False))
    doc_id: int
    anchor_kind: str = Field(sa_column=Column(String(20), nullable=False))
    anchor_key: str | None = Field(default=None, sa_column=Column(String(40)))
    author_official_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("official.id"))
    )
    author_name: str = Field(sa_column=Column(String(200), nullable=False))
    author_title: str = Field(sa_column=Column(String(320), nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    reply_to: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("comment.id")))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class NotificationRead(SQLModel, table=True):
    """Until when an official has read their notifications (the outbox rows to them)."""

    __tablename__ = "notification_read"

    official_id: int = Field(
        sa_column=Column(Integer, ForeignKey("official.id"), primary_key=True, autoincrement=False)
    )
    read_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PkBudgetLine(SQLModel, table=True):
    """A programme / kegiatan / sub kegiatan line of a PK with its budget (anggaran, Rp)."""

    __tablename__ = "pk_budget_line"

    id: int | None = Field(default=None, primary_key=True)
    pk_id: int = Field(sa_column=Column(Integer, ForeignKey("pk.id"), nullable=False, index=True))
    ordinal: int
    program: str = Field(sa_column=Column(Text, nullable=False))
    kegiatan: str | None = Field(default=None, sa_column=Column(Text))
    sub_kegiatan: str | None = Field(default=None, sa_column=Column(Text))
    anggaran: Decimal = Field(sa_column=Column(Numeric(18, 2), nullable=False))


class AgencyYear(SQLModel, table=True):
    """Per agency and year: the date the DPA was ratified (the PK is due a month later)."""

    __tablename__ = "agency_year"

    agency_id: int = Field(sa_column=Column(Integer, ForeignKey("agency.id"), primary_key=True))
    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    dpa_date: date


class Evidence(SQLModel, table=True):
    """An evidence file (bukti dukung) of a report, stored by checksum, never overwritten."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(
        sa_column=Column(Integer, ForeignKey("report.id"), nullable=False, index=True)
    )
    indicator_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("indicator.id"))
    )
    filename: str = Field(sa_column=Column(String(255), nullable=False))
    content_type: str = Field(sa_column=Column(String(100), nullable=False))
    size: int
    sha256: str = Field(sa_column=Column(String(64), nullable=False))
    storage_path: str = Field(sa_column=Column(String(500), nullable=False))
    uploaded_by: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("official.id"))
    )
    uploaded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    replaces_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("evidence.id"))
    )
    replace_reason: str | None = Field(default=None, sa_column=Column(Text))
    active: bool = True


class LadderRung(SQLModel, table=True):
    """A reminder or escalation rung that went out: its key is never sent again."""

    __tablename__ = "ladder_rung"
    __table_args__ = (Index("ix_ladder_rung_doc_visit", "doc", "visit"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(160), nullable=False, unique=True))
    doc: str = Field(sa_column=Column(String(20), nullable=False))
    visit: int
    step: str = Field(sa_column=Column(String(10), nullable=False))
    rung: str = Field(sa_column=Column(String(40), nullable=False))
    recipient_official_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("official.id"))
    )
    digest_key: str = Field(sa_column=Column(String(200), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CapaianRuleSet(SQLModel, table=True):
    """The capaian rules a regency set for a year (engine.capaian.CapaianRules): the category
    scale, the cap, the target-zero and negative-target rules. No row for a year: the
    defaults (Permendagri 86/2017, domain.md)."""

    __tablename__ = "capaian_rules"
    __table_args__ = (Index("ux_capaian_rules_regency_year", "regency_id", "year", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    regency_id: int = Field(sa_column=Column(Integer, ForeignKey("regency.id"), nullable=False))
    year: int = Field(sa_column=Column(Integer, nullable=False))
    scale_name: str = Field(sa_column=Column(String(200), nullable=False))
    categories: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    """[{"name", "minimum" (text or null for the last), "color"}], best first."""
    cap: Decimal | None = Field(default=None, sa_column=Column(Numeric(9, 2)))
    zero_target_met: Decimal = Field(sa_column=Column(Numeric(9, 2), nullable=False))
    zero_target_missed: Decimal = Field(sa_column=Column(Numeric(9, 2), nullable=False))
    negative_target: str = Field(sa_column=Column(String(20), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


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


class IndicatorManual(SQLModel, table=True):
    """What the decree adds to an indicator for its Manual IK (engine.manual.ManualEntry);
    the computed fields (satuan, jenis, sumber data, formula, penanggung jawab) are not here.
    No row: the catalogue states nothing."""

    __tablename__ = "indicator_manual"

    indicator_id: int = Field(
        sa_column=Column(Integer, ForeignKey("indicator.id"), primary_key=True, autoincrement=False)
    )
    definisi_operasional: str | None = Field(default=None, sa_column=Column(Text))
    alasan: str | None = Field(default=None, sa_column=Column(Text))
    penyedia_data: str | None = Field(default=None, sa_column=Column(Text))
    periode_pelaporan: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))

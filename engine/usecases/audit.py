"""The audit trails: every hash chain checked, one document's trail, the admin log.

Each transition log row's hash covers its fields and the previous row's hash, and the
document keeps the hash of its last row (engine.audit): `verify_audit` walks every
chain, and the admin log's one chain, and names the first row altered, removed or
inserted; `audit_trail` gives one document's steps, its log rows and the check of its
chain, for the Excel workbook.

The admin log records every administrator's action (`record_admin`, called by the use
case that makes the change, in its write transaction, before its commit: a refused
change leaves no row); `admin_log` lists it for its page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from engine.audit import (
    AdminLogQuery,
    AdminLogRow,
    ChainBreak,
    admin_entry_hash,
    changes_json,
    verify_admin_chain,
    verify_chain,
)
from engine.clock import JAKARTA
from engine.errors import ValidationError
from engine.formatting import format_moment_id
from engine.imports import ImportReport
from engine.nip import format_nip
from engine.periods import Quarter
from engine.policy import Policy
from engine.ports import UnitOfWork
from engine.records import LogEntry
from engine.usecases.documents import document_access, history
from engine.workflow import Actor, DocKind

__all__ = [
    "ADMIN_LOG",
    "SYSTEM_ACTOR",
    "AdminLogPage",
    "AuditReport",
    "AuditTrail",
    "admin_actor",
    "admin_log",
    "audit_trail",
    "record_admin",
    "verify_audit",
    "view_audit_trail",
]

log = logging.getLogger("kinerja.audit")

CHAIN_OK = "Rantai audit utuh"
ADMIN_LOG = "log admin"
"""How a break in the admin log's chain is named (where a document's is PK-n or LAP-n)."""
SYSTEM_ACTOR = "sistem"
"""Who an admin action is recorded as when no person is named (the demo's seeding)."""
PAGE_SIZE = 50


@dataclass
class AuditReport:
    """How many chains and rows were checked, and where the chains break."""

    documents: int = 0
    rows: int = 0
    breaks: list[ChainBreak] = field(default_factory=list)
    admin_rows: int = 0
    """Rows of the admin log checked (its breaks are among `breaks`, named ADMIN_LOG)."""
    admin_head: AdminLogRow | None = None
    """The admin log's newest row: its id and hash, for a copy kept outside the database."""

    @property
    def ok(self) -> bool:
        """True when every chain holds."""
        return not self.breaks


@dataclass(frozen=True)
class AuditTrail:
    """One document's header, its history rows, its log rows and the check of its chain."""

    kind: DocKind
    doc_id: int
    position_title: str
    period: str
    state: str
    version: int
    head: str | None
    history: list[dict[str, Any]]
    log: list[LogEntry]
    problem: ChainBreak | None
    generated_at: datetime

    @property
    def ref(self) -> str:
        """PK-12 or LAP-34."""
        return f"{self.kind.prefix}-{self.doc_id}"

    @property
    def filename(self) -> str:
        """The download name: riwayat-LAP-34.xlsx."""
        return f"riwayat-{self.ref}.xlsx"

    @property
    def verdict(self) -> str:
        """The chain check as a sentence."""
        if self.problem is None:
            return f"{CHAIN_OK}: {len(self.log)} baris, hash terakhir sesuai dengan dokumen."
        return f"RANTAI AUDIT RUSAK: {self.problem.message}"


def _chain(rows: list[LogEntry]) -> list[tuple[int, Any, str | None, str]]:
    return [(r.id, r.fields, r.prev_hash, r.hash) for r in rows]


def verify_audit(uow: UnitOfWork, *, policy: Policy | None = None) -> AuditReport:
    """Check every chain; a document whose head is set must have rows that lead to it. The
    admin log's chain is checked too (a break named with its row's action and moment, in
    the regency's zone)."""
    heads = uow.audit.heads()
    report = AuditReport()
    _verify_admin(uow, report, policy.zone if policy is not None else JAKARTA)
    grouped: dict[tuple[DocKind, int], list[LogEntry]] = {}
    for row in uow.audit.entries():
        key = (DocKind(row.fields["doc_type"]), int(row.fields["doc_id"]))
        grouped.setdefault(key, []).append(row)
        report.rows += 1
    for key in sorted(set(heads) | set(grouped)):
        rows = grouped.get(key, [])
        head = heads.get(key)
        if not rows and head is None:
            continue
        report.documents += 1
        kind, doc_id = key
        ref = f"{kind.prefix}-{doc_id}"
        if key not in heads:
            report.breaks.append(ChainBreak(ref, rows[0].id, "log untuk dokumen yang tidak ada"))
            continue
        if (problem := verify_chain(ref, _chain(rows), head)) is not None:
            report.breaks.append(problem)
    return report


def _verify_admin(uow: UnitOfWork, report: AuditReport, zone: Any) -> None:
    rows = list(uow.admin_log.rows())
    report.admin_rows = len(rows)
    report.admin_head = rows[-1] if rows else None
    found = verify_admin_chain([(r.id, r.fields, r.prev_hash, r.hash) for r in rows])
    if found is None:
        return
    row_id, message = found
    named = next((r for r in rows if r.id == row_id), None)
    if named is not None:
        message += f" ({named.action}, {format_moment_id(named.at, zone)})"
    log.warning("admin log chain broken at row %s", row_id)
    report.breaks.append(ChainBreak(ADMIN_LOG, row_id, message))


def audit_trail(uow: UnitOfWork, kind: DocKind, doc_id: int, *, now: datetime) -> AuditTrail:
    """A document's audit trail with the check of its chain (NotFoundError if it does not
    exist; the console: no rights asked)."""
    document = uow.documents.record(kind, doc_id)
    if document.quarter is not None:
        period = Quarter(document.year, document.quarter).label
    else:
        period = f"Tahun {document.year}"
        if document.revision > 1:
            period += f", PK Perubahan ke-{document.revision - 1}"
    head = document.audit_hash
    log = uow.audit.log(kind, doc_id)
    ref = f"{kind.prefix}-{doc_id}"
    problem = verify_chain(ref, _chain(log), head) if log or head else None
    return AuditTrail(
        kind=kind,
        doc_id=doc_id,
        position_title=document.position_title,
        period=period,
        state=document.state.value,
        version=document.version,
        head=head,
        history=history(log),
        log=log,
        problem=problem,
        generated_at=now,
    )


def view_audit_trail(
    uow: UnitOfWork, kind: DocKind, doc_id: int, actor: Actor, *, now: datetime, policy: Policy
) -> AuditTrail:
    """The audit trail of a document `actor` may see (ForbiddenError otherwise)."""
    document_access(uow, kind, doc_id, actor, now=now, policy=policy)
    return audit_trail(uow, kind, doc_id, now=now)


# --- the admin log ---------------------------------------------------------------------------


def admin_actor(login: str, actor: Actor) -> str:
    """Who an administrator is in the admin log: "Name (NIP 1980...)" or "Name (login)"."""
    if actor.nip:
        try:
            nip = format_nip(actor.nip)
        except ValidationError:
            nip = actor.nip
        return f"{actor.name} (NIP {nip})"
    if actor.name and actor.name != login:
        return f"{actor.name} ({login})"
    return login


def record_admin(
    uow: UnitOfWork,
    actor: str,
    action: str,
    subject: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    now: datetime,
) -> AdminLogRow:
    """Append an administrator's action to the admin log, in the caller's write transaction
    (inside `uow.writing()`, before its commit; it does not commit). `action` is a short
    code ("assignment.add"), `subject` what was changed as people name it, `before` and
    `after` the values changed (never a password or its hash)."""
    last = uow.admin_log.last()  # locks the chain until the transaction ends
    fields: dict[str, Any] = {
        "id": 1 if last is None else last.id + 1,
        "at": now,
        "actor": actor[:200],
        "action": action[:60],
        "subject": subject[:320],
        "before": changes_json(before),
        "after": changes_json(after),
    }
    prev_hash = None if last is None else last.hash
    row = AdminLogRow(**fields, prev_hash=prev_hash, hash=admin_entry_hash(fields, prev_hash))
    uow.admin_log.append(row)
    log.info("admin log #%s %s by %s: %s", row.id, row.action, row.actor, row.hash)
    return row


def record_import(
    uow: UnitOfWork,
    actor: str | None,
    action: str,
    subject: str,
    report: ImportReport,
    *,
    now: datetime | None,
) -> None:
    """Record a file import run by a person (`actor`, at `now`) as one admin log row with its
    counts; an import without an actor (the demo's seeding, tests' fixtures) is not an
    administrator's action and is not recorded."""
    if actor is None:
        return
    if now is None:
        raise ValueError("an import recorded in the admin log needs its moment")
    counts = {
        "baru": dict(report.created),
        "diubah": dict(report.updated),
        "tetap": dict(report.unchanged),
    }
    record_admin(uow, actor, action, subject, None, counts, now=now)


@dataclass(frozen=True)
class AdminLogPage:
    """A page of the admin log, newest first, with the filters' choices and the chain check."""

    rows: list[AdminLogRow]
    total: int
    query: AdminLogQuery
    actions: list[str]
    problem: ChainBreak | None
    checked: int

    @property
    def has_next(self) -> bool:
        """Whether older rows follow this page."""
        return self.query.offset + len(self.rows) < self.total


def admin_log(
    uow: UnitOfWork,
    *,
    action: str | None = None,
    text: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    policy: Policy,
) -> AdminLogPage:
    """The admin log newest first, filtered by action kind, text and local days (`until`
    included), PAGE_SIZE rows a page; with the check of the whole chain."""
    zone = policy.zone
    query = AdminLogQuery(
        action=(action or "").strip() or None,
        text=(text or "").strip()[:100] or None,
        since=None if since is None else datetime.combine(since, time(), zone),
        until=None if until is None else datetime.combine(until + timedelta(days=1), time(), zone),
        offset=(max(page, 1) - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    rows, total = uow.admin_log.page(query)
    report = AuditReport()
    _verify_admin(uow, report, zone)
    return AdminLogPage(
        rows, total, query, uow.admin_log.actions(), next(iter(report.breaks), None),
        report.admin_rows,
    )  # fmt: skip

"""The audit trail: every document's hash chain checked, and one document's trail to export.

Each transition log row's hash covers its fields and the previous row's hash, and the
document keeps the hash of its last row (engine.audit): `verify_audit` walks every
chain and names the first row altered, removed or inserted; `audit_trail` gives one
document's steps, its log rows and the check of its chain, for the Excel workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.audit import ChainBreak, verify_chain
from engine.periods import Quarter
from engine.policy import Policy
from engine.ports import UnitOfWork
from engine.records import LogEntry
from engine.usecases.documents import document_access, history
from engine.workflow import Actor, DocKind

__all__ = ["AuditReport", "AuditTrail", "audit_trail", "verify_audit", "view_audit_trail"]

CHAIN_OK = "Rantai audit utuh"


@dataclass
class AuditReport:
    """How many chains and rows were checked, and where the chains break."""

    documents: int = 0
    rows: int = 0
    breaks: list[ChainBreak] = field(default_factory=list)

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


def verify_audit(uow: UnitOfWork) -> AuditReport:
    """Check every chain; a document whose head is set must have rows that lead to it."""
    heads = uow.audit.heads()
    report = AuditReport()
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

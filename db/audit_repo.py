"""`kinerja audit verify`: walk every document's hash chain in the transition log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from db.models import PerjanjianKinerja, QuarterlyReport
from db.workflow_models import TransitionLog
from engine.audit import HASHED_FIELDS, ChainBreak, verify_chain
from engine.workflow import DocKind


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


def _heads(session: Session) -> dict[tuple[str, int], str | None]:
    heads: dict[tuple[str, int], str | None] = {}
    for doc_id, head in session.exec(select(PerjanjianKinerja.id, PerjanjianKinerja.audit_hash)):
        heads[(DocKind.PK.value, doc_id)] = head  # type: ignore[index]
    for doc_id, head in session.exec(select(QuarterlyReport.id, QuarterlyReport.audit_hash)):
        heads[(DocKind.REPORT.value, doc_id)] = head  # type: ignore[index]
    return heads


def _rows(session: Session) -> Iterator[TransitionLog]:
    query = select(TransitionLog).order_by(
        col(TransitionLog.doc_type), col(TransitionLog.doc_id), col(TransitionLog.id)
    )
    yield from session.exec(query.execution_options(yield_per=2000))


def verify_audit(session: Session) -> AuditReport:
    """Check every chain; a document whose head is set must have rows that lead to it."""
    heads = _heads(session)
    report = AuditReport()
    grouped: dict[tuple[str, int], list[TransitionLog]] = {}
    for row in _rows(session):
        grouped.setdefault((row.doc_type, row.doc_id), []).append(row)
        report.rows += 1
    for key in sorted(set(heads) | set(grouped)):
        rows = grouped.get(key, [])
        head = heads.get(key)
        if not rows and head is None:
            continue
        report.documents += 1
        kind = DocKind(key[0])
        ref = f"{kind.prefix}-{key[1]}"
        if key not in heads:
            report.breaks.append(ChainBreak(ref, rows[0].id, "log untuk dokumen yang tidak ada"))
            continue
        chain = [
            (r.id or 0, {name: getattr(r, name) for name in HASHED_FIELDS}, r.prev_hash, r.hash)
            for r in rows
        ]
        if (problem := verify_chain(ref, chain, head)) is not None:
            report.breaks.append(problem)
    return report

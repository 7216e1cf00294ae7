"""In-memory evidence rows, evidence files and transition log, for the use-case tests.

Part of the tables of tests/unit/fakes_documents.py: `FakeFiles` is a disk (written once,
never replaced, never rolled back); `log_step` appends a hash-chained log row the way a
transition does, so the audit use cases check real chains.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from engine.audit import entry_hash
from engine.records import EvidenceRecord, IndicatorPlace, LogEntry
from engine.workflow import DocKind, State

if TYPE_CHECKING:
    from tests.unit.fakes_documents import Tables


class FakeEvidence:
    """engine.ports.EvidenceRepository in memory."""

    def __init__(self, db: Tables) -> None:
        self.db = db

    def add(self, evidence: EvidenceRecord) -> EvidenceRecord:
        stored = replace(evidence, id=max(self.db.evidence, default=0) + 1)
        self.db.evidence[stored.id] = stored
        return stored

    def get(self, evidence_id: int) -> EvidenceRecord | None:
        return self.db.evidence.get(evidence_id)

    def of_report(self, report_id: int, *, include_replaced: bool = False) -> list[EvidenceRecord]:
        return [
            e
            for _, e in sorted(self.db.evidence.items())
            if e.report_id == report_id and (include_replaced or e.active)
        ]

    def with_checksum(self, report_id: int, sha256: str) -> list[EvidenceRecord]:
        return [e for e in self.of_report(report_id, include_replaced=True) if e.sha256 == sha256]

    def retire(self, evidence_id: int, *, at: datetime, by: int | None, reason: str) -> bool:
        found = self.db.evidence.get(evidence_id)
        if found is None or not found.active:
            return False
        self.db.evidence[evidence_id] = replace(
            found, active=False, withdrawn_at=at, withdrawn_by=by, withdrawn_reason=reason
        )
        return True

    def uploaded_since(self, official_id: int, since: datetime) -> int:
        return sum(
            e.size
            for e in self.db.evidence.values()
            if e.uploaded_by == official_id and e.uploaded_at >= since
        )

    def indicator(self, indicator_id: int) -> IndicatorPlace | None:
        for i in self.db.indicators:
            if i.id == indicator_id:
                return IndicatorPlace(i.code, i.position_id, i.year)
        return None


class FakeFiles:
    """engine.ports.FileStore in memory: written once, never replaced."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def write(self, directory: str, names: Iterable[str], data: bytes) -> str:
        for name in names:
            path = f"{directory}/{name}"
            if self.files.setdefault(path, data) == data:
                return path
        raise FileExistsError(directory)

    def read(self, path: str) -> bytes:
        if ".." in path.split("/"):
            raise ValueError(path)
        if path not in self.files:
            raise FileNotFoundError(path)
        return self.files[path]


class FakeAudit:
    """engine.ports.AuditRepository in memory."""

    def __init__(self, db: Tables) -> None:
        self.db = db

    def log(self, kind: DocKind, doc_id: int) -> list[LogEntry]:
        return [
            e for e in self.db.log if (e.fields["doc_type"], e.fields["doc_id"]) == (kind, doc_id)
        ]

    def heads(self) -> dict[tuple[DocKind, int], str | None]:
        return {key: view.audit_hash for key, view in self.db.workflow.documents.items()}

    def entries(self) -> Iterator[LogEntry]:
        yield from sorted(
            self.db.log, key=lambda e: (e.fields["doc_type"], e.fields["doc_id"], e.id)
        )


def log_step(db: Tables, kind: DocKind, doc_id: int, action: str, to: State, at: datetime,
             *, actor: str = "Dewi Kasi", comment: str | None = None) -> LogEntry:  # fmt: skip
    """Append a hash-chained log row to a document and move its head, as a transition does."""
    view = db.view(kind, doc_id)
    fields = {
        "doc_type": kind.value, "doc_id": doc_id, "visit": view.visit, "action": action,
        "from_state": view.state.value, "to_state": to.value, "actor_official_id": None,
        "actor_name": actor, "actor_nip": None, "acting_status": None,
        "acting_position_id": None, "acting_title": "Kepala Seksi IKM", "comment": comment,
        "at": at,
    }  # fmt: skip
    entry = LogEntry(len(db.log) + 1, fields, view.audit_hash, entry_hash(fields, view.audit_hash))
    db.log.append(entry)
    db.workflow.documents[(kind, doc_id)] = replace(view, state=to, audit_hash=entry.hash)
    return entry

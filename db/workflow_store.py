"""The workflow store: engine.services.WorkflowStore on one SQLModel session (one transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from sqlalchemy import update
from sqlmodel import Session, col, select

from db.indicator_repo import load_indicators
from db.models import (
    PerjanjianKinerja,
    PkTarget,
    QuarterlyReport,
    Regency,
    ReportEntry,
)
from db.org_repo import load_org
from db.recap_query import quarter_targets
from db.upsert import insert_ignore
from db.workflow_models import OutboxMessage, TransitionLog
from engine.errors import NotFoundError
from engine.org import OrgTree
from engine.services import LoggedChange, OutboxDraft, Party, StateChange
from engine.workflow import Action, DocKind, DocumentView, State

DocumentRow = PerjanjianKinerja | QuarterlyReport
OUTBOX = OutboxMessage.metadata.tables["outbox"]
TABLES: dict[DocKind, type[PerjanjianKinerja] | type[QuarterlyReport]] = {
    DocKind.PK: PerjanjianKinerja,
    DocKind.REPORT: QuarterlyReport,
}


class SqlWorkflowStore:
    """Reads and writes of one workflow action, inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def row(self, kind: DocKind, doc_id: int) -> DocumentRow:
        """The document row, or NotFoundError."""
        row: DocumentRow | None = (
            self.session.get(PerjanjianKinerja, doc_id)
            if kind is DocKind.PK
            else self.session.get(QuarterlyReport, doc_id)
        )
        if row is None:
            raise NotFoundError(
                f"{kind.label} {kind.prefix}-{doc_id} tidak ditemukan",
                log_message=f"{kind} {doc_id} not found",
            )
        return row

    def document(self, kind: DocKind, doc_id: int, *, completeness: bool = True) -> DocumentView:
        row = self.row(kind, doc_id)
        assert row.id is not None
        submitted_by, verified_by = self._current_visit_actors(kind, row)
        quarter = row.quarter if isinstance(row, QuarterlyReport) else None
        return DocumentView(
            kind=kind,
            id=row.id,
            position_id=row.position_id,
            year=row.year,
            quarter=quarter,
            state=State(row.state),
            version=row.version,
            visit=row.visit,
            missing=tuple(self.missing(kind, row)) if completeness else (),
            pk_approved=kind is DocKind.PK
            or self.approved_pk(row.position_id, row.year) is not None,
            submitted_by=submitted_by,
            verified_by=verified_by,
            audit_hash=row.audit_hash,
        )

    def _current_visit_actors(
        self, kind: DocKind, row: DocumentRow
    ) -> tuple[int | None, int | None]:
        entries = self.session.exec(
            select(TransitionLog)
            .where(
                TransitionLog.doc_type == kind.value,
                TransitionLog.doc_id == row.id,
                TransitionLog.visit == row.visit,
            )
            .order_by(col(TransitionLog.id))
        )
        submitted = verified = None
        for entry in entries:
            if entry.action == Action.SUBMIT.value:
                submitted = entry.actor_official_id
            elif entry.action == Action.VERIFY.value:
                verified = entry.actor_official_id
        return submitted, verified

    def approved_pk(self, position_id: int, year: int) -> PerjanjianKinerja | None:
        """The latest approved PK revision of a position and year."""
        return self.session.exec(
            select(PerjanjianKinerja)
            .where(
                PerjanjianKinerja.position_id == position_id,
                PerjanjianKinerja.year == year,
                PerjanjianKinerja.state == State.APPROVED.value,
            )
            .order_by(col(PerjanjianKinerja.revision).desc())
        ).first()

    def missing(self, kind: DocKind, row: DocumentRow) -> list[str]:
        """What keeps the document from being submitted (the READY guard)."""
        indicators = load_indicators(self.session, year=row.year, position_ids=[row.position_id])
        problems: list[str] = []
        if not indicators:
            return ["jabatan ini belum punya indikator untuk tahun ini"]
        if kind is DocKind.PK:
            targets = {
                t.indicator_id: t
                for t in self.session.exec(select(PkTarget).where(PkTarget.pk_id == row.id))
            }
            for indicator in indicators:
                target = targets.get(indicator.id)
                parsed = quarter_targets(indicator, target)
                if target is None or parsed is None or None in parsed.quarters:
                    problems.append(f"target {indicator.code} (tahunan dan TW I-IV)")
                elif parsed.check(indicator.rollup).reason_required and not target.tw4_reason:
                    problems.append(f"alasan target TW IV {indicator.code} berbeda dari tahunan")
            return problems
        entries = {
            e.indicator_id: e
            for e in self.session.exec(select(ReportEntry).where(ReportEntry.report_id == row.id))
        }
        for indicator in indicators:
            entry = entries.get(indicator.id)
            if entry is not None and (entry.no_data_reason or "").strip():
                continue
            given = {} if entry is None else entry.inputs
            if any(str(given.get(name, "")).strip() == "" for name in indicator.formula.variables):
                problems.append(f"isian {indicator.code} (atau alasan tidak ada data)")
        return problems

    @cached_property
    def _tree(self) -> OrgTree:
        return load_org(self.session).tree

    def org_tree(self) -> OrgTree:
        return self._tree

    def regency_head_title(self) -> str:
        regency = self.session.exec(select(Regency)).first()
        return regency.head_title if regency is not None else "Kepala Daerah"

    def last_change(self, kind: DocKind, doc_id: int) -> LoggedChange | None:
        entry = self.session.exec(
            select(TransitionLog)
            .where(TransitionLog.doc_type == kind.value, TransitionLog.doc_id == doc_id)
            .order_by(col(TransitionLog.id).desc())
        ).first()
        if entry is None:
            return None
        return LoggedChange(entry.actor_name, entry.at, Action(entry.action))

    def apply(self, change: StateChange) -> bool:
        document = change.document
        table = TABLES[document.kind]
        values: dict[str, object] = {
            "state": change.target.value,
            "version": document.version + 1,
            "visit": change.visit,
            "audit_hash": change.hash,
            "updated_at": change.at,
        }
        if change.target is State.SUBMITTED:
            values["submitted_at"] = change.at
        if change.target is State.APPROVED:
            values["approved_at"] = change.at
        statement = (
            update(table)
            .where(
                col(table.id) == document.id,
                col(table.version) == document.version,
                col(table.state) == document.state.value,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if self.session.execute(statement).rowcount != 1:  # type: ignore[attr-defined]
            return False
        self.session.expire_all()  # rows loaded before the UPDATE are stale now
        self.session.add(
            TransitionLog(**change.log, prev_hash=document.audit_hash, hash=change.hash)
        )
        self.session.flush()
        return True

    def enqueue(self, messages: Sequence[OutboxDraft]) -> None:
        rows = [
            {
                "dedupe_key": m.dedupe_key,
                "kind": m.kind,
                "recipient_official_id": m.recipient_official_id,
                "recipient_email": m.recipient_email,
                "recipient_name": m.recipient_name,
                "payload": m.payload,
                "status": "pending",
                "attempts": 0,
                "available_at": m.available_at,
                "created_at": m.available_at,
            }
            for m in messages
        ]
        insert_ignore(self.session, OUTBOX, rows, "dedupe_key")

    def record_parties(self, doc_id: int, first: Party, second: Party) -> None:
        row = self.row(DocKind.PK, doc_id)
        assert isinstance(row, PerjanjianKinerja)
        row.first_party_name, row.first_party_nip, row.first_party_title = (
            first.name,
            first.nip,
            first.title,
        )
        row.second_party_name, row.second_party_nip, row.second_party_title = (
            second.name,
            second.nip,
            second.title,
        )
        self.session.add(row)
        self.session.flush()

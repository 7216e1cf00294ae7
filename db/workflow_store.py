"""The workflow store: engine.services.WorkflowStore on one SQLModel session (one transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, cached_property
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, exists, insert, literal, null, update
from sqlmodel import Session, col, select

from db.indicator_repo import load_indicators
from db.models import (
    PerjanjianKinerja,
    PkTarget,
    QuarterlyReport,
    Regency,
    ReportEntry,
)
from db.org_repo import load_org_tree
from db.recap_query import quarter_targets
from db.upsert import insert_ignore
from db.workflow_models import OutboxMessage, TransitionLog
from engine.errors import NotFoundError
from engine.org import OrgTree
from engine.services import LoggedChange, OutboxDraft, Party, StateChange
from engine.workflow import Action, DocKind, DocumentView, State

DocumentRow = PerjanjianKinerja | QuarterlyReport
OUTBOX = OutboxMessage.metadata.tables["outbox"]
LOG = TransitionLog.metadata.tables["transition_log"]
PK = PerjanjianKinerja.metadata.tables["pk"]
_LOG_INSERT = insert(LOG)
TABLES: dict[DocKind, type[PerjanjianKinerja] | type[QuarterlyReport]] = {
    DocKind.PK: PerjanjianKinerja,
    DocKind.REPORT: QuarterlyReport,
}


class _DocKey(NamedTuple):
    """What the completeness check needs of a document."""

    id: int
    position_id: int
    year: int


@cache
def _document_query(kind: DocKind) -> Select[Any]:
    """The document, whether its PK is approved and who submitted and verified it in this
    visit, in one query (the latest log entry of each action wins); built once per kind."""
    table = TABLES[kind].metadata.tables["pk" if kind is DocKind.PK else "report"]

    def actor_of(action: Action) -> Any:
        return (
            select(LOG.c.actor_official_id)
            .where(
                LOG.c.doc_type == kind.value,
                LOG.c.doc_id == table.c.id,
                LOG.c.visit == table.c.visit,
                LOG.c.action == action.value,
            )
            .order_by(LOG.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    pk_approved: Any = (
        literal(True)
        if kind is DocKind.PK
        else exists().where(
            PK.c.position_id == table.c.position_id,
            PK.c.year == table.c.year,
            PK.c.state == State.APPROVED.value,
        )
    )
    quarter: Any = table.c.quarter if kind is DocKind.REPORT else null()
    return select(  # type: ignore[call-overload,no-any-return]
        table.c.id, table.c.position_id, table.c.year, quarter.label("quarter"), table.c.state,
        table.c.version, table.c.visit, table.c.audit_hash,
        actor_of(Action.SUBMIT).label("submitted_by"),
        actor_of(Action.VERIFY).label("verified_by"),
        pk_approved.label("pk_approved"),
    ).where(table.c.id == bindparam("doc_id"))  # fmt: skip


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
        found = self.session.execute(_document_query(kind), {"doc_id": doc_id}).first()
        if found is None:
            raise NotFoundError(
                f"{kind.label} {kind.prefix}-{doc_id} tidak ditemukan",
                log_message=f"{kind} {doc_id} not found",
            )
        doc = _DocKey(found.id, found.position_id, found.year)
        return DocumentView(
            kind=kind,
            id=found.id,
            position_id=found.position_id,
            year=found.year,
            quarter=found.quarter,
            state=State(found.state),
            version=found.version,
            visit=found.visit,
            missing=tuple(self.missing(kind, doc)) if completeness else (),
            pk_approved=bool(found.pk_approved),
            submitted_by=found.submitted_by,
            verified_by=found.verified_by,
            audit_hash=found.audit_hash,
        )

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

    def missing(self, kind: DocKind, row: DocumentRow | _DocKey) -> list[str]:
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
        return load_org_tree(self.session)

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
        # A Core insert with the values as parameters (the statement is built and compiled
        # once): nothing reads the row back, so the unit of work is not needed.
        self.session.execute(
            _LOG_INSERT, {**change.log, "prev_hash": document.audit_hash, "hash": change.hash}
        )
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

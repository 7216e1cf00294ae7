"""The document repository: what reports and PKs have in common, and lists of them.

`SqlDocuments` implements engine.ports.DocumentRepository on a session (the unit of
work's, or any other for db/'s own callers). It only reads and writes rows: which
document may change, and who may read which list, is decided in engine/usecases.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.indicator_repo import load_indicators
from db.models import Agency, PerjanjianKinerja, PositionRow, QuarterlyReport
from db.organisation import load_org_tree
from engine.errors import NotFoundError
from engine.indicators import Indicator
from engine.org import OrgTree
from engine.periods import Quarter
from engine.records import DocumentFilter, DocumentHead, DocumentRecord
from engine.workflow import DocKind, State

DocumentRow = PerjanjianKinerja | QuarterlyReport


def not_found(what: str) -> NotFoundError:
    """`what` tidak ditemukan."""
    return NotFoundError(f"{what} tidak ditemukan", log_message=f"{what} not found")


def get_pk(session: Session, pk_id: int) -> PerjanjianKinerja:
    """The PK row or NotFoundError."""
    row = session.get(PerjanjianKinerja, pk_id)
    if row is None:
        raise not_found(f"Perjanjian Kinerja PK-{pk_id}")
    return row


def get_report(session: Session, report_id: int, *, lock: bool = False) -> QuarterlyReport:
    """The report row or NotFoundError; `lock` holds it for the rest of the transaction."""
    row = (
        session.get(QuarterlyReport, report_id, with_for_update=True, populate_existing=True)
        if lock
        else session.get(QuarterlyReport, report_id)
    )
    if row is None:
        raise not_found(f"Laporan LAP-{report_id}")
    return row


def position_by_code(session: Session, code: str) -> PositionRow:
    """A position by its code or NotFoundError."""
    row = session.exec(select(PositionRow).where(PositionRow.code == code)).first()
    if row is None:
        raise not_found(f"Jabatan '{code}'")
    return row


def head_of(row: DocumentRow) -> DocumentHead:
    """The engine's view of a document row, for the editing rules."""
    assert row.id is not None
    if isinstance(row, QuarterlyReport):
        return DocumentHead(
            DocKind.REPORT, row.id, row.position_id, row.year, State(row.state), row.quarter
        )
    return DocumentHead(
        DocKind.PK, row.id, row.position_id, row.year, State(row.state), None, row.revision
    )


def document_record(session: Session, row: PerjanjianKinerja | QuarterlyReport) -> DocumentRecord:
    """The part of a report or PK every view shows."""
    position = session.get(PositionRow, row.position_id)
    if position is None or row.id is None:
        raise not_found(f"Jabatan #{row.position_id}")
    agency = session.get(Agency, position.agency_id)
    return DocumentRecord(
        id=row.id,
        position_id=row.position_id,
        position_code=position.code,
        position_title=position.title,
        year=row.year,
        state=State(row.state),
        version=row.version,
        visit=row.visit,
        agency=None if agency is None else agency.name,
        place=None if agency is None else agency.place,
        quarter=row.quarter if isinstance(row, QuarterlyReport) else None,
        revision=row.revision if isinstance(row, PerjanjianKinerja) else 1,
        audit_hash=row.audit_hash,
    )


class SqlDocuments:
    """engine.ports.DocumentRepository on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def head(self, kind: DocKind, doc_id: int, *, lock: bool = False) -> DocumentHead:
        if kind is DocKind.PK:
            return head_of(get_pk(self.session, doc_id))
        return head_of(get_report(self.session, doc_id, lock=lock))

    def record(self, kind: DocKind, doc_id: int) -> DocumentRecord:
        row = (
            get_pk(self.session, doc_id) if kind is DocKind.PK else get_report(self.session, doc_id)
        )
        return document_record(self.session, row)

    def position_id(self, code: str) -> int:
        row = position_by_code(self.session, code)
        assert row.id is not None
        return row.id

    def indicators(self, position_id: int, year: int) -> list[Indicator]:
        return load_indicators(self.session, year=year, position_ids=[position_id])

    def touch(self, kind: DocKind, doc_id: int, now: datetime) -> None:
        row = (
            get_pk(self.session, doc_id) if kind is DocKind.PK else get_report(self.session, doc_id)
        )
        row.updated_at = now
        self.session.add(row)
        self.session.flush()

    def org_tree(self) -> OrgTree:
        return load_org_tree(self.session)

    def page(
        self,
        kind: DocKind,
        where: DocumentFilter,
        *,
        visible: Collection[int] | None,
        offset: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int]:
        model = _model(kind)
        conditions = _conditions(kind, where)
        if visible is not None:
            conditions.append(col(model.position_id).in_(sorted(visible)))
        joined = col(PositionRow.id) == col(model.position_id)
        total = self.session.exec(
            select(func.count()).select_from(model).join(PositionRow, joined).where(*conditions)
        ).one()
        order: list[Any] = [col(model.year).desc()]
        if kind is DocKind.REPORT:
            order.append(col(QuarterlyReport.quarter).desc())
        else:
            order.append(col(PerjanjianKinerja.revision).desc())
        order += [col(PositionRow.sort_order), col(PositionRow.id), col(model.id)]
        rows = self.session.exec(
            select(model, PositionRow)
            .join(PositionRow, joined)
            .where(*conditions)
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        ).all()
        items = []
        for doc, position in rows:
            assert isinstance(doc, QuarterlyReport | PerjanjianKinerja)
            assert isinstance(position, PositionRow)
            items.append(_summary(kind, doc, position))
        return items, int(total)

    def listing(self, kind: DocKind, where: DocumentFilter) -> list[dict[str, Any]]:
        model = _model(kind)
        order = col(PositionRow.sort_order) if kind is DocKind.REPORT else col(model.id)
        rows = self.session.exec(
            select(model, PositionRow)
            .join(PositionRow, col(PositionRow.id) == col(model.position_id))
            .where(*_conditions(kind, where))
            .order_by(order)
        ).all()
        items = []
        for doc, position in rows:
            assert isinstance(doc, QuarterlyReport | PerjanjianKinerja)
            assert isinstance(position, PositionRow)
            item: dict[str, Any] = {"ref": f"{kind.prefix}-{doc.id}", "position": position.code,
                                    "title": position.title}  # fmt: skip
            if isinstance(doc, PerjanjianKinerja):
                item |= {"year": doc.year, "revision": doc.revision, "state": doc.state,
                         "version": doc.version}  # fmt: skip
            else:
                item |= {"state": doc.state, "version": doc.version, "visit": doc.visit}
            items.append(item)
        return items


def _model(kind: DocKind) -> type[PerjanjianKinerja] | type[QuarterlyReport]:
    return QuarterlyReport if kind is DocKind.REPORT else PerjanjianKinerja


def _conditions(kind: DocKind, where: DocumentFilter) -> list[Any]:
    model = _model(kind)
    conditions: list[Any] = []
    if where.year is not None:
        conditions.append(col(model.year) == where.year)
    if where.state is not None:
        conditions.append(col(model.state) == str(where.state))
    if where.position is not None:
        conditions.append(col(PositionRow.code) == where.position)
    if kind is DocKind.REPORT and where.quarter is not None:
        conditions.append(col(QuarterlyReport.quarter) == where.quarter)
    return conditions


def _summary(kind: DocKind, doc: DocumentRow, position: PositionRow) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": doc.id,
        "ref": f"{kind.prefix}-{doc.id}",
        "position": position.code,
        "position_title": position.title,
        "year": doc.year,
        "state": doc.state,
        "version": doc.version,
        "updated_at": doc.updated_at,
    }
    if isinstance(doc, QuarterlyReport):
        item["quarter"] = doc.quarter
        item["period"] = Quarter(doc.year, doc.quarter).label
    else:
        item["revision"] = doc.revision
    return item

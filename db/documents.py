"""The documents' repositories: what reports and PKs have in common, lists of them, reports.

`SqlDocuments` implements engine.ports.DocumentRepository and `SqlReports`
engine.ports.ReportRepository on a session (the unit of work's, or any other for db/'s
own callers); db/pks.py holds the PK's. They only read and write rows: which document
may change, which report opens when, what may be typed and who may read which list are
decided in engine/usecases; a report's rows (realisation, target, capaian) are computed
by engine.realisation from the rows read here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from db.admin import capaian_rules_of
from db.catalogue import load_indicators
from db.models import Agency, PerjanjianKinerja, PkTarget, PositionRow, QuarterlyReport, ReportEntry
from db.organisation import load_org_tree
from engine.errors import NotFoundError
from engine.indicators import Indicator
from engine.org import OrgTree
from engine.periods import Quarter
from engine.realisation import report_rows
from engine.records import (
    DocumentFilter,
    DocumentHead,
    DocumentRecord,
    ReportRecord,
    ReportSources,
    StoredEntry,
    StoredTargets,
)
from engine.usecases.reports import add_missing_reports
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

    def mark_saved(
        self, kind: DocKind, doc_id: int, *, version: int | None, by: str, now: datetime
    ) -> bool:
        model = _model(kind)
        self.session.flush()
        match = [col(model.id) == doc_id]
        if version is not None:
            match.append(col(model.version) == version)
        changed = self.session.execute(
            update(model)
            .where(*match)
            .values(
                version=col(model.version) + 1, saved_by=by[:200], saved_at=now,
                updated_at=now, changes=col(model.changes) + 1,
            )
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        self.session.expire_all()  # rows loaded before the UPDATE are stale now
        return bool(getattr(changed, "rowcount", 0) == 1)

    def last_save(self, kind: DocKind, doc_id: int) -> tuple[str, datetime] | None:
        model = _model(kind)
        row = self.session.execute(
            select(model.saved_by, model.saved_at).where(col(model.id) == doc_id)
        ).first()
        if row is None or row[0] is None or row[1] is None:
            return None
        return row[0], row[1]

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


class SqlReports:
    """engine.ports.ReportRepository on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def report(self, report_id: int) -> ReportRecord:
        report = get_report(self.session, report_id)
        document = document_record(self.session, report)
        pk = self._approved_pk(report.position_id, report.year)
        found = self._sources(report, pk)
        rows = report_rows(found.indicators, found.quarter, found.entries, found.earlier,
                           found.targets, capaian_rules_of(self.session, report.year))  # fmt: skip
        return ReportRecord(document, report.quarter, None if pk is None else pk.id, rows)

    def report_sources(self, report_id: int) -> ReportSources:
        report = get_report(self.session, report_id)
        return self._sources(report, self._approved_pk(report.position_id, report.year))

    def _sources(self, report: QuarterlyReport, pk: PerjanjianKinerja | None) -> ReportSources:
        session = self.session
        targets = {}
        if pk is not None:
            targets = {
                t.indicator_id: StoredTargets(t.annual, t.tw1, t.tw2, t.tw3, t.tw4, t.tw4_reason)
                for t in session.exec(select(PkTarget).where(PkTarget.pk_id == pk.id))
            }
        # The entries of the position's reports this year up to this quarter: the report's
        # own, and the earlier ones for cumulative targets measured to date.
        earlier = {
            (e.indicator_id, q): StoredEntry(dict(e.inputs), e.no_data_reason, e.kendala, e.upaya)
            for e, q in session.exec(
                select(ReportEntry, QuarterlyReport.quarter)
                .join(QuarterlyReport)
                .where(
                    QuarterlyReport.position_id == report.position_id,
                    QuarterlyReport.year == report.year,
                    QuarterlyReport.quarter <= report.quarter,
                )
            )
        }
        own = {i: entry for (i, q), entry in earlier.items() if q == report.quarter}
        indicators = load_indicators(session, year=report.year, position_ids=[report.position_id])
        return ReportSources(report.quarter, list(indicators), own, earlier, targets)

    def _approved_pk(self, position_id: int, year: int) -> PerjanjianKinerja | None:
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

    def positions_with_approved_pk(self, year: int) -> set[int]:
        return set(
            self.session.exec(
                select(PerjanjianKinerja.position_id).where(
                    PerjanjianKinerja.year == year,
                    PerjanjianKinerja.state == State.APPROVED.value,
                )
            )
        )

    def report_positions(self, year: int, quarter: int) -> set[int]:
        return set(
            self.session.exec(
                select(QuarterlyReport.position_id).where(
                    QuarterlyReport.year == year, QuarterlyReport.quarter == quarter
                )
            )
        )

    def add_reports(
        self, year: int, quarter: int, position_ids: Sequence[int], now: datetime
    ) -> list[int]:
        created = [
            QuarterlyReport(
                position_id=position_id, year=year, quarter=quarter, created_at=now, updated_at=now
            )
            for position_id in position_ids
        ]
        self.session.add_all(created)
        self.session.flush()
        return [row.id for row in created if row.id is not None]

    def _entry_row(self, report_id: int, indicator_id: int) -> ReportEntry | None:
        return self.session.exec(
            select(ReportEntry).where(
                ReportEntry.report_id == report_id, ReportEntry.indicator_id == indicator_id
            )
        ).first()

    def entry(self, report_id: int, indicator_id: int) -> StoredEntry | None:
        row = self._entry_row(report_id, indicator_id)
        if row is None:
            return None
        return StoredEntry(dict(row.inputs), row.no_data_reason, row.kendala, row.upaya)

    def save_entry(self, report_id: int, indicator_id: int, entry: StoredEntry) -> None:
        row = self._entry_row(report_id, indicator_id)
        if row is None:
            row = ReportEntry(report_id=report_id, indicator_id=indicator_id, inputs={})
        row.inputs = dict(entry.inputs)
        row.no_data_reason = entry.no_data_reason
        row.kendala = entry.kendala
        row.upaya = entry.upaya
        self.session.add(row)
        self.session.flush()

    def quarters_in(self, position_id: int, year: int, states: Collection[State]) -> set[int]:
        return set(
            self.session.exec(
                select(QuarterlyReport.quarter).where(
                    QuarterlyReport.position_id == position_id,
                    QuarterlyReport.year == year,
                    col(QuarterlyReport.state).in_(sorted(s.value for s in states)),
                )
            )
        )


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
        "position_id": doc.position_id,
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


# --- for callers holding their own session (demo generator, test set-ups), who commit.


def open_reports(session: Session, year: int, quarter: int, now: datetime) -> list[QuarterlyReport]:
    """Open the quarter's missing reports (`engine.usecases.reports.add_missing_reports`)."""
    opened = add_missing_reports(SqlReports(session), year, quarter, now)
    return [get_report(session, report_id) for report_id in opened]

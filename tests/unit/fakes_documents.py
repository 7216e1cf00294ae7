"""In-memory repositories of reports, PKs, evidence and the audit trail, for the use-case tests.

`Tables` holds everything a test's documents are: the workflow fake's document views (their
state), PK revisions, report entries, targets, budget lines, DPA dates, evidence rows, the
log, and the evidence files. `DocumentsUnitOfWork` is tests/unit/fakes.py's unit of work
over those tables, with the transaction of the real one: `commit` keeps what was written,
`rollback` (and leaving it) restores the last commit. The files, like a disk, are never
rolled back (tests/unit/fakes_evidence.py). Reads answer as the SQL repositories do, in
plain engine values.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from engine.budget import BudgetLine
from engine.capaian import Polarity
from engine.errors import NotFoundError
from engine.formulas import Variable, parse
from engine.indicators import Indicator, IndicatorKind
from engine.org import OrgTree
from engine.pending import PendingDoc
from engine.records import (
    DocumentFilter,
    DocumentHead,
    DocumentRecord,
    EvidenceRecord,
    LogEntry,
    PkLine,
    PkRecord,
    ReportRecord,
    ReportSources,
    Revision,
    SignedParty,
    StoredEntry,
    StoredTargets,
)
from engine.targets import Rollup, TargetMode
from engine.workflow import DocKind, DocumentView, State
from tests.unit.fakes import KABID, KASI, TREE, FakeUnitOfWork, FakeWorkflow
from tests.unit.fakes_accounts import FakeAdmin
from tests.unit.fakes_evidence import FakeAudit, FakeEvidence, FakeFiles

YEAR = 2021
AGENCY_ID = 1


def indicator(number: int, position: int = KASI, *, expression: str = "a / b * 100") -> Indicator:
    """An indicator of `position` for 2021: a percentage of `a` over `b`."""
    return Indicator(
        id=number,
        code=f"ind-{number}",
        position_id=position,
        year=YEAR,
        kind=IndicatorKind.IKI,
        kinerja=f"Sasaran {number}",
        name=f"Indikator {number}",
        unit="%",
        formula=parse(expression, [Variable("a", "Realisasi"), Variable("b", "Sasaran")]),
        data_source="-",
        polarity=Polarity.POSITIVE,
        rollup=Rollup.LAST,
        target_mode=TargetMode.CUMULATIVE,
        decimals=2,
    )


INDICATORS = (indicator(11), indicator(12), indicator(21, KABID))


def pk(
    doc_id: int, position: int = KASI, state: State = State.DRAFT, *, version: int = 1
) -> DocumentView:
    """A PK as the workflow sees it."""
    return DocumentView(DocKind.PK, doc_id, position, YEAR, None, state, version, 1)


def report(
    doc_id: int, position: int = KASI, state: State = State.DRAFT, *, quarter: int = 1
) -> DocumentView:
    """A quarterly report as the workflow sees it."""
    return DocumentView(DocKind.REPORT, doc_id, position, YEAR, quarter, state, 1, 1)


@dataclass
class Tables:
    """Everything the fakes store."""

    workflow: FakeWorkflow
    indicators: Sequence[Indicator] = INDICATORS
    revisions: dict[int, tuple[int, str | None]] = field(default_factory=dict)
    entries: dict[tuple[int, int], StoredEntry] = field(default_factory=dict)
    targets: dict[tuple[int, int], StoredTargets] = field(default_factory=dict)
    budget: dict[int, list[BudgetLine]] = field(default_factory=dict)
    dpa: dict[tuple[int, int], date] = field(default_factory=dict)
    parties: dict[int, tuple[SignedParty, SignedParty]] = field(default_factory=dict)
    approved_at: dict[int, datetime] = field(default_factory=dict)
    evidence: dict[int, EvidenceRecord] = field(default_factory=dict)
    log: list[LogEntry] = field(default_factory=list)
    saved: dict[tuple[DocKind, int], tuple[str, datetime]] = field(default_factory=dict)
    files: FakeFiles = field(default_factory=FakeFiles)

    def state(self) -> dict[str, Any]:
        """A copy of everything a transaction may change (not the files: a disk)."""
        saved = {
            name: copy.deepcopy(value)
            for name, value in vars(self).items()
            if name not in ("workflow", "files", "indicators")
        }
        saved["documents"] = dict(self.workflow.documents)
        return saved

    def restore(self, saved: dict[str, Any]) -> None:
        """Back to a state taken before."""
        for name, value in saved.items():
            if name == "documents":
                self.workflow.documents = dict(value)
            else:
                setattr(self, name, copy.deepcopy(value))

    def view(self, kind: DocKind, doc_id: int) -> DocumentView:
        found = self.workflow.documents.get((kind, doc_id))
        if found is None:
            what = (
                f"Perjanjian Kinerja PK-{doc_id}" if kind is DocKind.PK else f"Laporan LAP-{doc_id}"
            )
            raise NotFoundError(f"{what} tidak ditemukan")
        return found

    def record(self, kind: DocKind, doc_id: int) -> DocumentRecord:
        view = self.view(kind, doc_id)
        position = TREE.position(view.position_id)
        return DocumentRecord(
            view.id, view.position_id, position.code, position.title, view.year, view.state,
            view.version, view.visit, "Dinas Perindustrian", "Gresik", view.quarter,
            self.revisions.get(doc_id, (1, None))[0] if kind is DocKind.PK else 1,
            view.audit_hash,
        )  # fmt: skip

    def add(self, view: DocumentView) -> int:
        doc_id = max((d for _, d in self.workflow.documents), default=0) + 1
        self.workflow.documents[(view.kind, doc_id)] = replace(view, id=doc_id)
        return doc_id


class FakeDocuments:
    """engine.ports.DocumentRepository in memory."""

    def __init__(self, db: Tables) -> None:
        self.db = db
        self.locked: list[int] = []

    def head(self, kind: DocKind, doc_id: int, *, lock: bool = False) -> DocumentHead:
        view = self.db.view(kind, doc_id)
        if lock:
            self.locked.append(doc_id)
        revision = self.db.revisions.get(doc_id, (1, None))[0] if kind is DocKind.PK else 1
        return DocumentHead(kind, doc_id, view.position_id, view.year, view.state, view.quarter,
                            revision)  # fmt: skip

    def record(self, kind: DocKind, doc_id: int) -> DocumentRecord:
        return self.db.record(kind, doc_id)

    def position_id(self, code: str) -> int:
        for position in TREE.positions:
            if position.code == code:
                return position.id
        raise NotFoundError(f"Jabatan '{code}' tidak ditemukan")

    def indicators(self, position_id: int, year: int) -> list[Indicator]:
        return [i for i in self.db.indicators if (i.position_id, i.year) == (position_id, year)]

    def mark_saved(
        self, kind: DocKind, doc_id: int, *, version: int | None, by: str, now: datetime
    ) -> bool:
        view = self.db.view(kind, doc_id)
        if version is not None and view.version != version:
            return False
        self.db.workflow.documents[(kind, doc_id)] = replace(view, version=view.version + 1)
        self.db.saved[(kind, doc_id)] = (by, now)
        return True

    def last_save(self, kind: DocKind, doc_id: int) -> tuple[str, datetime] | None:
        return self.db.saved.get((kind, doc_id))

    def org_tree(self) -> OrgTree:
        return TREE

    def _matching(self, kind: DocKind, where: DocumentFilter) -> list[DocumentView]:
        found = [v for (k, _), v in sorted(self.db.workflow.documents.items()) if k is kind]
        return [
            v
            for v in found
            if (where.year is None or v.year == where.year)
            and (where.quarter is None or v.quarter == where.quarter)
            and (where.state is None or v.state.value == where.state)
            and (where.position is None or TREE.position(v.position_id).code == where.position)
        ]

    def page(
        self,
        kind: DocKind,
        where: DocumentFilter,
        *,
        visible: Collection[int] | None,
        offset: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int]:
        found = [
            {"ref": v.ref, "position_id": v.position_id}
            for v in self._matching(kind, where)
            if visible is None or v.position_id in visible
        ]
        return found[offset : offset + limit], len(found)

    def listing(self, kind: DocKind, where: DocumentFilter) -> list[dict[str, Any]]:
        return [{"ref": v.ref, "state": v.state.value} for v in self._matching(kind, where)]


class FakeReports:
    """engine.ports.ReportRepository in memory; a report's rows show what is stored."""

    def __init__(self, db: Tables) -> None:
        self.db = db

    def report(self, report_id: int) -> ReportRecord:
        record = self.db.record(DocKind.REPORT, report_id)
        rows = []
        for i in self.db.indicators:
            if (i.position_id, i.year) != (record.position_id, record.year):
                continue
            entry = self.db.entries.get((report_id, i.id), StoredEntry())
            rows.append(
                {
                    "indicator": i.code,
                    "inputs": dict(entry.inputs),
                    "no_data_reason": entry.no_data_reason,
                    "kendala": entry.kendala,
                }
            )
        assert record.quarter is not None
        return ReportRecord(record, record.quarter, None, rows)

    def report_sources(self, report_id: int) -> ReportSources:
        record = self.db.record(DocKind.REPORT, report_id)
        assert record.quarter is not None
        indicators = [
            i
            for i in self.db.indicators
            if (i.position_id, i.year) == (record.position_id, record.year)
        ]
        quarters = {
            doc_id: v.quarter
            for (kind, doc_id), v in self.db.workflow.documents.items()
            if kind is DocKind.REPORT
            and (v.position_id, v.year) == (record.position_id, record.year)
            and v.quarter is not None
            and v.quarter <= record.quarter
        }
        earlier = {
            (indicator_id, quarters[rid]): entry
            for (rid, indicator_id), entry in self.db.entries.items()
            if rid in quarters
        }
        own = {i: e for (rid, i), e in self.db.entries.items() if rid == report_id}
        approved = [
            doc_id
            for (kind, doc_id), v in self.db.workflow.documents.items()
            if kind is DocKind.PK
            and (v.position_id, v.year) == (record.position_id, record.year)
            and v.state is State.APPROVED
        ]
        targets = {} if not approved else {
            i: t for (pk_id, i), t in self.db.targets.items() if pk_id == max(approved)
        }  # fmt: skip
        return ReportSources(record.quarter, indicators, own, earlier, targets)

    def positions_with_approved_pk(self, year: int) -> set[int]:
        return {
            v.position_id
            for (kind, _), v in self.db.workflow.documents.items()
            if kind is DocKind.PK and v.year == year and v.state is State.APPROVED
        }

    def report_positions(self, year: int, quarter: int) -> set[int]:
        return {
            v.position_id
            for (kind, _), v in self.db.workflow.documents.items()
            if kind is DocKind.REPORT and (v.year, v.quarter) == (year, quarter)
        }

    def add_reports(
        self, year: int, quarter: int, position_ids: Sequence[int], now: datetime
    ) -> list[int]:
        return [self.db.add(report(0, p, quarter=quarter)) for p in position_ids]

    def entry(self, report_id: int, indicator_id: int) -> StoredEntry | None:
        return self.db.entries.get((report_id, indicator_id))

    def save_entry(self, report_id: int, indicator_id: int, entry: StoredEntry) -> None:
        self.db.entries[(report_id, indicator_id)] = entry

    def quarters_in(self, position_id: int, year: int, states: Collection[State]) -> set[int]:
        return {
            v.quarter
            for (kind, _), v in self.db.workflow.documents.items()
            if kind is DocKind.REPORT
            and (v.position_id, v.year) == (position_id, year)
            and v.state in states
            and v.quarter is not None
        }


class FakePks:
    """engine.ports.PkRepository in memory."""

    def __init__(self, db: Tables) -> None:
        self.db = db

    def pk(self, pk_id: int) -> PkRecord:
        record = self.db.record(DocKind.PK, pk_id)
        revision, reason = self.db.revisions.get(pk_id, (1, None))
        indicators = [i for i in self.db.indicators if i.position_id == record.position_id]
        targets = [
            {"indicator": i.code, "annual": t.annual if (t := self.db.targets.get((pk_id, i.id)))
             else None}
            for i in indicators
        ]  # fmt: skip
        lines = self.db.budget.get(pk_id, [])
        none = SignedParty(None, None, None)
        first, second = self.db.parties.get(pk_id, (none, none))
        return PkRecord(
            record, revision, reason, targets,
            [{"program": b.program, "kegiatan": b.kegiatan, "sub_kegiatan": b.sub_kegiatan,
              "anggaran": str(b.anggaran)} for b in lines],
            sum((b.anggaran for b in lines), Decimal(0)), {i.code: i.kinerja for i in indicators},
            self.db.dpa.get((AGENCY_ID, record.year)), self.db.approved_at.get(pk_id), first,
            second,
        )  # fmt: skip

    def revisions(self, position_id: int, year: int) -> list[Revision]:
        found = [
            Revision(v.id, *self.db.revisions.get(v.id, (1, None)), v.state)
            for (kind, _), v in self.db.workflow.documents.items()
            if kind is DocKind.PK and (v.position_id, v.year) == (position_id, year)
        ]
        return sorted(found, key=lambda r: r.revision)

    def add(
        self,
        position_id: int,
        year: int,
        now: datetime,
        *,
        revision: int = 1,
        reason: str | None = None,
    ) -> int:
        pk_id = self.db.add(replace(pk(0, position_id), year=year))
        self.db.revisions[pk_id] = (revision, reason)
        return pk_id

    def of_year(self, year: int, position_ids: Collection[int]) -> list[PkLine]:
        found = []
        for position_id in sorted(position_ids):
            for r in self.revisions(position_id, year):
                first, _ = self.db.parties.get(r.id, (SignedParty(None, None, None),) * 2)
                found.append(
                    PkLine(r.id, position_id, r.revision, r.state, self.db.approved_at.get(r.id),
                           first.nip, first.name)
                )  # fmt: skip
        return found

    def pending_revisions(self, position_ids: Collection[int] | None = None) -> list[PendingDoc]:
        return [
            PendingDoc(DocKind.PK, v.id, v.position_id, v.year, None, v.state, v.visit, v.version)
            for (kind, _), v in sorted(self.db.workflow.documents.items())
            if kind is DocKind.PK
            and self.db.revisions.get(v.id, (1, None))[0] > 1
            and v.state is not State.APPROVED
            and (position_ids is None or v.position_id in position_ids)
        ]

    def copy_contents(self, source_id: int, target_id: int) -> None:
        for (pk_id, indicator_id), targets in list(self.db.targets.items()):
            if pk_id == source_id:
                self.db.targets[(target_id, indicator_id)] = targets
        self.db.budget[target_id] = list(self.db.budget.get(source_id, []))

    def targets(self, pk_id: int, indicator_id: int) -> StoredTargets | None:
        return self.db.targets.get((pk_id, indicator_id))

    def revision_targets(
        self, position_id: int, year: int, revision: int, indicator_id: int
    ) -> StoredTargets | None:
        for found in self.revisions(position_id, year):
            if found.revision == revision:
                return self.db.targets.get((found.id, indicator_id))
        return None

    def save_targets(self, pk_id: int, indicator_id: int, targets: StoredTargets) -> None:
        self.db.targets[(pk_id, indicator_id)] = targets

    def replace_budget(self, pk_id: int, lines: Sequence[BudgetLine]) -> None:
        self.db.budget[pk_id] = list(lines)

    def agency_id(self, code: str) -> int:
        if code != "dinas":
            raise NotFoundError(f"Perangkat daerah '{code}' tidak ditemukan")
        return AGENCY_ID

    def set_dpa_date(self, agency_id: int, year: int, day: date) -> None:
        self.db.dpa[(agency_id, year)] = day


class DocumentsUnitOfWork(FakeUnitOfWork):
    """The in-memory unit of work over `Tables`, rolling back to the last commit."""

    def __init__(self, db: Tables, **repositories: Any) -> None:
        super().__init__(
            workflow=db.workflow, documents=FakeDocuments(db), reports=FakeReports(db),
            pks=FakePks(db), evidence=FakeEvidence(db), evidence_files=db.files,
            audit=FakeAudit(db), **{"admin": FakeAdmin(), **repositories},
        )  # fmt: skip
        self.db = db
        self._saved = db.state()

    def commit(self) -> None:
        super().commit()
        self._saved = self.db.state()

    def rollback(self) -> None:
        super().rollback()
        self.db.restore(self._saved)


def tables(*documents: DocumentView, tree: OrgTree = TREE) -> Tables:
    """Tables holding these documents (of the small agency of tests/unit/fakes.py)."""
    return Tables(FakeWorkflow(tree, *documents))

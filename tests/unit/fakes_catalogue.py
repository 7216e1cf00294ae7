"""In-memory organisation and catalogue repositories, the PK rows a workbook changes, and a
workbook reader, for the use cases.

They keep what the use cases wrote (documents written, PK targets and budget lines set)
so the tests can assert on it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from engine.budget import BudgetLine
from engine.capaian import Polarity
from engine.catalogue import CatalogDocument, CatalogueFacts, IndicatorSpec, PositionSpec
from engine.catalogue_workbook import (
    CatalogueContents,
    Known,
    PositionEntry,
    TargetEntry,
    WorkbookRead,
)
from engine.errors import ValidationError
from engine.formulas import Variable
from engine.imports import ImportReport
from engine.indicators import Indicator, IndicatorKind
from engine.manual import ManualEntry
from engine.org import OrgTree
from engine.orgspec import OrgDocument, OrgFacts
from engine.ports import AgencyInfo, Organisation, PkStatus, RegencyInfo
from engine.records import DocumentHead, Revision, StoredTargets
from engine.targets import Rollup, TargetMode
from engine.workflow import DocKind, State
from tests.unit.fakes import TREE

AGENCY = AgencyInfo(1, "dinas", "Dinas Contoh", "Dinas")


def spec(code: str, position: str = "kasi", parent: str | None = None) -> IndicatorSpec:
    """A plain indicator of `position`: a count, summed over the quarters."""
    return IndicatorSpec(
        code, position, IndicatorKind.IKI, "Kinerja", f"Indikator {code}", "unit", "a",
        None, (Variable("a", "Jumlah", "unit"),), "laporan", Polarity.POSITIVE, Rollup.SUM,
        TargetMode.CUMULATIVE, 0, parent, None,
    )  # fmt: skip


def catalogue(*codes: str, year: int = 2021) -> CatalogDocument:
    """A catalogue of the agency with these indicators of the Kepala Seksi."""
    return CatalogDocument(
        AGENCY.code, year, None, (PositionSpec("kasi", (), (), tuple(map(spec, codes))),)
    )


class FakeOrganisation:
    """The organisation repository in memory: one regency, the small agency of fakes.py."""

    def __init__(
        self,
        *,
        regencies: Sequence[str] = (),
        agencies: Sequence[AgencyInfo] = (AGENCY,),
        tree: OrgTree = TREE,
        facts: OrgFacts | None = None,
    ) -> None:
        self.regencies = list(regencies)
        self.agency_list = list(agencies)
        self.org_tree = tree
        self.stored = facts or OrgFacts()
        self.written: list[OrgDocument] = []

    def facts(self) -> OrgFacts:
        return self.stored

    def regency_codes(self) -> list[str]:
        return list(self.regencies)

    def write(self, document: OrgDocument) -> ImportReport:
        self.written.append(document)
        report = ImportReport()
        for _ in document.positions:
            report.count("jabatan", "created")
        return report

    def organisation(self) -> Organisation:
        regency = RegencyInfo(self.regencies[0], "Pemkab") if self.regencies else None
        return Organisation(regency, tuple(self.agency_list), self.org_tree)

    def agencies(self) -> list[AgencyInfo]:
        return sorted(self.agency_list, key=lambda a: a.code)

    def tree(self) -> OrgTree:
        return self.org_tree


@dataclass
class FakePk:
    """A PK in memory: its state, targets by indicator code and budget lines."""

    position_id: int
    year: int
    state: State = State.DRAFT
    targets: dict[str, TargetEntry] = field(default_factory=dict)
    budget: tuple[BudgetLine, ...] = ()


class FakeCatalogue:
    """The catalogue repository in memory, with the PKs a workbook changes."""

    def __init__(
        self,
        *,
        facts: CatalogueFacts | None = None,
        indicators: Sequence[Indicator] = (),
        known: Known | None = None,
        positions: dict[str, int] | None = None,
        pks: dict[int, FakePk] | None = None,
        contents: CatalogueContents | None = None,
        manuals: dict[int, ManualEntry] | None = None,
    ) -> None:
        self.stored_manuals = manuals or {}
        self.stored_facts = facts or CatalogueFacts()
        self.stored_indicators = list(indicators)
        self.stored_known = known or Known(frozenset({"kasi"}))
        self.codes = positions if positions is not None else {"kasi": 3}
        self.pks = pks if pks is not None else {}
        self.stored_contents = contents
        self.written: list[CatalogDocument] = []
        self.known_asked: list[tuple[str | None, int | None]] = []

    def facts(self) -> CatalogueFacts:
        return self.stored_facts

    def write(self, document: CatalogDocument) -> ImportReport:
        self.written.append(document)
        report = ImportReport()
        for _ in document.indicators:
            report.count("indikator", "created")
        return report

    def manuals(self, indicator_ids: Collection[int]) -> dict[int, ManualEntry]:
        return {i: m for i, m in self.stored_manuals.items() if i in indicator_ids}

    def latest_year(self) -> int | None:
        return max((i.year for i in self.stored_indicators), default=None)

    def confirm(self, indicator_id: int) -> None:
        self.stored_indicators = [
            replace(i, confirmed=True) if i.id == indicator_id else i
            for i in self.stored_indicators
        ]

    def indicators(self, *, year: int, position_ids: Collection[int]) -> list[Indicator]:
        return [
            i for i in self.stored_indicators if i.year == year and i.position_id in position_ids
        ]

    def positions(self, agency_id: int) -> list[PositionEntry]:
        return [PositionEntry(p.code, p.title) for p in TREE.positions if p.agency_id == agency_id]

    def contents(self, agency: AgencyInfo, year: int) -> CatalogueContents:
        assert self.stored_contents is not None
        return replace(self.stored_contents, agency=agency.code, year=year)

    def known(self, agency: str | None, year: int | None) -> Known:
        self.known_asked.append((agency, year))
        return self.stored_known

    def position_ids(self, agency: str | None) -> dict[str, int]:
        return dict(self.codes)

    def latest_pks(self, year: int) -> dict[int, PkStatus]:
        return {
            pk.position_id: PkStatus(pk_id, pk.state)
            for pk_id, pk in self.pks.items()
            if pk.year == year
        }

    def stored_target(self, pk_id: int, indicator: str) -> TargetEntry | None:
        return self.pks[pk_id].targets.get(indicator)

    def budget_lines(self, pk_id: int) -> tuple[BudgetLine, ...]:
        return self.pks[pk_id].budget


class FakePkRows:
    """The PKs' rows as the PK's own steps (engine/usecases/pk.py) see them: the document,
    PK and report repositories at once, on the same `FakePk`s as the catalogue's reads."""

    def __init__(self, pks: dict[int, FakePk], indicators: Sequence[Indicator]) -> None:
        self.pks = pks
        self.stored_indicators = list(indicators)
        self.saves: list[tuple[int, str]] = []

    def mark_saved(
        self, kind: DocKind, doc_id: int, *, version: int | None, by: str, now: datetime
    ) -> bool:
        self.saves.append((doc_id, by))
        return True

    def head(self, kind: DocKind, doc_id: int, *, lock: bool = False) -> DocumentHead:
        pk = self.pks[doc_id]
        return DocumentHead(kind, doc_id, pk.position_id, pk.year, pk.state)

    def indicators(self, position_id: int, year: int) -> list[Indicator]:
        return [i for i in self.stored_indicators if (i.position_id, i.year) == (position_id, year)]

    def quarters_in(self, position_id: int, year: int, states: Collection[State]) -> set[int]:
        return set()

    def revisions(self, position_id: int, year: int) -> list[Revision]:
        return [
            Revision(pk_id, 1, None, pk.state)
            for pk_id, pk in self.pks.items()
            if (pk.position_id, pk.year) == (position_id, year)
        ]

    def add(
        self,
        position_id: int,
        year: int,
        now: datetime,
        *,
        revision: int = 1,
        reason: str | None = None,
    ) -> int:
        pk_id = max(self.pks, default=0) + 1
        self.pks[pk_id] = FakePk(position_id, year)
        return pk_id

    def save_targets(self, pk_id: int, indicator_id: int, targets: StoredTargets) -> None:
        (code,) = [i.code for i in self.stored_indicators if i.id == indicator_id]
        quarters = (targets.tw1, targets.tw2, targets.tw3, targets.tw4)
        entry = TargetEntry("", code, targets.annual, quarters, targets.tw4_reason)
        self.pks[pk_id].targets[code] = entry

    def replace_budget(self, pk_id: int, lines: Sequence[BudgetLine]) -> None:
        self.pks[pk_id].budget = tuple(lines)


class FakeWorkbook:
    """A workbook already read: its guide, what its sheets hold, and the problems recorded."""

    def __init__(
        self,
        agency: str | None,
        year: int | None,
        read: WorkbookRead,
        *,
        problems: Sequence[str] = (),
    ) -> None:
        self.agency, self.year, self.result = agency, year, read
        self.problems: list[tuple[object, str, str]] = [(None, "", p) for p in problems]
        self.agencies_seen: frozenset[str] | None = None
        self.known_seen: Known | None = None

    def guide(self, agencies: frozenset[str]) -> tuple[str | None, int | None]:
        self.agencies_seen = agencies
        return self.agency, self.year

    def read(self, known: Known) -> WorkbookRead:
        self.known_seen = known
        return self.result

    def problem(self, row: object, column: str, message: str) -> None:
        self.problems.append((row, column, message))

    @property
    def has_problems(self) -> bool:
        return bool(self.problems)

    def error(self) -> ValidationError:
        text = "; ".join(f"{row}:{column}: {message}" for row, column, message in self.problems)
        return ValidationError(text, log_message="workbook problems")


def line(program: str, amount: str) -> BudgetLine:
    """A budget line of a programme only."""
    return BudgetLine(program, Decimal(amount))

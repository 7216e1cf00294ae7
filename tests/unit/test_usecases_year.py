"""engine.usecases.year (Tahun kerja) and the PK Perubahan from the page, in memory.

The small agency of tests/unit/fakes.py: its Kepala Seksi post does the planning work
here. Year 2021 has three indicators (two of the Kepala Seksi, one of the Kepala Bidang)
and the Kepala Seksi's approved PK-1; 2022 is opened from it.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.budget import BudgetLine
from engine.catalogue import CatalogDocument, IndicatorSpec
from engine.catalogue_workbook import CatalogueContents, PositionEntry
from engine.errors import FieldError, ForbiddenError, ValidationError
from engine.imports import ImportReport
from engine.indicators import Indicator
from engine.org import Assignment, AssignmentStatus, OrgTree, PositionRole
from engine.policy import Policy
from engine.ports import AgencyInfo
from engine.records import SignedParty, StoredTargets
from engine.usecases.pk_revision import revision_options, start_revision
from engine.usecases.tasks import revision_prompts
from engine.usecases.year import (
    import_year_workbook,
    open_year,
    planned_agencies,
    set_year_dpa,
    year_overview,
)
from engine.usecases.year_pks import create_year_pks
from engine.workflow import Actor, State
from tests.unit.fakes import (
    ASSIGNMENTS,
    KASI,
    O_KABID,
    O_KASI,
    OFFICIALS,
    POSITIONS,
    START,
)
from tests.unit.fakes_documents import INDICATORS, DocumentsUnitOfWork, Tables, pk, tables
from tests.unit.fakes_reminders import FakePending
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2022, 1, 10, 2, 0, tzinfo=UTC)
AGENCY = AgencyInfo(1, "dinas", "Dinas Perindustrian", "Disperin")
PLANNER = Actor(O_KASI, "Dewi Kasi", "198001012005012003")
KABID_ACTOR = Actor(O_KABID, "Citra Kabid", "197501012000011002")
ADMIN = Actor(None, "Admin", is_admin=True)
PLANNING = tuple(
    replace(p, role=PositionRole.PERENCANAAN) if p.id == KASI else p for p in POSITIONS
)
TREE = OrgTree(PLANNING, OFFICIALS, ASSIGNMENTS)


class Organisation:
    def agencies(self) -> list[AgencyInfo]:
        return [AGENCY]


class Catalogue:
    """The catalogue in the tables: indicators by year; `write` adds a year's copy."""

    def __init__(self, db: Tables) -> None:
        self.db = db

    def indicators(self, *, year: int, position_ids: Collection[int]) -> list[Indicator]:
        return [i for i in self.db.indicators if i.year == year and i.position_id in position_ids]

    def contents(self, agency: AgencyInfo, year: int) -> CatalogueContents:
        code = {p.id: p.code for p in PLANNING}
        specs = tuple(
            IndicatorSpec(
                i.code,
                code[i.position_id],
                i.kind,
                i.kinerja,
                i.name,
                i.unit,
                "a / b * 100",
                None,
                (),
                i.data_source,
                i.polarity,
                i.rollup,
                i.target_mode,
                i.decimals,
                None,
                None,
            )
            for i in self.db.indicators
            if i.year == year
        )
        positions = tuple(PositionEntry(p.code, p.title, ("Tugas",), ()) for p in PLANNING)
        return CatalogueContents(agency.code, year, positions, specs)

    def write(self, document: CatalogDocument) -> ImportReport:
        by_code = {i.code: i for i in self.db.indicators}
        ids = max(i.id for i in self.db.indicators)
        added = [
            replace(by_code[spec.code], id=ids + n, year=document.year)
            for n, spec in enumerate(document.indicators, start=1)
        ]
        self.db.indicators = [*self.db.indicators, *added]
        report = ImportReport()
        for _ in added:
            report.count("indikator", "created")
        return report


def year_uow(db: Tables | None = None, *, tree: OrgTree = TREE) -> DocumentsUnitOfWork:
    db = db or approved_2021()
    uow = DocumentsUnitOfWork(
        db, organisation=Organisation(), catalogue=Catalogue(db), pending=FakePending(tree=tree)
    )
    uow.documents.org_tree = lambda: tree  # type: ignore[method-assign]
    uow.pending.dpa_dates = lambda years=None: {  # type: ignore[method-assign]
        key: day for key, day in db.dpa.items() if years is None or key[1] in years
    }
    return uow


def approved_2021() -> Tables:
    """PK-1 of the Kepala Seksi for 2021, approved and signed by her, with targets and
    budget; the Kepala Bidang has no approved PK."""
    db = tables(pk(1, KASI, State.APPROVED))
    db.indicators = list(INDICATORS)
    db.targets[(1, 11)] = StoredTargets("80", "20", "40", "60", "80")
    db.budget[1] = [BudgetLine("Program IKM", Decimal("5000000"), "Kegiatan", None)]
    db.parties[1] = (SignedParty("Dewi Kasi", "198001012005012003", "Kepala Seksi IKM"),) * 2
    return db


def by() -> str:
    return "Dewi Kasi (NIP 19800101 200501 2 003)"


def test_only_the_planning_holder_or_the_administrator_plans_the_year() -> None:
    uow = year_uow()
    assert [a.code for a in planned_agencies(uow, PLANNER, now=NOW, policy=POLICY)] == ["dinas"]
    assert planned_agencies(uow, KABID_ACTOR, now=NOW, policy=POLICY) == []
    assert len(planned_agencies(uow, ADMIN, now=NOW, policy=POLICY)) == 1
    with pytest.raises(ForbiddenError, match="pemegang jabatan perencanaan"):
        open_year(uow, KABID_ACTOR, 1, 2022, by="Citra", now=NOW, policy=POLICY)
    with pytest.raises(ForbiddenError):
        set_year_dpa(uow, KABID_ACTOR, 1, 2022, date(2022, 1, 7), by="x", now=NOW, policy=POLICY)
    with pytest.raises(ForbiddenError):
        year_overview(uow, KABID_ACTOR, 1, 2022, now=NOW, policy=POLICY)
    assert uow.commits == 0 and uow.admin_log.committed == []


def test_a_year_opens_once_from_the_year_before() -> None:
    uow = year_uow()
    report = open_year(uow, PLANNER, 1, 2022, by=by(), now=NOW, policy=POLICY)
    assert report.created == {"indikator": 3}
    assert [i.year for i in uow.db.indicators].count(2022) == 3
    (row,) = uow.admin_log.committed
    assert (row.action, row.subject) == ("year.open", "Tahun kerja 2022 Dinas Perindustrian")
    with pytest.raises(ValidationError, match="Tahun 2022 sudah dibuka"):
        open_year(uow, PLANNER, 1, 2022, by=by(), now=NOW, policy=POLICY)
    with pytest.raises(ValidationError, match=r"Belum ada katalog indikator .* tahun 2019"):
        open_year(uow, ADMIN, 1, 2020, by="admin", now=NOW, policy=POLICY)
    assert uow.commits == 1 and len(uow.admin_log.committed) == 1


def test_the_dpa_date_must_lie_in_the_year_and_is_written_once() -> None:
    uow = year_uow()
    with pytest.raises(ValidationError, match="Tanggal DPA harus di tahun 2022"):
        set_year_dpa(uow, PLANNER, 1, 2022, date(2021, 12, 30), by=by(), now=NOW, policy=POLICY)
    due = set_year_dpa(uow, PLANNER, 1, 2022, date(2022, 1, 7), by=by(), now=NOW, policy=POLICY)
    assert due == date(2022, 2, 7) and uow.db.dpa[(1, 2022)] == date(2022, 1, 7)
    set_year_dpa(uow, PLANNER, 1, 2022, date(2022, 1, 7), by=by(), now=NOW, policy=POLICY)
    assert uow.commits == 1 and [r.action for r in uow.admin_log.committed] == ["year.dpa"]


def test_the_pks_carry_last_years_approved_targets_and_are_created_once() -> None:
    uow = year_uow()
    with pytest.raises(ValidationError, match="Tahun 2022 belum dibuka"):
        create_year_pks(uow, PLANNER, 1, 2022, by=by(), now=NOW, policy=POLICY)
    open_year(uow, PLANNER, 1, 2022, by=by(), now=NOW, policy=POLICY)
    done = create_year_pks(uow, PLANNER, 1, 2022, by=by(), now=NOW, policy=POLICY)
    assert [(c.position_title, c.source_id, c.carried, c.empty) for c in done.created] == [
        ("Kepala Bidang Industri", None, 0, ("Indikator 21",)),
        ("Kepala Seksi IKM", 1, 1, ("Indikator 12",)),
    ]
    assert done.without_indicators == ["Kepala Dinas"]
    kasi_pk = done.created[1].pk_id
    new_11 = next(i.id for i in uow.db.indicators if i.code == "ind-11" and i.year == 2022)
    assert uow.db.targets[(kasi_pk, new_11)].annual == "80"
    assert uow.db.budget[kasi_pk] == [BudgetLine("Program IKM", Decimal("5000000"), "Kegiatan")]
    assert uow.admin_log.committed[-1].action == "year.pks"
    again = create_year_pks(uow, PLANNER, 1, 2022, by=by(), now=NOW, policy=POLICY)
    assert (again.created, again.existing) == ([], 2)
    assert uow.commits == 2  # the second run wrote nothing


def test_the_overview_counts_pks_per_bidang_and_the_late_ones() -> None:
    uow = year_uow()
    open_year(uow, PLANNER, 1, 2022, by=by(), now=NOW, policy=POLICY)
    before = year_overview(uow, PLANNER, 1, 2022, now=NOW, policy=POLICY)
    assert (before.opened, before.previous_indicators, before.pk_count) == (True, 3, 0)
    assert before.without_pk == ["Kepala Bidang Industri", "Kepala Seksi IKM"]
    set_year_dpa(uow, PLANNER, 1, 2022, date(2022, 1, 7), by=by(), now=NOW, policy=POLICY)
    create_year_pks(uow, PLANNER, 1, 2022, by=by(), now=NOW, policy=POLICY)
    march = datetime(2022, 3, 1, 2, 0, tzinfo=UTC)
    after = year_overview(uow, PLANNER, 1, 2022, now=march, policy=POLICY)
    assert [(b.title, b.counts[State.DRAFT], b.late) for b in after.bidang] == [("Bidang", 2, 2)]
    assert after.deadline == date(2022, 2, 7) and len(after.late) == 2
    assert after.counts[State.DRAFT] == 2 and after.without_pk == []


class Workbook:
    """A workbook whose guide names another agency's year."""

    def guide(self, agencies: frozenset[str]) -> tuple[str | None, int | None]:
        return "dinas", 2023


def test_the_workbook_of_another_year_is_refused_on_the_planning_page() -> None:
    uow = year_uow()
    with pytest.raises(ValidationError, match="Buku kerja ini untuk dinas tahun 2023"):
        import_year_workbook(uow, PLANNER, 1, 2022, Workbook(), by=by(), now=NOW, policy=POLICY)  # type: ignore[arg-type]
    with pytest.raises(ForbiddenError):
        import_year_workbook(uow, KABID_ACTOR, 1, 2022, Workbook(), by="x", now=NOW, policy=POLICY)  # type: ignore[arg-type]
    assert uow.commits == 0


# --- PK Perubahan -----------------------------------------------------------------------------

NEW_KASI = 104
PLT_TREE = OrgTree(
    PLANNING,
    (*OFFICIALS, replace(OFFICIALS[2], id=NEW_KASI, nip="199001012015012004", name="Eka Plt")),
    (
        *[a for a in ASSIGNMENTS if a.position_id != KASI],
        Assignment(O_KASI, KASI, AssignmentStatus.DEFINITIF, START, date(2021, 12, 31)),
        Assignment(NEW_KASI, KASI, AssignmentStatus.PLT, date(2022, 1, 1)),
    ),
)
PLT_ACTOR = Actor(NEW_KASI, "Eka Plt", "199001012015012004")


def approved_2022() -> Tables:
    db = approved_2021()
    view = db.workflow.documents.pop((pk(1).kind, 1))
    db.workflow.documents[(view.kind, 1)] = replace(view, year=2022)
    return db


def test_a_new_holder_is_prompted_until_the_revision_exists() -> None:
    db = approved_2022()
    uow = year_uow(db, tree=PLT_TREE)
    (prompt,) = revision_prompts(uow, PLT_ACTOR, now=NOW, policy=POLICY)
    assert (prompt.pk_id, prompt.year, prompt.position_title) == (1, 2022, "Kepala Seksi IKM")
    assert prompt.reason == (
        "Plt. Eka Plt menggantikan Dewi Kasi sebagai Kepala Seksi IKM (PermenPAN-RB 53/2014)"
    )
    assert prompt.url == "/pk/1?perubahan=pejabat#perubahan"
    options = revision_options(uow, 1, PLT_ACTOR, now=NOW, policy=POLICY)
    assert (options.allowed, options.kind, options.reason) == (True, "pejabat", prompt.reason)
    revision = start_revision(
        uow, 1, PLT_ACTOR, kind="pejabat", reason=prompt.reason, by="Eka", now=NOW, policy=POLICY
    )
    assert revision.reason == f"Pergantian pejabat: {prompt.reason}"
    assert revision_prompts(uow, PLT_ACTOR, now=NOW, policy=POLICY) == []
    # The signer herself, still holding the post in another tree, is never prompted.
    assert revision_prompts(year_uow(approved_2022()), PLANNER, now=NOW, policy=POLICY) == []


def test_a_revision_needs_a_reason_and_the_holder_or_the_planner() -> None:
    db = approved_2021()
    uow = year_uow(db)
    with pytest.raises(FieldError, match="Pilih alasan PK Perubahan"):
        start_revision(uow, 1, PLANNER, kind="", reason="x", by="x", now=NOW, policy=POLICY)
    with pytest.raises(FieldError, match="Jelaskan alasan"):
        start_revision(uow, 1, PLANNER, kind="apbd", reason=" ", by="x", now=NOW, policy=POLICY)
    refused = revision_options(uow, 1, KABID_ACTOR, now=NOW, policy=POLICY)
    assert (refused.offered, refused.allowed) == (True, False)
    with pytest.raises(ForbiddenError, match="pemegang jabatan ini"):
        start_revision(uow, 1, KABID_ACTOR, kind="apbd", reason="x", by="x", now=NOW, policy=POLICY)
    assert uow.commits == 0
    revision = start_revision(
        uow, 1, PLANNER, kind="apbd", reason="Refocusing", by=by(), now=NOW, policy=POLICY
    )
    assert revision.reason == "APBD Perubahan (program, kegiatan atau anggaran berubah): Refocusing"
    assert uow.admin_log.committed[-1].action == "pk.revise"
    assert not revision_options(uow, 1, PLANNER, now=NOW, policy=POLICY).offered  # not latest


def test_a_position_closed_before_the_year_gets_no_catalogue_and_no_pk() -> None:
    closed = tuple(
        replace(p, closed_on=date(2021, 12, 31)) if p.id == KASI else p for p in PLANNING
    )
    uow = year_uow(tree=OrgTree(closed, OFFICIALS, ASSIGNMENTS))
    report = open_year(uow, ADMIN, 1, 2022, by="admin", now=NOW, policy=POLICY)
    assert report.created == {"indikator": 1}  # the Kepala Bidang's; not the closed Kasi's two
    assert json.loads(uow.admin_log.committed[-1].after or "{}")["indikator"] == 1
    done = create_year_pks(uow, ADMIN, 1, 2022, by="admin", now=NOW, policy=POLICY)
    assert [c.position_title for c in done.created] == ["Kepala Bidang Industri"]
    overview = year_overview(uow, ADMIN, 1, 2022, now=NOW, policy=POLICY)
    assert "Kepala Seksi IKM" not in str(overview)

"""engine.usecases.dashboard in memory: the period chosen, the recap, the progress and filters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.calendar import WorkingCalendar
from engine.errors import ForbiddenError, ValidationError
from engine.org import (
    Assignment,
    AssignmentStatus,
    Level,
    Official,
    OrgTree,
    Position,
    PositionRole,
)
from engine.pending import Step
from engine.policy import Policy
from engine.ports import EntryInputs
from engine.progress import ReportRow
from engine.recap import IndicatorInput
from engine.usecases.dashboard import dashboard_export, dashboard_scope, show_dashboard
from engine.workflow import Actor, State
from tests.unit.fakes import (
    ASSIGNMENTS,
    KABID,
    KADIS,
    KASI,
    O_KABID,
    O_KASI,
    OFFICIALS,
    POSITIONS,
    START,
    TREE,
    FakeUnitOfWork,
    FakeWorkflow,
)
from tests.unit.fakes_accounts import FakeAdmin
from tests.unit.fakes_recap import ITEMS, FakeRecaps, cumulative, indicator, ok
from tests.unit.test_gate_matrix import MAIN_DAY, O_INSPEKTUR, O_KABID_B_OLD, O_PERENCANA, O_STAFF
from tests.unit.test_gate_matrix import O_KADIS as O_KADIS_M
from tests.unit.test_gate_matrix import TREE as MATRIX_TREE
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
MAY = datetime(2021, 5, 3, 2, 0, tzinfo=UTC)  # 3 May 2021, 09.00 WIB: TW II
APRIL_2 = datetime(2021, 4, 2, 2, 0, tzinfo=UTC)  # before the TW I submission deadline
REPORTS = (
    ReportRow(71, KABID, 2021, 1, State.APPROVED),
    ReportRow(72, KASI, 2021, 1, State.DRAFT),
    ReportRow(73, KASI, 2021, 2, State.SUBMITTED),
)


class FakePending:
    """The reports of a period, the small agency and a calendar without holidays."""

    def __init__(self, *reports: ReportRow) -> None:
        self.reports = reports

    def committed_org_tree(self) -> OrgTree:
        return TREE

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar([])

    def reports_of(self, *, year: int, quarter: int | None) -> list[ReportRow]:
        return [
            r for r in self.reports if r.year == year and (quarter is None or r.quarter == quarter)
        ]


def uow(years: tuple[int, ...] = (2022, 2021)) -> FakeUnitOfWork:
    return FakeUnitOfWork(
        recaps=FakeRecaps(years=years), pending=FakePending(*REPORTS), admin=FakeAdmin()
    )


def lines(shown: object) -> list[tuple[str, int, str]]:
    return [
        (line.progress.position.code, line.progress.quarter.number, line.progress.status)
        for line in shown.rows  # type: ignore[attr-defined]
    ]


def test_the_first_quarter_with_its_recap_sections_and_reports() -> None:
    work = uow()
    shown = show_dashboard(work, year=2021, quarter="1", now=MAY, policy=POLICY)
    assert (shown.period.year, shown.period.quarter, shown.period.label) == (2021, 1, "TW I 2021")
    assert shown.recap is work.recaps.recap(year=2021, quarter=1).recap
    assert shown.years == [2022, 2021]
    assert [unit.id for unit in shown.units] == [KABID]
    assert [g.position_id for g in shown.leaders] == [KADIS]
    (section,) = shown.sections
    assert section.position.id == KABID
    assert [g.position_id for g in section.positions] == [KABID, KASI]
    # Tree order; the Kepala Dinas has indicators but no report yet.
    assert lines(shown) == [("kadis", 1, "missing"), ("kabid", 1, "approved"), ("kasi", 1, "draft")]
    assert shown.summary.counts["missing"] == 1 and shown.summary.counts["draft"] == 1
    assert (shown.summary.total, shown.summary.overdue) == (3, 2)  # past 7 April
    kasi = shown.rows[2]
    assert kasi.progress.report_id == 72 and kasi.progress.overdue
    assert kasi.capaian == Decimal(60)  # 15 of 25 in TW I
    assert work.commits == 0


def test_nothing_is_overdue_before_the_deadline() -> None:
    shown = show_dashboard(uow(), year=2021, quarter="1", now=APRIL_2, policy=POLICY)
    assert shown.summary.overdue == 0
    assert [(line.progress.step, line.progress.deadline) for line in shown.rows] == [
        (Step.SUBMIT, date(2021, 4, 7)),  # five working days after 31 March
        (None, None),  # approved: waits for nobody
        (Step.SUBMIT, date(2021, 4, 7)),
    ]


def test_without_a_period_the_latest_quarter_with_a_verified_report() -> None:
    # TW I has an approved report, TW II only a submitted one: TW I, not today's TW II.
    shown = show_dashboard(uow(), year=None, quarter=None, now=MAY, policy=POLICY)
    assert (shown.period.year, shown.period.quarter) == (2021, 1) and shown.automatic
    # Years later, with a newer year of indicators but no report: still TW I 2021.
    later = datetime(2023, 8, 1, 2, 0, tzinfo=UTC)
    shown = show_dashboard(uow(), year=None, quarter=None, now=later, policy=POLICY)
    assert (shown.period.year, shown.period.quarter) == (2021, 1)
    assert shown.years == [2022, 2021]
    assert not show_dashboard(uow(), year=2021, quarter="2", now=MAY, policy=POLICY).automatic
    empty = show_dashboard(uow(years=()), year=2030, quarter="1", now=MAY, policy=POLICY)
    assert empty.years == [2030] and empty.rows == [] and empty.sections == []


@pytest.mark.parametrize("year", [2021, 2026, 2031])
def test_the_latest_verified_quarter_does_not_depend_on_the_year(year: int) -> None:
    reports = (
        ReportRow(81, KABID, year, 1, State.APPROVED),
        ReportRow(82, KABID, year, 2, State.VERIFIED),
        ReportRow(83, KABID, year, 3, State.SUBMITTED),
    )

    def opened(now: datetime, *extra: ReportRow) -> tuple[int, int | None]:
        work = FakeUnitOfWork(
            recaps=FakeRecaps(years=(year,)),
            pending=FakePending(*reports, *extra),
            admin=FakeAdmin(),
        )
        shown = show_dashboard(work, year=None, quarter=None, now=now, policy=POLICY)
        return shown.period.year, shown.period.quarter

    # 12 October: TW IV has begun, TW III is only submitted: TW II (not TW IV, not the year).
    assert opened(datetime(year, 10, 12, 2, 0, tzinfo=UTC)) == (year, 2)
    tw4 = ReportRow(84, KASI, year, 4, State.APPROVED)
    assert opened(datetime(year, 10, 12, 2, 0, tzinfo=UTC), tw4) == (year, 2)  # not ended yet
    # 20 January of the next year, which has nothing yet: the year's TW IV.
    assert opened(datetime(year + 1, 1, 20, 2, 0, tzinfo=UTC), tw4) == (year, 4)


def test_without_any_verified_report_today_s_quarter_then_the_latest_year() -> None:
    work = FakeUnitOfWork(
        recaps=FakeRecaps(), pending=FakePending(REPORTS[1], REPORTS[2]), admin=FakeAdmin()
    )
    shown = show_dashboard(work, year=None, quarter=None, now=MAY, policy=POLICY)
    assert (shown.period.year, shown.period.quarter) == (2021, 2)
    later = datetime(2023, 8, 1, 2, 0, tzinfo=UTC)
    shown = show_dashboard(work, year=None, quarter=None, now=later, policy=POLICY)
    assert (shown.period.year, shown.period.quarter, shown.period.label) == (
        2022,
        None,
        "Tahun 2022",
    )


PLT_TREE = OrgTree(
    POSITIONS, OFFICIALS, (*ASSIGNMENTS, Assignment(O_KABID, KASI, AssignmentStatus.PLT, START))
)
KENDALA = {(3, 1): EntryInputs(3, 1, 72, "draft", {"x": "15"}, kendala=" Anggaran terlambat ")}


def test_the_red_list_names_the_holder_the_kendala_and_the_report() -> None:
    # TW I: kadis 100% (Sangat Tinggi), kabid 80% (Tinggi), kasi 60% (Rendah).
    work = FakeUnitOfWork(
        recaps=FakeRecaps(tree=PLT_TREE, entries=KENDALA),
        pending=FakePending(*REPORTS),
        admin=FakeAdmin(),
        workflow=FakeWorkflow(PLT_TREE),
    )
    shown = show_dashboard(work, year=2021, quarter="1", now=MAY, policy=POLICY)
    assert shown.threshold == "Rendah"
    (item,) = shown.red
    assert item.score.indicator.code == "i3" and item.score.capaian.value == Decimal(60)
    assert item.holder == "Plt. Citra Kabid"  # the acting holder, with the prefix
    assert (item.kendala, item.report_id, item.readable) == ("Anggaran terlambat", 72, True)
    assert ("entry_inputs", 2021, (3,)) in work.recaps.asked  # one query, the red only
    wider = Policy(machines=MACHINES, narrative_threshold="Tinggi")
    shown = show_dashboard(work, year=2021, quarter="1", now=MAY, policy=wider)
    assert [(i.score.indicator.code, i.kendala) for i in shown.red] == [
        ("i3", "Anggaran terlambat"),
        ("i2", ""),  # no entry: no kendala, no report
    ]
    assert shown.red[1].report_id is None and not shown.red[1].readable
    unnamed = Policy(machines=MACHINES, narrative_threshold="Merah")
    assert show_dashboard(work, year=2021, quarter="1", now=MAY, policy=unnamed).red == []
    # The kasi's own report opens for her; the kabid's would not be in her list anyway.
    kasi = Actor(O_KASI, "Dewi Kasi", None, False)
    shown = show_dashboard(work, year=2021, quarter="1", now=MAY, policy=POLICY, actor=kasi)
    assert shown.red[0].readable


def test_progress_per_bidang_counts_states_done_and_working_days_late() -> None:
    shown = show_dashboard(uow(), year=2021, quarter="1", now=MAY, policy=POLICY)
    head, bidang = shown.progress
    assert (head.unit, head.label, head.expected, head.done) == (None, "Pimpinan", 1, 0)
    assert head.counts["missing"] == 1 and head.overdue == 1
    # Due 7 April 2021; on Monday 3 May (no holidays here) that is 18 working days late.
    assert head.late_days == 18
    assert bidang.unit is not None and bidang.unit.id == KABID
    assert (bidang.expected, bidang.done, bidang.overdue) == (2, 1, 1)
    assert bidang.counts["approved"] == 1 and bidang.counts["draft"] == 1
    assert shown.pending == 1  # the kasi's draft: its realisation is not counted yet


def test_trends_give_each_indicator_its_four_quarters() -> None:
    shown = show_dashboard(uow(), year=2021, quarter="1", now=MAY, policy=POLICY)
    by_code = {t.score.indicator.code: t for t in shown.trends}
    assert set(by_code) == {"i1", "i2", "i3"}
    assert by_code["i3"].values == (Decimal(60), Decimal(70), None, None)
    assert by_code["i3"].categories == ("Rendah", "Sedang", None, None)
    assert by_code["i1"].values[:2] == (Decimal(100), Decimal(100))
    narrowed = show_dashboard(uow(), year=2021, quarter="1", bidang="kabid", now=MAY, policy=POLICY)
    assert {t.score.indicator.code for t in narrowed.trends} == {"i2", "i3"}


# -- two agencies: the regency view ----------------------------------------------------------

KADIS_2, BUPATI_POST = 4, 5
O_KADIS_2, O_BUPATI = 104, 105
REGENCY_TREE = OrgTree(
    (
        *POSITIONS,
        Position(KADIS_2, 2, "kadis", "Kepala Dinas Kesehatan", "Dinas Kesehatan",
                 Level.JPT_PRATAMA, None),
        Position(BUPATI_POST, 3, "bupati", "Bupati", "Pemerintah Kabupaten", Level.JPT_PRATAMA,
                 None, PositionRole.BUPATI),
    ),
    (*OFFICIALS, Official(O_KADIS_2, "198101012006011004", "Eka Kadis", "eka@dinkes.test"),
     Official(O_BUPATI, "196501011990011005", "Fajar Bupati", "fajar@pemkab.test")),
    (*ASSIGNMENTS, Assignment(O_KADIS_2, KADIS_2, AssignmentStatus.DEFINITIF, START),
     Assignment(O_BUPATI, BUPATI_POST, AssignmentStatus.DEFINITIF, START)),
)  # fmt: skip
REGENCY_ITEMS = (*ITEMS, IndicatorInput(indicator(5, KADIS_2), cumulative(100), ok(10)))


def regency_uow() -> FakeUnitOfWork:
    reports = (*REPORTS, ReportRow(91, KADIS_2, 2021, 1, State.VERIFIED))
    return FakeUnitOfWork(
        recaps=FakeRecaps(tree=REGENCY_TREE, items=REGENCY_ITEMS, agencies={"a": 1, "b": 2}),
        pending=FakePending(*reports),
        admin=FakeAdmin(),
        workflow=FakeWorkflow(REGENCY_TREE),
    )


def test_who_reads_which_agency_s_dashboard() -> None:
    day = date(2021, 5, 3)
    admin = Actor(None, "Admin", None, True)
    bupati = Actor(O_BUPATI, "Fajar Bupati", None, False)
    kasi = Actor(O_KASI, "Dewi Kasi", None, False)
    nobody = Actor(None, "Tanpa jabatan", None, False)
    assert dashboard_scope(admin, REGENCY_TREE, day) is None
    assert dashboard_scope(bupati, REGENCY_TREE, day) is None  # a regency role
    assert dashboard_scope(kasi, REGENCY_TREE, day) == {1}
    assert dashboard_scope(Actor(O_KADIS_2, "Eka", None, False), REGENCY_TREE, day) == {2}
    assert dashboard_scope(nobody, REGENCY_TREE, day) == frozenset()
    assert dashboard_scope(None, REGENCY_TREE, day) is None  # the CLI, tests
    # One agency in the deployment: everyone signed in reads it, as before.
    assert dashboard_scope(nobody, TREE, day) is None
    # The gate matrix's organisation: the Inspektorat's holder reads every agency, the
    # planning holder and the head only their own, a former holder none.
    assert dashboard_scope(Actor(O_INSPEKTUR, "", None, False), MATRIX_TREE, MAIN_DAY) is None
    for official in (O_PERENCANA, O_KADIS_M, O_STAFF):
        assert dashboard_scope(Actor(official, "", None, False), MATRIX_TREE, MAIN_DAY) == {1}
    assert dashboard_scope(Actor(O_KABID_B_OLD, "", None, False), MATRIX_TREE, MAIN_DAY) == set()


def test_the_regency_view_for_regency_roles_and_one_agency_for_the_others() -> None:
    bupati = Actor(O_BUPATI, "Fajar Bupati", None, False)
    shown = show_dashboard(regency_uow(), year=2021, quarter="1", now=MAY, policy=POLICY,
                           actor=bupati)  # fmt: skip
    assert shown.agency is None and [name for _, name in shown.agencies] == [
        "Dinas", "Dinas Kesehatan", "Pemerintah Kabupaten",
    ]  # fmt: skip
    first, second = shown.regency[:2]
    assert (first.name, first.expected, first.done, first.pending, first.red) == (
        "Dinas", 3, 1, 1, 1,
    )  # fmt: skip
    assert first.total is not None and first.total.position_id == KADIS
    assert (second.expected, second.done, second.red) == (1, 1, 1)  # 10 of 25: 40%
    assert shown.rows == [] and shown.red == [] and shown.trends == []
    picked = show_dashboard(regency_uow(), year=2021, quarter="1", now=MAY, policy=POLICY,
                            actor=bupati, agency="2")  # fmt: skip
    assert picked.agency == 2 and [g.position_id for g in picked.recap.agency] == [KADIS_2]
    assert [line.progress.position.id for line in picked.rows] == [KADIS_2]
    assert [t.score.indicator.code for t in picked.trends] == ["i5"]
    kasi = Actor(O_KASI, "Dewi Kasi", None, False)
    own = show_dashboard(regency_uow(), year=2021, quarter="1", now=MAY, policy=POLICY,
                         actor=kasi)  # fmt: skip
    assert own.agency == 1 and own.agencies == [(1, "Dinas")] and own.regency == []
    assert {line.progress.position.agency_id for line in own.rows} == {1}
    with pytest.raises(ForbiddenError, match="perangkat daerah tempat Anda bertugas"):
        show_dashboard(regency_uow(), year=2021, quarter="1", now=MAY, policy=POLICY,
                       actor=kasi, agency="2")  # fmt: skip
    with pytest.raises(ValidationError, match="Perangkat daerah 'x' tidak dikenal"):
        show_dashboard(regency_uow(), year=2021, quarter="1", now=MAY, policy=POLICY,
                       actor=bupati, agency="x")  # fmt: skip
    with pytest.raises(ForbiddenError, match="Dasbor hanya untuk pegawai"):
        show_dashboard(regency_uow(), year=2021, quarter="1", now=MAY, policy=POLICY,
                       actor=Actor(None, "Tanpa jabatan", None, False))  # fmt: skip


def test_the_whole_year_lists_every_quarter_with_its_own_capaian() -> None:
    shown = show_dashboard(uow(), year=2021, quarter="", now=MAY, policy=POLICY)
    assert shown.period.quarter is None
    assert len(shown.rows) == 4 * 3
    by_key = {
        (line.progress.position.code, line.progress.quarter.number): line for line in shown.rows
    }
    assert by_key[("kasi", 1)].capaian == Decimal(60)
    assert by_key[("kasi", 2)].capaian == Decimal(70)  # 35 of 50 by TW II
    assert by_key[("kasi", 2)].progress.status == "submitted"


def test_the_bidang_filter_narrows_sections_rows_and_counts() -> None:
    shown = show_dashboard(uow(), year=2021, quarter="1", bidang="kabid", now=MAY, policy=POLICY)
    assert shown.chosen is not None and shown.chosen.id == KABID
    assert shown.leaders == []
    assert [s.position.id for s in shown.sections] == [KABID]
    assert lines(shown) == [("kabid", 1, "approved"), ("kasi", 1, "draft")]
    assert shown.summary.total == 2 and shown.summary.counts["missing"] == 0
    assert len(shown.recap.agency) == 1  # the agency total stays whole


@pytest.mark.parametrize(
    ("status", "expected"),
    [("draft", [("kasi", 1, "draft")]), ("missing", [("kadis", 1, "missing")]),
     ("terlambat", [("kadis", 1, "missing"), ("kasi", 1, "draft")])],
)  # fmt: skip
def test_the_status_filter_keeps_the_table_but_not_the_counts(
    status: str, expected: list[tuple[str, int, str]]
) -> None:
    shown = show_dashboard(uow(), year=2021, quarter="1", status=status, now=MAY, policy=POLICY)
    assert lines(shown) == expected
    assert shown.status == status
    assert shown.summary.total == 3


@pytest.mark.parametrize(
    ("year", "quarter", "bidang", "status", "message"),
    [
        (2021, "5", "", "", "Triwulan harus 1 sampai 4 atau kosong (setahun)"),
        (1999, "1", "", "", "Tahun 1999 di luar rentang"),
        (2021, "1", "tidak-ada", "", "Bidang 'tidak-ada' tidak dikenal"),
        (2021, "1", "", "hilang", "Status 'hilang' tidak dikenal"),
    ],
)
def test_bad_filters_are_refused_in_indonesian(
    year: int, quarter: str, bidang: str, status: str, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        show_dashboard(
            uow(), year=year, quarter=quarter, bidang=bidang, status=status, now=MAY, policy=POLICY
        )
    assert raised.value.message == message


def test_the_export_takes_the_dashboard_s_period_and_bidang() -> None:
    export = dashboard_export(
        uow(), year=None, quarter=None, bidang="kabid", now=MAY, policy=POLICY
    )
    assert (export.recap.year, export.recap.quarter) == (2021, 1)  # the page's default
    assert export.bidang is not None and export.bidang.id == KABID
    assert export.filename == "rekap-capaian-2021-tw1-kabid.xlsx"
    whole = dashboard_export(uow(), year=2021, quarter="", now=MAY, policy=POLICY)
    assert whole.recap.quarter is None and whole.bidang is None
    with pytest.raises(ValidationError, match="Triwulan harus 1 sampai 4 atau kosong"):
        dashboard_export(uow(), year=2021, quarter="9", now=MAY, policy=POLICY)


def test_unverified_realisations_are_left_out_unless_the_switch_is_on() -> None:
    # kasi: TW I approved (15), TW II only submitted (20). By default TW II's cumulative
    # value is missing and the report line has no capaian; with the switch it is 35 of 50.
    items = [
        IndicatorInput(item.indicator, item.targets, item.quarters, ["approved", "submitted"])
        for item in ITEMS
    ]
    work = FakeUnitOfWork(
        recaps=FakeRecaps(items=items), pending=FakePending(*REPORTS), admin=FakeAdmin()
    )
    shown = show_dashboard(work, year=2021, quarter="", now=MAY, policy=POLICY)
    by_key = {
        (line.progress.position.code, line.progress.quarter.number): line for line in shown.rows
    }
    assert by_key[("kasi", 1)].capaian == Decimal(60)
    assert by_key[("kasi", 2)].capaian is None
    assert not shown.recap.basis.include_unverified
    everything = show_dashboard(
        work, year=2021, quarter="", now=MAY, policy=POLICY, include_unverified=True
    )
    by_key = {
        (line.progress.position.code, line.progress.quarter.number): line
        for line in everything.rows
    }
    assert by_key[("kasi", 2)].capaian == Decimal(70)
    export = dashboard_export(
        work, year=2021, quarter="2", now=MAY, policy=POLICY, include_unverified=True
    )
    assert export.recap.basis.include_unverified

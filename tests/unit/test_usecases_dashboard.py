"""engine.usecases.dashboard in memory: the period chosen, the recap, the progress and filters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.calendar import WorkingCalendar
from engine.errors import ValidationError
from engine.org import OrgTree
from engine.pending import Step
from engine.policy import Policy
from engine.progress import ReportRow
from engine.recap import IndicatorInput
from engine.usecases.dashboard import dashboard_export, show_dashboard
from engine.workflow import State
from tests.unit.fakes import KABID, KADIS, KASI, TREE, FakeUnitOfWork
from tests.unit.fakes_accounts import FakeAdmin
from tests.unit.fakes_recap import ITEMS, FakeRecaps
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


def test_without_a_period_today_s_quarter_then_the_latest_year() -> None:
    shown = show_dashboard(uow(), year=None, quarter=None, now=MAY, policy=POLICY)
    assert (shown.period.year, shown.period.quarter) == (2021, 2)
    later = datetime(2023, 8, 1, 2, 0, tzinfo=UTC)
    shown = show_dashboard(uow(), year=None, quarter=None, now=later, policy=POLICY)
    assert (shown.period.year, shown.period.quarter, shown.period.label) == (
        2022,
        None,
        "Tahun 2022",
    )
    assert shown.years == [2022, 2021]
    empty = show_dashboard(uow(years=()), year=2030, quarter="1", now=MAY, policy=POLICY)
    assert empty.years == [2030] and empty.rows == [] and empty.sections == []


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
    assert (export.recap.year, export.recap.quarter) == (2021, 2)
    assert export.bidang is not None and export.bidang.id == KABID
    assert export.filename == "rekap-capaian-2021-tw2-kabid.xlsx"
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

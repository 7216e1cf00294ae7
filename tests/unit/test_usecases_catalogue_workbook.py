"""engine.usecases.catalogue_workbook against the in-memory unit of work: all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.capaian import Polarity
from engine.catalogue_workbook import PositionBudget, TargetEntry, TargetRow, WorkbookRead
from engine.errors import ValidationError
from engine.formulas import parse
from engine.indicators import Indicator, IndicatorKind
from engine.targets import Rollup, TargetMode
from engine.usecases.catalogue_workbook import import_catalogue_workbook
from engine.workflow import State
from tests.unit.fakes import KASI, FakeUnitOfWork
from tests.unit.fakes_catalogue import (
    FakeCatalogue,
    FakeOrganisation,
    FakePk,
    FakePkRows,
    FakeWorkbook,
    catalogue,
    line,
)

NOW = datetime(2021, 2, 1, 2, 0, tzinfo=UTC)
QUARTERS = ("20", "40", "60", "80")
INDICATORS = [
    Indicator(
        11, "iki-1", KASI, 2021, IndicatorKind.IKI, "Kinerja", "Indikator", "unit",
        parse("a", ["a"]), "laporan", Polarity.POSITIVE, Rollup.SUM, TargetMode.CUMULATIVE, 0,
    )
]  # fmt: skip


def target(annual: str = "80", row: str = "Target!2") -> TargetRow:
    return TargetRow(row, "kasi", "iki-1", annual, QUARTERS, None)


def sheets(*targets: TargetRow, budget: bool = True) -> WorkbookRead:
    budgets = [PositionBudget("kasi", ("Anggaran!2",), (line("Program A", "1000"),))]
    return WorkbookRead(catalogue("iki-1"), list(targets), budgets if budget else [])


def unit_of_work(pks: dict[int, FakePk] | None = None) -> FakeUnitOfWork:
    stored = pks if pks is not None else {}
    rows = FakePkRows(stored, INDICATORS)
    return FakeUnitOfWork(
        organisation=FakeOrganisation(),
        catalogue=FakeCatalogue(pks=stored),
        documents=rows,
        pks=rows,
        reports=rows,
    )


def test_a_clean_workbook_writes_the_catalogue_then_a_draft_pk_with_one_commit() -> None:
    uow = unit_of_work()
    workbook = FakeWorkbook("dinas", 2021, sheets(target()))
    report = import_catalogue_workbook(uow, workbook, now=NOW)
    assert workbook.agencies_seen == frozenset({"dinas"})
    assert uow.catalogue.known_asked == [("dinas", 2021)]
    assert uow.catalogue.written == [catalogue("iki-1")]
    (pk,) = uow.catalogue.pks.values()
    assert (pk.position_id, pk.year, pk.state) == (KASI, 2021, State.DRAFT)
    assert pk.targets["iki-1"].quarters == QUARTERS
    assert pk.budget == (line("Program A", "1000"),)
    assert report.created == {
        "indikator": 1,
        "perjanjian kinerja (draf)": 1,
        "target PK": 1,
        "anggaran PK": 1,
    }
    assert uow.commits == 1


def test_rows_equal_to_what_is_stored_change_nothing_even_in_an_approved_pk() -> None:
    stored = TargetEntry("kasi", "iki-1", " 80 ", QUARTERS, "")
    pk = FakePk(KASI, 2021, State.APPROVED, {"iki-1": stored}, (line("Program A", "1000"),))
    uow = unit_of_work({5: pk})
    workbook = FakeWorkbook("dinas", 2021, sheets(target()))
    report = import_catalogue_workbook(uow, workbook, now=NOW)
    assert workbook.problems == []
    assert report.unchanged == {"target PK": 1}
    assert "target PK" not in report.created and "anggaran PK" not in report.updated
    assert uow.catalogue.pks[5].targets["iki-1"] is stored
    assert uow.commits == 1


def test_a_change_to_a_pk_that_is_not_a_draft_is_a_problem_at_its_row() -> None:
    pk = FakePk(KASI, 2021, State.SUBMITTED)
    uow = unit_of_work({5: pk})
    workbook = FakeWorkbook("dinas", 2021, sheets(target("90")))
    with pytest.raises(ValidationError):
        import_catalogue_workbook(uow, workbook, now=NOW)
    message = "Perjanjian Kinerja PK-5 sedang diajukan; kembalikan ke draf dulu sebelum mengubahnya"
    assert workbook.problems == [
        ("Target!2", "position", message),
        ("Anggaran!2", "position", message),
    ]
    assert uow.catalogue.written == [] and pk.targets == {} and pk.budget == ()
    assert uow.commits == 0


def test_a_target_refused_while_writing_is_a_problem_and_nothing_is_committed() -> None:
    uow = unit_of_work()
    workbook = FakeWorkbook("dinas", 2021, sheets(target("banyak")))
    with pytest.raises(ValidationError):
        import_catalogue_workbook(uow, workbook, now=NOW)
    ((row, column, message),) = workbook.problems
    assert (row, column) == ("Target!2", "indicator")
    assert "banyak" in message
    assert uow.commits == 0


def test_problems_found_by_the_reader_stop_everything_before_any_write() -> None:
    uow = unit_of_work()
    workbook = FakeWorkbook("dinas", 2021, sheets(target()), problems=["Indikator!B2: wajib"])
    with pytest.raises(ValidationError, match="Indikator!B2: wajib"):
        import_catalogue_workbook(uow, workbook, now=NOW)
    assert uow.catalogue.written == [] and uow.catalogue.pks == {}
    assert uow.commits == 0


def test_without_a_year_no_pk_is_planned_and_nothing_is_written() -> None:
    uow = unit_of_work()
    workbook = FakeWorkbook("dinas", None, WorkbookRead(None, [target()], []))
    with pytest.raises(ValidationError):
        import_catalogue_workbook(uow, workbook, now=NOW)
    assert uow.catalogue.known_asked == [("dinas", None)]
    assert workbook.problems == [] and uow.catalogue.pks == {}
    assert uow.commits == 0

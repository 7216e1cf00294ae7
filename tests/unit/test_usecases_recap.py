"""engine.usecases.recap against an in-memory recap repository: the recap and its export."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engine.capaian import CapaianRules, Scale
from engine.errors import ValidationError
from engine.recap import RecapBasis
from engine.usecases.recap import period_label, period_recap, recap_basis, recap_export
from tests.unit.fakes import KABID, FakeUnitOfWork
from tests.unit.fakes_accounts import FakeAdmin
from tests.unit.fakes_recap import FakeRecaps

NOW = datetime(2021, 7, 5, 2, 0, tzinfo=UTC)


def test_period_recap_is_the_repositorys_recap_of_that_period() -> None:
    recaps = FakeRecaps()
    uow = FakeUnitOfWork(recaps=recaps, admin=FakeAdmin())
    recap = period_recap(uow, year=2021, quarter=2)
    assert (recap.year, recap.quarter) == (2021, 2)
    assert [g.capaian.value for g in recap.positions] == [Decimal(100), Decimal(90), Decimal(70)]
    assert period_recap(uow, year=2021, quarter=2) is recap  # the shared object, not a copy
    assert recaps.asked == [("recap", 2021, 2, None)] * 2
    assert uow.commits == 0


def test_period_recap_of_one_agency_and_of_the_year() -> None:
    recaps = FakeRecaps()
    uow = FakeUnitOfWork(recaps=recaps, admin=FakeAdmin())
    assert len(period_recap(uow, year=2021, quarter=None, agency_code="dinas").indicators) == 3
    assert period_recap(uow, year=2021, quarter=None, agency_code="badan").indicators == []
    assert recaps.asked[-1] == ("recap", 2021, None, "badan")


def test_the_export_carries_the_recap_the_tree_and_the_inputs_of_its_indicators() -> None:
    recaps = FakeRecaps()
    export = recap_export(
        FakeUnitOfWork(recaps=recaps, admin=FakeAdmin()), year=2021, quarter=2, now=NOW
    )
    assert export.recap is recaps.recap(year=2021, quarter=2).recap  # the dashboard's numbers
    assert [i.indicator.id for i in export.items] == [1, 2, 3]
    assert set(export.entries) == {(2, 1), (3, 2)}  # 2022's indicator is not asked for
    assert ("entry_inputs", 2021, (1, 2, 3)) in recaps.asked
    assert export.tree is recaps.tree
    assert (export.bidang, export.generated_at) == (None, NOW)
    assert (export.period_label, export.filename) == ("TW II 2021", "rekap-capaian-2021-tw2.xlsx")


def test_the_export_of_a_bidang_and_of_a_whole_year() -> None:
    export = recap_export(
        FakeUnitOfWork(recaps=FakeRecaps(), admin=FakeAdmin()),
        year=2021,
        quarter=None,
        now=NOW,
        bidang="kabid",
    )
    assert export.bidang is not None and export.bidang.id == KABID
    assert export.recap.quarter is None
    assert export.period_label == "Tahun 2021"
    assert export.filename == "rekap-capaian-2021-tahun-kabid.xlsx"


@pytest.mark.parametrize(
    ("quarter", "bidang", "message"),
    [
        (5, None, "Triwulan harus 1 sampai 4"),
        (0, None, "Triwulan harus 1 sampai 4"),
        (1, "tidak-ada", "Bidang 'tidak-ada' tidak dikenal"),
        (1, "kasi", "Bidang 'kasi' tidak dikenal"),  # a Seksi is not a bidang
    ],
)
def test_the_export_refuses_a_bad_quarter_or_bidang(
    quarter: int, bidang: str | None, message: str
) -> None:
    recaps = FakeRecaps()
    with pytest.raises(ValidationError) as raised:
        recap_export(
            FakeUnitOfWork(recaps=recaps, admin=FakeAdmin()),
            year=2021,
            quarter=quarter,
            now=NOW,
            bidang=bidang,
        )
    assert raised.value.message == message
    assert not any(question[0] == "recap" for question in recaps.asked)  # refused before reading


def test_period_labels() -> None:
    assert period_label(2021, None) == "Tahun 2021"
    assert period_label(2021, 3) == "TW III 2021"


def test_the_recap_uses_the_years_rules_and_counts_verified_reports_by_default() -> None:
    recaps = FakeRecaps()
    admin = FakeAdmin()
    scale = Scale.from_rows("Perbup", [("Baik", "95", "#00aa00"), ("Kurang", None, "#aa0000")])
    admin.rules[2021] = CapaianRules(scale=scale)
    uow = FakeUnitOfWork(recaps=recaps, admin=admin)
    recap = period_recap(uow, year=2021, quarter=2)
    assert recaps.bases == [RecapBasis(admin.rules[2021])]
    assert recap.basis.rules.scale.name == "Perbup"
    assert [g.category.name for g in recap.positions if g.category] == ["Baik", "Kurang", "Kurang"]
    everything = period_recap(uow, year=2021, quarter=2, include_unverified=True)
    assert everything.basis == RecapBasis(admin.rules[2021], include_unverified=True)
    assert recap_basis(uow, 2022) == RecapBasis()  # 2022 set no rules: the defaults


def test_the_export_counts_as_asked() -> None:
    recaps = FakeRecaps()
    uow = FakeUnitOfWork(recaps=recaps, admin=FakeAdmin())
    export = recap_export(uow, year=2021, quarter=2, now=NOW, include_unverified=True)
    assert export.recap.basis.include_unverified
    assert recaps.bases == [RecapBasis(include_unverified=True)]

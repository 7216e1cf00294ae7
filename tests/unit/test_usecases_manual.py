"""engine.usecases.manual in memory: the Manual IK of a position and the pohon kinerja."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engine.capaian import Polarity
from engine.errors import NotFoundError
from engine.formulas import Variable, parse
from engine.indicators import Indicator, IndicatorKind
from engine.manual import ManualEntry
from engine.policy import Policy
from engine.targets import Rollup, TargetMode
from engine.usecases.catalogue import show_catalogue
from engine.usecases.manual import (
    catalogue_manuals,
    manual_book,
    performance_tree,
    position_manuals,
)
from tests.unit.fakes import KABID, KADIS, KASI, FakeUnitOfWork
from tests.unit.fakes_accounts import FakeAdmin
from tests.unit.fakes_catalogue import FakeCatalogue, FakeOrganisation
from tests.unit.fakes_recap import ITEMS, FakeRecaps
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
MAY = datetime(2021, 5, 3, 2, 0, tzinfo=UTC)  # TW II 2021


def ratio(id_: int, position: int) -> Indicator:
    return Indicator(
        id_, f"ikm-{id_}", position, 2021, IndicatorKind.IKI, "Meningkatnya IKM",
        "Persentase IKM yang difasilitasi", "%",
        parse("(a / b) * 100", [Variable("a", "Jumlah IKM yang difasilitasi", "unit"),
                                Variable("b", "Jumlah IKM terdata", "unit")]),
        "Data ODS", Polarity.POSITIVE, Rollup.LAST, TargetMode.CUMULATIVE, 2,
    )  # fmt: skip


ENTRY = ManualEntry(
    definisi_operasional="IKM yang mendapat fasilitasi dalam tahun berjalan",
    note="SK tidak memuat alasan, penyedia data dan periode pelaporan",
)


def uow(manuals: dict[int, ManualEntry] | None = None) -> FakeUnitOfWork:
    catalogue = FakeCatalogue(indicators=[ratio(7, KASI), ratio(8, KABID)], manuals=manuals)
    return FakeUnitOfWork(organisation=FakeOrganisation(), catalogue=catalogue)


def test_the_manual_of_a_position_joins_the_stored_entry_and_the_computed_fields() -> None:
    book = manual_book(uow({7: ENTRY}), position="kasi", year=2021)
    assert (book.year, book.agency) == (2021, "Dinas Contoh")
    ((position, (manual,)),) = book.positions
    assert position.code == "kasi"
    assert manual.entry == ENTRY
    assert manual.as_json() == {
        "definisi_operasional": "IKM yang mendapat fasilitasi dalam tahun berjalan",
        "alasan": None,
        "formula": "Jumlah IKM yang difasilitasi dibagi Jumlah IKM terdata dikali 100",
        "satuan": "%",
        "jenis": "IKI",
        "sumber_data": "Data ODS",
        "penyedia_data": None,
        "penanggung_jawab": "Kepala Seksi IKM",
        "periode_pelaporan": None,
        "catatan": "SK tidak memuat alasan, penyedia data dan periode pelaporan",
    }
    assert manual.evidence == (
        "Dokumen dari sumber data (Data ODS) yang memuat angka: "
        "Jumlah IKM yang difasilitasi (unit); Jumlah IKM terdata (unit)."
    )
    assert book.by_code() == {"ikm-7": manual}


def test_every_position_with_indicators_and_an_indicator_without_entry() -> None:
    book = manual_book(uow(), year=None)
    assert [(p.code, [m.code for m in ms]) for p, ms in book.positions] == [
        ("kabid", ["ikm-8"]),
        ("kasi", ["ikm-7"]),
    ]
    assert all(m.entry.empty for _, ms in book.positions for m in ms)


def test_no_catalogue_is_not_found() -> None:
    empty = FakeUnitOfWork(organisation=FakeOrganisation(), catalogue=FakeCatalogue())
    with pytest.raises(NotFoundError, match="Belum ada katalog"):
        manual_book(empty)


def test_the_catalogue_listing_gets_its_manuals_by_indicator_id() -> None:
    work = uow({8: ENTRY})
    listing = show_catalogue(work, year=2021)
    assert listing is not None
    manuals = catalogue_manuals(work, listing)
    assert sorted(manuals) == [7, 8]
    assert manuals[8].entry == ENTRY and manuals[8].penanggung_jawab == "Kepala Bidang Industri"


def test_the_tree_of_a_quarter_places_the_recap_on_the_cascade() -> None:
    kadis, kabid, kasi = (item.indicator for item in ITEMS[:3])
    items = [
        replace(ITEMS[0]),
        replace(ITEMS[1], indicator=replace(kabid, parent_id=kadis.id)),
        replace(ITEMS[2], indicator=replace(kasi, parent_id=kabid.id)),
    ]
    work = FakeUnitOfWork(recaps=FakeRecaps(items=items), admin=FakeAdmin())
    period, tree = performance_tree(work, year=2021, quarter="2", now=MAY, policy=POLICY)
    assert (period.year, period.quarter) == (2021, 2)
    assert [(depth, node.code, node.score.capaian.value) for depth, node in tree.rows()] == [
        (0, "i1", Decimal(100)),
        (1, "i2", Decimal(90)),
        (2, "i3", Decimal(70)),
    ]
    assert tree.orphans == () and tree.barren == ()
    assert work.commits == 0


def test_the_default_period_is_the_dashboards_and_broken_links_are_listed() -> None:
    work = FakeUnitOfWork(recaps=FakeRecaps(), admin=FakeAdmin())  # no parents at all
    period, tree = performance_tree(work, year=None, quarter=None, now=MAY, policy=POLICY)
    assert (period.year, period.quarter) == (2021, 2)
    assert [n.code for n in tree.roots] == ["i1", "i2", "i3"]
    # The Kepala Bidang's and Kepala Seksi's indicators support nothing; the Kepala Dinas's
    # and Kepala Bidang's are supported by nothing although positions below have indicators.
    assert [n.code for n in tree.orphans] == ["i2", "i3"]
    assert [n.code for n in tree.barren] == ["i1", "i2"]
    assert [n.position.id for n in tree.roots] == [KADIS, KABID, KASI]


def test_a_report_page_reads_the_manuals_of_its_own_position_only() -> None:
    """By id: a position code names one position per agency of a regency."""
    found = position_manuals(uow({7: ENTRY}), KASI, 2021, "Kepala Seksi IKM")
    assert list(found) == ["ikm-7"]
    assert found["ikm-7"].entry == ENTRY
    assert found["ikm-7"].as_json()["penanggung_jawab"] == "Kepala Seksi IKM"
    assert position_manuals(uow(), KADIS, 2021, "Kepala Dinas") == {}

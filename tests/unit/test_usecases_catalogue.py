"""engine.usecases.catalogue against the in-memory unit of work: import, show, template, export."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from engine.capaian import Polarity
from engine.catalogue import CatalogDocument, CatalogFileError, CatalogueFacts
from engine.catalogue_workbook import CatalogueContents, PositionEntry
from engine.errors import NotFoundError, Problem, ValidationError
from engine.formulas import parse
from engine.indicators import Indicator, IndicatorKind, Origin
from engine.ports import AgencyInfo
from engine.targets import Rollup, TargetMode
from engine.usecases.catalogue import (
    catalogue_template,
    choose_agency,
    confirm_derived,
    derived_indicators,
    export_catalogue,
    import_catalogue,
    show_catalogue,
)
from tests.unit.fakes import KABID, KADIS, KASI, FakeUnitOfWork
from tests.unit.fakes_catalogue import AGENCY, FakeCatalogue, FakeOrganisation, catalogue, spec

BAPPEDA = AgencyInfo(2, "bappeda", "Bappeda", "Bappeda")
FACTS = CatalogueFacts(
    {"dinas": frozenset({"kadis", "kabid", "kasi"})}, {("dinas", 2021): frozenset({"iku-1"})}
)


def indicator(code: str, position_id: int, year: int = 2021) -> Indicator:
    return Indicator(
        len(code), code, position_id, year, IndicatorKind.IKI, "Kinerja", code, "unit",
        parse("a", ["a"]), "laporan", Polarity.POSITIVE, Rollup.SUM, TargetMode.CUMULATIVE, 0,
    )  # fmt: skip


def uow_with(**catalogue_args: object) -> FakeUnitOfWork:
    return FakeUnitOfWork(
        organisation=FakeOrganisation(),
        catalogue=FakeCatalogue(**catalogue_args),  # type: ignore[arg-type]
    )


def test_the_catalogue_is_parsed_against_the_stored_facts_then_written_with_one_commit() -> None:
    seen: list[CatalogueFacts] = []
    document = catalogue("iki-1", "iki-2")

    def parse_file(facts: CatalogueFacts) -> CatalogDocument:
        seen.append(facts)
        return document

    uow = uow_with(facts=FACTS)
    report = import_catalogue(uow, parse_file)
    assert seen == [FACTS]
    assert uow.catalogue.written == [document]
    assert report.created == {"indikator": 2}
    assert uow.commits == 1


def test_a_catalogue_with_problems_writes_nothing() -> None:
    def parse_file(facts: CatalogueFacts) -> CatalogDocument:
        raise CatalogFileError(
            "k.yaml", [Problem(4, "agency", "perangkat daerah 'x' tidak dikenal")]
        )

    uow = uow_with()
    with pytest.raises(CatalogFileError, match="baris 4: agency"):
        import_catalogue(uow, parse_file)
    assert uow.catalogue.written == [] and uow.commits == 0


def test_show_lists_positions_with_indicators_of_the_newest_year() -> None:
    uow = uow_with(
        indicators=[
            indicator("iku-1", KADIS, 2020),
            indicator("iki-1", KASI),
            indicator("iki-2", KASI),
        ]
    )
    listing = show_catalogue(uow)
    assert listing is not None and listing.year == 2021
    assert [(p.code, [i.code for i in items]) for p, items in listing.positions] == [
        ("kasi", ["iki-1", "iki-2"])
    ]
    older = show_catalogue(uow, year=2020)
    assert older is not None
    assert [(p.code, len(items)) for p, items in older.positions] == [("kadis", 1)]
    assert uow.commits == 0


def test_show_of_one_position_lists_it_even_without_indicators() -> None:
    uow = uow_with(indicators=[indicator("iki-1", KASI)])
    listing = show_catalogue(uow, position="kabid")
    assert listing is not None
    assert [(p.id, items) for p, items in listing.positions] == [(KABID, [])]
    with pytest.raises(ValidationError, match="Jabatan 'tidak-ada' tidak dikenal"):
        show_catalogue(uow, position="tidak-ada")


def test_show_without_any_catalogue_is_none() -> None:
    assert show_catalogue(uow_with()) is None


def test_the_only_agency_is_chosen_when_none_is_named() -> None:
    assert choose_agency(uow_with(), None) == AGENCY
    both = FakeUnitOfWork(organisation=FakeOrganisation(agencies=[AGENCY, BAPPEDA]))
    with pytest.raises(ValidationError, match="Pilih perangkat daerah: bappeda, dinas"):
        choose_agency(both, None)
    assert choose_agency(both, "bappeda") == BAPPEDA
    with pytest.raises(NotFoundError, match="Perangkat daerah 'x' tidak dikenal"):
        choose_agency(both, "x")
    nobody = FakeUnitOfWork(organisation=FakeOrganisation(agencies=[]))
    with pytest.raises(ValidationError, match="Belum ada perangkat daerah; impor organisasinya"):
        choose_agency(nobody, None)


def test_the_template_lists_the_agency_positions_only() -> None:
    contents = catalogue_template(uow_with(), None, 2022)
    assert (contents.agency, contents.year, contents.indicators) == ("dinas", 2022, ())
    assert [p.code for p in contents.positions] == ["kadis", "kabid", "kasi"]


def test_the_export_is_the_chosen_agency_catalogue_of_the_year() -> None:
    stored = CatalogueContents(
        "?", 0, (PositionEntry("kasi", "Kepala Seksi", ("Tugas",)),), (spec("iki-1"),)
    )
    contents = export_catalogue(uow_with(contents=stored), "dinas", 2021)
    assert (contents.agency, contents.year) == ("dinas", 2021)
    assert contents.indicators == (spec("iki-1"),)
    with pytest.raises(NotFoundError):
        export_catalogue(uow_with(contents=stored), "bappeda", 2021)


# --- derived indicators: the agency confirms them (issue 16, item 2) -------------------------

NOW = datetime(2021, 3, 1, 2, 0, tzinfo=UTC)


def derived(code: str, position_id: int) -> Indicator:
    return replace(indicator(code, position_id), origin=Origin.DERIVED, origin_note="dari kabid-1")


def test_the_derived_indicators_are_listed_by_position_and_the_decree_ones_are_not() -> None:
    uow = uow_with(
        indicators=[
            derived("iku-1", KADIS),
            indicator("iki-1", KASI),
            derived("d-2", KASI),
        ]
    )
    listing = derived_indicators(uow)
    assert listing is not None
    assert [(p.code, [i.code for i in items]) for p, items in listing.positions] == [
        ("kadis", ["iku-1"]),
        ("kasi", ["d-2"]),
    ]
    assert derived_indicators(uow_with()) is None


def test_confirming_a_derived_indicator_puts_it_in_the_headline_and_the_admin_log() -> None:
    uow = uow_with(indicators=[derived("iku-1", KADIS)])
    assert not uow.catalogue.stored_indicators[0].in_headline
    confirmed = confirm_derived(uow, "iku-1", actor="admin", now=NOW)
    assert confirmed.confirmed and confirmed.in_headline
    assert uow.catalogue.stored_indicators[0].in_headline
    assert uow.commits == 1
    [row] = uow.admin_log.committed
    assert (row.action, row.subject, row.actor) == (
        "catalogue.confirm",
        "Indikator turunan iku-1 tahun 2021",
        "admin",
    )
    # A second confirmation changes nothing and records nothing.
    confirm_derived(uow, "iku-1", actor="admin", now=NOW)
    assert uow.commits == 1
    assert len(uow.admin_log.committed) == 1


def test_a_decree_indicator_or_an_unknown_code_cannot_be_confirmed() -> None:
    uow = uow_with(indicators=[indicator("iki-1", KASI)])
    with pytest.raises(ValidationError, match="bukan turunan"):
        confirm_derived(uow, "iki-1", actor="admin", now=NOW)
    with pytest.raises(NotFoundError, match="tidak ada di katalog"):
        confirm_derived(uow, "nope", actor="admin", now=NOW)
    assert uow.commits == 0
    assert not uow.admin_log.committed

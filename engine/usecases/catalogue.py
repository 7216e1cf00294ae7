"""The indicator catalogue: import a catalogue file, show it, the workbook's template and export.

An import is checked whole before anything is written. The file's own problems and
those only the database can tell (an unknown agency or position, a parent indicator
stored earlier) are reported together: the parser the adapter hands in
(`CatalogueParser`, from documents.yaml.catalogue) gets the database's facts, read here
in the same transaction. Only a clean file is written, with one commit; a second
import of the same file changes nothing. The workbook's import is in
engine/usecases/catalogue_workbook.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from engine.catalogue import CatalogueParser
from engine.catalogue_workbook import CatalogueContents
from engine.errors import NotFoundError, ValidationError
from engine.imports import ImportReport
from engine.indicators import Indicator, Origin
from engine.org import Position
from engine.ports import AgencyInfo, UnitOfWork, writes
from engine.usecases.audit import record_admin, record_import

__all__ = [
    "CatalogueListing",
    "catalogue_template",
    "choose_agency",
    "confirm_derived",
    "derived_indicators",
    "export_catalogue",
    "import_catalogue",
    "show_catalogue",
]


@dataclass(frozen=True)
class CatalogueListing:
    """The positions shown and their indicators of one year."""

    year: int
    positions: list[tuple[Position, list[Indicator]]]


@writes
def import_catalogue(
    uow: UnitOfWork,
    parse: CatalogueParser,
    *,
    actor: str | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Check the catalogue against the database, then write it and commit; CatalogFileError
    (every problem with its line) otherwise. Recorded in the admin log when `actor` ran it."""
    repo = uow.catalogue
    document = parse(repo.facts())
    report = repo.write(document)
    subject = f"Katalog indikator {document.agency} tahun {document.year}"
    record_import(uow, actor, "catalogue.import", subject, report, now=now)
    uow.commit()
    return report


def show_catalogue(
    uow: UnitOfWork, *, position: str | None = None, year: int | None = None
) -> CatalogueListing | None:
    """The positions with indicators in `year` (default: the newest), or only `position`
    (shown even without indicators); None when there is no catalogue at all."""
    year = year or uow.catalogue.latest_year()
    if year is None:
        return None
    tree = uow.organisation.tree()
    chosen = [p for p in tree.positions if position in (None, p.code)]
    if position is not None and not chosen:
        raise ValidationError(
            f"Jabatan '{position}' tidak dikenal", log_message=f"unknown position {position}"
        )
    indicators = uow.catalogue.indicators(year=year, position_ids=[p.id for p in chosen])
    by_position: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_position.setdefault(indicator.position_id, []).append(indicator)
    listed = [(p, by_position.get(p.id, [])) for p in chosen if position or p.id in by_position]
    return CatalogueListing(year, listed)


def choose_agency(uow: UnitOfWork, code: str | None) -> AgencyInfo:
    """The agency named by `code`, or the only one when `code` is None."""
    agencies = uow.organisation.agencies()
    if code is None:
        if len(agencies) == 1:
            return agencies[0]
        if not agencies:
            raise ValidationError(
                "Belum ada perangkat daerah; impor organisasinya dulu",
                log_message="no agency in the database",
            )
        raise ValidationError(
            "Pilih perangkat daerah: " + ", ".join(a.code for a in agencies),
            log_message="several agencies, none chosen",
        )
    for agency in agencies:
        if agency.code == code:
            return agency
    raise NotFoundError(
        f"Perangkat daerah '{code}' tidak dikenal", log_message=f"unknown agency {code}"
    )


def catalogue_template(uow: UnitOfWork, agency: str | None, year: int) -> CatalogueContents:
    """The empty workbook's contents: only the agency's positions, listed for reference."""
    chosen = choose_agency(uow, agency)
    return CatalogueContents(chosen.code, year, tuple(uow.catalogue.positions(chosen.id)))


def export_catalogue(uow: UnitOfWork, agency: str | None, year: int) -> CatalogueContents:
    """The catalogue of `year` with its PK targets and budget lines (imports back unchanged)."""
    return uow.catalogue.contents(choose_agency(uow, agency), year)


def derived_indicators(uow: UnitOfWork, year: int | None = None) -> CatalogueListing | None:
    """The derived indicators (not in the decree) of `year` (default: the newest), by position,
    confirmed or not; None when there is no catalogue at all."""
    listing = show_catalogue(uow, year=year)
    if listing is None:
        return None
    derived = [
        (position, [i for i in items if i.origin is Origin.DERIVED])
        for position, items in listing.positions
    ]
    return CatalogueListing(listing.year, [(p, items) for p, items in derived if items])


@writes
def confirm_derived(
    uow: UnitOfWork, code: str, *, year: int | None = None, actor: str, now: datetime
) -> Indicator:
    """The agency confirms a derived indicator: it counts in the agency's headline from now
    on. Recorded in the admin log (catalogue.confirm); confirming twice changes nothing and
    records nothing. ValidationError for an indicator that is not derived; NotFoundError for
    an unknown code."""
    listing = show_catalogue(uow, year=year)
    found = (
        None
        if listing is None
        else next((i for _, items in listing.positions for i in items if i.code == code), None)
    )
    if found is None or listing is None:
        where = "" if listing is None else f" tahun {listing.year}"
        raise NotFoundError(
            f"Indikator '{code}' tidak ada di katalog{where}",
            log_message=f"confirm: unknown indicator {code}",
        )
    if found.origin is not Origin.DERIVED:
        raise ValidationError(
            f"Indikator '{code}' berasal dari {found.origin.label}, bukan turunan: "
            "tidak perlu dikonfirmasi",
            log_message=f"confirm: {code} is {found.origin.value}, not derived",
        )
    if found.confirmed:
        return found
    uow.catalogue.confirm(found.id)
    subject = f"Indikator turunan {code} tahun {listing.year}"
    record_admin(
        uow, actor, "catalogue.confirm", subject, {"confirmed": False}, {"confirmed": True}, now=now
    )
    uow.commit()
    return replace(found, confirmed=True)

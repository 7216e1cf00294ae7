"""The catalogue repository (`engine.ports.CatalogueRepository`) on the unit of work's session.

It gathers what the catalogue's use cases read and write: the facts a catalogue file
is checked against and its writer (db/catalog_import.py), the indicators
(db/indicator_repo.py), the workbook's contents (db/catalog_xlsx_export.py) and the
PK rows its import reads (db/catalog_xlsx.py).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, func, select

from db import catalog_xlsx
from db.catalog_xlsx_export import catalogue_contents, latest_pks, template_positions
from db.imports import catalogue_facts, write_catalog
from db.indicator_repo import load_indicators
from db.models import IndicatorRow
from engine.budget import BudgetLine
from engine.catalogue import CatalogDocument, CatalogueFacts
from engine.catalogue_workbook import CatalogueContents, Known, PositionEntry, TargetEntry
from engine.imports import ImportReport
from engine.indicators import Indicator
from engine.ports import AgencyInfo, PkStatus
from engine.workflow import State


class SqlCatalogue:
    """The indicator catalogue and the PK rows its workbook carries."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def facts(self) -> CatalogueFacts:
        """The agencies, positions and indicators a catalogue file is checked against."""
        return catalogue_facts(self._session)

    def write(self, document: CatalogDocument) -> ImportReport:
        """Upsert the catalogue's duties, indicators and variables in this transaction."""
        return write_catalog(self._session, document)

    def latest_year(self) -> int | None:
        """The newest year with indicators."""
        year: int | None = self._session.exec(select(func.max(col(IndicatorRow.year)))).one()
        return year

    def indicators(self, *, year: int, position_ids: Collection[int]) -> list[Indicator]:
        """The indicators of these positions for a year, in catalogue order."""
        return load_indicators(self._session, year=year, position_ids=position_ids)

    def positions(self, agency_id: int) -> list[PositionEntry]:
        """The agency's positions (codes and titles) in the organisation's order."""
        return template_positions(self._session, agency_id)

    def contents(self, agency: AgencyInfo, year: int) -> CatalogueContents:
        """The agency's catalogue of a year with its PKs' targets and budget."""
        return catalogue_contents(self._session, agency, year)

    def known(self, agency: str | None, year: int | None) -> Known:
        """What a workbook naming this agency and year is checked against."""
        return catalog_xlsx.known(self._session, agency, year)

    def position_ids(self, agency: str | None) -> dict[str, int]:
        """The agency's positions: code -> id."""
        return catalog_xlsx.position_ids(self._session, agency)

    def latest_pks(self, year: int) -> dict[int, PkStatus]:
        """The latest revision of each position's PK of `year`, by position id."""
        return {
            position_id: PkStatus(pk.id, State(pk.state))
            for position_id, pk in latest_pks(self._session, year).items()
            if pk.id is not None
        }

    def stored_target(self, pk_id: int, indicator: str) -> TargetEntry | None:
        """The targets a PK holds for an indicator (by code)."""
        return catalog_xlsx.stored_target(self._session, pk_id, indicator)

    def budget_lines(self, pk_id: int) -> tuple[BudgetLine, ...]:
        """A PK's budget lines in order."""
        return catalog_xlsx.budget_lines(self._session, pk_id)

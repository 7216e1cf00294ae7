"""The Manual Indikator Kinerja of a position and the pohon kinerja of a period.

The Manual IK joins what the catalogue holds (the indicator, its formula, the position) with
what the decree adds (`ManualEntry`, stored beside the indicator); engine.manual computes the
rest. The pohon kinerja places the recap of a period (the same recap the dashboard shows,
from the recap repository) on the cascade of parent indicators (engine.tree). Both are
reads: whoever may open the dashboard may open them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.clock import local_date
from engine.errors import NotFoundError
from engine.manual import ManualIK, manual_of
from engine.org import Position
from engine.periods import Quarter
from engine.policy import Policy
from engine.ports import UnitOfWork
from engine.tree import PerformanceTree, build_tree
from engine.usecases.catalogue import CatalogueListing, show_catalogue
from engine.usecases.dashboard_focus import Period, choose_period
from engine.usecases.recap import recap_basis

__all__ = [
    "ManualBook",
    "catalogue_manuals",
    "manual_book",
    "performance_tree",
    "position_manuals",
]


@dataclass(frozen=True)
class ManualBook:
    """The Manual IK of one year: each position shown with its indicators' manuals."""

    year: int
    positions: list[tuple[Position, list[ManualIK]]]
    agency: str = ""
    """The name of the agency (of the agencies, joined) whose positions are shown."""

    def by_code(self) -> dict[str, ManualIK]:
        """Every manual by its indicator's code."""
        return {m.code: m for _, manuals in self.positions for m in manuals}


def catalogue_manuals(uow: UnitOfWork, listing: CatalogueListing) -> dict[int, ManualIK]:
    """The Manual IK of every indicator of a catalogue listing, by indicator id."""
    ids = [i.id for _, indicators in listing.positions for i in indicators]
    entries = uow.catalogue.manuals(ids)
    return {
        i.id: manual_of(i, entries.get(i.id), position.title)
        for position, indicators in listing.positions
        for i in indicators
    }


def position_manuals(
    uow: UnitOfWork, position_id: int, year: int, position_title: str
) -> dict[str, ManualIK]:
    """The Manual IK of one position's indicators in `year`, by indicator code: the report
    page's "Cara mengukur". Two small reads; a position code names one position in each
    agency of a regency, so the page asks by id."""
    indicators = uow.catalogue.indicators(year=year, position_ids=[position_id])
    entries = uow.catalogue.manuals([i.id for i in indicators])
    return {i.code: manual_of(i, entries.get(i.id), position_title) for i in indicators}


def manual_book(
    uow: UnitOfWork, *, position: str | None = None, year: int | None = None
) -> ManualBook:
    """The Manual IK of `position` (or of every position with indicators) in `year` (default:
    the newest catalogue year); NotFoundError when there is no catalogue."""
    listing = show_catalogue(uow, position=position, year=year)
    if listing is None:
        raise NotFoundError(
            "Belum ada katalog indikator", log_message="manual asked with no catalogue"
        )
    manuals = catalogue_manuals(uow, listing)
    names = {a.id: a.name for a in uow.organisation.agencies()}
    shown = dict.fromkeys(names.get(p.agency_id, "") for p, _ in listing.positions)
    return ManualBook(
        listing.year,
        [(p, [manuals[i.id] for i in indicators]) for p, indicators in listing.positions],
        ", ".join(name for name in shown if name),
    )


def performance_tree(
    uow: UnitOfWork,
    *,
    year: int | None,
    quarter: str | None,
    now: datetime,
    policy: Policy,
) -> tuple[Period, PerformanceTree]:
    """The pohon kinerja of a year and quarter (chosen as the dashboard chooses them, so the
    same default period), with the recap's capaian at every node."""
    repo = uow.recaps
    current = Quarter.of(local_date(now, policy.zone))
    period = choose_period(year, quarter, repo.years_with_data(), current)
    basis = recap_basis(uow, period.year)  # the year's capaian rules, as the dashboard's
    recap = repo.recap(year=period.year, quarter=period.quarter, basis=basis).recap
    return period, build_tree(repo.org_tree(), recap)

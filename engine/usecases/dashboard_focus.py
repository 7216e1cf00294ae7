"""What the dashboard shows: which period (the one asked for, or the latest quarter with
verified data) and which agency (the one asked for among those the reader may see, or the
regency view). The rules of who sees which agency are the roles' (engine.roles).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date

from engine.errors import ForbiddenError, NotFoundError, ValidationError
from engine.org import OrgTree
from engine.periods import Quarter
from engine.ports import UnitOfWork
from engine.recap import COUNTED_STATES, IndicatorInput, Recap
from engine.roles import may_view_regency
from engine.usecases.recap import period_label
from engine.workflow import Actor

__all__ = ["Period", "dashboard_scope"]


@dataclass(frozen=True)
class Period:
    """The year and quarter shown (quarter None: the whole year)."""

    year: int
    quarter: int | None

    @property
    def label(self) -> str:
        """The period as users read it: "TW I 2021" or "Tahun 2021"."""
        return period_label(self.year, self.quarter)


def dashboard_period(
    uow: UnitOfWork, year: int | None, quarter: str | None, years: list[int], current: Quarter
) -> Period:
    """The period asked for; without one, the latest quarter with verified data, else
    `choose_period`'s default."""
    if year is None and quarter is None:
        found = latest_verified(uow, years, current)
        if found is not None:
            return found
    return choose_period(year, quarter, years, current)


def choose_period(
    year: int | None, quarter: str | None, years: list[int], current: Quarter
) -> Period:
    """The period asked for; without one, today's quarter, or else the latest year with data."""
    if year is None and quarter is None:
        if not years or current.year in years:
            return Period(current.year, current.number)
        return Period(years[0], None)
    chosen_year = current.year if year is None else year
    if not 2000 <= chosen_year <= 2100:
        raise ValidationError(
            f"Tahun {chosen_year} di luar rentang", log_message=f"year {chosen_year} out of range"
        )
    if quarter in (None, ""):
        return Period(chosen_year, None)
    if quarter not in ("1", "2", "3", "4"):
        raise ValidationError(
            "Triwulan harus 1 sampai 4 atau kosong (setahun)",
            log_message=f"bad quarter {quarter!r}",
        )
    return Period(chosen_year, int(quarter))


def latest_verified(uow: UnitOfWork, years: list[int], current: Quarter) -> Period | None:
    """The latest quarter ended before `current` that has a verified or approved report (one
    query per year looked at, newest first; usually one). A quarter is reported on after
    it ends, so `current` itself never counts."""
    for year in years:
        if year > current.year:
            continue
        counted = [
            row.quarter
            for row in uow.pending.reports_of(year=year, quarter=None)
            if row.state.value in COUNTED_STATES and Quarter(year, row.quarter) < current
        ]
        if counted:
            return Period(year, max(counted))
    return None


def agency_names(tree: OrgTree) -> dict[int, str]:
    """Each agency's id and name (its head's unit), in tree order."""
    return {root.agency_id: root.unit_name for root in tree.roots()}


def dashboard_scope(actor: Actor | None, tree: OrgTree, on: date) -> frozenset[int] | None:
    """The agencies whose dashboard `actor` reads on `on` (None: every agency, with the
    regency view).

    The administrator and the holders of a regency role (Bupati, Sekda, Bappeda,
    Inspektorat) read every agency; anyone else the agencies of the posts they hold that
    day. Where the deployment has one agency only, everyone signed in reads it (as
    before the regency view existed). No actor: the CLI and tests, every agency.
    """
    if actor is None or may_view_regency(actor, on, tree=tree):
        return None
    agencies = {root.agency_id for root in tree.roots()}
    if len(agencies) <= 1:
        return None
    if actor.official_id is None:
        return frozenset()
    try:
        holdings = tree.holdings_of(actor.official_id, on)
    except NotFoundError:
        return frozenset()
    return frozenset(h.position.agency_id for h in holdings)


def choose_agency(text: str, choices: list[tuple[int, str]], known: Collection[int]) -> int | None:
    """The agency of the filter (an id among `choices`); without one, the reader's only
    agency, or None (the regency view) when they read several."""
    ids = [agency_id for agency_id, _ in choices]
    if text:
        try:
            wanted = int(text)
        except ValueError:
            wanted = -1
        if wanted in ids:
            return wanted
        if wanted in known:
            raise ForbiddenError(
                "Anda hanya dapat melihat dasbor perangkat daerah tempat Anda bertugas",
                log_message=f"dashboard of agency {wanted} refused",
            )
        raise ValidationError(
            f"Perangkat daerah '{text}' tidak dikenal",
            log_message=f"unknown agency filter {text!r}",
        )
    if not ids and known:
        raise ForbiddenError(
            "Dasbor hanya untuk pegawai yang memegang jabatan di perangkat daerah",
            log_message="dashboard refused: no post held today",
        )
    return ids[0] if len(ids) == 1 else None


def of_agency(
    recap: Recap, items: list[IndicatorInput], mine: Collection[int]
) -> tuple[Recap, list[IndicatorInput]]:
    """The recap and its inputs narrowed to one agency's positions (the regency's recap is
    cached whole)."""
    narrowed = replace(
        recap,
        indicators=[s for s in recap.indicators if s.indicator.position_id in mine],
        positions=[g for g in recap.positions if g.position_id in mine],
        bidang=[g for g in recap.bidang if g.position_id in mine],
        agency=[g for g in recap.agency if g.position_id in mine],
    )
    return narrowed, [item for item in items if item.indicator.position_id in mine]

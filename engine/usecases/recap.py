"""The recap: capaian per indicator, position, bidang and agency of a quarter or a year.

Every reader of the recap (the dashboard, the API, `kinerja recap`, the Excel workbook)
gets it from the recap repository, which computes it once per change of its data and
hands the same object to every caller while nothing changed; so the page, the API and
the workbook cannot disagree. Targets are those of the latest approved PK revision of
each position; realisations count from verified and approved quarterly reports (all
reports with `include_unverified`, the others still listed as "belum diverifikasi"), under
the capaian rules of the year (engine.usecases.capaian_rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.errors import ValidationError
from engine.org import Level, OrgTree, Position
from engine.periods import Quarter
from engine.ports import EntryInputs, UnitOfWork
from engine.recap import IndicatorInput, Recap, RecapBasis
from engine.usecases.capaian_rules import capaian_rules

__all__ = ["RecapExport", "period_recap", "recap_basis", "recap_export"]


def period_label(year: int, quarter: int | None) -> str:
    """The period as users read it: "TW I 2021" or "Tahun 2021"."""
    if quarter is None:
        return f"Tahun {year}"
    return Quarter(year, quarter).label


@dataclass(frozen=True)
class RecapExport:
    """Everything the recap workbook shows: the recap, where it came from, and the filter."""

    recap: Recap
    tree: OrgTree
    items: list[IndicatorInput]
    entries: dict[tuple[int, int], EntryInputs]
    bidang: Position | None
    generated_at: datetime

    @property
    def period_label(self) -> str:
        """The period as the dashboard names it: "TW I 2021" or "Tahun 2021"."""
        return period_label(self.recap.year, self.recap.quarter)

    @property
    def filename(self) -> str:
        """A download name that says what is inside: rekap-capaian-2021-tw1[-bidang].xlsx."""
        period = "tahun" if self.recap.quarter is None else f"tw{self.recap.quarter}"
        suffix = "" if self.bidang is None else f"-{self.bidang.code}"
        return f"rekap-capaian-{self.recap.year}-{period}{suffix}.xlsx"


def recap_basis(uow: UnitOfWork, year: int, *, include_unverified: bool = False) -> RecapBasis:
    """What the recap of `year` is computed under: the year's capaian rules, and whether
    realisations of reports not verified yet count."""
    return RecapBasis(capaian_rules(uow, year), include_unverified)


def period_recap(
    uow: UnitOfWork,
    *,
    year: int,
    quarter: int | None,
    agency_code: str | None = None,
    include_unverified: bool = False,
) -> Recap:
    """The recap of a quarter (or the year), of every agency or of one.

    The same `Recap` object comes back while its data is unchanged (the API serialises
    it once per change).
    """
    basis = recap_basis(uow, year, include_unverified=include_unverified)
    return uow.recaps.recap(year=year, quarter=quarter, agency_code=agency_code, basis=basis).recap


def recap_export(
    uow: UnitOfWork,
    *,
    year: int,
    quarter: int | None,
    now: datetime,
    bidang: str | None = None,
    include_unverified: bool = False,
) -> RecapExport:
    """The recap of a period as the dashboard shows it, plus the formula inputs behind it.

    `bidang` (the code of an Administrator-level position) narrows the bidang,
    positions and indicators shown; the agency total stays whole, as on the page.
    """
    if quarter is not None and not 1 <= quarter <= 4:
        raise ValidationError(
            "Triwulan harus 1 sampai 4", log_message=f"bad quarter {quarter!r} for the export"
        )
    repo = uow.recaps
    tree = repo.org_tree()
    chosen = find_bidang(tree, bidang)
    basis = recap_basis(uow, year, include_unverified=include_unverified)
    data = repo.recap(year=year, quarter=quarter, basis=basis)
    entries = repo.entry_inputs(year=year, indicator_ids=[i.indicator.id for i in data.items])
    return RecapExport(data.recap, tree, data.items, entries, chosen, now)


def find_bidang(tree: OrgTree, code: str | None) -> Position | None:
    """The Bidang or Sekretariat of a filter code (None: all); an unknown code is refused."""
    if not code:
        return None
    for position in tree.positions:
        if position.code == code and position.level is Level.ADMINISTRATOR:
            return position
    raise ValidationError(f"Bidang '{code}' tidak dikenal", log_message=f"unknown bidang {code!r}")

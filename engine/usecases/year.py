"""Tahun kerja: the planning steps that start an agency's year, and its signing progress.

The agency's planning holder (engine.roles.may_plan) or the administrator opens year N
from year N-1's catalogue (indicators, variables, TUGAS and FUNGSI copied into N; later
changes go through the catalogue workbook, checked whole as ever), sets the DPA date,
and creates every position's draft PK of N with the targets and budget lines of its
approved PK of N-1 where the indicator continues (engine.usecases.year_pks). Each step is
one transaction written to the admin log; running a step twice writes nothing the second
time. The progress per bidang counts the PKs by state, with the late ones (one month after
the DPA, engine.pk).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from engine.catalogue import CatalogDocument, IndicatorSpec, PositionSpec
from engine.catalogue_workbook import CatalogueWorkbook
from engine.clock import local_date
from engine.errors import ForbiddenError, NotFoundError, ValidationError
from engine.imports import ImportReport
from engine.indicators import Indicator
from engine.org import OrgTree, Position
from engine.pk import is_pk_late, pk_deadline
from engine.policy import Policy
from engine.ports import AgencyInfo, UnitOfWork, writes
from engine.recap import bidang_of
from engine.records import PkLine
from engine.roles import may_plan
from engine.usecases.audit import record_admin
from engine.usecases.catalogue_workbook import import_catalogue_workbook
from engine.workflow import Actor, State

__all__ = [
    "BidangProgress",
    "YearOverview",
    "import_year_workbook",
    "open_year",
    "planned_agencies",
    "set_year_dpa",
    "year_overview",
]

FIRST_YEAR, LAST_YEAR = 2000, 2100
COUNTED = (State.DRAFT, State.SUBMITTED, State.VERIFIED, State.APPROVED)
HEAD_UNIT = "Pimpinan perangkat daerah"
"""Where the head of agency's own PK is counted (it belongs to no bidang)."""


@dataclass(frozen=True)
class BidangProgress:
    """One bidang's PKs of the year: how many in each state, missing and late."""

    title: str
    counts: dict[State, int]
    missing: int
    late: int

    @property
    def total(self) -> int:
        """The PKs created in this bidang."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class YearOverview:
    """Where an agency's year stands: catalogue, DPA date, PKs and their signing."""

    agency: AgencyInfo
    year: int
    previous_indicators: int
    indicators: int
    dpa_date: date | None
    deadline: date | None
    bidang: list[BidangProgress]
    late: list[tuple[int, str, State]]
    """(PK id, position title, state) of every late PK."""
    without_pk: list[str]
    """Titles of the positions with indicators in the year and no PK yet."""

    @property
    def opened(self) -> bool:
        """Whether the year has a catalogue."""
        return self.indicators > 0

    @property
    def counts(self) -> dict[State, int]:
        """The PKs of the agency by state."""
        total: Counter[State] = Counter()
        for line in self.bidang:
            total.update(line.counts)
        return {state: total[state] for state in COUNTED}

    @property
    def pk_count(self) -> int:
        """The PKs of the year created so far."""
        return sum(self.counts.values())


@dataclass
class _Tally:
    """One bidang's counts while the overview is read."""

    counts: Counter[State] = field(default_factory=Counter)
    missing: int = 0
    late: int = 0


def planned_agencies(
    uow: UnitOfWork, actor: Actor, *, now: datetime, policy: Policy
) -> list[AgencyInfo]:
    """The agencies whose year `actor` may start today (every one for the administrator)."""
    tree = uow.documents.org_tree()
    today = local_date(now, policy.zone)
    return [
        a
        for a in sorted(uow.organisation.agencies(), key=lambda a: a.name)
        if may_plan(actor, a.id, today, tree=tree)
    ]


def _agency(uow: UnitOfWork, agency_id: int) -> AgencyInfo:
    for agency in uow.organisation.agencies():
        if agency.id == agency_id:
            return agency
    raise NotFoundError(
        "Perangkat daerah tidak ditemukan", log_message=f"unknown agency id {agency_id}"
    )


def planner_scope(
    uow: UnitOfWork, actor: Actor, agency_id: int, now: datetime, policy: Policy
) -> tuple[AgencyInfo, OrgTree]:
    """The agency and the tree, once `actor` is known to do its planning work today."""
    agency = _agency(uow, agency_id)
    tree = uow.documents.org_tree()
    if not may_plan(actor, agency.id, local_date(now, policy.zone), tree=tree):
        raise ForbiddenError(
            f"Tahun kerja {agency.name} hanya dapat diurus oleh pemegang jabatan perencanaan "
            "perangkat daerah itu atau administrator",
            log_message=f"{actor.name} may not plan agency {agency.code}",
        )
    return agency, tree


def check_year(year: int) -> None:
    if not FIRST_YEAR < year <= LAST_YEAR:
        raise ValidationError(
            f"Tahun harus antara {FIRST_YEAR + 1} dan {LAST_YEAR}", log_message=f"year {year}"
        )


def open_positions(tree: OrgTree, agency_id: int, year: int) -> list[Position]:
    """The agency's positions open in `year` (a position closed before 1 January has no PK,
    no catalogue and no place in the year's progress), from the head down."""
    ordered = [p for root in tree.roots() for _, p in tree.walk(root.id)]
    first = date(year, 1, 1)
    return [p for p in ordered if p.agency_id == agency_id and p.is_open_on(first)]


def year_indicators(uow: UnitOfWork, positions: list[Position], year: int) -> list[Indicator]:
    return uow.catalogue.indicators(year=year, position_ids=[p.id for p in positions])


def year_overview(
    uow: UnitOfWork, actor: Actor, agency_id: int, year: int, *, now: datetime, policy: Policy
) -> YearOverview:
    """Where the agency's year stands, for its planning holder or the administrator."""
    check_year(year)
    agency, tree = planner_scope(uow, actor, agency_id, now, policy)
    today = local_date(now, policy.zone)
    positions = open_positions(tree, agency.id, year)
    indicators = year_indicators(uow, positions, year)
    with_indicators = {i.position_id for i in indicators}
    dpa = uow.pending.dpa_dates([year]).get((agency.id, year))
    deadline = pk_deadline(dpa)
    lines: dict[int, list[PkLine]] = {}
    for line in uow.pks.of_year(year, [p.id for p in positions]):
        lines.setdefault(line.position_id, []).append(line)
    units: dict[str, _Tally] = {}
    late: list[tuple[int, str, State]] = []
    for position in positions:
        revisions = lines.get(position.id, [])
        if not revisions and position.id not in with_indicators:
            continue
        unit = bidang_of(tree, position)
        tally = units.setdefault(HEAD_UNIT if unit is None else unit.unit_name, _Tally())
        if not revisions:
            tally.missing += 1
            continue
        latest, first = revisions[-1], revisions[0]
        tally.counts[latest.state] += 1
        signed = None if first.approved_at is None else local_date(first.approved_at, policy.zone)
        if is_pk_late(deadline, first.revision, signed, today):
            tally.late += 1
            late.append((latest.id, position.title, latest.state))
    bidang = [
        BidangProgress(title, {s: t.counts[s] for s in COUNTED}, t.missing, t.late)
        for title, t in units.items()
    ]
    return YearOverview(
        agency=agency,
        year=year,
        previous_indicators=len(year_indicators(uow, positions, year - 1)),
        indicators=len(indicators),
        dpa_date=dpa,
        deadline=deadline,
        bidang=bidang,
        late=late,
        without_pk=[p.title for p in positions if p.id in with_indicators and p.id not in lines],
    )


@writes
def open_year(
    uow: UnitOfWork,
    actor: Actor,
    agency_id: int,
    year: int,
    *,
    by: str,
    now: datetime,
    policy: Policy,
) -> ImportReport:
    """Copy year N-1's catalogue of the agency (indicators, variables, Manual IK, TUGAS and
    FUNGSI) into year N and commit; refused when N already has one or N-1 has none."""
    check_year(year)
    agency, tree = planner_scope(uow, actor, agency_id, now, policy)
    positions = open_positions(tree, agency.id, year)
    if existing := year_indicators(uow, positions, year):
        raise ValidationError(
            f"Tahun {year} sudah dibuka untuk {agency.name} ({len(existing)} indikator); "
            "ubah katalognya lewat buku kerja katalog",
            log_message=f"year {year} already opened for {agency.code}",
        )
    before = uow.catalogue.contents(agency, year - 1)
    if not before.indicators:
        raise ValidationError(
            f"Belum ada katalog indikator {agency.name} tahun {year - 1}: tahun {year} tidak "
            "dapat dibuka dari sana; impor katalognya lewat buku kerja katalog",
            log_message=f"no catalogue {year - 1} for {agency.code}",
        )
    open_codes = {p.code for p in positions}  # a position closed before the year is left out
    by_position: dict[str, list[IndicatorSpec]] = {}
    for spec in before.indicators:
        by_position.setdefault(spec.position, []).append(spec)
    document = CatalogDocument(
        agency=agency.code,
        year=year,
        source=f"dibuka dari katalog {year - 1}",
        positions=tuple(
            PositionSpec(p.code, p.tugas, p.fungsi, tuple(by_position.get(p.code, ())))
            for p in before.positions
            if (p.tugas or p.fungsi or p.code in by_position) and p.code in open_codes
        ),
    )
    report = uow.catalogue.write(document)
    record_admin(
        uow,
        by,
        "year.open",
        f"Tahun kerja {year} {agency.name}",
        None,
        {"dari tahun": year - 1, "indikator": sum(len(p.indicators) for p in document.positions)},
        now=now,
    )
    uow.commit()
    return report


@writes
def set_year_dpa(
    uow: UnitOfWork,
    actor: Actor,
    agency_id: int,
    year: int,
    dpa_date: date,
    *,
    by: str,
    now: datetime,
    policy: Policy,
) -> date:
    """Record the date the agency's DPA of `year` was ratified and commit; the PK deadline
    (one month later). The same date again writes nothing."""
    check_year(year)
    agency, _ = planner_scope(uow, actor, agency_id, now, policy)
    if dpa_date.year != year:
        raise ValidationError(
            f"Tanggal DPA harus di tahun {year}", log_message=f"dpa {dpa_date} outside {year}"
        )
    before = uow.pending.dpa_dates([year]).get((agency.id, year))
    deadline = pk_deadline(dpa_date)
    assert deadline is not None
    if before == dpa_date:
        return deadline
    uow.pks.set_dpa_date(agency.id, year, dpa_date)
    record_admin(
        uow,
        by,
        "year.dpa",
        f"Tanggal DPA {agency.name} tahun {year}",
        None if before is None else {"tanggal DPA": before.isoformat()},
        {"tanggal DPA": dpa_date.isoformat()},
        now=now,
    )
    uow.commit()
    return deadline


@writes
def import_year_workbook(
    uow: UnitOfWork,
    actor: Actor,
    agency_id: int,
    year: int,
    workbook: CatalogueWorkbook,
    *,
    by: str,
    now: datetime,
    policy: Policy,
) -> ImportReport:
    """The catalogue workbook of the agency's year, uploaded by its planning holder (or the
    administrator): checked whole and written as the administrator's upload is
    (engine.usecases.catalogue_workbook), refused for another agency or year."""
    check_year(year)
    agency, _ = planner_scope(uow, actor, agency_id, now, policy)
    return import_catalogue_workbook(uow, workbook, now=now, actor=by, scope=(agency.code, year))

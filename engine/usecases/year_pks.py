"""Tahun kerja, step 3: every position's draft PK of the year, with the targets and budget
lines of its approved PK of the year before where the indicator continues (positions closed
before 1 January get none). One transaction, written to the admin log; a position that
already has a PK of the year is left alone, so running it twice writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from engine.budget import BudgetLine
from engine.errors import ValidationError
from engine.indicators import Indicator
from engine.org import Position
from engine.policy import Policy
from engine.ports import UnitOfWork, writes
from engine.usecases.audit import record_admin
from engine.usecases.pk import add_pk, write_budget, write_target
from engine.usecases.year import check_year, open_positions, planner_scope, year_indicators
from engine.workflow import Actor, State

__all__ = ["CreatedPk", "YearPks", "create_year_pks"]


@dataclass(frozen=True)
class CreatedPk:
    """A draft PK the year start created, and what it carried from last year's PK."""

    pk_id: int
    position_title: str
    source_id: int | None
    """The approved PK of the year before it was carried from (None: none approved)."""
    carried: int
    empty: tuple[str, ...]
    """Names of the indicators left without targets (new, or refused as carried)."""
    budget_lines: int


@dataclass
class YearPks:
    """What creating the year's PKs did."""

    year: int
    created: list[CreatedPk] = field(default_factory=list)
    existing: int = 0
    without_indicators: list[str] = field(default_factory=list)


@writes
def create_year_pks(
    uow: UnitOfWork,
    actor: Actor,
    agency_id: int,
    year: int,
    *,
    by: str,
    now: datetime,
    policy: Policy,
) -> YearPks:
    """Create the draft PK of `year` of every position of the agency with indicators that has
    none yet, with the targets and budget lines of its approved PK of the year before where
    the indicator continues; commit once. Positions that already have one are left alone."""
    check_year(year)
    agency, tree = planner_scope(uow, actor, agency_id, now, policy)
    positions = open_positions(tree, agency.id, year)
    indicators = year_indicators(uow, positions, year)
    if not indicators:
        raise ValidationError(
            f"Tahun {year} belum dibuka untuk {agency.name}: buka dulu dari katalog {year - 1}",
            log_message=f"year {year} not opened for {agency.code}",
        )
    result = YearPks(year)
    by_position: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        by_position.setdefault(indicator.position_id, []).append(indicator)
    for position in positions:
        own = by_position.get(position.id)
        if own is None:
            result.without_indicators.append(position.title)
            continue
        if uow.pks.revisions(position.id, year):
            result.existing += 1
            continue
        result.created.append(_create(uow, position, own, year, now))
    if not result.created:
        return result
    record_admin(
        uow,
        by,
        "year.pks",
        f"PK tahun {year} {agency.name}",
        None,
        {
            "PK dibuat": len(result.created),
            "target dibawa": sum(c.carried for c in result.created),
            "target kosong": sum(len(c.empty) for c in result.created),
        },
        now=now,
    )
    uow.commit()
    return result


def _create(
    uow: UnitOfWork, position: Position, indicators: list[Indicator], year: int, now: datetime
) -> CreatedPk:
    """One position's draft PK, with what its approved PK of the year before carries."""
    pk_id = add_pk(uow.pks, position.id, year, now)
    approved = [r for r in uow.pks.revisions(position.id, year - 1) if r.state is State.APPROVED]
    if not approved:
        return CreatedPk(pk_id, position.title, None, 0, tuple(i.name for i in indicators), 0)
    source = uow.pks.pk(approved[-1].id)
    before = {row["indicator"]: row for row in source.targets if row.get("annual")}
    carried, empty = 0, []
    for indicator in indicators:
        row = before.get(indicator.code)
        if row is None:
            empty.append(indicator.name)
            continue
        try:
            write_target(
                uow.documents, uow.pks, uow.reports, pk_id, indicator.code,
                annual=str(row["annual"]), quarters=list(row.get("quarters") or [None] * 4),
                tw4_reason=row.get("tw4_reason"),
            )  # fmt: skip
        except ValidationError:  # the indicator changed so that last year's targets do not fit
            empty.append(indicator.name)
            continue
        carried += 1
    lines = _budget(source.budget)
    if lines:
        write_budget(uow.documents, uow.pks, pk_id, lines)
    return CreatedPk(pk_id, position.title, approved[-1].id, carried, tuple(empty), len(lines))


def _budget(rows: list[dict[str, object]]) -> list[BudgetLine]:
    lines = []
    for row in rows:
        try:
            amount = Decimal(str(row.get("anggaran") or "0"))
        except InvalidOperation:
            continue
        kegiatan, sub = row.get("kegiatan"), row.get("sub_kegiatan")
        lines.append(
            BudgetLine(
                str(row.get("program") or ""),
                amount,
                None if kegiatan is None else str(kegiatan),
                None if sub is None else str(sub),
            )
        )
    return [line for line in lines if line.program.strip()]

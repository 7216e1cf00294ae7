"""Reading the organisation out of the database into engine values."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from db.models import Agency, AssignmentRow, OfficialRow, PositionRow, Regency
from engine.org import Assignment, AssignmentStatus, Level, Official, OrgTree, Position


@dataclass(frozen=True)
class OrgSnapshot:
    """The whole organisation as loaded in one go: the tree and the agencies around it."""

    regency: Regency | None
    agencies: list[Agency]
    tree: OrgTree
    sort_order: dict[int, int]


def load_org(session: Session) -> OrgSnapshot:
    """Load every agency, position, official and assignment with four queries."""
    regency = session.exec(select(Regency)).first()
    agencies = list(session.exec(select(Agency).order_by(col(Agency.id))))
    position_rows = list(
        session.exec(select(PositionRow).order_by(col(PositionRow.sort_order), col(PositionRow.id)))
    )
    official_rows = session.exec(select(OfficialRow))
    assignment_rows = session.exec(select(AssignmentRow))
    tree = OrgTree(
        positions=[to_position(row) for row in position_rows],
        officials=[to_official(row) for row in official_rows],
        assignments=[to_assignment(row) for row in assignment_rows],
    )
    return OrgSnapshot(
        regency=regency,
        agencies=agencies,
        tree=tree,
        sort_order={row.id: row.sort_order for row in position_rows if row.id is not None},
    )


def to_position(row: PositionRow) -> Position:
    """Map a row to the engine's Position."""
    assert row.id is not None
    return Position(
        id=row.id,
        agency_id=row.agency_id,
        code=row.code,
        title=row.title,
        unit_name=row.unit_name,
        level=Level(row.level),
        parent_id=row.parent_id,
    )


def to_official(row: OfficialRow) -> Official:
    """Map a row to the engine's Official."""
    assert row.id is not None
    return Official(id=row.id, nip=row.nip, name=row.name, email=row.email)


def to_assignment(row: AssignmentRow) -> Assignment:
    """Map a row to the engine's Assignment."""
    return Assignment(
        official_id=row.official_id,
        position_id=row.position_id,
        status=AssignmentStatus(row.status),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )

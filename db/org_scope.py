"""The part of the organisation a page needs: every position, and the holders of a few.

A page about one document (may this user see it, what may they do) asks only who holds the
document's position and its superiors; "Tugas Saya" asks only about the positions the user
holds today and the documents below them. Loading every position, official and assignment
of the regency for that (`db.org_repo.load_org`) was most of such a request under load. A
*scoped* tree holds some positions with all their superiors (so the parent, the head of the
agency and the nearest Kepala Bidang are found exactly as in the full tree) and all the
assignments, with their officials, of those positions. Every question the gate asks about
a position in it (`parties`, `holders`, `superior`, `may_view`, `acting_holding`,
`decide`) then has the same answer as on the full tree; other positions are not in it.

Read from the database on every call, like the full tree: nothing is cached.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session

from db.models import AssignmentRow, OfficialRow, PositionRow
from engine.org import Assignment, AssignmentStatus, Level, Official, OrgTree, Position

_POSITION = PositionRow.metadata.tables["position"]
_OFFICIAL = OfficialRow.metadata.tables["official"]
_ASSIGNMENT = AssignmentRow.metadata.tables["assignment"]


def _positions(session: Session, where: Any) -> list[Position]:
    p = _POSITION.c
    rows = session.connection().execute(
        sa_select(p.id, p.agency_id, p.code, p.title, p.unit_name, p.level, p.parent_id)
        .where(where)
        .order_by(p.sort_order, p.id)
    )
    return [Position(r[0], r[1], r[2], r[3], r[4], Level(r[5]), r[6]) for r in rows]


def with_superiors(session: Session, ids: Collection[int]) -> dict[int, Position]:
    """The positions `ids` and all their superiors up to the heads (one query per level)."""
    found: dict[int, Position] = {}
    wanted = set(ids)
    while wanted:
        batch = _positions(session, _POSITION.c.id.in_(sorted(wanted)))
        found.update((p.id, p) for p in batch)
        wanted = {p.parent_id for p in batch if p.parent_id is not None} - found.keys()
    return found


def below(session: Session, roots: Collection[int]) -> dict[int, Position]:
    """The positions `roots` and every subordinate at any depth (one query per level)."""
    found = {p.id: p for p in _positions(session, _POSITION.c.id.in_(sorted(roots)))}
    frontier = set(found)
    while frontier:
        batch = _positions(session, _POSITION.c.parent_id.in_(sorted(frontier)))
        frontier = {p.id for p in batch} - found.keys()
        found.update((p.id, p) for p in batch)
    return found


def scoped_tree(session: Session, positions: Iterable[Position]) -> OrgTree:
    """A tree of `positions`, with all their assignments and the officials of those.

    `positions` must be closed upwards (every superior included, see `with_superiors`) for
    the answers about them to be those of the full tree.
    """
    positions = list(positions)
    scope = [p.id for p in positions]
    a, o = _ASSIGNMENT.c, _OFFICIAL.c
    connection = session.connection()
    ids = sorted(scope)
    rows = (
        connection.execute(
            sa_select(a.official_id, a.position_id, a.status, a.valid_from, a.valid_to)
            .where(a.position_id.in_(ids))
            .order_by(a.id)
        ).all()
        if ids
        else []
    )
    assignments = [Assignment(r[0], r[1], AssignmentStatus(r[2]), r[3], r[4]) for r in rows]
    people = sorted({item.official_id for item in assignments})
    officials = (
        [
            Official(r[0], r[1], r[2], r[3])
            for r in connection.execute(
                sa_select(o.id, o.nip, o.name, o.email).where(o.id.in_(people))
            )
        ]
        if people
        else []
    )
    return OrgTree(positions=positions, officials=officials, assignments=assignments)


def tree_for_position(session: Session, position_id: int) -> OrgTree:
    """A tree that answers the gate exactly for documents of `position_id`: the position, its
    superiors and their holders."""
    return scoped_tree(session, with_superiors(session, [position_id]).values())


def held_positions(session: Session, official_id: int, on: date) -> set[int]:
    """The positions an official holds on `on` (definitif or acting), from their assignments."""
    a = _ASSIGNMENT.c
    rows = session.connection().execute(
        sa_select(a.official_id, a.position_id, a.status, a.valid_from, a.valid_to).where(
            a.official_id == official_id
        )
    )
    return {
        r[1]
        for r in rows
        if Assignment(r[0], r[1], AssignmentStatus(r[2]), r[3], r[4]).is_valid_on(on)
    }

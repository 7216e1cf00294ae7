"""The roles a position carries beyond the tree: planning, and the regency's readers.

The tree says who submits, verifies and approves. Two kinds of work sit outside it
(issue 18): the agency's planning sub-unit (Sub Bagian Perencanaan / Program) starts the
year, keeps the catalogue and drafts the annual report; the regency's Bupati, Sekretaris
Daerah, Bappeda and Inspektorat read every agency. The administrator gives a position its
role (`Position.role`); whoever holds the position that day has it, definitif or acting,
for as long as the assignment lasts, so a role follows the post and never a person.

A role never lets anyone act on a document: the workflow's parties come from the tree
alone (engine.gate.decide). Roles only widen who may read, and who may run the planning
steps of their own agency.
"""

from __future__ import annotations

from datetime import date

from engine.errors import NotFoundError
from engine.org import OrgTree, PositionRole
from engine.workflow import Actor

__all__ = [
    "held_roles",
    "may_plan",
    "may_view_regency",
    "planning_agencies",
    "reads_agency",
]


def held_roles(actor: Actor, on: date, tree: OrgTree) -> frozenset[tuple[PositionRole, int]]:
    """(role, agency id) for every role-carrying position `actor` holds on `on`.

    `tree` must hold the actor's own assignments (the whole tree; a document's chain
    does not).
    """
    if actor.official_id is None:
        return frozenset()
    try:
        holdings = tree.holdings_of(actor.official_id, on)
    except NotFoundError:  # not in this (partial) tree
        return frozenset()
    return frozenset(
        (h.position.role, h.position.agency_id) for h in holdings if h.position.role is not None
    )


def planning_agencies(actor: Actor, on: date, tree: OrgTree) -> frozenset[int]:
    """The agencies whose planning work `actor` does on `on`."""
    return frozenset(
        agency for role, agency in held_roles(actor, on, tree) if role is PositionRole.PERENCANAAN
    )


def may_plan(actor: Actor, agency_id: int, on: date, *, tree: OrgTree) -> bool:
    """True when `actor` may run an agency's planning steps on `on` (start the year, create
    its PKs, edit its catalogue): the administrator, or a holder of its planning position."""
    return actor.is_admin or agency_id in planning_agencies(actor, on, tree)


def may_view_regency(actor: Actor, on: date, *, tree: OrgTree) -> bool:
    """True when `actor` reads the regency view (every agency's capaian and progress): the
    administrator, or a holder of a regency-wide role."""
    return actor.is_admin or any(role.regency_wide for role, _ in held_roles(actor, on, tree))


def reads_agency(actor: Actor, agency_id: int, on: date, *, tree: OrgTree) -> bool:
    """True when a role lets `actor` read every document of the agency on `on`: a
    regency-wide role reads all agencies, the planning role its own."""
    return any(
        role.regency_wide or agency == agency_id for role, agency in held_roles(actor, on, tree)
    )

"""Who holds what, as the administrator keeps it: stored assignments, holders by position.

engine.org answers questions about the organisation on a day; the administrator's pages
also need what the tree leaves out: an assignment's id and decree (to end it), the
positions in tree order with their holders, and the overview's counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.org import Assignment, AssignmentStatus, Holding, Official, OrgTree, Position

__all__ = ["AdminCounts", "AssignmentLine", "AssignmentRecord", "PositionHolders", "tree_rows"]


@dataclass(frozen=True)
class AssignmentRecord:
    """A stored assignment: the engine's `Assignment` with its id and decree."""

    id: int
    official_id: int
    position_id: int
    status: AssignmentStatus
    valid_from: date
    valid_to: date | None = None
    decree: str | None = None

    def as_assignment(self) -> Assignment:
        """The assignment as the organisation's rules see it."""
        return Assignment(
            self.official_id, self.position_id, self.status, self.valid_from, self.valid_to
        )


AssignmentLine = tuple[AssignmentRecord, Official, Position]
"""An assignment with its official and position, as the assignment lists show it."""


@dataclass(frozen=True)
class PositionHolders:
    """A position in tree order (its depth below the head) with its holders on a day."""

    depth: int
    position: Position
    holders: list[Holding]


@dataclass(frozen=True)
class AdminCounts:
    """What the administrator's overview counts."""

    officials: int
    positions: int
    assignments: int
    """Assignments valid today."""
    accounts: int
    """Active accounts."""
    holidays: int
    """Active holidays of this year."""
    pending: int
    """Messages waiting in the outbox."""
    dead: int
    """Messages the outbox gave up on."""


def tree_rows(tree: OrgTree, day: date, agency_id: int | None = None) -> list[PositionHolders]:
    """Every position in tree order (of one agency if given) with its holders on `day`."""
    return [
        PositionHolders(depth, position, tree.holders(position.id, day))
        for root in tree.roots()
        if agency_id is None or root.agency_id == agency_id
        for depth, position in tree.walk(root.id)
    ]

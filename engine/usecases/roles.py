"""Use cases of the position roles (engine.roles): the administrator gives a position the
agency's planning work or a regency role, and every page asks what the signed-in person's
roles let them do.

A role belongs to the post: whoever holds it that day has it, so an appointment or the end
of one moves the role with no further step. Giving or taking a role is an administrator's
act written to the admin log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.clock import local_date
from engine.errors import FieldError
from engine.org import Holding, Position, PositionRole
from engine.policy import Policy
from engine.ports import AgencyInfo, UnitOfWork, writes
from engine.roles import may_view_regency, planning_agencies
from engine.usecases.audit import record_admin
from engine.usecases.people import get_position
from engine.workflow import Actor

__all__ = [
    "AgencyRoles",
    "MyRoles",
    "RoleLine",
    "list_position_roles",
    "my_roles",
    "set_position_role",
]


@dataclass(frozen=True)
class RoleLine:
    """A position and its role, with who holds it today (acting prefix included)."""

    position: Position
    holders: tuple[str, ...]


@dataclass(frozen=True)
class AgencyRoles:
    """An agency's positions that carry a role, and every position to choose from."""

    agency: AgencyInfo
    with_role: tuple[RoleLine, ...]
    positions: tuple[Position, ...]

    @property
    def has_planning(self) -> bool:
        """Whether someone's post does the agency's planning work (warn when not)."""
        return any(line.position.role is PositionRole.PERENCANAAN for line in self.with_role)


@dataclass(frozen=True)
class MyRoles:
    """What the signed-in person's roles allow today: the agencies they plan, by id, and
    whether they read the regency view."""

    planning: frozenset[int]
    regency: bool

    @property
    def any(self) -> bool:
        """Whether any role applies (the navigation shows its links only then)."""
        return bool(self.planning) or self.regency


def list_position_roles(uow: UnitOfWork, *, now: datetime, policy: Policy) -> list[AgencyRoles]:
    """Every agency with its role-carrying positions and their holders today."""
    tree = uow.documents.org_tree()
    today = local_date(now, policy.zone)
    listed = []
    for agency in sorted(uow.organisation.agencies(), key=lambda a: a.name):
        positions = tuple(p for p in tree.positions if p.agency_id == agency.id)
        with_role = tuple(
            RoleLine(p, tuple(_holder(h) for h in tree.holders(p.id, today)))
            for p in positions
            if p.role is not None
        )
        listed.append(AgencyRoles(agency, with_role, positions))
    return listed


def _holder(holding: Holding) -> str:
    prefix = holding.status.prefix
    return f"{holding.official.name} ({prefix})" if prefix else holding.official.name


def my_roles(uow: UnitOfWork, actor: Actor, *, now: datetime, policy: Policy) -> MyRoles:
    """The roles `actor` has today (none for someone without an official; the
    administrator has them all)."""
    tree = uow.documents.org_tree()
    today = local_date(now, policy.zone)
    if actor.is_admin:
        return MyRoles(frozenset(a.id for a in uow.organisation.agencies()), True)
    return MyRoles(planning_agencies(actor, today, tree), may_view_regency(actor, today, tree=tree))


def _role(raw: str) -> PositionRole | None:
    text = raw.strip().lower()
    if not text:
        return None
    try:
        return PositionRole(text)
    except ValueError:
        allowed = ", ".join(role.label for role in PositionRole)
        raise FieldError(
            "role", f"Peran tidak dikenal; pilih salah satu: {allowed}", log_message=f"role {raw!r}"
        ) from None


@writes
def set_position_role(
    uow: UnitOfWork, position_id: int, *, role: str, actor: str, now: datetime
) -> Position:
    """Give a position a role ('' takes it away), written to the admin log."""
    position = get_position(uow, position_id)
    wanted = _role(role)
    if wanted == position.role:
        return position
    uow.admin.set_position_role(position_id, wanted)
    record_admin(
        uow,
        actor,
        "position.role",
        f"Jabatan #{position.id} ({position.code}): {position.title}",
        {"peran": position.role.label if position.role else "-"},
        {"peran": wanted.label if wanted else "-"},
        now=now,
    )
    uow.commit()
    return Position(
        position.id, position.agency_id, position.code, position.title, position.unit_name,
        position.level, position.parent_id, wanted,
    )  # fmt: skip

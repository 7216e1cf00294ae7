"""engine.usecases.roles against the in-memory unit of work: the administrator gives a
position a role, the admin log records it, and a holder's roles follow the post."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from engine.errors import FieldError
from engine.org import OrgTree, PositionRole
from engine.policy import Policy
from engine.ports import AgencyInfo
from engine.usecases.roles import list_position_roles, my_roles, set_position_role
from engine.workflow import Actor
from tests.unit.fakes import ASSIGNMENTS, KABID, KASI, O_KASI, OFFICIALS, POSITIONS
from tests.unit.fakes_accounts import FakeAdmin, account_uow
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 6, 2, 0, tzinfo=UTC)
AGENCY = AgencyInfo(1, "diskoperindag", "Dinas Koperasi", "Diskoperindag")


class Agencies:
    def agencies(self) -> list[AgencyInfo]:
        return [AGENCY]


class Trees:
    def __init__(self, admin: FakeAdmin) -> None:
        self.admin = admin

    def org_tree(self) -> OrgTree:  # the positions as the admin repository holds them now
        return OrgTree(self.admin.positions.values(), OFFICIALS, ASSIGNMENTS)


def uow_with(admin: FakeAdmin) -> object:
    uow = account_uow(admin=admin, documents=Trees(admin))
    uow._repositories["organisation"] = Agencies()  # type: ignore[attr-defined]
    return uow


def test_the_admin_gives_a_position_the_planning_role_and_the_log_says_so() -> None:
    admin = FakeAdmin()
    uow: object = uow_with(admin)
    kasi = Actor(O_KASI, "Dewi Kasi")
    assert not my_roles(uow, kasi, now=NOW, policy=POLICY).any  # type: ignore[arg-type]
    given = set_position_role(uow, KASI, role=" Perencanaan ", actor="admin", now=NOW)  # type: ignore[arg-type]
    assert given.role is PositionRole.PERENCANAAN
    assert admin.positions[KASI].role is PositionRole.PERENCANAAN
    logged = uow.admin_log.committed[-1]  # type: ignore[attr-defined]
    assert (logged.action, json.loads(logged.before), json.loads(logged.after)) == (
        "position.role", {"peran": "-"}, {"peran": "Perencanaan perangkat daerah"},
    )  # fmt: skip
    roles = my_roles(uow, kasi, now=NOW, policy=POLICY)  # type: ignore[arg-type]
    assert roles.planning == {1} and not roles.regency
    [agency] = list_position_roles(uow, now=NOW, policy=POLICY)  # type: ignore[arg-type]
    assert agency.has_planning
    assert [(line.position.id, line.holders) for line in agency.with_role] == [
        (KASI, ("Dewi Kasi",))
    ]
    set_position_role(uow, KASI, role="", actor="admin", now=NOW)  # type: ignore[arg-type]
    assert admin.positions[KASI].role is None
    assert not list_position_roles(uow, now=NOW, policy=POLICY)[0].has_planning  # type: ignore[arg-type]


def test_an_unknown_role_is_refused_and_nothing_is_written() -> None:
    admin = FakeAdmin()
    uow: object = uow_with(admin)
    with pytest.raises(FieldError, match="Peran tidak dikenal"):
        set_position_role(uow, KABID, role="walikota", actor="admin", now=NOW)  # type: ignore[arg-type]
    assert admin.positions[KABID].role is None
    assert uow.admin_log.committed == []  # type: ignore[attr-defined]


def test_a_regency_role_reads_the_regency_and_the_admin_has_every_role() -> None:
    admin = FakeAdmin()
    admin.positions[KABID] = replace(admin.positions[KABID], role=PositionRole.INSPEKTORAT)
    uow: object = uow_with(admin)
    holder = next(a.official_id for a in ASSIGNMENTS if a.position_id == KABID)
    roles = my_roles(uow, Actor(holder, "Citra"), now=NOW, policy=POLICY)  # type: ignore[arg-type]
    assert roles.regency and not roles.planning
    everything = my_roles(uow, Actor(None, "Administrator", None, True), now=NOW, policy=POLICY)  # type: ignore[arg-type]
    assert everything.regency and everything.planning == {1}
    assert len(POSITIONS) == len(admin.positions)

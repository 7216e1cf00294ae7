"""The organisation tree cache (db.organisation): reused only while the rows are exactly the same.

The gate reads the tree in every transaction; a committed change to a position, an official
or an assignment must be visible to the very next action, and a session sees its own
uncommitted changes. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from db.database import transaction
from db.models import Agency, AssignmentRow, OfficialRow, PositionRow, Regency
from db.organisation import (
    committed_org_tree,
    load_org,
    load_org_tree,
    to_assignment,
    to_official,
    to_position,
)
from db.workflow import SqlWorkflowStore
from engine.org import AssignmentStatus, OrgTree

DAY = date(2021, 4, 1)


def _seed(engine: Engine) -> dict[str, int]:
    """A head, a Kepala Bidang under the head, and three officials (two assigned)."""
    with transaction(engine) as session:
        regency = Regency(code="uji", name="Kabupaten Uji", head_title="Bupati Uji")
        session.add(regency)
        session.flush()
        assert regency.id is not None
        agency = Agency(
            regency_id=regency.id, code="dinas", name="Dinas Uji", short_name="Dinas", place="Uji"
        )
        session.add(agency)
        session.flush()
        assert agency.id is not None
        head = PositionRow(
            agency_id=agency.id, code="kadis", title="Kepala Dinas", unit_name="Dinas",
            level="jpt_pratama", sort_order=1,
        )  # fmt: skip
        session.add(head)
        session.flush()
        bidang = PositionRow(
            agency_id=agency.id, code="kabid", title="Kepala Bidang", unit_name="Bidang",
            level="administrator", parent_id=head.id, sort_order=2,
        )  # fmt: skip
        people = [
            OfficialRow(nip=f"19700101199501100{i}", name=f"Pegawai {i}", email=f"p{i}@uji.test")
            for i in range(3)
        ]
        session.add_all([bidang, *people])
        session.flush()
        assert head.id is not None and bidang.id is not None
        ids = {"head": head.id, "bidang": bidang.id}
        ids.update({f"p{i}": p.id for i, p in enumerate(people) if p.id is not None})
        session.add_all(
            [
                AssignmentRow(
                    official_id=ids["p0"], position_id=head.id, status="definitif",
                    valid_from=date(2020, 1, 1),
                ),
                AssignmentRow(
                    official_id=ids["p1"], position_id=bidang.id, status="definitif",
                    valid_from=date(2020, 1, 1),
                ),
            ]
        )  # fmt: skip
    return ids


_LOADERS = {"rows": load_org_tree, "fingerprint": committed_org_tree}
_loader: list[Callable[[Session], OrgTree]] = [load_org_tree]


@pytest.fixture(autouse=True, params=sorted(_LOADERS))
def loader(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test runs with both readers: keyed on the rows (the gate's, in write
    transactions) and keyed on the rows' fingerprint (page reads, committed data only)."""
    _loader[0] = _LOADERS[request.param]
    yield
    _loader[0] = load_org_tree


def _tree(engine: Engine) -> OrgTree:
    with Session(engine) as session:
        return _loader[0](session)


def _holder_id(tree: OrgTree, position_id: int) -> int | None:
    holding = tree.acting_holder(position_id, DAY)
    return None if holding is None else holding.official.id


def test_the_tree_matches_the_rows_and_is_reused_while_they_do_not_change(engine: Engine) -> None:
    ids = _seed(engine)
    first, second = _tree(engine), _tree(engine)
    assert first is second
    with Session(engine) as session:
        orm = OrgTree(
            positions=[
                to_position(r)
                for r in session.exec(
                    select(PositionRow).order_by(PositionRow.sort_order, PositionRow.id)
                )
            ],
            officials=[to_official(r) for r in session.exec(select(OfficialRow))],
            assignments=[to_assignment(r) for r in session.exec(select(AssignmentRow))],
        )
        assert load_org(session).tree is first
        assert SqlWorkflowStore(session).org_tree() is first
    assert first.positions == orm.positions
    assert first.holders(ids["bidang"], DAY) == orm.holders(ids["bidang"], DAY)
    assert first.official(ids["p2"]) == orm.official(ids["p2"])


def test_a_new_acting_assignment_is_seen_at_once(engine: Engine) -> None:
    ids = _seed(engine)
    before = _tree(engine)
    assert _holder_id(before, ids["bidang"]) == ids["p1"]
    with transaction(engine) as session:
        session.add(
            AssignmentRow(
                official_id=ids["p2"], position_id=ids["bidang"], status="plt",
                valid_from=DAY,
            )
        )  # fmt: skip
    after = _tree(engine)
    assert after is not before
    assert _holder_id(after, ids["bidang"]) == ids["p2"]
    assert after.acting_holder(ids["bidang"], DAY).status is AssignmentStatus.PLT  # type: ignore[union-attr]


def test_an_ended_assignment_and_a_renamed_official_are_seen_at_once(engine: Engine) -> None:
    ids = _seed(engine)
    _tree(engine)
    with transaction(engine) as session:
        row = session.exec(
            select(AssignmentRow).where(AssignmentRow.official_id == ids["p1"])
        ).one()
        row.valid_to = date(2021, 3, 31)
        official = session.get(OfficialRow, ids["p0"])
        assert official is not None
        official.name = "Nama Baru"
        session.add_all([row, official])
    after = _tree(engine)
    assert _holder_id(after, ids["bidang"]) is None
    assert after.official(ids["p0"]).name == "Nama Baru"


def test_a_moved_position_is_seen_at_once(engine: Engine) -> None:
    ids = _seed(engine)
    assert _tree(engine).superior(ids["bidang"]) is not None
    with transaction(engine) as session:
        bidang = session.get(PositionRow, ids["bidang"])
        assert bidang is not None
        bidang.parent_id = None
        bidang.title = "Kepala Badan Baru"
        session.add(bidang)
    after = _tree(engine)
    assert after.superior(ids["bidang"]) is None
    assert after.position(ids["bidang"]).title == "Kepala Badan Baru"


class _RollBackError(Exception):
    pass


def _tree_inside_rolled_back_transaction(
    engine: Engine, official_id: int, position_id: int
) -> OrgTree:
    """Add a Plh assignment, read the tree in the same transaction, then roll back."""
    seen: list[OrgTree] = []
    try:
        with transaction(engine) as session:
            session.add(
                AssignmentRow(
                    official_id=official_id, position_id=position_id, status="plh",
                    valid_from=DAY,
                )
            )  # fmt: skip
            session.flush()
            seen.append(load_org_tree(session))
            raise _RollBackError
    except _RollBackError:
        pass
    return seen[0]


def test_a_session_sees_its_own_uncommitted_change_and_others_do_not(engine: Engine) -> None:
    ids = _seed(engine)
    committed = _tree(engine)
    mine = _tree_inside_rolled_back_transaction(engine, ids["p2"], ids["bidang"])
    assert _holder_id(mine, ids["bidang"]) == ids["p2"]
    assert _tree(engine) is committed
    assert _holder_id(committed, ids["bidang"]) == ids["p1"]

"""Reading the organisation out of the database into engine values; its repository.

Every workflow action needs the organisation tree (who holds what on the day), so it is read
once per transaction, always from the database: the gate must see an assignment change the
moment it is committed. What is cached is only the work of turning rows into an `OrgTree`:
the tree is immutable, so one built from exactly the same rows is reused, keyed on the rows
themselves (one plain query, no ORM objects). No stamp can go stale: any change to a position,
an official or an assignment changes the key.

`SqlOrganisation` is the repository the use cases see (`engine.ports.OrganisationRepository`):
these readers, the facts an organisation file is checked against, and the import's writer
(db/org_import.py).
"""

from __future__ import annotations

import functools
import threading
import weakref
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import CompoundSelect, Engine, String, cast, literal_column, null, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from db.models import Agency, AssignmentRow, OfficialRow, PositionRow, Regency
from db.org_import import write_org
from db.stamps import Stamp, as_stamp, org_parts
from engine.imports import ImportReport
from engine.memo import Memo
from engine.org import Assignment, AssignmentStatus, Level, Official, OrgTree, Position
from engine.orgspec import AssignmentKey, OrgDocument, OrgFacts
from engine.ports import AgencyInfo, Organisation, RegencyInfo

_POSITION, _OFFICIAL, _ASSIGNMENT = 0, 1, 2
# Trees keyed on their rows: a few databases per process (tests, several regencies).
_trees: Memo[tuple[tuple[Any, ...], ...], OrgTree] = Memo(size=8)
_tree_lock = threading.Lock()
# Per engine: a database recreated under the same URL (tests) never meets an older tree.
_committed: weakref.WeakKeyDictionary[Engine, tuple[Stamp, OrgTree]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class OrgSnapshot:
    """The whole organisation as loaded in one go: the tree and the agencies around it."""

    regency: Regency | None
    agencies: list[Agency]
    tree: OrgTree
    sort_order: dict[int, int]


def load_org(session: Session) -> OrgSnapshot:
    """Load every agency, position, official and assignment with three queries."""
    regency = session.exec(select(Regency)).first()
    agencies = list(session.exec(select(Agency).order_by(col(Agency.id))))
    rows = _org_rows(session)
    return OrgSnapshot(
        regency=regency,
        agencies=agencies,
        tree=_tree_of(rows),
        sort_order={row[1]: row[2] for row in rows if row[0] == _POSITION},
    )


def load_org_tree(session: Session) -> OrgTree:
    """The organisation tree as committed now, in one query (built again only if it changed)."""
    return _tree_of(_org_rows(session))


def committed_org_tree(session: Session) -> OrgTree:
    """The organisation tree for a session that has written nothing (a page being read).

    One small query while the organisation does not change: the fingerprint of the
    position, official and assignment rows (`db.stamps`: counts, change counters, highest
    ids). The rows themselves are read only when it moved. Not for write transactions:
    the gate reads `load_org_tree`, which also sees the session's own uncommitted changes.
    """
    connection = session.connection()
    stamp = as_stamp(connection.execute(_org_stamp_query()))
    engine = connection.engine
    with _tree_lock:
        found = _committed.get(engine)
    if found is not None and found[0] == stamp:
        return found[1]
    tree = load_org_tree(session)  # rows read after the stamp: never older than it
    with _tree_lock:
        _committed[engine] = (stamp, tree)
    return tree


class SqlOrganisation:
    """The organisation repository on the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def facts(self) -> OrgFacts:
        """The stored NIPs and assignments (with their ends) a file is checked against."""
        session = self._session
        officials = {row.id: row.nip for row in session.exec(select(OfficialRow))}
        positions = {row.id: row.code for row in session.exec(select(PositionRow))}
        existing: dict[AssignmentKey, date | None] = {}
        for row in session.exec(select(AssignmentRow)):
            key = (
                officials[row.official_id], positions[row.position_id], row.status, row.valid_from
            )  # fmt: skip
            existing[key] = row.valid_to
        return OrgFacts(frozenset(officials.values()), existing)

    def regency_codes(self) -> list[str]:
        """The codes of the regencies stored."""
        return list(self._session.exec(select(Regency.code)))

    def write(self, document: OrgDocument) -> ImportReport:
        """Upsert the document's rows in this transaction."""
        return write_org(self._session, document)

    def organisation(self) -> Organisation:
        """The regency, the agencies (by id) and the tree."""
        snapshot = load_org(self._session)
        regency = snapshot.regency
        return Organisation(
            None
            if regency is None
            else RegencyInfo(regency.code, regency.name, regency.head_title),
            tuple(_agency(row) for row in snapshot.agencies),
            snapshot.tree,
        )

    def agencies(self) -> list[AgencyInfo]:
        """Every agency, by code."""
        return [
            _agency(row) for row in self._session.exec(select(Agency).order_by(col(Agency.code)))
        ]

    def tree(self) -> OrgTree:
        """The organisation tree, with this transaction's own changes."""
        return load_org_tree(self._session)


def _agency(row: Agency) -> AgencyInfo:
    assert row.id is not None
    return AgencyInfo(row.id, row.code, row.name, row.short_name)


def _org_rows(session: Session) -> tuple[tuple[Any, ...], ...]:
    """Positions (by sort order), officials and assignments as plain tuples, one round trip.

    Columns: kind, id, sort key, then the fields of the kind (padded with NULLs).
    """
    connection = session.connection()
    rows = connection.exec_driver_sql(_org_sql(connection.dialect.name)).fetchall()
    # Sorted here rather than by the database: cheaper for SQLite on a UNION.
    return tuple(sorted(map(tuple, rows), key=_sort_key))


@functools.cache
def _org_stamp_query() -> CompoundSelect[int, int, Any, Any]:
    # Built once: constructing the statement costs more than running it.
    return union_all(*org_parts(1))


def _sort_key(row: tuple[Any, ...]) -> tuple[int, int, int]:
    return row[0], row[2], row[1]


@functools.cache
def _org_sql(dialect_name: str) -> str:
    # Compiled once per dialect: the statement has no parameters, and building and
    # caching a 27-column UNION costs more than running it.
    p, o, a = PositionRow.__table__.c, OfficialRow.__table__.c, AssignmentRow.__table__.c  # type: ignore[attr-defined]
    positions = select(  # type: ignore[call-overload]
        literal_column(str(_POSITION)).label("kind"), p.id.label("id"),
        p.sort_order.label("sort_key"), p.agency_id, p.code, p.title, p.unit_name, p.level,
        p.parent_id,
    )  # fmt: skip
    officials = select(  # type: ignore[call-overload]
        literal_column(str(_OFFICIAL)), o.id, o.id, null(), o.nip, o.name, o.email, null(), null()
    )
    # Dates as ISO text: a UNION's columns must agree in type.
    assignments = select(  # type: ignore[call-overload]
        literal_column(str(_ASSIGNMENT)), a.id, a.id, a.official_id, a.status,
        cast(a.valid_from, String), cast(a.valid_to, String), null(), a.position_id,
    )  # fmt: skip
    query = union_all(positions, officials, assignments)
    dialect = (postgresql if dialect_name == "postgresql" else sqlite).dialect()
    return str(query.compile(dialect=dialect))


def _tree_of(rows: tuple[tuple[Any, ...], ...]) -> OrgTree:
    return _trees.get(rows, _build_tree)


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


def _build_tree(rows: tuple[tuple[Any, ...], ...]) -> OrgTree:
    positions, officials, assignments = [], [], []
    for kind, row_id, _, f1, f2, f3, f4, f5, f6 in rows:
        if kind == _POSITION:
            positions.append(Position(row_id, f1, f2, f3, f4, Level(f5), f6))
        elif kind == _OFFICIAL:
            officials.append(Official(row_id, f2, f3, f4))
        else:
            valid_to = None if f4 is None else _day(f4)
            assignments.append(Assignment(f1, f6, AssignmentStatus(f2), _day(f3), valid_to))
    return OrgTree(positions=positions, officials=officials, assignments=assignments)


def clear_tree_cache() -> None:
    """Forget every built tree (for tests and benchmarks; correctness never needs it)."""
    _trees.clear()
    with _tree_lock:
        _committed.clear()


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

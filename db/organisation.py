"""The organisation: every read of its tree, the one cache of built trees, its repository.

Every workflow action needs the organisation (who holds what on the day), so it is read
in every transaction, always from the database: the gate must see an assignment change
the moment it is committed. Two shapes are read: the whole tree (pages, the sweep, the
recap) and the chain above one position (a transition, read with its document in the
workflow repository's one query). What is cached is only the work of turning rows into
an `OrgTree`: the tree is immutable, so one built from exactly the same rows is reused,
keyed on the rows themselves (plain tuples, no ORM objects). No key can go stale: any
change to a position, an official or an assignment changes the rows. A chain's rows are
put in the whole tree's shape first, so both go through one builder and one memo.

Reads in a session that has written nothing may skip the rows while the organisation is
unchanged (`committed_org_tree`: one small fingerprint query). `SqlOrganisation` is the
repository the use cases see (`engine.ports.OrganisationRepository`).
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Engine,
    String,
    bindparam,
    cast,
    literal_column,
    null,
    union_all,
)
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from db.database import Stamp, StampPart, as_stamp, stamp_part
from db.imports import apply_values, write_org
from db.models import Agency, AssignmentRow, OfficialRow, PositionRow, Regency, RegencyHeadRow
from engine.imports import ImportReport
from engine.memo import Memo
from engine.org import (
    Assignment,
    AssignmentStatus,
    Level,
    Official,
    OrgTree,
    Position,
    PositionRole,
    RegencyHead,
    regency_head_on,
)
from engine.orgspec import AssignmentKey, OrgDocument, OrgFacts
from engine.ports import AgencyInfo, Organisation, RegencyInfo

Rows = tuple[tuple[Any, ...], ...]
"""Organisation rows: (kind, id, sort key, eight fields of the kind), sorted by `_sort_key`."""
_POSITION, _OFFICIAL, _ASSIGNMENT = 0, 1, 2
ORG_TABLES = tuple(
    PositionRow.metadata.tables[name] for name in ("position", "official", "assignment")
)
POSITION, OFFICIAL, ASSIGNMENT = ORG_TABLES

# --- the one cache ---------------------------------------------------------------------

TREE_ROWS = 100_000
"""How many rows the remembered trees may be built from in all: a regency's whole tree is
a few thousand, a position's chain a handful (so chains never push out the whole tree)."""
_trees: Memo[Rows, OrgTree] = Memo(size=TREE_ROWS, weigh=len)
# The last committed whole tree per engine and its fingerprint; per engine, not per URL: a
# database recreated under the same URL (tests) never meets an older tree.
_committed: weakref.WeakKeyDictionary[Engine, tuple[Stamp, OrgTree]] = weakref.WeakKeyDictionary()
_committed_lock = threading.Lock()


def _tree_of(rows: Rows) -> OrgTree:
    return _trees.get(rows, _build_tree)


def _build_tree(rows: Rows) -> OrgTree:
    positions, officials, assignments = [], [], []
    for kind, row_id, _, f1, f2, f3, f4, f5, f6, f7, f8 in rows:
        if kind == _POSITION:
            role = None if f7 is None else PositionRole(f7)
            closed = None if f8 is None else _day(f8)
            positions.append(Position(row_id, f1, f2, f3, f4, Level(f5), f6, role, closed))
        elif kind == _OFFICIAL:
            officials.append(Official(row_id, f2, f3, f4))
        else:
            valid_to = None if f4 is None else _day(f4)
            assignments.append(Assignment(f1, f6, AssignmentStatus(f2), _day(f3), valid_to))
    return OrgTree(positions=positions, officials=officials, assignments=assignments)


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


def _sort_key(row: tuple[Any, ...]) -> tuple[int, int, int]:
    return int(row[0]), row[2], row[1]


# --- the regency head ------------------------------------------------------------------


def regency_head(session: Session, on: date) -> tuple[str, str]:
    """(name, title) of the regency head on `on`: pihak kedua of a head of agency's PK.

    The name is empty when no head is recorded for that day (the PK then prints the
    title over a blank name); the title carries the acting prefix ("Pj. Bupati Gresik").
    """
    regency = session.exec(select(Regency)).first()
    if regency is None:
        return "", "Kepala Daerah"
    rows = session.exec(select(RegencyHeadRow).where(RegencyHeadRow.regency_id == regency.id))
    heads = [
        RegencyHead(r.name, r.valid_from, r.valid_to, AssignmentStatus(r.status)) for r in rows
    ]
    head = regency_head_on(heads, on)
    if head is None:
        return "", regency.head_title
    return head.name, head.display_title(regency.head_title)


def write_regency_heads(session: Session, document: OrgDocument, report: ImportReport) -> None:
    """The file's list of regency heads replaces the stored one; no list keeps it."""
    heads = document.regency.heads
    if not heads:
        return
    regency = session.exec(select(Regency).where(Regency.code == document.regency.code)).one()
    assert regency.id is not None
    query = select(RegencyHeadRow).where(RegencyHeadRow.regency_id == regency.id)
    stored = list(session.exec(query))
    wanted = {(h.valid_from, h.status.value): h for h in heads}
    for row in stored:
        head = wanted.pop((row.valid_from, row.status), None)
        if head is None:
            session.delete(row)
            report.count("kepala daerah", "updated")
            continue
        changed = apply_values(row, {"name": head.name, "valid_to": head.valid_to})
        report.count("kepala daerah", "updated" if changed else "unchanged")
    for head in wanted.values():
        session.add(
            RegencyHeadRow(
                regency_id=regency.id, name=head.name, status=head.status.value,
                valid_from=head.valid_from, valid_to=head.valid_to,
            )
        )  # fmt: skip
        report.count("kepala daerah", "created")
    session.flush()


# --- the whole tree --------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSnapshot:
    """The whole organisation as loaded in one go: the tree and the agencies around it."""

    regency: Regency | None
    agencies: list[Agency]
    tree: OrgTree


def load_org(session: Session) -> OrgSnapshot:
    """Load every agency, position, official and assignment with three queries."""
    regency = session.exec(select(Regency)).first()
    agencies = list(session.exec(select(Agency).order_by(col(Agency.id))))
    return OrgSnapshot(regency=regency, agencies=agencies, tree=load_org_tree(session))


def load_org_tree(session: Session) -> OrgTree:
    """The organisation tree as this session sees it, in one query (built again only if it
    changed); a write transaction sees its own uncommitted changes (the gate reads this)."""
    connection = session.connection()
    rows = connection.exec_driver_sql(_org_sql(connection.dialect.name)).fetchall()
    # Sorted here rather than by the database: cheaper for SQLite on a UNION.
    return _tree_of(tuple(sorted(map(tuple, rows), key=_sort_key)))


def committed_org_tree(session: Session) -> OrgTree:
    """The organisation tree for a session that has written nothing (a page being read).

    One small query while the organisation does not change: the fingerprint of the
    position, official and assignment rows (`org_stamp_parts`). The rows themselves are
    read only when it moved. Not for write transactions: they read `load_org_tree`.
    """
    connection = session.connection()
    stamp = as_stamp(connection.execute(_org_stamp_query()))
    engine = connection.engine
    with _committed_lock:
        found = _committed.get(engine)
    if found is not None and found[0] == stamp:
        return found[1]
    tree = load_org_tree(session)  # rows read after the stamp: never older than it
    with _committed_lock:
        _committed[engine] = (stamp, tree)
    return tree


def org_stamp_parts(first_tag: int) -> list[StampPart]:
    """The fingerprint parts of positions, officials and assignments (whole tables: a few
    thousand rows), for every cache computed from the organisation."""
    return [
        stamp_part(first_tag + n, table.c.changes, table.c.id).select_from(table)
        for n, table in enumerate(ORG_TABLES)
    ]


@functools.cache
def _org_stamp_query() -> CompoundSelect[int, int, Any, Any]:
    # Built once: constructing the statement costs more than running it.
    return union_all(*org_stamp_parts(1))


@functools.cache
def _org_sql(dialect_name: str) -> str:
    # Compiled once per dialect: the statement has no parameters, and building and
    # caching a 33-column UNION costs more than running it.
    p, o, a = POSITION.c, OFFICIAL.c, ASSIGNMENT.c
    positions = core_select(
        literal_column(str(_POSITION)).label("kind"), p.id.label("id"),
        p.sort_order.label("sort_key"), p.agency_id, p.code, p.title, p.unit_name, p.level,
        p.parent_id, p.role, cast(p.closed_on, String),
    )  # fmt: skip
    officials = core_select(
        literal_column(str(_OFFICIAL)), o.id, o.id, null(), o.nip, o.name, o.email, null(), null(),
        null(), null(),
    )  # fmt: skip
    # Dates as ISO text: a UNION's columns must agree in type.
    assignments = core_select(
        literal_column(str(_ASSIGNMENT)), a.id, a.id, a.official_id, a.status,
        cast(a.valid_from, String), cast(a.valid_to, String), null(), a.position_id, null(),
        null(),
    )  # fmt: skip
    query = union_all(positions, officials, assignments)
    dialect = (postgresql if dialect_name == "postgresql" else sqlite).dialect()
    return str(query.compile(dialect=dialect))


# --- the chain above a position ----------------------------------------------------------


def chain_statement(start: Any) -> CompoundSelect[Any]:
    """The position `start` (a parameter or a scalar subquery) and its superiors up to the
    head of the agency, then every assignment of those with its official: rows of one shape
    (kind, id, sort key, nine fields), one query (`chain_tree` reads them)."""
    p, a, o = POSITION.c, ASSIGNMENT.c, OFFICIAL.c
    up = POSITION.alias("up")
    chain = core_select(p.id.label("id"), p.parent_id.label("parent_id")).where(p.id == start)
    walk = chain.cte("chain", recursive=True)
    # UNION, not UNION ALL: a (corrupt) cycle ends the walk, and OrgTree then refuses it.
    walk = walk.union(core_select(up.c.id, up.c.parent_id).join(walk, up.c.id == walk.c.parent_id))
    positions = core_select(
        literal_column("0").label("kind"), p.id.label("id"), p.sort_order.label("sort_key"),
        p.agency_id.label("f1"), p.code.label("f2"), p.title.label("f3"),
        p.unit_name.label("f4"), p.level.label("f5"), p.parent_id.label("f6"),
        p.role.label("f7"), cast(p.closed_on, String).label("f8"), null().label("f9"),
    ).join(walk, walk.c.id == p.id)  # fmt: skip
    # Dates as ISO text: a UNION's columns must agree in type.
    assignments = core_select(
        literal_column("1"), a.id, a.id, a.official_id, a.status,
        cast(a.valid_from, String), cast(a.valid_to, String), null(), a.position_id,
        o.nip, o.name, o.email,
    ).select_from(
        walk.join(ASSIGNMENT, a.position_id == walk.c.id).join(OFFICIAL, o.id == a.official_id)
    )  # fmt: skip
    return union_all(positions, assignments)


@functools.cache
def chain_query() -> CompoundSelect[Any]:
    """`chain_statement` of the position `position_id` (a parameter), built once."""
    return chain_statement(bindparam("position_id"))


def chain_tree(rows: Iterable[Sequence[Any]]) -> OrgTree:
    """The tree of a chain's rows, in the whole tree's shape (an official row for each
    holder), from the one cache."""
    shaped: set[tuple[Any, ...]] = set()
    for kind, row_id, sort_key, f1, f2, f3, f4, f5, f6, nip, name, email in rows:
        if kind == 0:  # a position's role and last day ride in an official's NIP and name
            shaped.add((_POSITION, row_id, sort_key, f1, f2, f3, f4, f5, f6, nip, name))
        else:
            shaped.add((_OFFICIAL, f1, f1, None, nip, name, email, None, None, None, None))
            shaped.add((_ASSIGNMENT, row_id, row_id, f1, f2, f3, f4, f5, f6, None, None))
    return _tree_of(tuple(sorted(shaped, key=_sort_key)))


def position_chain(connection: Connection, position_id: int) -> OrgTree:
    """The tree of a position and its superiors with their assignments, in one query."""
    return chain_tree(connection.execute(chain_query(), {"position_id": position_id}))


# --- rows as engine values -------------------------------------------------------------


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
        role=None if row.role is None else PositionRole(row.role),
        closed_on=row.closed_on,
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


def _agency(row: Agency) -> AgencyInfo:
    assert row.id is not None
    return AgencyInfo(row.id, row.code, row.name, row.short_name)


# --- the repository --------------------------------------------------------------------


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
        """Upsert the document's rows in this transaction (db/imports.py)."""
        report = write_org(self._session, document)
        write_regency_heads(self._session, document, report)
        return report

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

"""The statements of a workflow transition, each built once (db.workflow_store runs them).

Every statement of a transition is built once and run on the connection with its values as
parameters: SQLAlchemy then reuses the compiled form, and no ORM unit of work is involved
(nothing of a transition is read back as an object).
"""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Insert,
    Select,
    String,
    Update,
    and_,
    bindparam,
    cast,
    exists,
    insert,
    literal,
    literal_column,
    null,
    true,
    union_all,
    update,
)
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite

from db.models import (
    AssignmentRow,
    IndicatorRow,
    IndicatorVariable,
    OfficialRow,
    PerjanjianKinerja,
    PositionRow,
    QuarterlyReport,
    ReportEntry,
)
from db.workflow_models import OutboxMessage, TransitionLog
from engine.org import Assignment, AssignmentStatus, Level, Official, OrgTree, Position
from engine.workflow import Action, DocKind, State

OUTBOX = OutboxMessage.metadata.tables["outbox"]
LOG = TransitionLog.metadata.tables["transition_log"]
PK = PerjanjianKinerja.metadata.tables["pk"]
POSITION = PositionRow.metadata.tables["position"]
OFFICIAL = OfficialRow.metadata.tables["official"]
ASSIGNMENT = AssignmentRow.metadata.tables["assignment"]
INDICATOR = IndicatorRow.metadata.tables["indicator"]
VARIABLE = IndicatorVariable.metadata.tables["indicator_variable"]
ENTRY = ReportEntry.metadata.tables["report_entry"]
LOG_INSERT = insert(LOG)


def doc_table(kind: DocKind) -> Any:
    return PK if kind is DocKind.PK else QuarterlyReport.metadata.tables["report"]


@cache
def document_query(kind: DocKind) -> Select[Any]:
    """The document, whether its PK is approved and who submitted and verified it in this
    visit, in one query (the latest log entry of each action wins); built once per kind."""
    table = doc_table(kind)

    def actor_of(action: Action) -> Any:
        return (
            core_select(LOG.c.actor_official_id)
            .where(
                LOG.c.doc_type == kind.value,
                LOG.c.doc_id == table.c.id,
                LOG.c.visit == table.c.visit,
                LOG.c.action == action.value,
            )
            .order_by(LOG.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    pk_approved: Any = (
        literal(True)
        if kind is DocKind.PK
        else exists().where(
            PK.c.position_id == table.c.position_id,
            PK.c.year == table.c.year,
            PK.c.state == State.APPROVED.value,
        )
    )
    quarter: Any = table.c.quarter if kind is DocKind.REPORT else null()
    return core_select(
        table.c.id, table.c.position_id, table.c.year, quarter.label("quarter"), table.c.state,
        table.c.version, table.c.visit, table.c.audit_hash,
        actor_of(Action.SUBMIT).label("submitted_by"),
        actor_of(Action.VERIFY).label("verified_by"),
        pk_approved.label("pk_approved"),
    ).where(table.c.id == bindparam("doc_id"))  # fmt: skip


@cache
def report_inputs_query() -> Select[Any]:
    """A report's indicators with their variables and the report's entry for each, one query
    (a row per variable; an indicator without variables still gives one row)."""
    i, v, e = INDICATOR.c, VARIABLE.c, ENTRY.c
    joined = INDICATOR.outerjoin(VARIABLE, v.indicator_id == i.id).outerjoin(
        ENTRY, and_(e.indicator_id == i.id, e.report_id == bindparam("report_id"))
    )
    return (
        core_select(
            i.id, i.code, i.expression, v.name, v.label, v.unit, e.id, e.inputs, e.no_data_reason
        )
        .select_from(joined)
        .where(i.year == bindparam("year"), i.position_id == bindparam("position_id"))
        .order_by(i.sort_order, i.id, v.ordinal)
    )


@cache
def chain_query(kind: DocKind | None = None) -> CompoundSelect[Any]:
    """A position and its superiors up to the head of the agency, then every assignment of
    those with its official: rows of one shape (kind, id, sort key, nine fields), one query.

    The position is the parameter `position_id`, or with `kind` that of the document `doc_id`.
    """
    p, a, o = POSITION.c, ASSIGNMENT.c, OFFICIAL.c
    up = POSITION.alias("up")
    start: Any = bindparam("position_id")
    if kind is not None:
        table = doc_table(kind)
        start = core_select(table.c.position_id).where(table.c.id == bindparam("doc_id"))
        start = start.scalar_subquery()
    chain = core_select(p.id.label("id"), p.parent_id.label("parent_id")).where(p.id == start)
    walk = chain.cte("chain", recursive=True)
    # UNION, not UNION ALL: a (corrupt) cycle ends the walk, and OrgTree then refuses it.
    walk = walk.union(core_select(up.c.id, up.c.parent_id).join(walk, up.c.id == walk.c.parent_id))
    positions = core_select(
        literal_column("0").label("kind"), p.id.label("id"), p.sort_order.label("sort_key"),
        p.agency_id.label("f1"), p.code.label("f2"), p.title.label("f3"),
        p.unit_name.label("f4"), p.level.label("f5"), p.parent_id.label("f6"),
        null().label("f7"), null().label("f8"), null().label("f9"),
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


DOC_COLUMNS = 11  # the columns of `document_query`, before those of `chain_query`


@cache
def document_and_org_query(kind: DocKind) -> Select[Any]:
    """`document_query` and `chain_query` of the document's position in one round trip: the
    document's columns on every organisation row (or once, with NULLs, when there is none)."""
    # LIMIT 1 (the id is unique anyway) keeps SQLite from flattening the subquery into the
    # join, which would run the three correlated subqueries once per organisation row.
    doc = document_query(kind).limit(1).subquery("doc")
    org = chain_query(kind).subquery("org")
    return core_select(doc, org).select_from(doc.outerjoin(org, true()))


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


@lru_cache(maxsize=1024)
def chain_tree(rows: tuple[tuple[Any, ...], ...]) -> OrgTree:
    """The tree of exactly these rows; immutable, so one built from the same rows is reused
    (the key is the rows themselves: any committed change gives another key)."""
    positions, officials, assignments = [], {}, []
    for kind, row_id, _, f1, f2, f3, f4, f5, f6, nip, name, email in rows:
        if kind == 0:
            positions.append(Position(row_id, f1, f2, f3, f4, Level(f5), f6))
        else:
            officials[f1] = Official(f1, nip, name, email)
            valid_to = None if f4 is None else _day(f4)
            assignments.append(Assignment(f1, f6, AssignmentStatus(f2), _day(f3), valid_to))
    return OrgTree(positions=positions, officials=officials.values(), assignments=assignments)


def chain_sort_key(row: tuple[Any, ...]) -> tuple[int, int, int]:
    return int(row[0]), row[2], row[1]


@cache
def cas_update(kind: DocKind) -> Update:
    """The compare-and-swap: the SET columns come with the parameters of each execution."""
    table = doc_table(kind)
    return update(table).where(
        table.c.id == bindparam("cas_id"),
        table.c.version == bindparam("cas_version"),
        table.c.state == bindparam("cas_state"),
    )


@cache
def outbox_insert(dialect_name: str) -> Insert:
    """Insert-or-ignore on the dedupe key."""
    module: Any = postgresql if dialect_name == "postgresql" else sqlite
    return module.insert(OUTBOX).on_conflict_do_nothing(  # type: ignore[no-any-return]
        index_elements=["dedupe_key"]
    )

"""The workflow store: engine.services.WorkflowStore on one SQLModel session (one transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache, cached_property, lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    CompoundSelect,
    Connection,
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
from sqlmodel import Session, col, select

from db.indicator_repo import load_indicators, parsed_formula
from db.models import (
    AssignmentRow,
    IndicatorRow,
    IndicatorVariable,
    OfficialRow,
    PerjanjianKinerja,
    PkTarget,
    PositionRow,
    QuarterlyReport,
    Regency,
    ReportEntry,
)
from db.org_repo import load_org_tree
from db.recap_query import quarter_targets
from db.workflow_models import OutboxMessage, TransitionLog
from engine.errors import NotFoundError
from engine.formulas import Variable
from engine.org import Assignment, AssignmentStatus, Level, Official, OrgTree, Position
from engine.services import LoggedChange, OutboxDraft, Party, StateChange
from engine.workflow import Action, DocKind, DocumentView, State

DocumentRow = PerjanjianKinerja | QuarterlyReport
OUTBOX = OutboxMessage.metadata.tables["outbox"]
LOG = TransitionLog.metadata.tables["transition_log"]
PK = PerjanjianKinerja.metadata.tables["pk"]
POSITION = PositionRow.metadata.tables["position"]
OFFICIAL = OfficialRow.metadata.tables["official"]
ASSIGNMENT = AssignmentRow.metadata.tables["assignment"]
INDICATOR = IndicatorRow.metadata.tables["indicator"]
VARIABLE = IndicatorVariable.metadata.tables["indicator_variable"]
ENTRY = ReportEntry.metadata.tables["report_entry"]
_LOG_INSERT = insert(LOG)
TABLES: dict[DocKind, type[PerjanjianKinerja] | type[QuarterlyReport]] = {
    DocKind.PK: PerjanjianKinerja,
    DocKind.REPORT: QuarterlyReport,
}
_NO_INDICATORS = "jabatan ini belum punya indikator untuk tahun ini"

# Every statement of a transition is built once and run on the connection with its values as
# parameters: SQLAlchemy then reuses the compiled form, and no ORM unit of work is involved
# (nothing of a transition is read back as an object).


class _DocKey(NamedTuple):
    """What the completeness check needs of a document."""

    id: int
    position_id: int
    year: int


def _table(kind: DocKind) -> Any:
    return PK if kind is DocKind.PK else QuarterlyReport.metadata.tables["report"]


@cache
def _document_query(kind: DocKind) -> Select[Any]:
    """The document, whether its PK is approved and who submitted and verified it in this
    visit, in one query (the latest log entry of each action wins); built once per kind."""
    table = _table(kind)

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
def _report_inputs_query() -> Select[Any]:
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
def _chain_query(kind: DocKind | None = None) -> CompoundSelect[Any]:
    """A position and its superiors up to the head of the agency, then every assignment of
    those with its official: rows of one shape (kind, id, sort key, nine fields), one query.

    The position is the parameter `position_id`, or with `kind` that of the document `doc_id`.
    """
    p, a, o = POSITION.c, ASSIGNMENT.c, OFFICIAL.c
    up = POSITION.alias("up")
    start: Any = bindparam("position_id")
    if kind is not None:
        table = _table(kind)
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


_DOC_COLUMNS = 11  # the columns of `_document_query`, before those of `_chain_query`


@cache
def _document_and_org_query(kind: DocKind) -> Select[Any]:
    """`_document_query` and `_chain_query` of the document's position in one round trip: the
    document's columns on every organisation row (or once, with NULLs, when there is none)."""
    # LIMIT 1 (the id is unique anyway) keeps SQLite from flattening the subquery into the
    # join, which would run the three correlated subqueries once per organisation row.
    doc = _document_query(kind).limit(1).subquery("doc")
    org = _chain_query(kind).subquery("org")
    return core_select(doc, org).select_from(doc.outerjoin(org, true()))


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


@lru_cache(maxsize=1024)
def _chain_tree(rows: tuple[tuple[Any, ...], ...]) -> OrgTree:
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


def _sort_key(row: tuple[Any, ...]) -> tuple[int, int, int]:
    return int(row[0]), row[2], row[1]


@cache
def _cas_update(kind: DocKind) -> Update:
    """The compare-and-swap: the SET columns come with the parameters of each execution."""
    table = _table(kind)
    return update(table).where(
        table.c.id == bindparam("cas_id"),
        table.c.version == bindparam("cas_version"),
        table.c.state == bindparam("cas_state"),
    )


@cache
def _outbox_insert(dialect_name: str) -> Insert:
    """Insert-or-ignore on the dedupe key."""
    module: Any = postgresql if dialect_name == "postgresql" else sqlite
    return module.insert(OUTBOX).on_conflict_do_nothing(  # type: ignore[no-any-return]
        index_elements=["dedupe_key"]
    )


class SqlWorkflowStore:
    """Reads and writes of one workflow action, inside the caller's transaction.

    Built on a session (`SqlWorkflowStore(session)`), or on a connection in a transaction
    (`on_connection`): the transition itself runs Core statements on the connection, and a
    session joining the same transaction is made only if an ORM read is asked for.
    """

    def __init__(self, session: Session) -> None:
        self._session: Session | None = session
        self._connection: Connection | None = None
        self._org: tuple[int, OrgTree] | None = None

    @classmethod
    def on_connection(cls, connection: Connection) -> SqlWorkflowStore:
        """A store on `connection`, whose transaction the caller has begun and will end."""
        store = cls.__new__(cls)
        store._session = None
        store._connection = connection
        store._org = None
        return store

    @property
    def session(self) -> Session:
        """The ORM session (made on first use when the store was built on a connection)."""
        if self._session is None:
            self._session = Session(bind=self.connection, expire_on_commit=False)
        return self._session

    @property
    def connection(self) -> Connection:
        """The connection of the transaction, for Core statements."""
        if self._connection is None:
            self._connection = self.session.connection()
        return self._connection

    def close(self) -> None:
        """Close a session this store made (the transaction stays the caller's)."""
        if self._session is not None and self._connection is not None:
            self._session.close()

    def row(self, kind: DocKind, doc_id: int) -> DocumentRow:
        """The document row, or NotFoundError."""
        row: DocumentRow | None = (
            self.session.get(PerjanjianKinerja, doc_id)
            if kind is DocKind.PK
            else self.session.get(QuarterlyReport, doc_id)
        )
        if row is None:
            raise NotFoundError(
                f"{kind.label} {kind.prefix}-{doc_id} tidak ditemukan",
                log_message=f"{kind} {doc_id} not found",
            )
        return row

    def document(
        self, kind: DocKind, doc_id: int, *, completeness: bool = True, with_org: bool = False
    ) -> DocumentView:
        """The document as the gate sees it; `with_org` reads in the same query the part of
        the organisation it is decided on, which `org_tree_for` then returns."""
        if with_org:
            rows = self.connection.execute(_document_and_org_query(kind), {"doc_id": doc_id})
            found = self._split_org(rows.all())
        else:
            found = self.connection.execute(_document_query(kind), {"doc_id": doc_id}).first()
        if found is None:
            raise NotFoundError(
                f"{kind.label} {kind.prefix}-{doc_id} tidak ditemukan",
                log_message=f"{kind} {doc_id} not found",
            )
        (id_, position_id, year, quarter, state, version, visit, audit_hash, submitted_by,
         verified_by, pk_approved) = found[:_DOC_COLUMNS]  # fmt: skip
        return DocumentView(
            kind=kind,
            id=id_,
            position_id=position_id,
            year=year,
            quarter=quarter,
            state=State(state),
            version=version,
            visit=visit,
            missing=tuple(self.missing(kind, _DocKey(id_, position_id, year)))
            if completeness
            else (),
            pk_approved=bool(pk_approved),
            submitted_by=submitted_by,
            verified_by=verified_by,
            audit_hash=audit_hash,
        )

    def _split_org(self, rows: Sequence[Any]) -> Any:
        """The document's row of a `_document_and_org_query`; its tree kept for `org_tree_for`."""
        if not rows:
            return None
        org = [tuple(row[_DOC_COLUMNS:]) for row in rows if row[_DOC_COLUMNS] is not None]
        self._org = (rows[0][1], _chain_tree(tuple(sorted(org, key=_sort_key))))
        return rows[0]

    def approved_pk(self, position_id: int, year: int) -> PerjanjianKinerja | None:
        """The latest approved PK revision of a position and year."""
        return self.session.exec(
            select(PerjanjianKinerja)
            .where(
                PerjanjianKinerja.position_id == position_id,
                PerjanjianKinerja.year == year,
                PerjanjianKinerja.state == State.APPROVED.value,
            )
            .order_by(col(PerjanjianKinerja.revision).desc())
        ).first()

    def missing(self, kind: DocKind, row: DocumentRow | _DocKey) -> list[str]:
        """What keeps the document from being submitted (the READY guard)."""
        if kind is DocKind.REPORT:
            assert row.id is not None
            return self._missing_inputs(row.id, row.position_id, row.year)
        indicators = load_indicators(self.session, year=row.year, position_ids=[row.position_id])
        if not indicators:
            return [_NO_INDICATORS]
        problems: list[str] = []
        targets = {
            t.indicator_id: t
            for t in self.session.exec(select(PkTarget).where(PkTarget.pk_id == row.id))
        }
        for indicator in indicators:
            target = targets.get(indicator.id)
            parsed = quarter_targets(indicator, target)
            if target is None or parsed is None or None in parsed.quarters:
                problems.append(f"target {indicator.code} (tahunan dan TW I-IV)")
            elif parsed.check(indicator.rollup).reason_required and not target.tw4_reason:
                problems.append(f"alasan target TW IV {indicator.code} berbeda dari tahunan")
        return problems

    def _missing_inputs(self, report_id: int, position_id: int, year: int) -> list[str]:
        """A report's indicators whose inputs are not all given and that have no no-data
        reason, in catalogue order: one query (each formula is parsed as when loading the
        indicators, from the parse cache)."""
        params = {"report_id": report_id, "position_id": position_id, "year": year}
        found: dict[int, tuple[str, str, list[Variable], Any]] = {}
        for row in self.connection.execute(_report_inputs_query(), params):
            (indicator_id, code, expression, name, label, unit, entry_id, inputs, reason) = row
            if indicator_id not in found:
                entry = None if entry_id is None else (inputs, reason)
                found[indicator_id] = (code, expression, [], entry)
            if name is not None:
                found[indicator_id][2].append(Variable(name, label, unit))
        if not found:
            return [_NO_INDICATORS]
        problems: list[str] = []
        for code, expression, variables, entry in found.values():
            formula = parsed_formula(expression, tuple(variables))
            if entry is not None and (entry[1] or "").strip():
                continue
            given = {} if entry is None else entry[0]
            if any(str(given.get(name, "")).strip() == "" for name in formula.variables):
                problems.append(f"isian {code} (atau alasan tidak ada data)")
        return problems

    @cached_property
    def _tree(self) -> OrgTree:
        return load_org_tree(self.session)

    def org_tree(self) -> OrgTree:
        return self._tree

    def org_tree_for(self, position_id: int) -> OrgTree:
        if self._org is not None and self._org[0] == position_id:
            return self._org[1]  # read with the document, in this transaction
        rows = self.connection.execute(_chain_query(), {"position_id": position_id}).all()
        return _chain_tree(tuple(sorted(map(tuple, rows), key=_sort_key)))

    def regency_head_title(self) -> str:
        regency = self.session.exec(select(Regency)).first()
        return regency.head_title if regency is not None else "Kepala Daerah"

    def last_change(self, kind: DocKind, doc_id: int) -> LoggedChange | None:
        entry = self.session.exec(
            select(TransitionLog)
            .where(TransitionLog.doc_type == kind.value, TransitionLog.doc_id == doc_id)
            .order_by(col(TransitionLog.id).desc())
        ).first()
        if entry is None:
            return None
        return LoggedChange(entry.actor_name, entry.at, Action(entry.action))

    def apply(self, change: StateChange) -> bool:
        document = change.document
        values: dict[str, object] = {
            "cas_id": document.id,
            "cas_version": document.version,
            "cas_state": document.state.value,
            "state": change.target.value,
            "version": document.version + 1,
            "visit": change.visit,
            "audit_hash": change.hash,
            "updated_at": change.at,
        }
        if change.target is State.SUBMITTED:
            values["submitted_at"] = change.at
        if change.target is State.APPROVED:
            values["approved_at"] = change.at
        if self.connection.execute(_cas_update(document.kind), values).rowcount != 1:
            return False
        if self._session is not None:
            self._session.expire_all()  # rows loaded before the UPDATE are stale now
        self.connection.execute(
            _LOG_INSERT, {**change.log, "prev_hash": document.audit_hash, "hash": change.hash}
        )
        return True

    def enqueue(self, messages: Sequence[OutboxDraft]) -> None:
        rows = [
            {
                "dedupe_key": m.dedupe_key,
                "kind": m.kind,
                "recipient_official_id": m.recipient_official_id,
                "recipient_email": m.recipient_email,
                "recipient_name": m.recipient_name,
                "payload": m.payload,
                "status": "pending",
                "attempts": 0,
                "available_at": m.available_at,
                "created_at": m.available_at,
            }
            for m in messages
        ]
        if rows:
            connection = self.connection
            # One row (the usual case) as a plain execute, several as one executemany.
            connection.execute(
                _outbox_insert(connection.dialect.name), rows[0] if len(rows) == 1 else rows
            )

    def record_parties(self, doc_id: int, first: Party, second: Party) -> None:
        changed = self.connection.execute(
            update(PK)
            .where(PK.c.id == doc_id)
            .values(
                first_party_name=first.name,
                first_party_nip=first.nip,
                first_party_title=first.title,
                second_party_name=second.name,
                second_party_nip=second.nip,
                second_party_title=second.title,
            )
        ).rowcount
        if changed != 1:
            raise NotFoundError(
                f"{DocKind.PK.label} {DocKind.PK.prefix}-{doc_id} tidak ditemukan",
                log_message=f"{DocKind.PK} {doc_id} not found",
            )
        if self._session is not None:
            self._session.expire_all()

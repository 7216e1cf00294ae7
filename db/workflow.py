"""The workflow repository: engine.ports.WorkflowRepository on one transaction.

A transition is the hot path: the gate reads the document (with who submitted and verified
it in this visit, and whether its PK is approved), the part of the organisation it is
decided on (`db.organisation.chain_statement`, in the same query) and, before a submit,
what is missing; then a compare-and-swap UPDATE and a log INSERT. Every statement is built
once and run on the connection with its values as parameters: SQLAlchemy then reuses the
compiled form, and no ORM unit of work is involved (nothing of a transition is read back
as an object). What is missing is decided by engine.completeness on the rows read here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Select,
    Update,
    and_,
    bindparam,
    exists,
    insert,
    literal,
    null,
    true,
    update,
)
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from db.catalogue import load_indicators, parsed_formula
from db.models import (
    IndicatorRow,
    IndicatorVariable,
    PerjanjianKinerja,
    PkTarget,
    QuarterlyReport,
    ReportEntry,
)
from db.organisation import (
    chain_statement,
    chain_tree,
    load_org_tree,
    position_chain,
    regency_head,
)
from db.workflow_models import TransitionLog
from engine.completeness import missing_inputs, missing_targets
from engine.errors import NotFoundError
from engine.formulas import Variable
from engine.org import OrgTree
from engine.ports import LoggedChange, Party, StateChange
from engine.realisation import quarter_targets
from engine.workflow import Action, DocKind, DocumentView, State

LOG = TransitionLog.metadata.tables["transition_log"]
PK = PerjanjianKinerja.metadata.tables["pk"]
INDICATOR = IndicatorRow.metadata.tables["indicator"]
VARIABLE = IndicatorVariable.metadata.tables["indicator_variable"]
ENTRY = ReportEntry.metadata.tables["report_entry"]
LOG_INSERT = insert(LOG)

DocumentRow = PerjanjianKinerja | QuarterlyReport


# --- the statements, each built once -----------------------------------------------------


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


DOC_COLUMNS = 11  # the columns of `document_query`, before those of the chain


@cache
def document_and_org_query(kind: DocKind) -> Select[Any]:
    """`document_query` and the chain of the document's position in one round trip: the
    document's columns on every organisation row (or once, with NULLs, when there is none)."""
    # LIMIT 1 (the id is unique anyway) keeps SQLite from flattening the subquery into the
    # join, which would run the three correlated subqueries once per organisation row.
    table = doc_table(kind)
    position = core_select(table.c.position_id).where(table.c.id == bindparam("doc_id"))
    doc = document_query(kind).limit(1).subquery("doc")
    org = chain_statement(position.scalar_subquery()).subquery("org")
    return core_select(doc, org).select_from(doc.outerjoin(org, true()))


@cache
def cas_update(kind: DocKind) -> Update:
    """The compare-and-swap: the SET columns come with the parameters of each execution."""
    table = doc_table(kind)
    return update(table).where(
        table.c.id == bindparam("cas_id"),
        table.c.version == bindparam("cas_version"),
        table.c.state == bindparam("cas_state"),
    )


# --- the repository --------------------------------------------------------------------


class _DocKey(NamedTuple):
    """What the completeness check needs of a document."""

    id: int
    position_id: int
    year: int


class SqlWorkflowStore:
    """Reads and writes of one workflow action, inside the caller's transaction.

    Built on a session (`SqlWorkflowStore(session)`), or on the unit of work's connection
    (`on_connection`): the transition itself runs Core statements on the connection, and
    the session joined to the same transaction is asked for only if an ORM read is.
    """

    def __init__(self, session: Session) -> None:
        self._session: Session | None = session
        self._connection: Connection | None = None
        self._org: tuple[int, OrgTree] | None = None
        self._tree: OrgTree | None = None
        self._session_source: Callable[[], Session] | None = None

    @classmethod
    def on_connection(
        cls, connection: Connection, *, session: Callable[[], Session]
    ) -> SqlWorkflowStore:
        """A store on `connection`, whose transaction the caller has begun and will end;
        `session` gives the ORM session joined to it, asked for only when an ORM read is."""
        store = cls.__new__(cls)
        store._session = None
        store._connection = connection
        store._org = None
        store._tree = None
        store._session_source = session
        return store

    @property
    def session(self) -> Session:
        """The ORM session (asked for on first use when the store was built on a connection)."""
        if self._session is None:
            assert self._session_source is not None
            self._session = self._session_source()
        return self._session

    @property
    def connection(self) -> Connection:
        """The connection of the transaction, for Core statements."""
        if self._connection is None:
            self._connection = self.session.connection()
        return self._connection

    def document(
        self, kind: DocKind, doc_id: int, *, completeness: bool = True, with_org: bool = False
    ) -> DocumentView:
        """The document as the gate sees it; `with_org` reads in the same query the part of
        the organisation it is decided on, which `org_tree_for` then returns."""
        if with_org:
            rows = self.connection.execute(document_and_org_query(kind), {"doc_id": doc_id})
            found = self._split_org(rows.all())
        else:
            found = self.connection.execute(document_query(kind), {"doc_id": doc_id}).first()
        if found is None:
            raise NotFoundError(
                f"{kind.label} {kind.prefix}-{doc_id} tidak ditemukan",
                log_message=f"{kind} {doc_id} not found",
            )
        (id_, position_id, year, quarter, state, version, visit, audit_hash, submitted_by,
         verified_by, pk_approved) = found[:DOC_COLUMNS]  # fmt: skip
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
        """The document's row of a `document_and_org_query`; its tree kept for `org_tree_for`."""
        if not rows:
            return None
        org = [row[DOC_COLUMNS:] for row in rows if row[DOC_COLUMNS] is not None]
        self._org = (rows[0][1], chain_tree(org))
        return rows[0]

    def missing(self, kind: DocKind, row: DocumentRow | _DocKey) -> list[str]:
        """What keeps the document from being submitted (the READY guard, engine.completeness)."""
        if kind is DocKind.REPORT:
            assert row.id is not None
            return self._missing_inputs(row.id, row.position_id, row.year)
        indicators = load_indicators(self.session, year=row.year, position_ids=[row.position_id])
        if not indicators:
            return missing_targets([])
        targets = {
            t.indicator_id: t
            for t in self.session.exec(select(PkTarget).where(PkTarget.pk_id == row.id))
        }
        return missing_targets(
            [
                (i, quarter_targets(i, t), None if t is None else t.tw4_reason)
                for i in indicators
                for t in [targets.get(i.id)]
            ]
        )

    def _missing_inputs(self, report_id: int, position_id: int, year: int) -> list[str]:
        """A report's gaps, read in one query (each formula is parsed as when loading the
        indicators, from the parse cache)."""
        params = {"report_id": report_id, "position_id": position_id, "year": year}
        found: dict[int, tuple[str, str, list[Variable], Any]] = {}
        for row in self.connection.execute(report_inputs_query(), params):
            (indicator_id, code, expression, name, label, unit, entry_id, inputs, reason) = row
            if indicator_id not in found:
                entry = None if entry_id is None else (inputs, reason)
                found[indicator_id] = (code, expression, [], entry)
            if name is not None:
                found[indicator_id][2].append(Variable(name, label, unit))
        return missing_inputs(
            [
                (code, parsed_formula(expression, tuple(variables)), entry)
                for code, expression, variables, entry in found.values()
            ]
        )

    def org_tree(self) -> OrgTree:
        # Kept on first use, without functools.cached_property: on Python 3.11 its lock is
        # shared by every store in the process and held while the tree is read, so
        # concurrent actions took turns (see db/uow.py's `repository`).
        if self._tree is None:
            self._tree = load_org_tree(self.session)
        return self._tree

    def org_tree_for(self, position_id: int) -> OrgTree:
        if self._org is not None and self._org[0] == position_id:
            return self._org[1]  # read with the document, in this transaction
        return position_chain(self.connection, position_id)

    def regency_head(self, on: date) -> Party:
        name, title = regency_head(self.session, on)
        return Party(name=name, nip=None, title=title)

    def last_change(self, kind: DocKind, doc_id: int) -> LoggedChange | None:
        entry = self.session.exec(
            select(TransitionLog)
            .where(TransitionLog.doc_type == kind.value, TransitionLog.doc_id == doc_id)
            .order_by(col(TransitionLog.id).desc())
        ).first()
        if entry is None:
            return None
        return LoggedChange(entry.actor_name, entry.at, Action(entry.action))

    def acted_on(self, kind: DocKind, doc_id: int, official_id: int) -> bool:
        found = core_select(LOG.c.id).where(
            LOG.c.doc_type == kind.value,
            LOG.c.doc_id == doc_id,
            LOG.c.actor_official_id == official_id,
        )
        return self.connection.execute(found.limit(1)).first() is not None

    def acted_by(self, official_id: int) -> dict[tuple[DocKind, int], set[Action]]:
        rows = self.connection.execute(
            core_select(LOG.c.doc_type, LOG.c.doc_id, LOG.c.action)
            .where(LOG.c.actor_official_id == official_id)
            .distinct()
        )
        acted: dict[tuple[DocKind, int], set[Action]] = {}
        for doc_type, doc_id, action in rows:
            acted.setdefault((DocKind(doc_type), doc_id), set()).add(Action(action))
        return acted

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
        if self.connection.execute(cas_update(document.kind), values).rowcount != 1:
            return False
        if self._session is not None:
            self._session.expire_all()  # rows loaded before the UPDATE are stale now
        self.connection.execute(
            LOG_INSERT, {**change.log, "prev_hash": document.audit_hash, "hash": change.hash}
        )
        return True

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

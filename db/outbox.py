"""The outbox and the reminders: what waits for whom, the rungs sent, the messages to send.

`SqlPending` (engine.ports.PendingRepository) reads the pending documents and what their
steps and deadlines are worked out from (the organisation, the working calendar, the DPA
dates); `SqlReminders` (engine.ports.RemindersRepository) keeps the reminder rungs sent,
each claimed once ever with an insert that ignores a key already there. The sweep reads
every pending document of the regency (tens of thousands), so these reads select bare
columns with Core statements: building ORM objects for every pending row was a tenth of a
sweep's time.

`SqlOutbox` (engine.ports.OutboxRepository) is the outbox's only reader and writer.
Messages go in once per dedupe key (insert-or-ignore): one row as a plain statement (a
workflow action's email), many in bulk (a sweep's digests, values converted once). A
dispatcher claims due rows with a lease in one short write transaction (PostgreSQL
`FOR UPDATE SKIP LOCKED`, SQLite `BEGIN IMMEDIATE` from the writer's unit of work) and
records each outcome in its own commit on the connection it holds for the batch, so the
statements are built once per shape and run as Core statements. The admin lists the
newest rows and revives dead letters. All three work on the unit of work's transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Insert, Select, Update, bindparam, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from db.admin import load_calendar
from db.database import insert_ignore
from db.models import PerjanjianKinerja, QuarterlyReport
from db.organisation import committed_org_tree, load_org_tree
from db.workflow_models import AgencyYear, LadderRung, OutboxMessage, TransitionLog
from engine.calendar import WorkingCalendar
from engine.events import OutboxDraft, OutboxStatus
from engine.ladder import Planned
from engine.org import OrgTree
from engine.outbox import OutboxChange, OutboxEntry
from engine.pending import PENDING_STATES, WAITING_PK_REVISION, PendingDoc
from engine.progress import ReportRow
from engine.workflow import DocKind, State

OUTBOX = OutboxMessage.metadata.tables["outbox"]
_COLUMNS = (
    OUTBOX.c.id, OUTBOX.c.dedupe_key, OUTBOX.c.kind, OUTBOX.c.recipient_official_id,
    OUTBOX.c.recipient_email, OUTBOX.c.recipient_name, OUTBOX.c.payload, OUTBOX.c.status,
    OUTBOX.c.attempts, OUTBOX.c.available_at, OUTBOX.c.created_at, OUTBOX.c.lease_until,
    OUTBOX.c.sent_at, OUTBOX.c.last_error,
)  # fmt: skip
_STATUSES = {status.value: status for status in OutboxStatus}
_PENDING = OutboxStatus.PENDING.value

REFS_PER_QUERY = 10_000
"""Documents per `IN (...)` when reading sent rungs (SQLite allows 32,766 parameters)."""
RUNGS = LadderRung.metadata.tables["ladder_rung"]
REPORT = QuarterlyReport.metadata.tables["report"]
PK = PerjanjianKinerja.metadata.tables["pk"]
AGENCY_YEAR = AgencyYear.metadata.tables["agency_year"]
LOG = TransitionLog.metadata.tables["transition_log"]
_PENDING_STATES = [state.value for state in PENDING_STATES]
_STATES = {state.value: state for state in State}


# --- reminders -------------------------------------------------------------------------


class SqlPending:
    """engine.ports.PendingRepository on the unit of work's session."""

    def __init__(self, session: Callable[[], Session]) -> None:
        self._session = session

    @property
    def _connection(self) -> Connection:
        return self._session().connection()

    def org_tree(self) -> OrgTree:
        """The organisation tree as this transaction sees it."""
        return load_org_tree(self._session())

    def committed_org_tree(self) -> OrgTree:
        """The organisation tree as committed (one small query while it is unchanged)."""
        return committed_org_tree(self._session())

    def calendar(self) -> WorkingCalendar:
        """The working-day calendar of the active holidays."""
        return load_calendar(self._session())

    def pending_documents(self, positions: Collection[int] | None = None) -> list[PendingDoc]:
        """Reports and first-revision PKs that are not approved, of every position or of
        `positions` (engine.pending: `PENDING_STATES`, `WAITING_PK_REVISION`)."""
        reports = sa_select(
            REPORT.c.id, REPORT.c.position_id, REPORT.c.year, REPORT.c.quarter,
            REPORT.c.state, REPORT.c.visit, REPORT.c.version,
        ).where(REPORT.c.state.in_(_PENDING_STATES))  # fmt: skip
        pks = sa_select(
            PK.c.id, PK.c.position_id, PK.c.year, PK.c.state, PK.c.visit, PK.c.version
        ).where(PK.c.state.in_(_PENDING_STATES), PK.c.revision == WAITING_PK_REVISION)
        if positions is not None:
            ids = sorted(positions)
            reports = reports.where(REPORT.c.position_id.in_(ids))
            pks = pks.where(PK.c.position_id.in_(ids))
        run, states = self._connection.execute, _STATES
        docs = [
            PendingDoc(DocKind.REPORT, id_, position, year, quarter, states[state], visit, version)
            for id_, position, year, quarter, state, visit, version in run(reports).all()
        ]
        return docs + [
            PendingDoc(DocKind.PK, id_, position, year, None, states[state], visit, version)
            for id_, position, year, state, visit, version in run(pks).all()
        ]

    def dpa_dates(self, years: Collection[int] | None = None) -> dict[tuple[int, int], date]:
        """(agency id, year) -> when its DPA was ratified, of every year or of `years`."""
        query: Select[Any] = sa_select(
            AGENCY_YEAR.c.agency_id, AGENCY_YEAR.c.year, AGENCY_YEAR.c.dpa_date
        )
        if years is not None:
            if not years:
                return {}
            query = query.where(AGENCY_YEAR.c.year.in_(sorted(years)))
        return {(agency, year): day for agency, year, day in self._connection.execute(query)}

    def return_reasons(
        self, docs: Collection[tuple[DocKind, int]]
    ) -> dict[tuple[DocKind, int], str]:
        """The comment of the last step that sent each document back to draft."""
        reasons: dict[tuple[DocKind, int], str] = {}
        for kind in DocKind:
            ids = sorted(doc_id for k, doc_id in docs if k is kind)
            if not ids:
                continue
            rows = self._connection.execute(
                sa_select(LOG.c.doc_id, LOG.c.comment)
                .where(
                    LOG.c.doc_type == kind.value,
                    LOG.c.doc_id.in_(ids),
                    LOG.c.to_state == State.DRAFT.value,
                )
                .order_by(LOG.c.id)
            )
            for doc_id, comment in rows:
                if comment:
                    reasons[(kind, doc_id)] = comment
        return reasons

    def entered_at(
        self, docs: Collection[tuple[DocKind, int]]
    ) -> dict[tuple[DocKind, int], datetime]:
        """When each document took its last step (entered its current state), if it took any."""
        entered: dict[tuple[DocKind, int], datetime] = {}
        for kind in DocKind:
            ids = sorted(doc_id for k, doc_id in docs if k is kind)
            query = sa_select(LOG.c.doc_id, func.max(LOG.c.at)).where(
                LOG.c.doc_type == kind.value, LOG.c.doc_id.in_(ids)
            )
            rows = self._connection.execute(query.group_by(LOG.c.doc_id)) if ids else ()
            entered.update({(kind, doc_id): at for doc_id, at in rows})
        return entered

    def reports_of(self, *, year: int, quarter: int | None) -> list[ReportRow]:
        """The reports of a quarter (or of every quarter of the year), in one query."""
        query = sa_select(
            REPORT.c.id, REPORT.c.position_id, REPORT.c.year, REPORT.c.quarter, REPORT.c.state
        ).where(REPORT.c.year == year)
        if quarter is not None:
            query = query.where(REPORT.c.quarter == quarter)
        query = query.order_by(REPORT.c.quarter, REPORT.c.id)
        return [
            ReportRow(id_, position_id, year_, quarter_, _STATES[state])
            for id_, position_id, year_, quarter_, state in self._connection.execute(query)
        ]


class SqlReminders:
    """engine.ports.RemindersRepository on the unit of work's transaction."""

    def __init__(self, session: Callable[[], Session]) -> None:
        self._session = session

    def sent_rungs(self, docs: Sequence[str]) -> set[str]:
        """The rung keys already sent for these documents (history of others unread)."""
        connection = self._session().connection()
        sent: set[str] = set()
        for begin in range(0, len(docs), REFS_PER_QUERY):
            chunk = list(docs[begin : begin + REFS_PER_QUERY])
            sent.update(
                connection.execute(sa_select(RUNGS.c.key).where(RUNGS.c.doc.in_(chunk))).scalars()
            )
        return sent

    def claim_rungs(
        self, planned: Sequence[Planned], digest_keys: Mapping[int, str], at: datetime
    ) -> set[str]:
        """Record the rungs as sent (each in the digest of its recipient); the keys that were
        new. A key another transaction holds is not ours: that sweep sends it."""
        claims = [
            {
                "key": p.rung.key, "doc": p.rung.pending.doc, "visit": p.rung.pending.visit,
                "step": p.rung.pending.step.value, "rung": p.rung.name,
                "recipient_official_id": p.recipient.official.id,
                "digest_key": digest_keys[p.recipient.official.id],
            }
            for p in planned
        ]  # fmt: skip
        claims.sort(key=lambda claim: claim["key"])  # in index order: fewer pages to touch
        connection = self._session().connection()
        return insert_ignore(connection, RUNGS, "key", claims, same={"created_at": at})


# --- the outbox ------------------------------------------------------------------------


class SqlOutbox:
    """engine.ports.OutboxRepository on the unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, messages: Sequence[OutboxDraft]) -> int:
        """Insert the messages, ignoring dedupe keys already present; how many were new."""
        if not messages:
            return 0
        if len(messages) == 1:
            (m,) = messages
            row = {
                "dedupe_key": m.dedupe_key,
                "kind": m.kind,
                "recipient_official_id": m.recipient_official_id,
                "recipient_email": m.recipient_email,
                "recipient_name": m.recipient_name,
                "payload": dict(m.payload),
                "status": _PENDING,
                "attempts": 0,
                "available_at": m.available_at,
                "created_at": m.available_at,
            }
            result = self._connection.execute(_insert(self._connection.dialect.name), row)
            return max(int(result.rowcount or 0), 0)
        # Many (a sweep's digests): one statement per batch of rows, values converted once
        # (what every message shares, the kind and the instant of a sweep, once in all).
        first = messages[0]
        same: dict[str, Any] = {"status": _PENDING, "attempts": 0}
        if all(m.kind == first.kind and m.available_at == first.available_at for m in messages):
            same |= {"kind": first.kind, "available_at": first.available_at}
            same["created_at"] = first.available_at
        rows = [
            {
                "dedupe_key": m.dedupe_key,
                "recipient_official_id": m.recipient_official_id,
                "recipient_email": m.recipient_email,
                "recipient_name": m.recipient_name,
                "payload": dict(m.payload),
            }
            for m in messages
        ]
        if "kind" not in same:
            for row, m in zip(rows, messages, strict=True):
                row.update(kind=m.kind, available_at=m.available_at, created_at=m.available_at)
        return len(insert_ignore(self._connection, OUTBOX, "dedupe_key", rows, same=same))

    def claim(self, *, now: datetime, limit: int, lease_until: datetime) -> list[OutboxEntry]:
        """Lease up to `limit` due pending messages, oldest first; rows another
        transaction has locked are skipped (PostgreSQL), never waited for."""
        connection = self._connection
        due = _due(connection.dialect.name == "postgresql")
        entries = [_entry(row) for row in connection.execute(due, {"now": now, "limit": limit})]
        if entries:
            connection.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_([entry.id for entry in entries]))
                .values(lease_until=lease_until)
            )
        return [replace(entry, lease_until=lease_until) for entry in entries]

    def record(self, entry: OutboxEntry, change: OutboxChange) -> bool:
        """Write `change` to a pending message and give its lease back; False when the
        message was not ours any more."""
        values: dict[str, Any] = {"lease_until": None}
        if change.status is not None:
            values["status"] = change.status.value
        if change.attempts is not None:
            values["attempts"] = change.attempts
        if change.available_at is not None:
            values["available_at"] = change.available_at
        if change.sent_at is not None:
            values["sent_at"] = change.sent_at
        if change.last_error is not None:
            values["last_error"] = change.last_error
        if change.payload is not None:
            values["payload"] = dict(change.payload)
        own = change.own_lease and entry.lease_until is not None  # claimed rows carry one
        statement = _update(tuple(sorted(values)), own=own)
        params = {**values, "row_id": entry.id, "our_lease": entry.lease_until}
        return bool(self._connection.execute(statement, params).rowcount)

    def release(self, entries: Sequence[OutboxEntry]) -> None:
        """Give back the leases of claimed messages that will not be sent now."""
        if entries:
            self._connection.execute(
                _update(("lease_until",), own=True),
                [
                    {"lease_until": None, "row_id": e.id, "our_lease": e.lease_until}
                    for e in entries
                ],
            )

    def newest(self, status: OutboxStatus | None, limit: int) -> list[OutboxEntry]:
        """The newest messages, optionally of one status."""
        query = sa_select(*_COLUMNS)
        if status is not None:
            query = query.where(OUTBOX.c.status == status.value)
        query = query.order_by(OUTBOX.c.id.desc()).limit(limit)
        return [_entry(row) for row in self._connection.execute(query)]

    def counts(self) -> dict[OutboxStatus, int]:
        """How many messages are in each status (every status, zero included)."""
        found = dict.fromkeys(OutboxStatus, 0)
        rows = self._connection.execute(
            sa_select(OUTBOX.c.status, func.count()).group_by(OUTBOX.c.status)
        )
        for status, count in rows:
            if status in _STATUSES:
                found[_STATUSES[status]] = int(count)
        return found

    def revive(self, ids: Sequence[int] | None, now: datetime) -> list[int]:
        """Make dead messages pending again (attempts 0, due `now`); the ids revived."""
        dead = OUTBOX.c.status == OutboxStatus.DEAD.value
        query = sa_select(OUTBOX.c.id).where(dead)
        if ids is not None:
            query = query.where(OUTBOX.c.id.in_(list(ids)))
        revived = sorted(self._connection.execute(query).scalars())
        if revived:
            self._connection.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_(revived), dead)
                .values(status=_PENDING, attempts=0, available_at=now, lease_until=None)
            )
        return revived


def _entry(row: Any) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        dedupe_key=row.dedupe_key,
        kind=row.kind,
        recipient_official_id=row.recipient_official_id,
        recipient_email=row.recipient_email,
        recipient_name=row.recipient_name,
        payload=row.payload,
        status=_STATUSES[row.status],
        attempts=row.attempts,
        available_at=row.available_at,
        created_at=row.created_at,
        lease_until=row.lease_until,
        sent_at=row.sent_at,
        last_error=row.last_error,
    )


@functools.cache
def _insert(dialect_name: str) -> Insert:
    """Insert-or-ignore of one row on the dedupe key."""
    module: Any = postgresql if dialect_name == "postgresql" else sqlite
    return module.insert(OUTBOX).on_conflict_do_nothing(  # type: ignore[no-any-return]
        index_elements=["dedupe_key"]
    )


@functools.cache
def _due(skip_locked: bool) -> Select[Any]:
    """The due pending rows no live lease holds, oldest first (built once)."""
    now = bindparam("now", type_=OUTBOX.c.available_at.type)
    query = (
        sa_select(*_COLUMNS)
        .where(
            OUTBOX.c.status == _PENDING,
            OUTBOX.c.available_at <= now,
            or_(OUTBOX.c.lease_until.is_(None), OUTBOX.c.lease_until <= now),
        )
        .order_by(OUTBOX.c.available_at, OUTBOX.c.id)
        .limit(bindparam("limit"))
    )
    return query.with_for_update(skip_locked=True) if skip_locked else query


@functools.lru_cache(maxsize=32)
def _update(columns: tuple[str, ...], *, own: bool) -> Update:
    """UPDATE outbox SET <columns> WHERE id = :row_id AND status = 'pending'
    [AND lease_until = :our_lease], built once per shape (a handful exist)."""
    conditions = [OUTBOX.c.id == bindparam("row_id"), OUTBOX.c.status == _PENDING]
    if own:
        conditions.append(OUTBOX.c.lease_until == bindparam("our_lease"))
    return update(OUTBOX).where(*conditions).values({name: bindparam(name) for name in columns})

"""What waits for whom, read from the tables, and the reminder rungs already sent.

`SqlPending` implements `engine.ports.PendingRepository` (the pending documents and what
their steps and deadlines are worked out from: the organisation, the working calendar,
the DPA dates); `SqlReminders` implements `engine.ports.RemindersRepository` (the rungs
sent, claimed with an insert that ignores a key already there). Both work on the unit
of work's one transaction.

The sweep reads every pending document of the regency (tens of thousands), so these
reads select bare columns with Core statements: building ORM objects for every pending
row was a tenth of a sweep's time. `advisory_lock` is the daily sweep's cluster lock (the
container hands it to the scheduler as engine.ports.ClusterLock).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Select, text
from sqlalchemy import select as sa_select
from sqlmodel import Session

from db.holidays_repo import load_calendar
from db.models import PerjanjianKinerja, QuarterlyReport
from db.organisation import committed_org_tree, load_org_tree
from db.outbox import insert_ignore
from db.workflow_models import AgencyYear, LadderRung, TransitionLog
from engine.calendar import WorkingCalendar
from engine.ladder import Planned
from engine.org import OrgTree
from engine.pending import PENDING_STATES, PendingDoc
from engine.progress import ReportRow
from engine.workflow import DocKind, State

REFS_PER_QUERY = 10_000
"""Documents per `IN (...)` when reading sent rungs (SQLite allows 32,766 parameters)."""
RUNGS = LadderRung.metadata.tables["ladder_rung"]
REPORT = QuarterlyReport.metadata.tables["report"]
PK = PerjanjianKinerja.metadata.tables["pk"]
AGENCY_YEAR = AgencyYear.metadata.tables["agency_year"]
LOG = TransitionLog.metadata.tables["transition_log"]
_PENDING = [state.value for state in PENDING_STATES]
_STATES = {state.value: state for state in State}


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
        `positions` (a revised PK's deadlines are not reminded of: it was approved once)."""
        reports = sa_select(
            REPORT.c.id, REPORT.c.position_id, REPORT.c.year, REPORT.c.quarter,
            REPORT.c.state, REPORT.c.visit,
        ).where(REPORT.c.state.in_(_PENDING))  # fmt: skip
        pks = sa_select(PK.c.id, PK.c.position_id, PK.c.year, PK.c.state, PK.c.visit).where(
            PK.c.state.in_(_PENDING), PK.c.revision == 1
        )
        if positions is not None:
            ids = sorted(positions)
            reports = reports.where(REPORT.c.position_id.in_(ids))
            pks = pks.where(PK.c.position_id.in_(ids))
        connection = self._connection
        report, pk, states = DocKind.REPORT, DocKind.PK, _STATES
        docs = [
            PendingDoc(report, id_, position_id, year, quarter, states[state], visit)
            for id_, position_id, year, quarter, state, visit in connection.execute(reports).all()
        ]
        docs += [
            PendingDoc(pk, id_, position_id, year, None, states[state], visit)
            for id_, position_id, year, state, visit in connection.execute(pks).all()
        ]
        return docs

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


# --- the cluster lock -------------------------------------------------------------------


def lock_key(name: str) -> int:
    """A stable 32-bit key for a job name (PostgreSQL advisory locks take a bigint)."""
    return zlib.crc32(name.encode("utf-8"))


@contextmanager
def advisory_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Try to take a session-level advisory lock; yields whether we hold it.

    On PostgreSQL several instances may run the scheduler side by side: the one
    that gets the lock sweeps, the others skip. SQLite deployments run one
    instance, and its write transactions serialise anyway, so the lock is always
    granted there.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = lock_key(name)
    with engine.connect() as connection:
        acquired = bool(
            connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        )
        connection.commit()
        try:
            yield acquired
        finally:
            if acquired:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()

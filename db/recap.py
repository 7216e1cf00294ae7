"""The recap: its inputs read in a fixed number of queries, the process's cache of it, and its
repository (`engine.ports.RecapRepository`, `uow.recaps`).

Feeding the recap: whatever the number of indicators, `recap_inputs` runs four queries
(indicators, their variables, the PK targets, the report entries; the organisation is a
fifth) and hands plain values to `engine.recap`. Targets and entries are read as plain
columns (SQLAlchemy Core), not ORM objects: a regency has tens of thousands of them. The
targets of a position are those of its latest PK revision among the states asked for (by
default: approved, the PK in force); realisations come from its quarterly reports of the
year (engine.realisation computes them), each with its report's state: engine.recap counts
those of verified and approved reports unless the `RecapBasis` (part of the cache's key,
with the year's capaian rules) includes the others.

The cache: a regency's recap reads ~6,000 indicators, their targets and ~25,000 report
entries and runs every formula: about two seconds of Python. Twenty people opening the
dashboard or the API recap at quarter close would each pay that, holding a pooled
connection the whole time. Here it is paid once per change of the data:

- `data_stamp` reads, in one query, a fingerprint of every row the recap of a year
  depends on (`db.database.Stamp`): per table, the row count, the highest id and the sum
  of a change counter. Positions, officials, assignments, indicators, PKs and reports
  carry `changes`, bumped by every ORM update of the row and of the rows under it (an
  entry counts on its report, a target on its PK, a variable on its indicator:
  `db.models.count_changes`); workflow transitions bump a document's `version`. So any
  insert, update or delete of what the recap reads moves the fingerprint, and the query
  reads six small indexes or tables, not the 25,000 entries of a year. (In theory a
  delete of the newest row, an insert that reuses its id and updates adding up to the
  deleted row's counter would not; the application never deletes those rows.)
- `RecapCache.get` compares the fingerprint with the cached one. On a miss one caller per
  period computes (single flight: the others wait for its result).

The fingerprint is read before the rows, so a change committed in between can only make
the cached entry look older than it is (it is computed again on the next request), never
newer. Several application instances each keep their own cache; each compares with the
database on every request, so none serves a recap older than the last commit.

The repository serves the recap from the process's cache, `recaps`, reading on the unit of
work's session: requests only read (their writes are in `writing()` transactions that end
before), so the fingerprint and rows are committed data, and a request needs one pooled
connection, never two (the recap stall of docs/performance.md was not this: db/uow.py).
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Engine, Integer, Select, bindparam, union, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.catalogue import load_indicators
from db.database import Stamp, as_stamp, stamp_part
from db.models import (
    Agency,
    IndicatorRow,
    PerjanjianKinerja,
    PkTarget,
    QuarterlyReport,
    ReportEntry,
)
from db.organisation import load_org_tree, org_stamp_parts
from engine.org import OrgTree
from engine.ports import EntryInputs, RecapData
from engine.realisation import quarter_targets, realisation
from engine.recap import DEFAULT_BASIS, IndicatorInput, Recap, RecapBasis, build_recap
from engine.workflow import State

_INDICATOR = IndicatorRow.metadata.tables["indicator"]
_AGENCY = Agency.metadata.tables["agency"]
_TARGET = PkTarget.metadata.tables["pk_target"]
_PK = PerjanjianKinerja.metadata.tables["pk"]
_ENTRY = ReportEntry.metadata.tables["report_entry"]
_REPORT = QuarterlyReport.metadata.tables["report"]

APPROVED_ONLY = (State.APPROVED.value,)
"""Targets come from the PK in force: the latest approved revision."""
CACHE_SIZE = 16  # periods x agencies kept per database (each a few MiB)


# --- the recap's inputs ----------------------------------------------------------------


def recap_inputs(
    session: Session,
    *,
    year: int,
    agency_code: str | None = None,
    pk_states: Collection[str] | None = APPROVED_ONLY,
    report_states: Collection[str] | None = None,
) -> list[IndicatorInput]:
    """Indicators of `year` with their targets and four quarterly results."""
    indicators = load_indicators(session, year=year, agency_code=agency_code)
    if not indicators:
        return []
    # The indicators of the year (and agency) are selected by joining the indicator table
    # with the same filters, never by a list of ids: an IN list of thousands of ids made
    # SQLite probe the entry index once per report and per id (17 s for a regency).
    ind, ag = _INDICATOR.c, _AGENCY.c

    def of_year(query: Select[Any], column: Any) -> Select[Any]:
        query = query.join(_INDICATOR, ind.id == column).where(ind.year == year)
        if agency_code is not None:
            query = query.join(_AGENCY, ag.id == ind.agency_id).where(ag.code == agency_code)
        return query

    t, pk = _TARGET.c, _PK.c
    pk_query = of_year(
        sa_select(t.indicator_id, t.annual, t.tw1, t.tw2, t.tw3, t.tw4, pk.position_id, pk.revision)
        .select_from(_TARGET.join(_PK))
        .where(pk.year == year),
        t.indicator_id,
    )
    if pk_states is not None:
        pk_query = pk_query.where(pk.state.in_(list(pk_states)))
    latest: dict[int, int] = {}
    targets: dict[tuple[int, int], TargetRow] = {}
    connection = session.connection()
    for row in connection.execute(pk_query):
        targets[(row.revision, row.indicator_id)] = TargetRow(
            row.annual, row.tw1, row.tw2, row.tw3, row.tw4
        )
        latest[row.position_id] = max(latest.get(row.position_id, 0), row.revision)
    e, r = _ENTRY.c, _REPORT.c
    entry_query = of_year(
        sa_select(e.indicator_id, e.inputs, e.no_data_reason, r.quarter, r.state)
        .select_from(_ENTRY.join(_REPORT))
        .where(r.year == year),
        e.indicator_id,
    )
    if report_states is not None:
        entry_query = entry_query.where(r.state.in_(list(report_states)))
    entries: dict[tuple[int, int], EntryValues] = {
        (row.indicator_id, row.quarter): EntryValues(row.inputs, row.no_data_reason, row.state)
        for row in connection.execute(entry_query)
    }
    result = []
    for indicator in indicators:
        in_force = latest.get(indicator.position_id)
        target = targets.get((in_force, indicator.id)) if in_force is not None else None
        found = [entries.get((indicator.id, q)) for q in range(1, 5)]
        quarters = [realisation(indicator, entry) for entry in found]
        states = [None if entry is None else entry.state for entry in found]
        goals = quarter_targets(indicator, target)
        result.append(IndicatorInput(indicator, goals, quarters, states))
    return result


@dataclass(frozen=True, slots=True)
class TargetRow:
    """The target columns of a PK target row (what `quarter_targets` reads)."""

    annual: str
    tw1: str | None
    tw2: str | None
    tw3: str | None
    tw4: str | None


@dataclass(frozen=True, slots=True)
class EntryValues:
    """The columns of a report entry that `realisation` reads."""

    inputs: Mapping[str, Any]
    no_data_reason: str | None
    state: str


def load_recap(
    session: Session,
    *,
    year: int,
    quarter: int | None,
    agency_code: str | None = None,
    pk_states: Collection[str] | None = APPROVED_ONLY,
    report_states: Collection[str] | None = None,
    basis: RecapBasis = DEFAULT_BASIS,
) -> Recap:
    """The recap of a quarter (or the year) computed by the engine from one pass of queries."""
    tree = load_org_tree(session)
    items = recap_inputs(
        session,
        year=year,
        agency_code=agency_code,
        pk_states=pk_states,
        report_states=report_states,
    )
    return build_recap(tree, items, year=year, quarter=quarter, basis=basis)


# --- the cache -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    stamp: Stamp
    data: RecapData


@dataclass(frozen=True)
class _Key:
    year: int
    quarter: int | None
    agency_code: str | None
    pk_states: tuple[str, ...] | None
    report_states: tuple[str, ...] | None
    basis: RecapBasis


def data_stamp(session: Session, *, year: int) -> Stamp:
    """A fingerprint of every row the recap of `year` reads, in one query."""
    return as_stamp(session.connection().execute(_stamp_query(), {"year": year}))


@functools.cache
def _stamp_query() -> CompoundSelect[int, int, Any, Any]:
    # Built once (the year is a parameter): constructing it costs more than running it.
    r, pk, i = _REPORT.c, _PK.c, _INDICATOR.c
    year = bindparam("year", type_=Integer)
    return union_all(
        stamp_part(1, r.version + r.changes, r.id).where(r.year == year),
        stamp_part(2, pk.version + pk.changes, pk.id).where(pk.year == year),
        stamp_part(3, i.changes, i.id),  # every year: read from its own small index
        *org_stamp_parts(4),
    )


class RecapCache:
    """Recaps keyed on (database, period, filters), each valid while its stamp holds."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        # Per engine (not per URL): a database dropped and created again under the same
        # URL, as tests do, or restored from a backup behind a restarted application,
        # never meets recaps of its earlier life.
        self._by_engine: weakref.WeakKeyDictionary[Engine, OrderedDict[_Key, _Entry]] = (
            weakref.WeakKeyDictionary()
        )
        self._locks: dict[tuple[int, _Key], threading.Lock] = {}
        self._guard = threading.Lock()
        self.computed = 0  # how many recaps were computed (not served from the cache)

    def get(
        self,
        engine: Engine,
        *,
        year: int,
        quarter: int | None,
        agency_code: str | None = None,
        pk_states: Collection[str] | None = APPROVED_ONLY,
        report_states: Collection[str] | None = None,
        session: Session | None = None,
        basis: RecapBasis = DEFAULT_BASIS,
    ) -> RecapData:
        """The recap as the database holds it now: from the cache when nothing changed. With
        `session` (a request's, unwritten), no second pooled connection is taken meanwhile."""
        pks = None if pk_states is None else tuple(sorted(pk_states))
        reports = None if report_states is None else tuple(sorted(report_states))
        key = _Key(year, quarter, agency_code, pks, reports, basis)
        with _reader(engine, session) as reader:
            stamp = data_stamp(reader, year=year)
        hit = self._fresh(engine, key, stamp)
        if hit is not None:
            return hit
        with self._lock_of(engine, key):
            hit = self._fresh(engine, key, stamp)  # computed while this caller waited
            if hit is not None:
                return hit
            # The stamp read above is older than the rows read now: at worst a change
            # committed in between makes the next request compute again.
            with _reader(engine, session) as reader:
                tree = load_org_tree(reader)
                items = recap_inputs(reader, year=year, agency_code=agency_code,
                                     pk_states=pk_states, report_states=report_states)  # fmt: skip
            # The connection is back in the pool before the formulas run.
            recap = build_recap(tree, items, year=year, quarter=quarter, basis=basis)
            data = RecapData(items, recap)
            self._store(engine, key, _Entry(stamp, data))
            return data

    def clear(self) -> None:
        """Forget every cached recap."""
        with self._guard:
            self._by_engine.clear()

    def _fresh(self, engine: Engine, key: _Key, stamp: Stamp) -> RecapData | None:
        with self._guard:
            entries = self._by_engine.get(engine)
            entry = None if entries is None else entries.get(key)
            if entries is None or entry is None or entry.stamp != stamp:
                return None
            entries.move_to_end(key)
            return entry.data

    def _store(self, engine: Engine, key: _Key, entry: _Entry) -> None:
        with self._guard:
            self.computed += 1
            entries = self._by_engine.setdefault(engine, OrderedDict())
            entries[key] = entry
            entries.move_to_end(key)
            while len(entries) > self._size:
                old, _ = entries.popitem(last=False)
                self._locks.pop((id(engine), old), None)

    def _lock_of(self, engine: Engine, key: _Key) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault((id(engine), key), threading.Lock())


recaps = RecapCache()
"""The process's recap cache (the web application and the CLI share it)."""


def _reader(engine: Engine, session: Session | None) -> AbstractContextManager[Session]:
    return nullcontext(session) if session is not None else Session(engine)


# --- the repository --------------------------------------------------------------------


def entry_inputs(
    session: Session,
    *,
    year: int,
    indicator_ids: Collection[int],
    report_states: Collection[str] | None = None,
) -> dict[tuple[int, int], EntryInputs]:
    """What staff typed per (indicator id, quarter) for these indicators, in one query.

    `recap_inputs` keeps only the results; an exported recap must also show the values
    the formulas ran on, so that a reader can redo the arithmetic (and the dashboard's red
    list the kendala written). Reports in any state unless `report_states`."""
    if not indicator_ids:
        return {}
    query = (
        select(ReportEntry, QuarterlyReport.quarter, QuarterlyReport.state)
        .join(QuarterlyReport)
        .where(QuarterlyReport.year == year, col(ReportEntry.indicator_id).in_(indicator_ids))
    )
    if report_states is not None:
        query = query.where(col(QuarterlyReport.state).in_(list(report_states)))
    return {
        (entry.indicator_id, quarter): EntryInputs(
            indicator_id=entry.indicator_id,
            quarter=quarter,
            report_id=entry.report_id,
            report_state=state,
            inputs={str(k): "" if v is None else str(v) for k, v in (entry.inputs or {}).items()},
            no_data_reason=entry.no_data_reason,
            kendala=entry.kendala,
        )
        for entry, quarter, state in session.exec(query)
    }


def years_with_data(session: Session) -> list[int]:
    """Years that have indicators or reports, newest first (one query)."""
    both = union(
        select(col(IndicatorRow.year).label("year")),
        select(col(QuarterlyReport.year).label("year")),
    ).subquery()
    years = session.exec(select(both.c.year).order_by(both.c.year.desc()))
    return [int(year) for year in years]


class SqlRecaps:
    """The recap of a period (cached) and the data shown around it."""

    def __init__(self, engine: Engine, session: Callable[[], Session]) -> None:
        self._engine = engine
        self._session = session

    def recap(self, *, year: int, quarter: int | None, agency_code: str | None = None,
              basis: RecapBasis = DEFAULT_BASIS) -> RecapData:  # fmt: skip
        """The recap as the database holds it now: from the cache when nothing changed."""
        return recaps.get(
            self._engine, year=year, quarter=quarter, agency_code=agency_code,
            session=self._session(), basis=basis,
        )  # fmt: skip

    def org_tree(self) -> OrgTree:
        """The organisation tree (one query; the tree is rebuilt only when its rows changed)."""
        return load_org_tree(self._session())

    def entry_inputs(
        self, *, year: int, indicator_ids: Collection[int]
    ) -> dict[tuple[int, int], EntryInputs]:
        """What staff typed per (indicator id, quarter), in one query."""
        return entry_inputs(self._session(), year=year, indicator_ids=indicator_ids)

    def years_with_data(self) -> list[int]:
        """Years that have indicators or reports, newest first (one query)."""
        return years_with_data(self._session())

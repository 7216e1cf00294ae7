"""The recap of a period, computed once per change of its data and shared by every request.

A regency's recap reads ~6,000 indicators, their targets and ~25,000 report entries and
runs every formula: about two seconds of Python. Twenty people opening the dashboard or
the API recap at quarter close would each pay that, holding a pooled connection the
whole time. Here it is paid once per change of the data:

- `data_stamp` reads, in one query, a fingerprint of every row the recap of a year
  depends on: per table, the row count, the highest id and the sum of a change counter.
  Positions, officials, assignments, indicators, PKs and reports carry `changes`, bumped
  by every ORM update of the row and of the rows under it (an entry counts on its
  report, a target on its PK, a variable on its indicator: `db.models.count_changes`);
  workflow transitions bump a document's `version`. So any insert, update or delete of
  what the recap reads moves the fingerprint, and the query reads six small indexes or
  tables, not the 25,000 entries of a year. (In theory a delete of the newest row, an
  insert that reuses its id and updates adding up to the deleted row's counter would
  not; the application never deletes those rows.)
- `RecapCache.get` compares the fingerprint with the cached one. On a miss one caller per
  period computes (single flight; the others wait for its result instead of computing
  the same thing), and the database connection is released before the formulas run, so
  waiting and computing never hold the pool.

The recap repository (`db.recaps.SqlRecaps`, `uow.recaps`) serves the use cases from the
process's cache, `recaps`.

The fingerprint is read before the rows, so a change committed in between can only make
the cached entry look older than it is (it is computed again on the next request), never
newer. Several application instances each keep their own cache; each compares with the
database on every request, so none serves a recap older than the last commit.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Engine, Integer, bindparam, union_all
from sqlmodel import Session

from db.database import Stamp, as_stamp, stamp_part
from db.models import (
    IndicatorRow,
    PerjanjianKinerja,
    QuarterlyReport,
)
from db.organisation import load_org_tree, org_stamp_parts
from db.recap_query import APPROVED_ONLY, recap_inputs
from engine.ports import RecapData
from engine.recap import build_recap

CACHE_SIZE = 16  # periods x agencies kept per database (each a few MiB)

_REPORT = QuarterlyReport.metadata.tables["report"]
_PK = PerjanjianKinerja.metadata.tables["pk"]
_INDICATOR = IndicatorRow.metadata.tables["indicator"]


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
    ) -> RecapData:
        """The recap as the database holds it now: from the cache when nothing changed."""
        key = _Key(
            year,
            quarter,
            agency_code,
            None if pk_states is None else tuple(sorted(pk_states)),
            None if report_states is None else tuple(sorted(report_states)),
        )
        with Session(engine) as session:
            stamp = data_stamp(session, year=year)
        hit = self._fresh(engine, key, stamp)
        if hit is not None:
            return hit
        with self._lock_of(engine, key):
            hit = self._fresh(engine, key, stamp)  # computed while this caller waited
            if hit is not None:
                return hit
            # The stamp read above is older than the rows read now: at worst a change
            # committed in between makes the next request compute again.
            with Session(engine) as session:
                tree = load_org_tree(session)
                items = recap_inputs(
                    session,
                    year=year,
                    agency_code=agency_code,
                    pk_states=pk_states,
                    report_states=report_states,
                )
            # The connection is back in the pool before the formulas run.
            data = RecapData(items, build_recap(tree, items, year=year, quarter=quarter))
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

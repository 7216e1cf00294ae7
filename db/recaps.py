"""The recap repository (`engine.ports.RecapRepository`) of a unit of work.

The recap itself comes from the process's cache (`db.recap_cache.recaps`), which reads
in short sessions of its own on the unit of work's engine instead of on the unit of
work's connection. Two reasons: the cache is shared by every request, so what it keys
and stores must be committed data only (a fingerprint read in a transaction that has
written something could key a recap that is later rolled back, `db.database.Stamp`); and on a
miss it gives its connection back before the formulas run, and a writer's unit of work
(the API's: BEGIN IMMEDIATE on SQLite) never takes the write lock to read a recap, let
alone holds it through the two seconds of a regency's formulas. Everything else is read
in the unit of work's session.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from sqlalchemy import Engine
from sqlmodel import Session

from db.dashboard_query import years_with_data
from db.organisation import load_org_tree
from db.recap_cache import recaps
from db.recap_detail import entry_inputs
from engine.org import OrgTree
from engine.ports import EntryInputs, RecapData


class SqlRecaps:
    """The recap of a period (cached) and the data shown around it."""

    def __init__(self, engine: Engine, session: Callable[[], Session]) -> None:
        self._engine = engine
        self._session = session

    def recap(self, *, year: int, quarter: int | None, agency_code: str | None = None) -> RecapData:
        """The recap as the database holds it now: from the cache when nothing changed."""
        return recaps.get(self._engine, year=year, quarter=quarter, agency_code=agency_code)

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

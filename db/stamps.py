"""Fingerprints of committed rows, for caches of what is computed from them.

A part is (tag, row count, sum of a change counter, highest id) over some rows. Counters
only grow (`db.models.count_changes`) and ids are never taken back, so each commit that
inserts or changes such rows moves the fingerprint; reading it is an index or small-table
scan instead of reading the rows themselves. Read fingerprints only in sessions that have
written nothing: uncommitted (and later rolled-back) counts must never key a cache.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, literal
from sqlalchemy import select as sa_select

from db.models import PositionRow

ORG_TABLES = tuple(
    PositionRow.metadata.tables[name] for name in ("position", "official", "assignment")
)


Part = Select[int, int, Any, Any]


def part(tag: int, counter: Any, ident: Any) -> Part:
    """One part of a fingerprint: its tag, the row count, the counter's sum, the highest id."""
    return sa_select(
        literal(tag).label("tag"),
        func.count().label("rows"),
        func.coalesce(func.sum(counter), 0).label("changes"),
        func.coalesce(func.max(ident), 0).label("last_id"),
    )


def org_parts(first_tag: int) -> list[Part]:
    """The parts for positions, officials and assignments (whole tables: a few thousand rows)."""
    return [
        part(first_tag + n, table.c.changes, table.c.id).select_from(table)
        for n, table in enumerate(ORG_TABLES)
    ]


Stamp = tuple[tuple[int, ...], ...]


def as_stamp(rows: Any) -> Stamp:
    """The fetched parts as a comparable value."""
    return tuple(sorted(tuple(int(x) for x in row) for row in rows))

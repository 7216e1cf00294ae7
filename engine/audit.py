"""The hash chains of the transition log and of the admin log: tampering is detectable.

Each transition log row's hash covers its own fields and the hash of the document's
previous row; the document keeps the hash of its last row. Altering a row
breaks its hash, removing one breaks the next row's link (or the document's
head), and inserting one breaks both.

The admin log is one chain for the whole database: each row's hash covers its id, its
fields and the previous row's hash, and the ids are numbered 1, 2, 3... without a gap
(the engine gives each new row the last id + 1 while the chain is locked). Altering a
row breaks its hash, removing or inserting one breaks the next row's link or the
numbering. The limit: nothing outside the table keeps the admin chain's head, so
removing the newest rows (and only those) leaves a shorter chain that still holds;
`kinerja audit verify` prints the head, and each append logs it, for an operator to
compare with a copy kept elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

HASHED_FIELDS = (
    "doc_type",
    "doc_id",
    "visit",
    "action",
    "from_state",
    "to_state",
    "actor_official_id",
    "actor_name",
    "actor_nip",
    "acting_status",
    "acting_position_id",
    "acting_title",
    "comment",
    "at",
)


_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
"""The one encoder of the canonical form (what `json.dumps` with these options builds per call)."""


ADMIN_HASHED_FIELDS = ("id", "at", "actor", "action", "subject", "before", "after")
"""The admin log's fields under its hash (before and after as the JSON text stored)."""


def entry_hash(fields: Mapping[str, Any], prev_hash: str | None) -> str:
    """SHA-256 over the canonical JSON of the hashed fields and the previous hash."""
    return _hash(HASHED_FIELDS, fields, prev_hash)


def admin_entry_hash(fields: Mapping[str, Any], prev_hash: str | None) -> str:
    """SHA-256 over the canonical JSON of an admin log row's fields and the previous hash."""
    return _hash(ADMIN_HASHED_FIELDS, fields, prev_hash)


def _hash(names: Sequence[str], fields: Mapping[str, Any], prev_hash: str | None) -> str:
    payload = {name: _canonical(fields.get(name)) for name in names}
    payload["prev_hash"] = prev_hash
    encoded = _CANONICAL_JSON.encode(payload)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> Any:
    """Moments in UTC (as the log column stores them), whatever zone they came in."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("the audit logs hash aware datetimes only")
        return value.astimezone(UTC).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class ChainBreak:
    """The first place a document's chain does not hold, described for an auditor."""

    doc: str
    row_id: int | None
    message: str


def verify_chain(
    doc: str, rows: Sequence[tuple[int, Mapping[str, Any], str | None, str]], head: str | None
) -> ChainBreak | None:
    """Check one document's rows (id, fields, prev_hash, hash) in order against its head hash."""
    previous: str | None = None
    last_id: int | None = None
    for row_id, fields, prev_hash, stored in rows:
        if prev_hash != previous:
            where = f"setelah baris #{last_id}" if last_id is not None else "di awal"
            return ChainBreak(
                doc, row_id, f"baris log {where} hilang atau disisipkan (sebelum #{row_id})"
            )
        if entry_hash(fields, prev_hash) != stored:
            return ChainBreak(doc, row_id, f"baris log #{row_id} telah diubah")
        previous, last_id = stored, row_id
    if previous != head:
        if last_id is None:
            return ChainBreak(doc, None, "semua baris log dokumen ini hilang")
        return ChainBreak(doc, last_id, f"baris log terakhir setelah #{last_id} hilang atau diubah")
    return None


def changes_json(values: Mapping[str, Any] | None) -> str | None:
    """The before or after of an admin action as the JSON text stored and hashed (keys
    sorted, dates as ISO text), or None when there is none."""
    if values is None:
        return None
    return _CANONICAL_JSON.encode({key: _canonical(value) for key, value in values.items()})


def verify_admin_chain(
    rows: Sequence[tuple[int, Mapping[str, Any], str | None, str]],
) -> tuple[int | None, str] | None:
    """Check the admin log (id, fields, prev_hash, hash; by id): the first break as the row
    id it is found at and a sentence (Indonesian), or None when the chain holds."""
    previous: str | None = None
    last_id = 0
    for row_id, fields, prev_hash, stored in rows:
        if row_id != last_id + 1:
            if row_id > last_id + 1:
                gone = (
                    f"#{last_id + 1}" if row_id == last_id + 2 else f"#{last_id + 1}-#{row_id - 1}"
                )
                return row_id, f"baris log admin {gone} hilang (sebelum #{row_id})"
            return row_id, f"nomor baris log admin #{row_id} tidak berurutan"
        if prev_hash != previous:
            where = f"setelah baris #{last_id}" if last_id else "di awal"
            return row_id, f"rantai log admin putus {where}: baris #{row_id} tidak menyambung"
        if admin_entry_hash({**fields, "id": row_id}, prev_hash) != stored:
            return row_id, f"baris log admin #{row_id} telah diubah"
        previous, last_id = stored, row_id
    return None


@dataclass(frozen=True)
class AdminLogRow:
    """One row of the admin log as stored: who did what to what, from what to what, when."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    before: str | None
    """The values before the action, as the JSON text stored (None: nothing before)."""
    after: str | None
    """The values after the action, as the JSON text stored (None: nothing after)."""
    prev_hash: str | None
    hash: str

    @property
    def fields(self) -> dict[str, Any]:
        """The hashed fields (ADMIN_HASHED_FIELDS) as stored."""
        return {name: getattr(self, name) for name in ADMIN_HASHED_FIELDS}

    def values(self, which: str) -> dict[str, Any]:
        """The before or after values as a dict ({} when none or unreadable)."""
        text = self.before if which == "before" else self.after
        if not text:
            return {}
        try:
            loaded = json.loads(text)
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {"nilai": loaded}


@dataclass(frozen=True)
class AdminLogQuery:
    """Which admin log rows to list, newest first: an action kind (the code or its prefix
    before the dot), a text found in the actor, subject, before or after, a window of
    moments [since, until), and the page."""

    action: str | None = None
    text: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    offset: int = 0
    limit: int = 50

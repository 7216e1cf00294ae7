"""The hash chain of the transition log: tampering with history is detectable.

Each log row's hash covers its own fields and the hash of the document's
previous row; the document keeps the hash of its last row. Altering a row
breaks its hash, removing one breaks the next row's link (or the document's
head), and inserting one breaks both.
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


def entry_hash(fields: Mapping[str, Any], prev_hash: str | None) -> str:
    """SHA-256 over the canonical JSON of the hashed fields and the previous hash."""
    payload = {name: _canonical(fields.get(name)) for name in HASHED_FIELDS}
    payload["prev_hash"] = prev_hash
    encoded = _CANONICAL_JSON.encode(payload)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> Any:
    """Moments in UTC (as the log column stores them), whatever zone they came in."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("the transition log hashes aware datetimes only")
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

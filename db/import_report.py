"""What an import did, and the in-place update that keeps re-imports idempotent."""

from __future__ import annotations

from collections.abc import Mapping


def apply_values(row: object, values: Mapping[str, object]) -> bool:
    """Set the attributes that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed

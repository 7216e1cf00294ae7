"""What an import (organisation, catalogue, workbook) did: rows created, updated, unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """Rows created, updated and unchanged per kind; keys present only in the database."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    not_in_file: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        """Count one row of `kind` as created, updated or unchanged."""
        bucket: dict[str, int] = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        """True when anything was created or updated."""
        return bool(self.created or self.updated)

    def summary(self) -> str:
        """One line in Bahasa Indonesia for the CLI."""
        parts = []
        for label, bucket in (("baru", self.created), ("diubah", self.updated)):
            if bucket:
                counts = ", ".join(f"{v} {k}" for k, v in sorted(bucket.items()))
                parts.append(f"{label}: {counts}")
        if not parts:
            return "Tidak ada perubahan: basis data sudah sama dengan berkas."
        return "Impor selesai; " + "; ".join(parts) + "."

"""The budget lines of a Perjanjian Kinerja: programme, kegiatan, sub kegiatan and anggaran."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class BudgetLine:
    """A programme / kegiatan / sub kegiatan line with its budget in rupiah."""

    program: str
    anggaran: Decimal
    kegiatan: str | None = None
    sub_kegiatan: str | None = None

"""Reading the Target and Anggaran sheets: PK targets and budget lines per position.

Targets are kept as typed ("80-90"), checked with `engine.capaian.parse_target`
and `engine.targets.QuarterTargets` (the same rules as `engine.pk.checked_targets`);
budget amounts are exact Decimals with at most two decimals (rupiah and sen).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from documents.xlsx.catalogue_cells import Cells, SheetRow
from engine.budget import BudgetLine
from engine.capaian import parse_target
from engine.catalogue_workbook import PositionBudget, StoredIndicator, TargetRow
from engine.targets import QuarterTargets

__all__ = ["MAX_BUDGET", "PositionBudget", "TargetRow", "read_budget", "read_targets"]

MAX_BUDGET = Decimal(10) ** 16
"""The column holds 18 digits with 2 decimals."""


def read_targets(
    cells: Cells,
    rows: list[SheetRow],
    positions: frozenset[str] | None,
    indicators: Mapping[str, StoredIndicator],
    codes: frozenset[str],
    year: int | None,
) -> list[TargetRow]:
    """Check every target row; `indicators` are the usable ones, `codes` all on the sheet."""
    result: list[TargetRow] = []
    first: dict[str, int] = {}
    for row in rows:
        before = len(cells.problems)
        position = _position(cells, row, positions)
        code = cells.line(row, "indicator")
        info = indicators.get(code) if code is not None else None
        if code is not None:
            if code in first:
                cells.at(
                    row,
                    "indicator",
                    f"target indikator '{code}' ganda (pertama di baris {first[code]})",
                )
            first.setdefault(code, row.number)
            if info is None and code not in codes:
                where = f"katalog {year}" if year else "katalog"
                message = f"indikator '{code}' tidak ada di lembar Indikator maupun {where}"
                cells.at(row, "indicator", message)
            if info is not None and position is not None and info.position != position:
                cells.at(row, "position", f"indikator '{code}' milik jabatan '{info.position}'")
        annual = cells.target(row, "annual", required=True)
        typed = tuple(cells.target(row, f"tw{q}", required=False) for q in range(1, 5))
        reason = cells.text(row, "tw4_reason", required=False)
        if len(cells.problems) > before or position is None or code is None or annual is None:
            continue
        quarters = (typed[0], typed[1], typed[2], typed[3])
        if info is not None and not reason and typed[0] and typed[1] and typed[2] and typed[3]:
            parsed = (
                parse_target(typed[0]),
                parse_target(typed[1]),
                parse_target(typed[2]),
                parse_target(typed[3]),
            )
            check = QuarterTargets(parse_target(annual), parsed, info.target_mode).check(
                info.rollup
            )
            if check.reason_required:
                cells.at(row, "tw4_reason", f"{check.reason_required}; isi Alasan TW IV")
                continue
        result.append(TargetRow(row, position, code, annual, quarters, reason))
    return result


def read_budget(
    cells: Cells, rows: list[SheetRow], positions: frozenset[str] | None
) -> list[PositionBudget]:
    """Budget lines grouped by position (each group replaces that PK's lines)."""
    grouped: dict[str, list[tuple[SheetRow, BudgetLine]]] = {}
    for row in rows:
        before = len(cells.problems)
        position = _position(cells, row, positions)
        program = cells.line(row, "program")
        kegiatan = cells.line(row, "kegiatan", required=False)
        sub_kegiatan = cells.line(row, "sub_kegiatan", required=False)
        amount = cells.number(row, "anggaran")
        if amount is not None:
            if amount < 0:
                cells.at(row, "anggaran", "anggaran tidak boleh negatif")
            elif amount >= MAX_BUDGET:
                cells.at(row, "anggaran", "anggaran terlalu besar")
            elif amount != amount.quantize(Decimal("0.01")):
                cells.at(row, "anggaran", "paling banyak 2 angka di belakang koma")
        if len(cells.problems) > before or position is None or program is None or amount is None:
            continue
        line = BudgetLine(program, amount, kegiatan, sub_kegiatan)
        grouped.setdefault(position, []).append((row, line))
    return [
        PositionBudget(code, tuple(r for r, _ in items), tuple(line for _, line in items))
        for code, items in grouped.items()
    ]


def _position(cells: Cells, row: SheetRow, positions: frozenset[str] | None) -> str | None:
    code = cells.line(row, "position")
    if code is not None and positions is not None and code not in positions:
        cells.at(row, "position", f"jabatan '{code}' tidak dikenal")
        return None
    return code

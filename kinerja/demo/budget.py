"""The demo's PK budget lines, consistent from the Kepala Seksi up to the Kepala Dinas.

PermenPAN-RB 53/2014 lists in each PK the budget the signatory answers for: a Kepala Seksi or
Kepala Sub Bagian (and a pelaksana) the sub kegiatan of their unit, a Kepala Bidang or the
Sekretaris the kegiatan of the bidang (the sum of its sub kegiatan), the Kepala Dinas the
programmes (the sum of all). So every PK's total is the sum of its own sub kegiatan and of
those below it: a superior's total is never less than the sum of its subordinates'. The
amounts are fictional, drawn at the scale of a Gresik dinas (some 20-30 billion rupiah
of direct spending, a few billion a bidang).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import Decimal

from engine.budget import BudgetLine
from engine.org import Level, Position

SUPPORT_PROGRAM = "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota"
SUB_KEGIATAN = (
    "Koordinasi, Sinkronisasi dan Pelaksanaan {unit}",
    "Fasilitasi dan Pendampingan {unit}",
    "Pembinaan dan Pengawasan {unit}",
)
MILLION = Decimal(1_000_000)


def demo_budgets(
    positions: Mapping[int, Position], rng: random.Random
) -> dict[int, list[BudgetLine]]:
    """Each position's PK budget lines, by position id."""
    children: dict[int, list[int]] = {}
    for position in positions.values():
        if position.parent_id is not None:
            children.setdefault(position.parent_id, []).append(position.id)
    own = {p.id: _own_lines(p, positions, rng) for p in positions.values()}

    def below(position_id: int) -> list[BudgetLine]:
        lines = list(own[position_id])
        for child in children.get(position_id, []):
            lines += below(child)
        return lines

    budgets: dict[int, list[BudgetLine]] = {}
    for position in positions.values():
        lines = below(position.id)
        if position.level is Level.JPT_PRATAMA:
            budgets[position.id] = _grouped(lines, by_kegiatan=False)
        elif position.level is Level.ADMINISTRATOR:
            budgets[position.id] = _grouped(lines, by_kegiatan=True)
        else:
            budgets[position.id] = lines
    return budgets


def budget_total(lines: list[BudgetLine]) -> Decimal:
    """The sum of a PK's budget lines."""
    return sum((line.anggaran for line in lines), Decimal(0))


def _own_lines(
    position: Position, positions: Mapping[int, Position], rng: random.Random
) -> list[BudgetLine]:
    """The sub kegiatan a Kepala Seksi, Kepala Sub Bagian or pelaksana answers for."""
    if position.level in (Level.JPT_PRATAMA, Level.ADMINISTRATOR):
        return []
    bidang = _bidang(position, positions)
    program = (
        SUPPORT_PROGRAM
        if bidang is None or not bidang.unit_name.startswith("Bidang")
        else f"Program Pengembangan {bidang.unit_name.removeprefix('Bidang ')}"
    )
    kegiatan = f"Kegiatan {(bidang or position).unit_name}"
    count, low, high = (2, 60, 300) if position.level is Level.PENGAWAS else (1, 20, 80)
    return [
        BudgetLine(
            program=program,
            kegiatan=kegiatan,
            sub_kegiatan=SUB_KEGIATAN[(position.id + n) % len(SUB_KEGIATAN)].format(
                unit=position.unit_name
            ),
            anggaran=Decimal(rng.randint(low, high)) * 5 * MILLION,
        )
        for n in range(count)
    ]


def _bidang(position: Position, positions: Mapping[int, Position]) -> Position | None:
    """The Administrator-level unit (bidang or sekretariat) the position belongs to."""
    current: Position | None = position
    while current is not None and current.level is not Level.ADMINISTRATOR:
        current = None if current.parent_id is None else positions.get(current.parent_id)
    return current


def _grouped(lines: list[BudgetLine], *, by_kegiatan: bool) -> list[BudgetLine]:
    """Lines summed by programme (the Kepala Dinas) or by programme and kegiatan."""
    sums: dict[tuple[str, str | None], Decimal] = {}
    for line in lines:
        key = (line.program, line.kegiatan if by_kegiatan else None)
        sums[key] = sums.get(key, Decimal(0)) + line.anggaran
    return [BudgetLine(program, total, kegiatan) for (program, kegiatan), total in sums.items()]

"""The seeded demo is at the scale of Gresik (issue 16, item 12), read back from its database.

Orders of magnitude, approximate: about 10^5 usaha mikro, IKM in the thousands, active
cooperatives in the hundreds with a yearly turnover in the hundreds of billions of rupiah,
exports in the hundreds of millions of USD a year. Counts are whole; IHK inputs are a month's
% change between -0,5 and +1; the PKs (and their targets) were signed before any report was
made; every PK's budget is at least the sum of its direct subordinates' and the Kepala Dinas's
is the agency's direct spending. Before issue 16 the demo had about 3.000 usaha mikro in all,
cooperative turnover of Rp 0,2-0,4 billion a year, IHK index levels entered as % changes and
targets computed from the realisations.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

COUNT_UNITS = {"jumlah", "berkas", "koperasi", "orang", "unit", "dokumen"}


@pytest.fixture(scope="module")
def demo(demo_template: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{demo_template}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def inputs(demo: sqlite3.Connection, quarter: int) -> dict[str, set[Decimal]]:
    """Every value typed for each input name in the reports of a quarter."""
    found: dict[str, set[Decimal]] = {}
    rows = demo.execute(
        "SELECT e.inputs FROM report_entry e JOIN report r ON r.id = e.report_id "
        "WHERE r.year = 2021 AND r.quarter = ?",
        (quarter,),
    )
    for (typed,) in rows:
        for name, value in json.loads(typed).items():
            found.setdefault(name, set()).add(Decimal(value))
    return found


def one(values: dict[str, set[Decimal]], name: str) -> Decimal:
    """The one value an input has wherever the catalogue repeats it."""
    assert len(values[name]) == 1, (name, values[name])
    return next(iter(values[name]))


def test_the_regency_is_at_gresik_scale(demo: sqlite3.Connection) -> None:
    tw3 = inputs(demo, 3)
    assert 50_000 <= one(tw3, "um_seluruh") <= 200_000  # around 10^5 usaha mikro
    assert 1_000 <= one(tw3, "ikm_terdata") < 10_000  # IKM in the thousands
    assert 100 <= one(tw3, "koperasi_aktif_seluruh") < 1_000  # active cooperatives: hundreds
    # To date at TW III (three quarters of the year's flow, roughly): scaled to a year.
    turnover = one(tw3, "omzet_koperasi_tahun_n") * 4 / 3
    assert Decimal("100e9") <= turnover < Decimal("1e12"), turnover  # hundreds of billions Rp
    exports = one(tw3, "nilai_ekspor_tahun_n") * 4 / 3
    assert Decimal("100e6") <= exports < Decimal("1e9"), exports  # hundreds of millions USD
    # A part is never more than its whole.
    assert one(tw3, "um_difasilitasi") < one(tw3, "um_seluruh")
    assert one(tw3, "koperasi_aktif_grade_a") < one(tw3, "koperasi_aktif_seluruh")


def test_counts_are_whole_and_ihk_is_a_monthly_change(demo: sqlite3.Connection) -> None:
    units = {
        name: unit.strip().lower()
        for name, unit in demo.execute("SELECT name, unit FROM indicator_variable")
    }
    counts = {name for name, unit in units.items() if unit in COUNT_UNITS}
    assert {"um_seluruh", "ikm_terdata", "berkas_bulan_1"} <= counts
    ihk_seen = 0
    for quarter in (1, 2, 3):
        for name, values in inputs(demo, quarter).items():
            if name in counts:
                assert all(v == v.to_integral_value() for v in values), (quarter, name, values)
            if name.startswith("ihk_bulan"):
                ihk_seen += len(values)
                assert all(Decimal("-0.5") <= v <= Decimal(1) for v in values), (name, values)
    assert ihk_seen >= 3


def test_targets_were_signed_before_any_report(demo: sqlite3.Connection) -> None:
    last_pk_approval = demo.execute(
        "SELECT max(at) FROM transition_log WHERE doc_type = 'pk' AND to_state = 'approved'"
    ).fetchone()[0]
    first_report_step = demo.execute(
        "SELECT min(at) FROM transition_log WHERE doc_type = 'report'"
    ).fetchone()[0]
    assert last_pk_approval < first_report_step
    # That the targets do not follow from the realisations: tests/unit/test_demo_numbers.py.


def test_budgets_add_up_the_cascade(demo: sqlite3.Connection) -> None:
    totals = dict(
        demo.execute(
            "SELECT p.position_id, sum(b.anggaran) FROM pk_budget_line b "
            "JOIN pk p ON p.id = b.pk_id WHERE p.revision = 1 GROUP BY p.position_id"
        ).fetchall()
    )
    parents = dict(demo.execute("SELECT id, parent_id FROM position").fetchall())
    below: dict[int, Decimal] = {}
    for position, parent in parents.items():
        if parent is not None and position in totals:
            below[parent] = below.get(parent, Decimal(0)) + Decimal(str(totals[position]))
    for position, subordinates in below.items():
        assert Decimal(str(totals[position])) >= subordinates, position
    head = next(p for p, parent in parents.items() if parent is None)
    head_total = Decimal(str(totals[head]))
    assert Decimal("10e9") <= head_total < Decimal("100e9")  # tens of billions of rupiah
    assert head_total == one(inputs(demo, 3), "anggaran_belanja_langsung")

"""The transitions benchmark compares the same work: the same statements, the same rows.

Runs the benchmark's harness on SQLite files for one round (no timing is asserted): Kinerja
and the fair Django peer send the same statements per cycle (Kinerja's submit adds the reads of
its narrative guard), start from the same rows, and write the same log rows (hashes included)
and outbox rows (the harness itself stops if the rows differ); the old peer sends fewer.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is a folder of the checkout, not an installed package
    sys.path.insert(0, str(ROOT))

from bench import bench_transitions  # noqa: E402
from bench.django_peer import SQLITE, SQLITE_OLD, close, configure  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def row(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bench_transitions.Row]:
    folder = tmp_path_factory.mktemp("bench-transitions")
    configure(folder, None)  # Django is configured once per process: this module only
    try:
        yield bench_transitions.run_backend(
            "sqlite (file, WAL)", "sqlite", f"sqlite:///{folder / 'kinerja.db'}",
            (SQLITE, SQLITE_OLD), rounds=1,
        )  # fmt: skip
    finally:
        close(SQLITE)
        close(SQLITE_OLD)


def test_kinerja_and_the_peer_send_the_same_statements(row: bench_transitions.Row) -> None:
    kinerja, peer = row.statements["kinerja"], row.statements["peer"]
    # if Kinerja's statements change, the peer must follow; the one exception is the submit's
    # narrative guard (issue 17 item 4), whose reads the peer has no tables for
    assert kinerja == bench_transitions.peer_plus_guard(peer, row.cycles)
    assert kinerja - peer == {"SELECT": bench_transitions.NARRATIVE_GUARD_READS * row.cycles}
    assert kinerja["UPDATE"] == 3 * row.cycles and kinerja["INSERT"] == 6 * row.cycles


def test_the_old_peer_sent_fewer(row: bench_transitions.Row) -> None:
    assert sum(row.statements["old peer"].values()) == 12 * row.cycles


def test_both_start_from_the_same_rows_and_write_the_same_number(
    row: bench_transitions.Row,
) -> None:
    assert row.start_rows["kinerja"] == row.start_rows["peer"]
    assert row.written == (3 * row.cycles, 3 * row.cycles)


def test_the_table_prints_both_counts_and_both_ratios(row: bench_transitions.Row) -> None:
    table = bench_transitions.format_table([row], [], rounds=1)
    assert "fair: kinerja/peer" in table and "old: kinerja/old peer" in table
    counts = bench_transitions.per_cycle(row.statements["kinerja"], row.cycles)
    assert f"kinerja {counts}" in table
    peer = bench_transitions.per_cycle(row.statements["peer"], row.cycles)
    assert f"peer    {peer}  [same + 7 SELECT of the narrative guard]" in table

"""Saves, previews and logins at once on SQLite: nothing refused for the lock, nothing lost.

A real `kinerja serve` on the demo's SQLite file; twenty clients (four sessions for each of
five holders of a TW III draft) preview and save their reports over and over while eight
anonymous clients post wrong logins (tests/load.py). Only statuses are asserted: every
save answers 200 or 409 (the holder's other session saved first: refused, never a silent
overwrite), every preview 200, every login 401; no 503, no 500. `python -m bench
bench_load` runs the same load and records its p95s.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.load import demo_server, run_load


def test_twenty_savers_and_eight_logins_get_no_503(tmp_path: Path) -> None:
    with demo_server(tmp_path) as server:
        result = run_load(server, rounds=6, login_attempts=6)
    assert result.failures == []
    saves, previews, logins = (result.statuses[k] for k in ("save", "preview", "login"))
    assert sum(saves.values()) == sum(previews.values()) == 20 * 6
    assert set(saves) <= {200, 409}, saves
    assert saves[200] >= 5  # every holder saved at least once
    assert previews == Counter({200: 120}), previews
    assert logins == Counter({401: 48}), logins

"""Saves, previews and logins at once on SQLite (issue 14): statuses and p95s.

The load of tests/integration/test_load.py (tests/load.py): a real `kinerja serve --demo` on
a SQLite file with the clock on 8 October 2021; twenty signed-in clients (four browser
sessions for each of five holders of a TW III draft) each open their report, ask for the
live preview and save with the version the page was built on, ROUNDS times; eight anonymous
clients post wrong logins (a password hash each) meanwhile. The baseline is the same
holders' requests with one client alone, and the logins with one anonymous client alone,
in the same run. What must hold: saves answer 200
or 409 only, previews 200, logins 401: none 503 (a request that waited too long for the
write lock) and none 500.

Run: `python -m bench bench_load [--port PORT] [--rounds N]` (about a minute).
"""

from __future__ import annotations

import statistics
import tempfile
from collections import Counter
from pathlib import Path

from bench._options import Options, Outcome
from tests.load import LoadResult, demo_server, run_load

LOGIN_ATTEMPTS = 10


def _row(kind: str, alone: LoadResult, loaded: LoadResult) -> str:
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted(loaded.statuses[kind].items()))
    base = alone.p95_ms(kind) if kind in alone.latencies else float("nan")
    p50 = statistics.median(loaded.latencies[kind]) * 1000
    p95 = loaded.p95_ms(kind)
    ratio = p95 / base if base == base else float("nan")
    count = len(loaded.latencies[kind])
    return f"{kind:<8} {count:>5} {p50:>8.1f} {p95:>8.1f} {base:>9.1f} {ratio:>6.1f}x  {statuses}"


def run(options: Options) -> Outcome:
    rounds = max(1, options.rounds)
    with (
        tempfile.TemporaryDirectory(prefix="kinerja-bench-load-") as folder,
        demo_server(Path(folder), port=options.port or None) as server,
    ):
        alone = run_load(server, rounds=rounds, holders=1, sessions=1, login_clients=0)
        logins = run_load(server, rounds=0, holders=1, sessions=1, login_clients=1,
                          login_attempts=LOGIN_ATTEMPTS)  # fmt: skip
        alone.latencies["login"] = logins.latencies["login"]
        loaded = run_load(server, rounds=rounds, login_attempts=LOGIN_ATTEMPTS)
    statuses = {
        kind: Counter(loaded.statuses.get(kind, {})) for kind in ("save", "preview", "login")
    }
    refused = sum(n for counts in statuses.values() for s, n in counts.items() if s >= 500)
    ok = (
        not loaded.failures
        and set(statuses["save"]) <= {200, 409}
        and set(statuses["preview"]) == {200}
        and set(statuses["login"]) == {401}
    )
    header = (
        f"Load on SQLite: 20 clients (5 holders x 4 sessions) x {rounds} rounds of page + preview "
        f"+ save, with 8 anonymous clients x {LOGIN_ATTEMPTS} wrong logins\n"
        "baseline: one client alone (page + preview + save; and one alone posting logins), "
        "same run, same server\n"
        f"{'kind':<8} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'alone p95':>9} {'ratio':>7}  statuses"
    )
    lines = [header, "-" * 78]
    lines += [
        _row(kind, alone, loaded)
        for kind in ("preview", "save", "login")
        if kind in loaded.latencies
    ]
    verdict = "met" if ok else "NOT met"
    summary = (
        f"load (SQLite): every save 200/409, preview 200, login 401, {refused} answers >= 500: "
        f"{verdict}; save p95 {loaded.p95_ms('save'):.0f} ms, preview p95 "
        f"{loaded.p95_ms('preview'):.0f} ms, login p95 {loaded.p95_ms('login'):.0f} ms",
    )
    if loaded.failures:
        lines.append("failures: " + "; ".join(loaded.failures))
    table = "\n".join([*lines, summary[0]])
    print(table, flush=True)
    return Outcome(table, summary)

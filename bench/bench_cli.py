"""Benchmark the start of the `kinerja` command against `python -c "import sqlmodel"`.

Every call of the CLI by a person or a script pays its imports. Issue 14 set two targets:
`kinerja --help` under 0.5 s, and a command that reads the database
(`kinerja report show ID --json`) within 1.3x of importing SQLModel alone, the floor of
any command that touches the database. The three are measured in the same run, alternating,
each a fresh process; the demo database is SQLite in a temporary folder, seeded with
`kinerja db upgrade` and `kinerja demo seed` (not timed). No assertions: this reports.

Run: `python -m bench bench_cli` (about half a minute).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from bench._options import Options, Outcome, parse

REPEATS = 11
HELP_TARGET = 0.5  # seconds
SHOW_TARGET = 1.3  # ratio to the baseline

KINERJA = [sys.executable, "-m", "kinerja"]


def run_process(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> str:
    """Run one process to its end and return its output (an error stops the benchmark)."""
    done = subprocess.run(
        list(argv), env=dict(env), cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def seeded(folder: Path) -> tuple[dict[str, str], int]:
    """The environment of a seeded demo database in `folder`, and one report's id."""
    env = {
        **os.environ,
        "KINERJA_DATABASE_URL": f"sqlite:///{folder / 'kinerja.db'}",
        "KINERJA_EVIDENCE_DIR": str(folder / "evidence"),
        "KINERJA_LOG_LEVEL": "WARNING",
    }
    run_process([*KINERJA, "db", "upgrade"], env, folder)
    run_process([*KINERJA, "demo", "seed", "--year", "2021"], env, folder)
    report_id = 1
    shown = json.loads(
        run_process([*KINERJA, "report", "show", str(report_id), "--json"], env, folder)
    )
    if shown.get("id") != report_id:
        raise RuntimeError(f"report {report_id} not found in the demo database: {shown}")
    return env, report_id


def medians(commands: Mapping[str, Sequence[str]], env: Mapping[str, str], cwd: Path) -> dict:
    """Median wall time of each command over REPEATS rounds, the order rotating."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    order = list(commands.items())
    for repeat in range(REPEATS):
        shift = repeat % len(order)  # each command first in turn
        for name, argv in order[shift:] + order[:shift]:
            start = time.perf_counter()
            run_process(argv, env, cwd)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def format_table(result: Mapping[str, float], report_id: int) -> str:
    base = result["baseline"]
    help_ok = "met" if result["help"] < HELP_TARGET else "NOT met"
    show_ok = "met" if result["show"] <= SHOW_TARGET * base else "NOT met"
    rows = [
        ('python -c "import sqlmodel" (baseline)', result["baseline"], ""),
        ("kinerja --help", result["help"], f"target < {HELP_TARGET} s: {help_ok}"),
        (
            f"kinerja report show {report_id} --json",
            result["show"],
            f"target <= {SHOW_TARGET}x baseline: {show_ok}",
        ),
    ]
    lines = [
        f"median of {REPEATS} fresh processes each, order rotating; SQLite demo database",
        f"{'command':<40}{'seconds':>9}{'x baseline':>12}  target",
    ]
    lines += [
        f"{name:<40}{seconds:>9.3f}{seconds / base:>11.2f}x  {target}"
        for name, seconds, target in rows
    ]
    return "\n".join(lines)


def summary(result: Mapping[str, float]) -> str:
    """The CLI start times, with their targets."""
    base, show = result["baseline"], result["show"]
    help_ok = "met" if result["help"] < HELP_TARGET else "NOT met"
    show_ok = "met" if show <= SHOW_TARGET * base else "NOT met"
    return (
        f"CLI start: import sqlmodel {base:.3f} s; kinerja --help {result['help']:.3f} s "
        f"(target < {HELP_TARGET} s: {help_ok}); report show --json {show:.3f} s = "
        f"{show / base:.2f}x the baseline (target <= {SHOW_TARGET}x: {show_ok})"
    )


def run(_options: Options) -> Outcome:
    """Run the benchmark, print the table and return it for a runner to collect."""
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-cli-") as name:
        folder = Path(name)
        env, report_id = seeded(folder)
        result = medians(
            {
                "baseline": [sys.executable, "-c", "import sqlmodel"],
                "help": [*KINERJA, "--help"],
                "show": [*KINERJA, "report", "show", str(report_id), "--json"],
            },
            env,
            folder,
        )
    table = format_table(result, report_id)
    print(table)
    return Outcome(table, (summary(result),))


def main(argv: Sequence[str] | None = None) -> str:
    """`python -m bench.bench_cli`: print the table and return it."""
    return run(parse(argv, __doc__)).table


if __name__ == "__main__":
    main()

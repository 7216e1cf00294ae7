"""Benchmark the reminder sweep at 10k, 100k and 1M reports (issue 8).

Targets: a sweep over 1M reports in under a second on SQLite, and the 1M time less than
1.5x the 100k time: the sweep reads pending documents only (index on state), so its cost
should follow the pending work, not the history.

One SQLite database grows from 10k to 100k to 1M reports (bench/_sweep_data.py: 2,500
positions in 50 agencies, approved history with one sent rung each). Two series:

- *fixed pending*: 1,000 pending reports at every size (the history grows around them),
  which is what the 1.5x target is about;
- *1% pending*: 100, 1,000 and 10,000 pending reports, the issue's literal "1% near a
  deadline", where the work itself grows tenfold per step.

`plan` reads and computes the due rungs; `sweep` also claims them and enqueues the digests
(its output is deleted, untimed, between repeats). Medians of REPEATS, wall and CPU time
(this machine is shared: CPU time is the steadier figure), the 10,000-pending case too now
that it takes about a second. Peak RSS is measured in a child process running one full
sweep over 1M reports with 10,000 pending.

Run: `python -m bench bench_sweep`
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from bench import _sweep_data as data
from bench._options import Options, Outcome, parse
from db.database import create_db_engine
from db.uow import SqlUnitOfWork
from engine.policy import Policy
from engine.usecases.reminders import SweepResult, plan, sweep
from workflows.definitions import MACHINES

SIZES = (10_000, 100_000, 1_000_000)
FIXED_PENDING = 1_000
REPEATS = 7  # the small cases take a tenth of a second: noise needs more repeats
ROOT = Path(__file__).parents[1]


@dataclass(frozen=True)
class Timing:
    """Median wall and CPU seconds of a repeated call."""

    wall: float
    cpu: float


@dataclass(frozen=True)
class Row:
    size: int
    pending: int
    rungs: int
    digests: int
    plan: Timing
    sweep: Timing


def measure(
    run: Callable[[], object], reset: Callable[[], None] | None = None, repeats: int = REPEATS
) -> Timing:
    walls, cpus = [], []
    for _ in range(repeats):
        if reset is not None:
            reset()
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(statistics.median(walls), statistics.median(cpus))


POLICY = Policy(machines=MACHINES)


def run_plan(engine: Engine) -> SweepResult:
    with SqlUnitOfWork(engine) as uow:
        return plan(uow, now=data.SWEEP_AT, policy=POLICY)


def run_sweep(engine: Engine) -> SweepResult:
    with SqlUnitOfWork(engine, write=True) as uow:
        return sweep(uow, now=data.SWEEP_AT, policy=POLICY)


def reset(engine: Engine) -> None:
    with engine.begin() as connection:
        data.reset_sweep_output(connection)


def measure_size(engine: Engine, size: int, pending: int) -> Row:
    data.set_pending(engine, pending)
    planned = run_plan(engine)  # warm the page cache once, untimed
    plan_time = measure(lambda: run_plan(engine))
    result = run_sweep(engine)  # and check that the sweep enqueues what plan found
    if result.enqueued_rungs != len(planned.planned) or result.pending != pending:
        raise RuntimeError(f"sweep disagrees with plan at {size:,}: {result.as_json()}")
    sweep_time = measure(lambda: run_sweep(engine), lambda: reset(engine))
    reset(engine)
    print(
        f"  {size:>9,} reports, {pending:>6,} pending: plan {plan_time.wall:.3f}s "
        f"sweep {sweep_time.wall:.3f}s ({result.enqueued_rungs:,} rungs, {result.digests:,} "
        "digests)",
        flush=True,
    )
    return Row(size, pending, result.enqueued_rungs, result.digests, plan_time, sweep_time)


def peak_rss(url: str, pending: int) -> tuple[float, float]:
    """(MiB before the sweep, peak MiB) of a child process that runs one full sweep."""
    code = f"from bench.bench_sweep import _child; _child({url!r}, {pending})"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    return figures["before"] / 1024, figures["peak"] / 1024


def _child(url: str, pending: int) -> None:
    """In the child: open the database, note RSS, sweep once, report the peak (KiB)."""
    engine = create_db_engine(url)
    with SqlUnitOfWork(engine) as uow:  # connect and import everything first
        uow.session.connection()
    before = _status_kib("VmRSS")
    result = run_sweep(engine)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
    peak = _status_kib("VmHWM")
    print(json.dumps({"before": before, "peak": peak, "pending": result.pending}))


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def format_table(rows: list[Row], rss: tuple[float, float], setup: float) -> str:
    header = (
        f"{'reports':>9} {'pending':>7} {'rungs':>6} {'digests':>7} "
        f"{'plan wall':>9} {'plan cpu':>8} {'sweep wall':>10} {'sweep cpu':>9}"
    )
    lines = [
        f"Reminder sweep, SQLite, {data.POSITIONS:,} positions, median of {REPEATS} "
        f"(seconds; data setup {setup:.0f}s)",
        header,
        "-" * len(header),
    ]
    for r in rows:
        lines.append(
            f"{r.size:>9,} {r.pending:>7,} {r.rungs:>6,} {r.digests:>7,} "
            f"{r.plan.wall:>9.3f} {r.plan.cpu:>8.3f} {r.sweep.wall:>10.3f} {r.sweep.cpu:>9.3f}"
        )
    fixed = {r.size: r for r in rows if r.pending == FIXED_PENDING}
    big, mid = fixed[SIZES[-1]], fixed[SIZES[-2]]
    ratio_wall = big.sweep.wall / mid.sweep.wall
    ratio_cpu = big.sweep.cpu / mid.sweep.cpu
    literal = next(r for r in rows if r.size == SIZES[-1] and r.pending == SIZES[-1] // 100)
    lines += [
        "",
        f"1M / 100k full sweep, {FIXED_PENDING:,} pending: {ratio_wall:.2f}x wall, "
        f"{ratio_cpu:.2f}x CPU (target < 1.5x: {'met' if ratio_wall < 1.5 else 'NOT met'})",
        f"1M full sweep, {FIXED_PENDING:,} pending: {big.sweep.wall:.3f}s "
        f"(target < 1s: {'met' if big.sweep.wall < 1 else 'NOT met'}); "
        f"with 1% = {literal.pending:,} pending: {literal.sweep.wall:.3f}s "
        f"({'met' if literal.sweep.wall < 1 else 'NOT met'})",
        f"Peak RSS of a full sweep over 1M reports, {literal.pending:,} pending: "
        f"{rss[1]:.0f} MiB (process before the sweep: {rss[0]:.0f} MiB)",
    ]
    return "\n".join(lines)


def summary(rows: list[Row]) -> str:
    """The binding figure: the 1M sweep over the 100k one, with 1,000 pending."""
    fixed = {r.size: r for r in rows if r.pending == FIXED_PENDING}
    ratio = fixed[SIZES[-1]].sweep.wall / fixed[SIZES[-2]].sweep.wall
    cpu = fixed[SIZES[-1]].sweep.cpu / fixed[SIZES[-2]].sweep.cpu
    met = "met" if ratio < 1.5 else "NOT met"
    return f"sweep 1M / 100k: {ratio:.2f}x wall, {cpu:.2f}x CPU (target < 1.5x: {met})"


def run(_options: Options) -> Outcome:
    """Build the data, time plan and sweep per size, print the table and return it."""
    with tempfile.TemporaryDirectory(prefix="kinerja-sweep-") as tmp:
        url = f"sqlite:///{tmp}/sweep.db"
        setup = 0.0
        began = time.perf_counter()
        engine = data.create(url)
        setup += time.perf_counter() - began
        rows: list[Row] = []
        rss = (0.0, 0.0)
        try:
            for size in SIZES:
                began = time.perf_counter()
                data.grow_history(url, size)
                setup += time.perf_counter() - began
                for pending in sorted({FIXED_PENDING, size // 100}):
                    rows.append(measure_size(engine, size, pending))
            data.set_pending(engine, SIZES[-1] // 100)
            rss = peak_rss(url, SIZES[-1] // 100)
        finally:
            engine.dispose()
    table = format_table(rows, rss, setup)
    print(table)
    return Outcome(table, (summary(rows),))


def main(argv: Sequence[str] | None = None) -> str:
    """`python -m bench.bench_sweep`: print the table and return it."""
    return run(parse(argv, __doc__)).table


if __name__ == "__main__":
    main()

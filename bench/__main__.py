"""Run the benchmarks (`make bench`, `python -m bench [options] [NAME ...]`).

Each ``bench_*.py`` module exposes ``run(options) -> Outcome`` (bench/_options.py): it prints
and returns a small table of medians and ratios against a baseline measured in the same run,
and the lines of its binding figures, which this runner repeats at the end. Each runs in a
process of its own (bench/_one.py), so that no benchmark measures in what another left in
memory. The options
(ports, the PostgreSQL server and scratch database names, repeats) are the same for every
module: `python -m bench --help`. Nothing is written into the checkout unless `--write` is
given: then bench/results.md gets this run's sections (sections of benchmarks not run this
time are kept from the earlier file) and the machine's description.
Figures are for comparison within one run; these machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench._options import Options, Outcome, add_arguments, options_from

HERE = Path(__file__).parent
ROOT = HERE.parent
ALL = sorted(p.stem for p in HERE.glob("bench_*.py"))


def _sections(text: str) -> dict[str, str]:
    """The `## name` sections of an earlier results.md, to keep those not run this time."""
    found: dict[str, str] = {}
    for part in text.split("\n## ")[1:]:
        name = part.split("\n", 1)[0].strip()
        found[name] = "## " + part.rstrip() + "\n"
    return found


def machine() -> str:
    """One paragraph describing where the figures were measured."""
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            kib = int(info.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    cpu = platform.processor() or platform.machine()
    return (
        f"{platform.system()} {platform.release()} on {cpu}, {os.cpu_count()} cores{memory}; "
        f"Python {platform.python_version()}"
    )


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Run Kinerja's benchmarks (default: all)."
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(ALL)}")
    parser.add_argument(
        "--write",
        action="store_true",
        help="write the tables into bench/results.md (otherwise only printed)",
    )
    add_arguments(parser)
    return parser


def write(sections: Sequence[tuple[str, str]], partial: bool) -> Path:
    """bench/results.md with these sections (and, for a partial run, the earlier others)."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    earlier = HERE / "results.md"
    previous = (
        _sections(earlier.read_text(encoding="utf-8")) if partial and earlier.exists() else {}
    )
    merged = {**previous, **dict(sections)}
    text = (
        "# Benchmark results\n\n"
        f"Measured {when} by `make bench` (sections run alone keep their own date inside). "
        f"Machine: {machine()}.\n"
        "Each ratio compares with a baseline measured in the same run; medians of repeats.\n\n"
        + "\n".join(merged[name] for name in sorted(merged))
    )
    earlier.write_text(text, encoding="utf-8")
    return earlier


def run_one(name: str, options: Options) -> Outcome:
    """Run bench/NAME.py in a fresh process (its table printed as it goes); its outcome.
    Raises subprocess.CalledProcessError when the benchmark failed."""
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as folder:
        out = Path(folder) / "outcome.json"
        subprocess.run(
            [sys.executable, "-m", "bench._one", name, str(out), *options.argv()],
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
                ),
            },
            check=True,
        )
        found = json.loads(out.read_text(encoding="utf-8"))
    return Outcome(found["table"], tuple(found["summary"]))


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmarks named on the command line (default: all)."""
    arguments = parser().parse_args(argv)
    unknown = [name for name in arguments.names if name not in ALL]
    if unknown:
        raise SystemExit(f"no benchmark {', '.join(unknown)}; choose from {', '.join(ALL)}")
    options = options_from(arguments)
    names = arguments.names or ALL
    sections: list[tuple[str, str]] = []
    outcomes: list[tuple[str, Outcome, float]] = []
    failed: list[str] = []
    for name in names:
        print(f"== {name}", flush=True)
        began = time.perf_counter()
        try:
            outcome = run_one(name, options)
        except subprocess.CalledProcessError as exc:  # the others still run; exit 1 at the end
            failed.append(name)
            outcome = Outcome(
                f"FAILED in this run (exit status {exc.returncode}; its output is above)",
                (f"{name}: FAILED (exit status {exc.returncode})",),
            )
        outcomes.append((name, outcome, time.perf_counter() - began))
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        sections.append((name, f"## {name}\n\n_{stamp}_\n\n```\n{outcome.table.rstrip()}\n```\n"))
    print("\n== binding figures of this run (each against a baseline measured in it)")
    for name, outcome, seconds in outcomes:
        for line in outcome.summary:
            print(f"  {line}")
        if not outcome.summary:
            print(f"  {name}: no target ({seconds:.0f} s)")
    if arguments.write:
        print(f"written {write(sections, partial=names != ALL)}")
    else:
        print("(not written: `python -m bench --write` writes bench/results.md)")
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()

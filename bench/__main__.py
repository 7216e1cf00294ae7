"""Run every benchmark (`make bench`) and write bench/results.md with the machine's description.

Each ``bench_*.py`` module exposes ``main() -> str`` that prints and returns a
small table of medians and ratios against a baseline measured in the same run.
Figures are for comparison within one run; these machines are noisy.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent


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


def main() -> None:
    """Run the benchmarks named on the command line (default: all) and write results.md."""
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("bench_*.py"))
    sections = []
    for name in names:
        print(f"== {name}", flush=True)
        table = importlib.import_module(f"bench.{name}").main()
        sections.append(f"## {name}\n\n```\n{table.rstrip()}\n```\n")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        "# Benchmark results\n\n"
        f"Measured {when} by `make bench`. Machine: {machine()}.\n"
        "Each ratio compares with a baseline measured in the same run; medians of repeats.\n\n"
        + "\n".join(sections)
    )
    (HERE / "results.md").write_text(text, encoding="utf-8")
    print(f"written {HERE / 'results.md'}")


if __name__ == "__main__":
    main()

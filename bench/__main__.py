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


def main() -> None:
    """Run the benchmarks named on the command line (default: all) and write results.md."""
    names = sys.argv[1:] or ALL
    sections: list[tuple[str, str]] = []
    for name in names:
        print(f"== {name}", flush=True)
        table = importlib.import_module(f"bench.{name}").main()
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        sections.append((name, f"## {name}\n\n_{stamp}_\n\n```\n{table.rstrip()}\n```\n"))
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    earlier = HERE / "results.md"
    previous = (
        _sections(earlier.read_text(encoding="utf-8")) if names != ALL and earlier.exists() else {}
    )
    merged = {**previous, **dict(sections)}
    text = (
        "# Benchmark results\n\n"
        f"Measured {when} by `make bench` (sections run alone keep their own date inside). "
        f"Machine: {machine()}.\n"
        "Each ratio compares with a baseline measured in the same run; medians of repeats.\n\n"
        + "\n".join(merged[name] for name in sorted(merged))
    )
    (HERE / "results.md").write_text(text, encoding="utf-8")
    print(f"written {HERE / 'results.md'}")


if __name__ == "__main__":
    main()

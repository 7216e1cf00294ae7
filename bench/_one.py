"""Run one benchmark in this (fresh) process for `python -m bench`, and hand back its outcome.

`python -m bench._one NAME OUTFILE [options]` runs bench/NAME.py's `run(options)`, which
prints its table, and writes the Outcome to OUTFILE as JSON. The runner starts one process
per benchmark so that none measures in a heap another one left behind: the garbage
collector's full passes walk every live object, so a benchmark run after others in the same
process measured slower, by a different amount for each side.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bench._options import Outcome, parse


def main(argv: Sequence[str]) -> None:
    name, out, *rest = argv
    outcome: Outcome = importlib.import_module(f"bench.{name}").run(parse(rest))
    Path(out).write_text(
        json.dumps({"table": outcome.table, "summary": list(outcome.summary)}), encoding="utf-8"
    )


if __name__ == "__main__":
    main(sys.argv[1:])

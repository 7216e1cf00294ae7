"""`python -m kinerja` is the same as the `kinerja` command."""

from kinerja.cli import run

run()

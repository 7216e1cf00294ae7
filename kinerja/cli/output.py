"""Printing for the CLI: JSON for scripts, short Indonesian lines for people."""

from __future__ import annotations

import json
from typing import Any

import typer


def emit(data: Any, as_json: bool, lines: list[str]) -> None:
    """Print `data` as JSON, or the human `lines`."""
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    for line in lines:
        typer.echo(line)

"""The web application built from the environment, for uvicorn's worker processes.

`kinerja serve --workers N` runs N uvicorn worker processes; each builds its own
application (and database pool) here from the `KINERJA_*` environment, exactly as
`kinerja serve` does in its own process. It can also be served by uvicorn directly:
`uvicorn --factory kinerja.asgi:create --workers 4` (docs/deploy.md).
"""

from __future__ import annotations

from fastapi import FastAPI

from kinerja.cli.state import CliState
from web.app import create_app


def create() -> FastAPI:
    """The application over the database the environment names (schema checked)."""
    return create_app(CliState().container())

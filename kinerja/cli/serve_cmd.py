"""`kinerja serve` and `kinerja config`."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from kinerja.cli.state import state_of
from kinerja.settings import Settings
from web.app import create_app


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Alamat yang didengarkan")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port HTTP")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Mode demo (daftar akun demo)")] = False,
) -> None:
    """Jalankan server web Kinerja."""
    container = state_of(ctx).container(demo=demo)
    typer.echo(f"Kinerja berjalan di http://{host}:{port}/ (Ctrl+C untuk berhenti)")
    uvicorn.run(create_app(container), host=host, port=port, log_level="info")


def show_config(ctx: typer.Context) -> None:
    """Tampilkan pengaturan yang berlaku (sandi disamarkan)."""
    settings: Settings = state_of(ctx).container().settings
    for name, value in settings.model_dump().items():
        typer.echo(f"KINERJA_{name.upper()}={'' if value is None else value}")

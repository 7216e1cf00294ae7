"""`kinerja demo`: fictional data to try Kinerja with."""

from __future__ import annotations

from typing import Annotated

import typer

from kinerja.cli.state import state_of
from kinerja.demo import ADMIN_LOGIN, ADMIN_PASSWORD, DEMO_PASSWORD, has_data, seed_demo

app = typer.Typer(help="Data demo (fiktif).", no_args_is_help=True)


@app.command("seed")
def seed_cmd(
    ctx: typer.Context,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Lewati bila basis data sudah berisi organisasi")
    ] = False,
) -> None:
    """Muat organisasi Diskoperindag Gresik dengan pegawai fiktif, hari libur dan akun demo."""
    container = state_of(ctx).container()
    if if_empty and has_data(container.engine):
        typer.echo("Basis data sudah berisi data; data demo tidak dimuat ulang.")
        return
    report = seed_demo(container.engine, container.clock.now())
    typer.echo(report.summary())
    typer.echo(
        f"Akun demo: email pegawai dengan sandi '{DEMO_PASSWORD}'; "
        f"admin: '{ADMIN_LOGIN}' / '{ADMIN_PASSWORD}'."
    )

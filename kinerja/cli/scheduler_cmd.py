"""`kinerja scheduler`: the daily sweep and the outbox drain, standalone."""

from __future__ import annotations

import typer

from kinerja.cli.state import state_of
from kinerja.notify_app import scheduler


def scheduler_cmd(ctx: typer.Context) -> None:
    """Jalankan penjadwal: sapuan pengingat tiap hari kerja dan pengiriman email tiap 30 detik."""
    container = state_of(ctx).container()
    typer.echo(
        f"Penjadwal berjalan (sapuan pukul {container.settings.sweep_hour:02d}.00 "
        f"{container.settings.timezone}, kirim email tiap 30 detik). Ctrl+C untuk berhenti."
    )
    try:
        scheduler(container, blocking=True).start()
    except (KeyboardInterrupt, SystemExit):
        typer.echo("Penjadwal berhenti.")

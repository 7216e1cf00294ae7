"""`kinerja serve` and `kinerja config`."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from kinerja.cli.scheduler_cmd import sigterm_as_interrupt
from kinerja.cli.state import state_of
from kinerja.notify_app import scheduler
from kinerja.settings import Settings
from notifications.catcher import MailCatcher


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Alamat yang didengarkan")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port HTTP")] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Mode demo: akun demo, server SMTP lokal, kotak surat")
    ] = False,
    with_scheduler: Annotated[
        bool, typer.Option("--scheduler/--no-scheduler", help="Jalankan penjadwal di proses ini")
    ] = True,
) -> None:
    """Jalankan server web Kinerja (dan penjadwal pengingat)."""
    from web.app import create_app

    container = state_of(ctx).container(demo=demo)
    if demo:
        catcher = MailCatcher(
            port=container.settings.smtp_port,
            host=container.settings.smtp_host,
            clock=container.clock,
        )
        catcher.start()
        container.mail_catcher = catcher
        typer.echo(
            f"Server SMTP demo di {catcher.host}:{catcher.port}; "
            f"kotak surat: http://{host}:{port}/demo/kotak-surat"
        )
    background = scheduler(container, blocking=False) if with_scheduler else None
    if background is not None:
        background.start()
    typer.echo(f"Kinerja berjalan di http://{host}:{port}/ (Ctrl+C untuk berhenti)")
    try:
        # uvicorn drains its requests on SIGTERM, then raises the signal again: handled
        # here, so the scheduler below stops too (a drain in flight finishes) and the
        # process exits with status 0, as a service manager expects.
        with sigterm_as_interrupt():
            uvicorn.run(
                create_app(container),
                host=host,
                port=port,
                log_level="info",
                # A restart must not wait on a client that keeps its connection open.
                timeout_graceful_shutdown=10,
            )
    except KeyboardInterrupt:
        pass
    finally:
        if background is not None:
            background.shutdown(wait=True)
        if container.mail_catcher is not None:
            container.mail_catcher.stop()


def show_config(ctx: typer.Context) -> None:
    """Tampilkan pengaturan yang berlaku (sandi disamarkan)."""
    settings: Settings = state_of(ctx).container().settings
    for name, value in settings.model_dump().items():
        typer.echo(f"KINERJA_{name.upper()}={'' if value is None else value}")

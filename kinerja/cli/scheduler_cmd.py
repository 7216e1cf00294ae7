"""`kinerja scheduler`: the daily sweep and the outbox drain, standalone.

Run as a service (systemd, a container), it is stopped with SIGTERM, not Ctrl+C. Both end
it the same way: no new job starts, a drain in flight finishes and records what the mail
server answered, and the process exits with status 0. Killed mid-drain instead, the rows
it had leased would wait for their lease to expire (five minutes) before another
instance sends them.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import typer

from kinerja.cli.state import state_of


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block SIGTERM raises KeyboardInterrupt, so a service stops like Ctrl+C.

    Python's default for SIGTERM ends the process at once: no `finally`, no shutdown of the
    scheduler. Signal handlers belong to the main thread; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def scheduler_cmd(ctx: typer.Context) -> None:
    """Jalankan penjadwal: sapuan pengingat tiap hari kerja dan pengiriman email tiap 30 detik."""
    from kinerja.notify_app import scheduler

    container = state_of(ctx).container()
    typer.echo(
        f"Penjadwal berjalan (sapuan pukul {container.settings.sweep_hour:02d}.00 "
        f"{container.settings.timezone}, kirim email tiap 30 detik). Ctrl+C untuk berhenti."
    )
    jobs = scheduler(container, blocking=True)
    try:
        with sigterm_as_interrupt():
            jobs.start()
    except (KeyboardInterrupt, SystemExit):
        if jobs.running:
            jobs.shutdown(wait=True)  # a drain in flight records its outcomes first
        typer.echo("Penjadwal berhenti.")

"""`kinerja demo`: fictional data to try Kinerja with."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import typer

from kinerja.cli.state import state_of
from kinerja.demo import ADMIN_LOGIN, ADMIN_PASSWORD, DEMO_PASSWORD, has_data, seed_demo
from kinerja.notify_app import advance, drain

app = typer.Typer(help="Data demo (fiktif).", no_args_is_help=True)


@app.command("advance")
def advance_cmd(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="Sampai tanggal (TTTT-BB-HH), mis. 2021-10-15")],
    start: Annotated[
        str | None, typer.Option("--from", help="Mulai tanggal (bawaan: 7 hari sebelum --to)")
    ] = None,
    send: Annotated[
        bool, typer.Option("--send/--no-send", help="Kirim email yang diantrekan")
    ] = True,
) -> None:
    """Majukan demo: jalankan sapuan harian tiap hari kerja sampai tanggal itu, lalu kirim email."""
    last = _day(to, "--to")
    first = _day(start, "--from") if start else last - timedelta(days=7)
    container = state_of(ctx).container()
    for day, outcome in advance(container, first, last):
        if outcome.ran and outcome.sweep is not None:
            typer.echo(
                f"{day.isoformat()}: {outcome.sweep.enqueued_rungs} pengingat/eskalasi dalam "
                f"{outcome.sweep.digests} email ringkasan"
            )
        else:
            typer.echo(f"{day.isoformat()}: {outcome.reason}")
    if send:
        report = drain(container)
        paused = " (server SMTP menolak login: pengiriman dijeda)" if report.paused else ""
        typer.echo(
            f"Email terkirim: {report.sent}, dicoba lagi nanti: {report.retry}, "
            f"gagal: {report.dead}{paused}"
        )


def _day(raw: str, option: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise typer.BadParameter(f"'{raw}' bukan tanggal TTTT-BB-HH", param_hint=option) from None


@app.command("seed")
def seed_cmd(
    ctx: typer.Context,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Lewati bila basis data sudah berisi organisasi")
    ] = False,
    quarters: Annotated[
        int,
        typer.Option(
            "--quarters",
            min=0,
            max=3,
            help="Sampai triwulan berapa tahun demo dijalankan: 3 (TW III sedang berjalan) "
            "atau 0 (awal tahun: PK disetujui, laporan TW I masih kosong)",
        ),
    ] = 3,
) -> None:
    """Muat organisasi Diskoperindag Gresik dengan pegawai fiktif, hari libur dan akun demo."""
    container = state_of(ctx).container()
    if if_empty and has_data(container.engine):
        typer.echo("Basis data sudah berisi data; data demo tidak dimuat ulang.")
        return
    report = seed_demo(container.engine, container.clock.now(), quarters=quarters)
    typer.echo(report.summary())
    typer.echo(
        f"Akun demo: email pegawai dengan sandi '{DEMO_PASSWORD}'; "
        f"admin: '{ADMIN_LOGIN}' / '{ADMIN_PASSWORD}'."
    )

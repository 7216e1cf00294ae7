"""`kinerja demo`: fictional data to try Kinerja with."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import Annotated, Any

import typer

from kinerja.cli.state import state_of

# kinerja.demo.generate.DEFAULT_YEAR, spelled here so `--help` needs no database modules
# (tests/unit/test_cli_imports.py holds them equal).
DEFAULT_YEAR = 2021
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
    from kinerja.notify_app import advance, drain, sweep_moment

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
        # What the last day enqueued is due at its sweep: sent even on a clock not there yet.
        report = drain(container, at_least=sweep_moment(container, last))
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
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            min=2000,
            max=2100,
            help="Tahun demo sebagaimana keadaannya pertengahan Oktober (mis. 2021: sejarah "
            "demo yang dipakai pengujian). Bawaan: tahun berjalan menurut jam, sampai hari ini",
        ),
    ] = None,
    quarters: Annotated[
        int | None,
        typer.Option(
            "--quarters",
            min=0,
            max=3,
            help="Berapa triwulan yang dijalani. Tahun berjalan: bawaan semua triwulan yang "
            "sudah berakhir sebelum triwulan hari ini (yang dibuka); dengan --year: 3 (TW III "
            "sedang berjalan) atau 0 (awal tahun: PK disetujui, laporan TW I masih kosong)",
        ),
    ] = None,
) -> None:
    """Muat organisasi Diskoperindag Gresik dengan pegawai fiktif, hari libur, akun demo dan
    satu tahun PK dan laporan yang dijalankan lewat alur kerja."""
    from kinerja.demo.seed import ADMIN_LOGIN, ADMIN_PASSWORD, DEMO_PASSWORD, has_data, seed_demo

    container = state_of(ctx).container()
    if if_empty and has_data(container.engine):
        typer.echo("Basis data sudah berisi data; data demo tidak dimuat ulang.")
        return
    report = seed_demo(container.engine, container.clock.now(), year=year, quarters=quarters)
    typer.echo(report.summary())
    typer.echo(
        f"Akun demo: email pegawai dengan sandi '{DEMO_PASSWORD}'; "
        f"admin: '{ADMIN_LOGIN}' / '{ADMIN_PASSWORD}'."
    )


@app.command("generate")
def generate_cmd(
    ctx: typer.Context,
    agencies: Annotated[
        int, typer.Option("--agencies", min=1, max=100, help="Jumlah perangkat daerah")
    ] = 40,
    positions: Annotated[
        int,
        typer.Option(
            "--positions-per-agency", min=15, max=500, help="Jumlah jabatan per perangkat daerah"
        ),
    ] = 40,
    years: Annotated[int, typer.Option("--years", min=1, max=10, help="Jumlah tahun")] = 1,
    year: Annotated[
        int, typer.Option("--year", min=2000, max=2100, help="Tahun terakhir")
    ] = DEFAULT_YEAR,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Keadaan data pada tanggal (TTTT-BB-HH; bawaan: 15 Oktober tahun terakhir, "
            "laporan TW III sedang berjalan)",
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Benih acak (hasil sama untuk benih sama)")
    ] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Tambahkan walau basis data sudah berisi data")
    ] = False,
) -> None:
    """Buat kabupaten fiktif (organisasi, indikator, PK, laporan), untuk uji beban."""
    from kinerja.demo.generate import GenerateOptions, generate

    options = GenerateOptions(
        agencies=agencies,
        positions_per_agency=positions,
        years=years,
        year=year,
        as_of=_day(as_of, "--as-of") if as_of else None,
        seed=seed,
        force=force,
    )
    container = state_of(ctx).container()
    typer.echo("Menyusun data...", err=True)
    with _Progress() as progress:
        result = generate(container.engine, options, container.clock.now(), progress.advance)
    typer.echo(result.summary())


class _Progress:
    """A progress bar on stderr while the rows are written, one label per table."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        return self

    def advance(self, table: str, written: int, total: int) -> None:
        """Move the bar to `written` of `total` rows, naming the table being written."""
        if self.bar is None:
            self.bar = typer.progressbar(
                length=total, label="Menulis", file=sys.stderr, show_pos=True
            ).__enter__()
        self.bar.label = f"Menulis {table:<18}"
        self.bar.update(written - self.bar.pos)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

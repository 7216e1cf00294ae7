"""`kinerja holidays`: the holiday table behind every working-day deadline."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from engine.clock import local_date
from engine.holiday_table import GOVERNMENT, LOCAL, PUBLIC
from kinerja.cli.state import console_actor, state_of

app = typer.Typer(help="Hari libur nasional dan cuti bersama.", no_args_is_help=True)


KINDS = {
    "nasional": PUBLIC,
    "cuti-bersama": GOVERNMENT,
    "daerah": LOCAL,
    PUBLIC: PUBLIC,
    GOVERNMENT: GOVERNMENT,
    LOCAL: LOCAL,
}
"""What `holidays add --kind` accepts: the Indonesian names, or the stored codes."""


def _kind(raw: str) -> str:
    try:
        return KINDS[raw.strip().lower()]
    except KeyError:
        raise typer.BadParameter(
            f"'{raw}' bukan jenis hari libur: nasional, cuti-bersama atau daerah",
            param_hint="--kind",
        ) from None


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise typer.BadParameter(f"'{raw}' bukan tanggal TTTT-BB-HH") from None


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(help="Tahun (bawaan: tahun ini)")] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Termasuk hari yang sudah dihapus")
    ] = False,
) -> None:
    """Daftar hari libur satu tahun."""
    from engine.usecases.holidays import list_holidays

    container = state_of(ctx).container()
    year = year or local_date(container.clock.now(), container.settings.zone).year
    with container.uow() as uow:
        rows = list_holidays(uow, year=year, include_removed=show_all)
    if not rows:
        typer.echo(
            f"Tidak ada hari libur tercatat untuk {year}. Isi dengan `kinerja holidays seed`."
        )
        return
    for row in rows:
        mark = "" if row.active else "  [dihapus]"
        typer.echo(f"{row.day.isoformat()}  {row.category:<10}  {row.name}{mark}")


@app.command("add")
def add_cmd(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="Tanggal TTTT-BB-HH")],
    name: Annotated[str, typer.Argument(help="Nama hari libur")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "--category",
            help="nasional, cuti-bersama atau daerah (bawaan: daerah)",
        ),
    ] = "daerah",
    replace: Annotated[
        bool, typer.Option("--replace", help="Ganti hari libur yang sudah ada pada tanggal itu")
    ] = False,
) -> None:
    """Tambahkan hari libur (misalnya cuti bersama baru menurut SKB).

    Tanggal yang sudah menjadi hari libur tidak diubah tanpa --replace.
    """
    from engine.errors import ValidationError
    from engine.usecases.holidays import KIND_LABELS, HolidayTakenError, add_holiday

    container = state_of(ctx).container()
    when, category = _day(day), _kind(kind)
    try:
        with container.uow(write=True) as uow:
            saved = add_holiday(
                uow,
                when,
                name,
                category=category,
                now=container.clock.now(),
                actor=console_actor(),
                replace=replace,
            )
    except HolidayTakenError as exc:
        hint = f"{exc.message} Tambahkan --replace bila memang hendak menggantinya."
        raise ValidationError(hint, log_message=exc.log_message) from None
    label = KIND_LABELS[saved.category].lower()
    typer.echo(f"Hari libur {when.isoformat()} ({saved.name}, {label}) disimpan.")


@app.command("remove")
def remove_cmd(
    ctx: typer.Context, day: Annotated[str, typer.Argument(help="Tanggal TTTT-BB-HH")]
) -> None:
    """Jadikan tanggal itu hari kerja kembali."""
    from engine.usecases.holidays import remove_holiday

    container = state_of(ctx).container()
    when = _day(day)
    with container.uow(write=True) as uow:
        remove_holiday(uow, when, now=container.clock.now(), actor=console_actor())
    typer.echo(f"{when.isoformat()} bukan lagi hari libur.")


@app.command("seed")
def seed_cmd(
    ctx: typer.Context,
    first: Annotated[int, typer.Option("--from", help="Tahun pertama")] = 2020,
    last: Annotated[int, typer.Option("--to", help="Tahun terakhir")] = 2030,
) -> None:
    """Isi tabel dari kalender Indonesia paket `holidays` (yang sudah ada tidak diubah)."""
    from engine.usecases.holidays import seed_holidays

    if last < first or last - first > 50:
        raise typer.BadParameter("rentang tahun tidak masuk akal", param_hint="--from/--to")
    container = state_of(ctx).container()
    with container.uow(write=True) as uow:
        added = seed_holidays(
            uow, range(first, last + 1), now=container.clock.now(), actor=console_actor()
        )
    typer.echo(f"{added} hari libur ditambahkan untuk {first}-{last}.")

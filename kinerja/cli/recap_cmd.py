"""`kinerja recap`: capaian per position, bidang and agency for a quarter or a year.

Text for people, `--json` for scripts, `--xlsx FILE` for the workbook the
dashboard's download button gives (the same numbers, see docs/exports.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from engine.formatting import format_number_id, format_percent_id
from engine.periods import Quarter
from kinerja.cli.state import state_of

if TYPE_CHECKING:
    from engine.recap import GroupScore, IndicatorScore
    from engine.result import Result


def recap(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(help="Tahun")],
    quarter: Annotated[
        int | None, typer.Option(min=1, max=4, help="Triwulan 1-4 (bawaan: setahun)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
    detail: Annotated[bool, typer.Option("--detail", help="Tampilkan tiap indikator")] = False,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Simpan rekap sebagai buku kerja Excel (.xlsx) di berkas ini"),
    ] = None,
    bidang: Annotated[
        str | None, typer.Option(help="Kode bidang (hanya untuk --xlsx; bawaan: semua bidang)")
    ] = None,
    include_unverified: Annotated[
        bool,
        typer.Option(
            "--include-unverified",
            help="Hitung juga realisasi laporan yang belum diverifikasi (diajukan, draf)",
        ),
    ] = False,
) -> None:
    """Rekap capaian kinerja per jabatan, bidang dan perangkat daerah."""
    from documents.xlsx.recap import shown_indicators, write_recap_workbook
    from engine.recap import recap_json
    from engine.usecases.recap import period_recap, recap_export

    if as_json and xlsx is not None:
        raise typer.BadParameter("pilih salah satu: --json atau --xlsx")
    if bidang is not None and xlsx is None:
        raise typer.BadParameter("--bidang hanya berlaku bersama --xlsx")
    container = state_of(ctx).container()
    if xlsx is not None:
        with container.uow() as uow:
            export = recap_export(
                uow,
                year=year,
                quarter=quarter,
                bidang=bidang,
                now=container.clock.now(),
                include_unverified=include_unverified,
            )
        write_recap_workbook(export, xlsx)
        typer.echo(
            f"Rekap {export.period_label} disimpan ke {xlsx} "
            f"({len(shown_indicators(export))} indikator)."
        )
        return
    with container.uow() as uow:
        result = period_recap(
            uow, year=year, quarter=quarter, include_unverified=include_unverified
        )
    if as_json:
        typer.echo(json.dumps(recap_json(result), ensure_ascii=False, indent=2))
        return
    period = Quarter(year, quarter).label if quarter else f"Tahun {year}"
    if not result.indicators:
        typer.echo(f"Belum ada indikator untuk {year}.")
        return
    typer.echo(f"Rekap capaian kinerja {period} (skala {result.basis.rules.scale.name})")
    counted = "semua laporan" if include_unverified else "laporan terverifikasi dan disetujui"
    typer.echo(f"Realisasi yang dihitung: {counted}")
    for title, groups in (
        ("Perangkat daerah", result.agency),
        ("Per bidang", result.bidang),
        ("Per jabatan", result.positions),
    ):
        typer.echo(f"\n{title}:")
        for group in groups:
            typer.echo("  " + _line(group))
    if detail:
        typer.echo("\nPer indikator:")
        for item in result.indicators:
            typer.echo("  " + _indicator_line(item))


def _value(result: Result, decimals: int = 2, *, percent: bool = True) -> str:
    if result.value is None:
        return f"({result.label}: {result.reason})"
    if percent:
        return format_percent_id(result.value, decimals)
    return format_number_id(result.value, decimals)


def _line(group: GroupScore) -> str:
    category = f" {group.category.name}" if group.category else ""
    counts = ", ".join(f"{name} {n}" for name, n in group.counts.items() if n)
    capaian = _value(group.capaian)
    notes = [
        f"{group.flagged} dibatasi 0" if group.flagged else "",
        f"{group.unverified} belum diverifikasi" if group.unverified else "",
        f"{group.left_out} turunan di luar rata-rata" if group.left_out else "",
    ]
    extra = "".join(f"; {note}" for note in notes if note)
    return f"{group.label}: {capaian}{category} — {group.indicators} indikator ({counts}{extra})"


def _indicator_line(item: IndicatorScore) -> str:
    decimals = item.indicator.decimals
    realisation = _value(item.realisation, decimals, percent=False)
    category = f" {item.category.name}" if item.category else ""
    flag = f" [{item.capaian.flag}]" if item.capaian.flag else ""
    pending = ", ".join(f"TW {q} {state}" for q, state in item.unverified)
    unverified = f" [belum diverifikasi: {pending}]" if pending else ""
    return (
        f"{item.indicator.code}: target {item.target or '-'}, realisasi {realisation}, "
        f"capaian {_value(item.capaian)}{category}{flag}{unverified}"
    )

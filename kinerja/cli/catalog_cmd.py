"""`kinerja catalog` and `kinerja formula`: the indicator catalogue and its formulas."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from engine.errors import ValidationError
from engine.formatting import format_number_id, parse_number_id
from engine.formulas import parse
from kinerja.cli.state import console_actor, state_of

if TYPE_CHECKING:
    from engine.indicators import Indicator

app = typer.Typer(help="Katalog indikator kinerja (IKU/IKI) dan rumusnya.", no_args_is_help=True)
formula_app = typer.Typer(help="Rumus indikator.", no_args_is_help=True)


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="Berkas katalog: YAML (kinerja-catalog/1) atau Excel (.xlsx)")
    ],
) -> None:
    """Impor katalog indikator: semua diperiksa dulu, tidak ada yang disimpan bila salah.

    Buku kerja Excel (.xlsx) juga membawa target dan anggaran Perjanjian Kinerja.
    """
    from documents.files import read_bytes, read_text
    from documents.xlsx.catalogue_cells import WorkbookProblemsError
    from documents.xlsx.catalogue_import import open_workbook
    from documents.yaml.catalogue import catalogue_parser
    from engine.usecases.catalogue import import_catalogue
    from engine.usecases.catalogue_workbook import import_catalogue_workbook

    container = state_of(ctx).container()
    if file.suffix.lower() == ".xlsx":
        try:
            workbook = open_workbook(read_bytes(file), str(file))
            with container.uow(write=True) as uow:
                report = import_catalogue_workbook(
                    uow, workbook, now=container.clock.now(), actor=console_actor()
                )
        except WorkbookProblemsError as exc:
            typer.echo(
                f"{file}: {len(exc.problems)} masalah ditemukan, tidak ada yang disimpan:",
                err=True,
            )
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            raise typer.Exit(1) from None
    else:
        text = read_text(file)
        with container.uow(write=True) as uow:
            report = import_catalogue(
                uow,
                catalogue_parser(text, str(file)),
                actor=console_actor(),
                now=container.clock.now(),
            )
    from db.database import refresh_statistics

    refresh_statistics(container.engine)  # a bulk write: fresh planner statistics
    typer.echo(report.summary())
    if report.not_in_file:
        typer.echo(
            "Catatan: indikator di basis data yang tidak ada di berkas (tidak diubah): "
            + ", ".join(report.not_in_file)
        )


@app.command("template")
def template_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Berkas .xlsx yang ditulis")],
    agency: Annotated[
        str | None, typer.Option("--agency", help="Kode perangkat daerah (bawaan: satu-satunya)")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Tahun katalog (bawaan: tahun ini)")] = None,
) -> None:
    """Tulis templat Excel katalog (jabatan perangkat daerah sudah terdaftar)."""
    from documents.xlsx.catalogue_export import catalogue_workbook
    from engine.usecases.catalogue import catalogue_template

    container = state_of(ctx).container()
    year = year or container.clock.now().astimezone(container.zone).year
    with container.uow() as uow:
        contents = catalogue_template(uow, agency, year)
    _write(out, catalogue_workbook(contents))
    typer.echo(f"Templat katalog {year} ditulis ke {out}")


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(help="Tahun katalog")],
    out: Annotated[Path, typer.Option("--out", help="Berkas .xlsx yang ditulis")],
    agency: Annotated[
        str | None, typer.Option("--agency", help="Kode perangkat daerah (bawaan: satu-satunya)")
    ] = None,
) -> None:
    """Ekspor katalog (dengan target dan anggaran PK) ke Excel dalam tata letak templat."""
    from documents.xlsx.catalogue_export import catalogue_workbook
    from engine.usecases.catalogue import export_catalogue

    container = state_of(ctx).container()
    with container.uow() as uow:
        contents = export_catalogue(uow, agency, year)
    _write(out, catalogue_workbook(contents))
    typer.echo(f"Katalog {year} diekspor ke {out}")


def _write(out: Path, data: bytes) -> None:
    if out.suffix.lower() != ".xlsx":
        raise typer.BadParameter("nama berkas harus berakhiran .xlsx", param_hint="--out")
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise ValidationError(
            f"Tidak dapat menulis {out}: {exc.strerror}", log_message=f"cannot write {out}: {exc}"
        ) from None


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    position: Annotated[
        str | None, typer.Option("--position", help="Kode jabatan (bawaan: semua)")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Tahun (bawaan: tahun terakhir)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Daftar jabatan dengan indikator dan rumusnya."""
    from engine.usecases.catalogue import show_catalogue
    from engine.usecases.manual import catalogue_manuals

    container = state_of(ctx).container()
    with container.uow() as uow:
        listing = show_catalogue(uow, position=position, year=year)
        manuals = {} if listing is None else catalogue_manuals(uow, listing)
    if listing is None:
        typer.echo("Belum ada katalog. Impor dengan `kinerja catalog import BERKAS`.")
        return
    year, listed = listing.year, listing.positions
    if as_json:
        data = {
            "year": year,
            "positions": [
                {
                    "code": p.code,
                    "title": p.title,
                    "indicators": [_json(i) | {"manual": manuals[i.id].as_json()} for i in items],
                }
                for p, items in listed
            ],
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for pos, items in listed:
        typer.echo(f"{pos.title} ({pos.code}): {len(items)} indikator")
        for item in items:
            mark = "" if item.origin.value == "decree" else f" [{_origin_mark(item)}]"
            typer.echo(
                f"  [{item.kind.value.upper()}] {item.code}: {item.name} ({item.unit}){mark}"
            )
            typer.echo(f"      rumus: {item.formula.expression}")
            for variable in item.formula.variables.values():
                typer.echo(f"        {variable.name} = {variable.label}")


def _origin_mark(item: Indicator) -> str:
    if item.origin.value != "derived":
        return item.origin.label
    return "turunan, dikonfirmasi" if item.confirmed else "turunan, belum dikonfirmasi"


@app.command("confirm")
def confirm_cmd(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Kode indikator turunan")],
    year: Annotated[int | None, typer.Option(help="Tahun (bawaan: tahun terakhir)")] = None,
) -> None:
    """Konfirmasi indikator turunan (tidak ada di SK): sejak itu dihitung dalam capaian
    perangkat daerah. Dicatat di log admin."""
    from engine.usecases.catalogue import confirm_derived

    container = state_of(ctx).container()
    with container.uow(write=True) as uow:
        indicator = confirm_derived(
            uow, code, year=year, actor=console_actor(), now=container.clock.now()
        )
    typer.echo(f"Indikator turunan {indicator.code} dikonfirmasi: {indicator.name}")


def _json(item: Indicator) -> dict[str, Any]:
    return {
        "code": item.code,
        "kind": item.kind.value,
        "kinerja": item.kinerja,
        "name": item.name,
        "unit": item.unit,
        "expression": item.formula.expression,
        "variables": [
            {
                "name": v.name,
                "label": v.label,
                "unit": v.unit,
                "kind": None if v.kind is None else v.kind.value,
                "negative": v.negative,
            }
            for v in item.formula.variables.values()
        ],
        "origin": item.origin.value,
        "origin_note": item.origin_note,
        "confirmed": item.confirmed,
        "in_headline": item.in_headline,
        "growth_basis": None if item.growth_basis is None else item.growth_basis.value,
        "data_source": item.data_source,
        "polarity": item.polarity.value,
        "rollup": item.rollup.value,
        "quarterly_targets": item.target_mode.value,
        "decimals": item.decimals,
        "note": item.note,
    }


@formula_app.command("check")
def check_cmd(
    expression: Annotated[str, typer.Argument(help='Rumus, misalnya "a / b * 100"')],
    var: Annotated[
        list[str] | None,
        typer.Option("--var", help="Nilai variabel: nama=nilai (boleh 1.234,5)"),
    ] = None,
    decimals: Annotated[int, typer.Option(help="Jumlah desimal yang ditampilkan")] = 2,
) -> None:
    """Periksa dan hitung sebuah rumus dari baris perintah."""
    values: dict[str, Decimal | None] = {}
    for item in var or []:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"'{item}' harus berbentuk nama=nilai", param_hint="--var")
        values[name.strip()] = parse_number_id(raw) if raw.strip() else None
    formula = parse(expression, list(values))
    result = formula.evaluate(values)
    if result.value is None:
        typer.echo(f"{result.label.capitalize()}: {result.reason}", err=True)
        raise typer.Exit(1)
    typer.echo(f"Hasil: {format_number_id(result.value, decimals)}")
    if formula.unused:
        typer.echo("Catatan: variabel tidak dipakai rumus: " + ", ".join(formula.unused))

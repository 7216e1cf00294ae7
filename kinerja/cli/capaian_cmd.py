"""`kinerja capaian-rules`: the capaian rules of a year (category scale, cap, target-zero and
negative-target rules), as the admin page /admin/aturan-capaian shows and sets them."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from kinerja.cli.state import console_actor, state_of

app = typer.Typer(help="Aturan capaian per tahun: skala kategori, batas atas, target 0.")

YEAR = Annotated[int, typer.Option(help="Tahun")]


def _category(raw: str) -> tuple[str, str | None, str]:
    parts = raw.split(":")
    if len(parts) != 3:
        raise typer.BadParameter(f"'{raw}' harus berbentuk NAMA:BATAS_BAWAH:#RRGGBB")
    name, minimum, colour = (part.strip() for part in parts)
    return name, minimum or None, colour


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    year: YEAR,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Aturan capaian yang berlaku untuk satu tahun."""
    from engine.usecases.capaian_rules import NEGATIVE_TARGET_LABELS, show_capaian_rules

    container = state_of(ctx).container()
    with container.uow() as uow:
        shown = show_capaian_rules(uow, year)
    data = shown.rules.as_json()
    if as_json:
        typer.echo(json.dumps({"year": year, "stored": shown.stored, **data}, indent=2))
        return
    source = "ditetapkan admin" if shown.stored else "bawaan (belum ditetapkan)"
    typer.echo(f"Aturan capaian {year}: {source}")
    typer.echo(f"Skala: {data['scale']}")
    for item in data["categories"]:
        bound = "di bawahnya" if item["minimum"] is None else f">= {item['minimum']}"
        typer.echo(f"  {item['name']:<20} {bound:<12} {item['color']}")
    typer.echo(f"Batas atas: {data['cap'] or 'tidak ada'}")
    typer.echo(
        f"Polaritas negatif, target 0: realisasi 0 -> {data['negative_zero_target_met']}, "
        f"di atas 0 -> {data['negative_zero_target_missed']}"
    )
    typer.echo(f"Target negatif: {NEGATIVE_TARGET_LABELS[shown.rules.negative_target]}")


@app.command("set")
def set_cmd(
    ctx: typer.Context,
    year: YEAR,
    scale_name: Annotated[str | None, typer.Option(help="Nama skala")] = None,
    category: Annotated[
        list[str] | None,
        typer.Option(
            help="Kategori NAMA:BATAS_BAWAH:#RRGGBB dari yang terbaik, diulang; "
            "yang terakhir tanpa batas bawah (NAMA::#RRGGBB)"
        ),
    ] = None,
    cap: Annotated[str | None, typer.Option(help="Batas atas capaian; 'none' tanpa batas")] = None,
    zero_met: Annotated[
        str | None, typer.Option(help="Polaritas negatif, target 0, realisasi 0")
    ] = None,
    zero_missed: Annotated[
        str | None, typer.Option(help="Polaritas negatif, target 0, realisasi di atas 0")
    ] = None,
    negative_target: Annotated[
        str | None, typer.Option(help="relative atau not_computable")
    ] = None,
) -> None:
    """Tetapkan aturan capaian satu tahun; yang tidak disebut tetap seperti sekarang."""
    from engine.usecases.capaian_rules import set_capaian_rules, show_capaian_rules

    container = state_of(ctx).container()
    with container.uow(write=True) as uow:
        now = show_capaian_rules(uow, year).rules.as_json()
        categories = (
            [_category(raw) for raw in category]
            if category
            else [(c["name"], c["minimum"], c["color"]) for c in now["categories"]]
        )
        current_cap = "" if now["cap"] is None else now["cap"]
        set_capaian_rules(
            uow,
            year,
            scale_name=now["scale"] if scale_name is None else scale_name,
            categories=categories,
            cap=current_cap if cap is None else ("" if cap.lower() == "none" else cap),
            zero_target_met=zero_met or now["negative_zero_target_met"],
            zero_target_missed=zero_missed or now["negative_zero_target_missed"],
            negative_target=negative_target or now["negative_target"],
            now=container.clock.now(),
            actor=console_actor(),
        )
    typer.echo(f"Aturan capaian {year} disimpan.")

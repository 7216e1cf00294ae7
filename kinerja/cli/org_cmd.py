"""`kinerja org`: import and show the organisation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kinerja.cli.state import console_actor, state_of

if TYPE_CHECKING:
    from engine.org import OrgTree, Position
    from engine.usecases.organisation import OrgOverview

app = typer.Typer(help="Organisasi: jabatan, pegawai dan penugasan.", no_args_is_help=True)


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Berkas organisasi (YAML, kinerja-org/1)")],
) -> None:
    """Impor berkas organisasi: diperiksa seluruhnya dulu, tidak ada yang disimpan bila salah."""
    from engine.usecases.organisation import import_organisation

    container = state_of(ctx).container()
    from documents.files import read_text
    from documents.yaml.org import org_parser

    text = read_text(file)
    with container.uow(write=True) as uow:
        report = import_organisation(
            uow,
            org_parser(text, str(file)),
            source=str(file),
            actor=console_actor(),
            now=container.clock.now(),
        )
    from db.database import refresh_statistics

    refresh_statistics(container.engine)  # a bulk write: fresh planner statistics
    typer.echo(report.summary())
    if report.not_in_file:
        typer.echo(
            "Catatan: jabatan di basis data yang tidak ada di berkas (tidak diubah): "
            + ", ".join(report.not_in_file)
        )


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
    on: Annotated[
        str | None, typer.Option("--on", help="Tanggal pemegang jabatan (TTTT-BB-HH)")
    ] = None,
) -> None:
    """Tampilkan pohon jabatan beserta pemegangnya pada suatu tanggal."""
    from engine.usecases.organisation import show_organisation

    container = state_of(ctx).container()
    day = _parse_day(on) if on else None
    with container.uow() as uow:
        overview = show_organisation(uow, day, now=container.clock.now(), policy=container.policy)
    if as_json:
        typer.echo(json.dumps(org_json(overview), ensure_ascii=False, indent=2))
        return
    if not overview.agencies:
        typer.echo("Belum ada organisasi. Impor dengan `kinerja org import BERKAS`.")
        return
    for line in org_lines(overview):
        typer.echo(line)


def _parse_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise typer.BadParameter(f"'{raw}' bukan tanggal TTTT-BB-HH", param_hint="--on") from None


def _roots_of(tree: OrgTree, agency_id: int) -> list[Position]:
    return [p for p in tree.roots() if p.agency_id == agency_id]


def org_lines(overview: OrgOverview) -> list[str]:
    """The tree as indented text lines, holders on the overview's day after each title."""
    lines = []
    tree, day = overview.tree, overview.day
    for agency in overview.agencies:
        lines.append(f"{agency.name} ({agency.code}) — pemegang jabatan per {day.isoformat()}")
        for root in _roots_of(tree, agency.id):
            for depth, position in tree.walk(root.id):
                holders = tree.holders(position.id, day)
                who = (
                    "; ".join(
                        f"{h.display_title if h.status.is_acting else ''} {h.official.name} "
                        f"(NIP {h.official.nip_display})".strip()
                        for h in holders
                    )
                    or "(kosong)"
                )
                closed = position.closed_on
                if closed is not None:
                    shut = "ditutup" if closed < day else "ditutup setelah"
                    who = f"{who} ({shut} {closed.isoformat()})"
                lines.append(f"{'  ' * depth}- {position.title} [{position.level.label}]: {who}")
    return lines


def org_json(overview: OrgOverview) -> dict[str, Any]:
    """The organisation as JSON-ready data: per agency, positions in tree order."""
    tree, day = overview.tree, overview.day
    agencies = []
    for agency in overview.agencies:
        positions = []
        for root in _roots_of(tree, agency.id):
            for depth, position in tree.walk(root.id):
                superior = tree.superior(position.id)
                administrator = tree.nearest_administrator(position.id)
                positions.append(
                    {
                        "code": position.code,
                        "title": position.title,
                        "unit": position.unit_name,
                        "level": position.level.value,
                        "depth": depth,
                        "superior": superior.code if superior else None,
                        "nearest_administrator": administrator.code if administrator else None,
                        "head_of_agency": tree.head_of_agency(position.id).code,
                        "closed_on": None
                        if position.closed_on is None
                        else str(position.closed_on),
                        "holders": [
                            {
                                "name": h.official.name,
                                "nip": h.official.nip,
                                "nip_display": h.official.nip_display,
                                "email": h.official.email,
                                "status": h.status.value,
                                "display_title": h.display_title,
                            }
                            for h in tree.holders(position.id, day)
                        ],
                    }
                )
        agencies.append({"code": agency.code, "name": agency.name, "positions": positions})
    regency = overview.regency
    return {
        "date": day.isoformat(),
        "regency": None if regency is None else {"code": regency.code, "name": regency.name},
        "agencies": agencies,
    }

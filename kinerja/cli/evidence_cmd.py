"""`kinerja evidence`: evidence files (bukti dukung) of quarterly reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kinerja.cli.output import emit
from kinerja.cli.state import state_of

app = typer.Typer(help="Bukti dukung laporan triwulan.", no_args_is_help=True)


@app.command("add")
def add_cmd(
    ctx: typer.Context,
    report_id: Annotated[int, typer.Argument(help="Nomor laporan (angka)")],
    file: Annotated[
        Path, typer.Argument(help="Berkas bukti (pdf, jpg, png, xlsx, docx, csv, txt)")
    ],
    who: Annotated[str, typer.Option("--as", help="NIP atau login pengunggah")],
    indicator: Annotated[str | None, typer.Option(help="Kode indikator (opsional)")] = None,
    replaces: Annotated[int | None, typer.Option(help="Nomor bukti yang diganti")] = None,
    reason: Annotated[str | None, typer.Option(help="Alasan penggantian")] = None,
) -> None:
    """Unggah bukti dukung ke laporan draf."""
    from engine.usecases.evidence import add_evidence

    container = state_of(ctx).container()
    from documents.files import read_bytes

    data = read_bytes(file)
    with container.uow(write=True) as uow:
        row = add_evidence(
            uow,
            report_id,
            who,
            filename=file.name,
            data=data,
            now=container.clock.now(),
            indicator=indicator,
            replaces_id=replaces,
            reason=reason,
        )
    typer.echo(f"Bukti #{row.id} ({row.filename}, {row.size} bita) disimpan di LAP-{report_id}.")


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    report_id: Annotated[int, typer.Argument(help="Nomor laporan (angka)")],
    show_all: Annotated[bool, typer.Option("--all", help="Termasuk yang sudah diganti")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Daftar bukti dukung sebuah laporan."""
    from engine.usecases.evidence import list_evidence

    container = state_of(ctx).container()
    with container.uow() as uow:
        rows = list_evidence(uow, report_id, include_replaced=show_all)
    data = [
        {"id": r.id, "filename": r.filename, "size": r.size, "sha256": r.sha256,
         "content_type": r.content_type, "active": r.active, "replaces": r.replaces_id,
         "reason": r.replace_reason}
        for r in rows
    ]  # fmt: skip
    emit(
        data,
        as_json,
        [
            f"#{d['id']} {d['filename']} ({d['size']} bita){'' if d['active'] else ' [diganti]'}"
            for d in data
        ]
        or ["Belum ada bukti dukung."],
    )


@app.command("get")
def get_cmd(
    ctx: typer.Context,
    evidence_id: Annotated[int, typer.Argument(help="Nomor bukti")],
    out: Annotated[Path, typer.Option("--out", help="Simpan ke berkas ini")],
) -> None:
    """Unduh bukti dukung (checksum diperiksa)."""
    from engine.usecases.evidence import read_evidence

    container = state_of(ctx).container()
    with container.uow() as uow:
        found = read_evidence(uow, evidence_id)
    out.write_bytes(found.data)
    typer.echo(f"{found.record.filename} disalin ke {out}.")

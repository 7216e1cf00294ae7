"""`kinerja act`, `kinerja audit verify|export` and `kinerja workflow diagram`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kinerja.cli.output import emit
from kinerja.cli.state import state_of

workflow_app = typer.Typer(help="Definisi alur kerja.", no_args_is_help=True)
audit_app = typer.Typer(help="Jejak audit.", no_args_is_help=True)


def act_cmd(
    ctx: typer.Context,
    doc: Annotated[str, typer.Argument(help="Nomor dokumen: PK-12 atau LAP-34")],
    action: Annotated[str, typer.Argument(help="submit, verify, approve, return atau reopen")],
    who: Annotated[str, typer.Option("--as", help="NIP atau login yang bertindak")],
    comment: Annotated[str | None, typer.Option(help="Komentar / alasan")] = None,
    expected_version: Annotated[
        int | None, typer.Option(help="Versi dokumen yang dilihat (untuk deteksi konflik)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Jalankan satu langkah alur kerja pada PK atau laporan (lewat gerbang yang sama)."""
    from kinerja.workflow_app import act

    container = state_of(ctx).container()
    result = act(container, doc, action, who, comment=comment, expected_version=expected_version)
    data = {
        "doc": result.ref,
        "action": result.action.value,
        "from": result.from_state.value,
        "to": result.to_state.value,
        "version": result.version,
        "visit": result.visit,
        "as": result.acting_title,
        "messages": result.messages,
    }
    emit(
        data,
        as_json,
        [
            f"{result.ref}: {result.action.label} oleh {result.log['actor_name']} sebagai "
            f"{result.acting_title}: {result.from_state.label} -> {result.to_state.label} "
            f"(versi {result.version})"
        ],
    )


@audit_app.command("verify")
def audit_verify_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Periksa rantai hash log transisi dan log admin; sebutkan baris pertama yang diubah
    atau dihapus."""
    from engine.usecases.audit import verify_audit

    container = state_of(ctx).container()
    with container.uow() as uow:
        report = verify_audit(uow, policy=container.policy)
    head = report.admin_head
    data = {
        "ok": report.ok,
        "documents": report.documents,
        "rows": report.rows,
        "admin_rows": report.admin_rows,
        "admin_head": None if head is None else {"id": head.id, "hash": head.hash},
        "breaks": [{"doc": b.doc, "row": b.row_id, "message": b.message} for b in report.breaks],
    }
    lines = [
        f"Diperiksa {report.rows} baris log dari {report.documents} dokumen "
        f"dan {report.admin_rows} baris log admin."
    ]
    if head is not None:
        lines.append(f"Baris log admin terakhir: #{head.id}, hash {head.hash}.")
    if report.ok:
        lines.append("Rantai audit utuh.")
    else:
        lines += [f"RUSAK {b.doc}: {b.message}" for b in report.breaks]
    emit(data, as_json, lines)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("export")
def audit_export_cmd(
    ctx: typer.Context,
    doc: Annotated[str, typer.Argument(help="Nomor dokumen: PK-12 atau LAP-34")],
    xlsx: Annotated[Path, typer.Option("--xlsx", help="Berkas Excel (.xlsx) tujuan")],
) -> None:
    """Simpan riwayat satu dokumen (dengan hash dan hasil pemeriksaan rantai) sebagai Excel."""
    from documents.xlsx.audit import write_audit_workbook
    from engine.usecases.audit import audit_trail
    from engine.workflow import parse_ref

    kind, doc_id = parse_ref(doc)
    container = state_of(ctx).container()
    with container.uow() as uow:
        export = audit_trail(uow, kind, doc_id, now=container.clock.now())
    write_audit_workbook(export, xlsx)
    typer.echo(f"Riwayat {export.ref} ({len(export.history)} langkah) disimpan ke {xlsx}.")
    typer.echo(export.verdict)
    if export.problem is not None:
        raise typer.Exit(1)


@workflow_app.command("diagram")
def diagram_cmd(
    name: Annotated[str, typer.Argument(help="pk atau report")],
) -> None:
    """Cetak diagram Mermaid alur kerja yang dibangkitkan dari definisinya."""
    from workflows.definitions import WORKFLOWS

    workflow = WORKFLOWS.get(name)
    if workflow is None:
        raise typer.BadParameter(f"'{name}' bukan alur kerja (pilihan: {', '.join(WORKFLOWS)})")
    typer.echo(workflow.mermaid())

"""`kinerja report`: quarterly realisation reports."""

from __future__ import annotations

from typing import Annotated

import typer

from kinerja.cli.output import emit
from kinerja.cli.pk_cmd import DocxOption, PdfOption, export_lines, need_output, write_exports
from kinerja.cli.state import state_of

app = typer.Typer(help="Laporan realisasi triwulan.", no_args_is_help=True)


@app.command("open")
def open_cmd(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(help="Tahun")],
    quarter: Annotated[int, typer.Option(min=1, max=4, help="Triwulan 1-4")],
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Buat laporan triwulan untuk setiap jabatan yang PK-nya disetujui (aman diulang)."""
    from engine.usecases.reports import open_reports

    container = state_of(ctx).container()
    with container.uow(write=True) as uow:
        created = open_reports(uow, year, quarter, now=container.clock.now())
    refs = [f"LAP-{report_id}" for report_id in created]
    emit({"created": refs}, as_json, [f"{len(created)} laporan dibuat untuk TW {quarter} {year}."])


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(help="Tahun")],
    quarter: Annotated[int, typer.Option(min=1, max=4, help="Triwulan 1-4")],
    state: Annotated[str | None, typer.Option(help="draft, submitted, verified, approved")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Daftar laporan satu triwulan."""
    from engine.records import DocumentFilter
    from engine.usecases.listing import list_documents
    from engine.workflow import DocKind

    container = state_of(ctx).container()
    where = DocumentFilter(year=year, quarter=quarter, state=state)
    with container.uow() as uow:
        data = list_documents(uow, DocKind.REPORT, where)
    emit(
        data,
        as_json,
        [f"{d['ref']}  {d['state']:<10} {d['title']}" for d in data] or ["Tidak ada laporan."],
    )


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    report_id: Annotated[int, typer.Argument(help="Nomor laporan (angka)")],
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Isi laporan: masukan, realisasi, capaian dan riwayat."""
    from engine.usecases.documents import report_detail

    container = state_of(ctx).container()
    with container.uow() as uow:
        data = report_detail(uow, report_id)
    lines = [
        f"{data['ref']} {data['position_title']} {data['period']}: {data['state']} "
        f"(versi {data['version']}, kunjungan {data['visit']})"
    ]
    for entry in data["entries"]:
        values = ", ".join(f"{i['name']}={i['value'] or '-'}" for i in entry["inputs"])
        realised = entry["realisation"] or entry["realisation_status"]
        score = entry["capaian"] or entry["capaian_status"]
        lines.append(
            f"  {entry['indicator']}: {values}; realisasi {realised}; "
            f"target {entry['target'] or '-'}; capaian {score} {entry['category'] or ''}"
        )
    for item in data["history"]:
        comment = item["comment"] or ""
        who = f"{item['actor']} ({item['as']})"
        lines.append(f"  riwayat: {item['when']} {item['action']} {who} {comment}")
    emit(data, as_json, lines)


@app.command("fill")
def fill_cmd(
    ctx: typer.Context,
    report_id: Annotated[int, typer.Argument(help="Nomor laporan (angka)")],
    indicator: Annotated[str, typer.Option(help="Kode indikator")],
    var: Annotated[list[str] | None, typer.Option("--var", help="nama=nilai")] = None,
    no_data: Annotated[str | None, typer.Option("--no-data", help="Alasan tidak ada data")] = None,
    kendala: Annotated[str | None, typer.Option(help="Kendala/hambatan")] = None,
    upaya: Annotated[str | None, typer.Option(help="Upaya/solusi")] = None,
    expected_version: Annotated[
        int | None,
        typer.Option(
            "--expected-version",
            min=1,
            help="Versi laporan yang Anda baca; ditolak bila sudah berubah",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Isi masukan rumus satu indikator (atau alasan tidak ada data) dalam laporan draf."""
    from engine.usecases.reports import EntryInput, fill_entry

    values: dict[str, str] = {}
    for item in var or []:
        name, sep, raw = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"'{item}' harus berbentuk nama=nilai", param_hint="--var")
        values[name.strip()] = raw
    container = state_of(ctx).container()
    typed = EntryInput(values, no_data, kendala, upaya)
    with container.uow(write=True) as uow:
        entry = fill_entry(
            uow, report_id, indicator, typed, now=container.clock.now(),
            zone=container.policy.zone, expected_version=expected_version,
        )  # fmt: skip
    data = {
        "report": f"LAP-{report_id}",
        "indicator": indicator,
        "inputs": dict(entry.inputs),
        "no_data_reason": entry.no_data_reason,
    }
    emit(data, as_json, [f"LAP-{report_id} {indicator} disimpan."])


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    report_id: Annotated[int, typer.Argument(help="Nomor laporan (angka)")],
    docx: DocxOption = None,
    pdf: PdfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Ekspor laporan triwulan: Word (.docx) dan/atau PDF (lewat LibreOffice)."""
    from documents.docx.report import build_report_docx
    from engine.usecases.documents import report_document

    need_output(docx, pdf)
    state = state_of(ctx)
    container = state.container()
    with container.uow() as uow:
        found = report_document(
            uow, report_id, None, now=container.clock.now(), policy=container.policy
        )
    document = build_report_docx(found.view, found.agency)
    ref = f"LAP-{report_id}"
    written = write_exports(document, docx=docx, pdf=pdf, name=ref, environ=state.environ)
    emit({"report": ref, "files": written}, as_json, export_lines(ref, written))

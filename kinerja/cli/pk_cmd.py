"""`kinerja pk`: Perjanjian Kinerja documents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from engine.errors import KinerjaError
from engine.formatting import format_number_id, parse_number_id
from kinerja.cli.output import emit
from kinerja.cli.state import state_of

app = typer.Typer(help="Perjanjian Kinerja (PK).", no_args_is_help=True)


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(help="Tahun")] = None,
    state: Annotated[str | None, typer.Option(help="draft, submitted, verified, approved")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Daftar PK."""
    from engine.records import DocumentFilter
    from engine.usecases.listing import list_documents
    from engine.workflow import DocKind

    container = state_of(ctx).container()
    with container.uow() as uow:
        data = list_documents(uow, DocKind.PK, DocumentFilter(year=year, state=state))
    emit(
        data,
        as_json,
        [
            f"{d['ref']}  {d['year']} rev.{d['revision']}  {d['state']:<10} {d['title']}"
            for d in data
        ]
        or ["Tidak ada PK."],
    )


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    pk_id: Annotated[int, typer.Argument(help="Nomor PK (angka)")],
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Isi PK: target, anggaran, para pihak, tenggat dan riwayat."""
    from engine.usecases.documents import pk_detail

    container = state_of(ctx).container()
    with container.uow() as uow:
        data = pk_detail(uow, pk_id, now=container.clock.now(), policy=container.policy)
    lines = [
        f"{data['ref']} {data['position_title']} {data['year']} revisi {data['revision']}: "
        f"{data['state']} (versi {data['version']})",
    ]
    if data["late"]:
        lines.append(f"TERLAMBAT: tenggat {data['deadline']}")
    for target in data["targets"]:
        quarters = " / ".join(q or "-" for q in target["quarters"])
        lines.append(f"  {target['indicator']}: tahunan {target['annual'] or '-'}; TW {quarters}")
    lines.append(f"  Anggaran: Rp {format_number_id(Decimal(data['budget_total']))}")
    lines += [
        f"  riwayat: {h['when']} {h['action']} {h['actor']} ({h['as']}) {h['comment'] or ''}"
        for h in data["history"]
    ]
    if data["missing"]:
        lines.append("  belum lengkap: " + "; ".join(data["missing"]))
    emit(data, as_json, lines)


@app.command("create")
def create_cmd(
    ctx: typer.Context,
    position: Annotated[str, typer.Option(help="Kode jabatan")],
    year: Annotated[int, typer.Option(help="Tahun")],
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Buat PK (draf) sebuah jabatan untuk satu tahun."""
    from engine.usecases.pk import create_pk

    container = state_of(ctx).container()
    with container.uow(write=True) as uow:
        row = create_pk(uow, position, year, now=container.clock.now())
    emit({"pk": f"PK-{row.id}", "state": row.state.value}, as_json, [f"PK-{row.id} dibuat (draf)."])


@app.command("target")
def target_cmd(
    ctx: typer.Context,
    pk_id: Annotated[int, typer.Argument(help="Nomor PK")],
    indicator: Annotated[str, typer.Option(help="Kode indikator")],
    annual: Annotated[str, typer.Option(help="Target tahunan, misalnya 80 atau 80-90")],
    tw: Annotated[list[str], typer.Option(help="Target TW I-IV (ulang 4 kali)")],
    reason: Annotated[
        str | None, typer.Option(help="Alasan bila TW IV berbeda dari tahunan")
    ] = None,
    expected_version: Annotated[
        int | None,
        typer.Option(
            "--expected-version", min=1, help="Versi PK yang Anda baca; ditolak bila sudah berubah"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Isi target satu indikator dalam PK draf."""
    from engine.usecases.pk import set_target

    container = state_of(ctx).container()
    with container.uow(write=True) as uow:
        warnings = set_target(
            uow, pk_id, indicator, annual=annual, quarters=tw, tw4_reason=reason,
            now=container.clock.now(), zone=container.policy.zone,
            expected_version=expected_version,
        )  # fmt: skip
    lines = [f"Target {indicator} disimpan."] + [f"Peringatan: {w}" for w in warnings]
    emit({"pk": f"PK-{pk_id}", "indicator": indicator, "warnings": warnings}, as_json, lines)


@app.command("budget")
def budget_cmd(
    ctx: typer.Context,
    pk_id: Annotated[int, typer.Argument(help="Nomor PK")],
    line: Annotated[list[str], typer.Option(help="program|kegiatan|sub kegiatan|anggaran")],
    expected_version: Annotated[
        int | None,
        typer.Option(
            "--expected-version", min=1, help="Versi PK yang Anda baca; ditolak bila sudah berubah"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Ganti baris anggaran PK draf."""
    from engine.budget import BudgetLine
    from engine.usecases.pk import set_budget_lines

    parsed = []
    for item in line:
        parts = [p.strip() for p in item.split("|")]
        if len(parts) != 4:
            raise typer.BadParameter(
                f"'{item}' harus program|kegiatan|sub kegiatan|anggaran", param_hint="--line"
            )
        parsed.append(
            BudgetLine(parts[0], parse_number_id(parts[3]), parts[1] or None, parts[2] or None)
        )
    container = state_of(ctx).container()
    with container.uow(write=True) as uow:
        total = set_budget_lines(
            uow, pk_id, parsed, now=container.clock.now(), zone=container.policy.zone,
            expected_version=expected_version,
        )  # fmt: skip
    summary = f"{len(parsed)} baris anggaran, total Rp {format_number_id(total)}."
    emit({"pk": f"PK-{pk_id}", "lines": len(parsed), "total": str(total)}, as_json, [summary])


@app.command("revise")
def revise_cmd(
    ctx: typer.Context,
    pk_id: Annotated[int, typer.Argument(help="Nomor PK yang disetujui")],
    reason: Annotated[str, typer.Option(help="Alasan PK Perubahan")],
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Buat PK Perubahan (revisi baru, draf) dari PK yang sudah disetujui."""
    from engine.usecases.pk import revise_pk

    container = state_of(ctx).container()
    with container.uow(write=True) as uow:
        row = revise_pk(uow, pk_id, reason, now=container.clock.now())
    summary = f"PK-{row.id} (revisi {row.revision}) dibuat dari PK-{pk_id}."
    emit(
        {"pk": f"PK-{row.id}", "revision": row.revision, "from": f"PK-{pk_id}"}, as_json, [summary]
    )


@app.command("dpa")
def dpa_cmd(
    ctx: typer.Context,
    agency: Annotated[str, typer.Option(help="Kode perangkat daerah")],
    year: Annotated[int, typer.Option(help="Tahun")],
    dpa_date: Annotated[str, typer.Option("--date", help="Tanggal pengesahan DPA (TTTT-BB-HH)")],
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Catat tanggal pengesahan DPA; tenggat PK satu bulan sesudahnya."""
    from engine.usecases.pk import set_dpa_date

    try:
        day = date.fromisoformat(dpa_date)
    except ValueError:
        raise typer.BadParameter(
            f"'{dpa_date}' bukan tanggal TTTT-BB-HH", param_hint="--date"
        ) from None
    container = state_of(ctx).container()
    with container.uow(write=True) as uow:
        deadline = set_dpa_date(uow, agency, year, day)
    data = {"agency": agency, "year": year, "dpa_date": day, "deadline": deadline}
    message = f"DPA {year} disahkan {day.isoformat()}; tenggat PK {deadline.isoformat()}."
    emit(data, as_json, [message])


DocxOption = Annotated[
    Path | None, typer.Option("--docx", help="Tulis dokumen Word (.docx) ke berkas ini")
]
PdfOption = Annotated[
    Path | None, typer.Option("--pdf", help="Tulis PDF (perlu LibreOffice) ke berkas ini")
]


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise KinerjaError(
            f"Tidak dapat menulis berkas {path}: {exc.strerror or exc}",
            log_message=f"cannot write {path}: {exc}",
        ) from exc


def write_exports(
    document: bytes,
    *,
    docx: Path | None,
    pdf: Path | None,
    name: str,
    environ: Mapping[str, str] | None,
    pk_id: int | None = None,
) -> list[dict[str, object]]:
    """Write the .docx and/or its PDF; the PDF needs LibreOffice (a clear error otherwise)."""
    from documents.pdf import docx_to_pdf, require_soffice

    written: list[dict[str, object]] = []
    if docx is not None:
        _write(docx, document)
        written.append({"file": str(docx), "format": "docx", "bytes": len(document)})
    if pdf is not None:
        soffice = require_soffice(environ, pk_id=pk_id)
        converted = docx_to_pdf(document, name=name, soffice=soffice, pk_id=pk_id)
        _write(pdf, converted)
        written.append({"file": str(pdf), "format": "pdf", "bytes": len(converted)})
    return written


def need_output(docx: Path | None, pdf: Path | None) -> None:
    """Refuse an export that would write nothing."""
    if docx is None and pdf is None:
        raise typer.BadParameter("berikan --docx BERKAS dan/atau --pdf BERKAS", param_hint="--docx")


def export_lines(ref: str, written: list[dict[str, object]]) -> list[str]:
    """What the export printed for people."""
    return [f"{ref} ditulis ke {w['file']} ({w['format']}, {w['bytes']} bita)." for w in written]


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    pk_id: Annotated[int, typer.Argument(help="Nomor PK (angka)")],
    docx: DocxOption = None,
    pdf: PdfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Ekspor PK dalam tata letak resmi: Word (.docx) dan/atau PDF (lewat LibreOffice)."""
    from documents.docx.pk import build_pk_docx
    from engine.usecases.documents import pk_document

    need_output(docx, pdf)
    state = state_of(ctx)
    container = state.container()
    with container.uow() as uow:
        found = pk_document(uow, pk_id, None, now=container.clock.now(), policy=container.policy)
    document = build_pk_docx(found.view, found.sasaran)
    written = write_exports(
        document, docx=docx, pdf=pdf, name=f"PK-{pk_id}", environ=state.environ, pk_id=pk_id
    )
    emit({"pk": f"PK-{pk_id}", "files": written}, as_json, export_lines(f"PK-{pk_id}", written))

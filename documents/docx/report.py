"""The quarterly realisation report (laporan realisasi / capaian kinerja triwulan) as .docx.

A recap table (indikator, target, realisasi, capaian, kategori), then per indicator the
formula's input values, kendala and upaya, then the history of the workflow (who
submitted, verified and approved, as what, when). Built from what
`engine.usecases.documents.report_document` gives, the same numbers the report page shows;
landscape, because the recap has seven columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from documents.docx.pk import (
    DERIVED_NOTE,
    add_text,
    grid_table,
    marked_name,
    new_document,
    number_text,
    target_text,
    to_bytes,
)
from engine.workflow import Action, State

RECAP_HEADER = (
    "No", "Indikator Kinerja", "Satuan", "Target", "Realisasi", "Capaian (%)", "Kategori",
)  # fmt: skip
INPUT_HEADER = ("Variabel", "Satuan", "Nilai")
HISTORY_HEADER = ("Waktu", "Tindakan", "Oleh", "Sebagai", "Catatan")


def _realisation(entry: Mapping[str, Any]) -> str:
    if entry["realisation"] is None:
        return entry["realisation_reason"] or entry["no_data_reason"] or "-"
    text = number_text(entry["realisation"], entry["decimals"])
    measured = entry["measured_to_date"]
    if measured is not None and measured != entry["realisation"]:
        text += f"\n(s.d. triwulan ini: {number_text(measured, entry['decimals'])})"
    return text


def _capaian(entry: Mapping[str, Any]) -> str:
    if entry["capaian"] is None:
        return entry["capaian_reason"] or "-"
    flag = entry.get("capaian_flag")
    return number_text(entry["capaian"], 2) + (f" ({flag})" if flag else "")


def recap_rows(view: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """The recap table's rows, as printed (also what tests compare against)."""
    return [
        (
            str(n),
            marked_name(e),
            e["unit"],
            target_text(e["target"]),
            _realisation(e),
            _capaian(e),
            e["category"] or "-",
        )
        for n, e in enumerate(view["entries"], start=1)
    ]


def _details(doc: DocxDocument, entry: Mapping[str, Any], number: int) -> None:
    add_text(doc, f"{number}. {marked_name(entry)}", bold=True, after=3)
    add_text(doc, f"Rumus: {entry['expression']}", size=10, after=3)
    rows = [
        (i["label"] or i["name"], i["unit"] or "-", number_text(i["value"]))
        for i in entry["inputs"]
    ]
    if rows:
        grid_table(doc, INPUT_HEADER, rows, (13.0, 3.5, 4.5), right=(), size=10)
    if entry["no_data_reason"]:
        add_text(doc, f"Tidak ada data: {entry['no_data_reason']}", size=11)
    add_text(doc, f"Kendala: {entry['kendala'] or '-'}", size=11).paragraph_format.space_before = 0
    add_text(doc, f"Upaya: {entry['upaya'] or '-'}", size=11, after=12)


def _action_label(action: str) -> str:
    try:
        return Action(action).label.capitalize()
    except ValueError:
        return action


def build_report_docx(view: Mapping[str, Any], agency: str | None) -> bytes:
    """The report document from the report as shown (`ReportDocument.view`) and the agency."""
    centre = WD_ALIGN_PARAGRAPH.CENTER
    roman = ("I", "II", "III", "IV")[view["quarter"] - 1]
    doc = new_document(
        f"Laporan Realisasi {view['period']} {view['position_title']}", landscape=True
    )
    state = State(view["state"])
    if state is not State.APPROVED:
        add_text(
            doc,
            f"KONSEP · belum disetujui ({state.label})",
            bold=True,
            align=centre,
            size=10,
            after=12,
        )
    add_text(doc, "LAPORAN REALISASI CAPAIAN KINERJA", bold=True, align=centre, size=14)
    add_text(doc, f"TRIWULAN {roman} TAHUN {view['year']}", bold=True, align=centre)
    add_text(doc, view["position_title"].upper(), bold=True, align=centre)
    add_text(doc, (agency or "").upper(), bold=True, align=centre, after=12)
    add_text(doc, f"Nomor dokumen: {view['ref']}; dasar: {view['pk'] or '-'}", size=10, after=6)
    grid_table(
        doc, RECAP_HEADER, recap_rows(view), (1.0, 9.0, 2.0, 3.0, 4.2, 2.8, 2.7), right=(3, 4, 5)
    )
    if any(e.get("origin") == "derived" for e in view["entries"]):
        add_text(doc, DERIVED_NOTE, size=10)
    add_text(doc, "", after=6)
    add_text(doc, "RINCIAN PER INDIKATOR", bold=True, after=6)
    for number, entry in enumerate(view["entries"], start=1):
        _details(doc, entry, number)
    if view["history"]:
        add_text(doc, "RIWAYAT", bold=True, after=6)
        history = [
            (h["when"], _action_label(h["action"]), h["actor"] or "-", h["as"] or "-",
             h["comment"] or "")
            for h in view["history"]
        ]  # fmt: skip
        grid_table(doc, HISTORY_HEADER, history, (4.5, 3.0, 5.5, 6.5, 5.2), size=10)
    return to_bytes(doc)


def report_filename(view: Mapping[str, Any], extension: str = "docx") -> str:
    """A file name people recognise: Laporan-2021-TW1-kasi-ikm.docx."""
    return f"Laporan-{view['year']}-TW{view['quarter']}-{view['position']}.{extension}"

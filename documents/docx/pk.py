"""The Perjanjian Kinerja as a Word document, in the layout agencies sign (PermenPAN-RB 53/2014).

The same wording as the printable page (web/templates/pk_print.html): title, the
standard statement naming pihak pertama and pihak kedua (with "Plt. " where an acting
official signs), place and date in Indonesian, two signature blocks with grouped NIPs,
then the attachment: sasaran / indikator / target, and program / kegiatan / sub kegiatan
with anggaran and their total. Built from what `engine.usecases.documents.pk_document`
gives (the PK as the page and the API show it, and its indicators' sasaran), so the
document says exactly what the page and the API say. The small layout helpers here are
shared with the quarterly report document.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from engine.errors import ValidationError
from engine.formatting import MAX_DECIMALS, format_date_id, format_number_id
from engine.nip import format_nip

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BLANK_NAME = "...................."
"""Printed where a position has no holder (vacant, nobody acting)."""

OPENING = (
    "Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan dan akuntabel "
    "serta berorientasi pada hasil, kami yang bertanda tangan di bawah ini:"
)
PROMISE = (
    "Pihak pertama berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran "
    "perjanjian ini, dalam rangka mencapai target kinerja jangka menengah seperti yang telah "
    "ditetapkan dalam dokumen perencanaan. Keberhasilan dan kegagalan pencapaian target kinerja "
    "tersebut menjadi tanggung jawab kami."
)
SUPERVISION = (
    "Pihak kedua akan melakukan supervisi yang diperlukan serta akan melakukan evaluasi terhadap "
    "capaian kinerja dari perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka "
    "pemberian penghargaan dan sanksi."
)
TARGET_HEADER = ("No", "Sasaran", "Indikator Kinerja", "Satuan", "Target")
BUDGET_HEADER = ("No", "Program", "Kegiatan", "Sub Kegiatan", "Anggaran (Rp)")
TOTAL_LABEL = "Jumlah"
DERIVED_MARK = " *)"
DERIVED_NOTE = (
    "*) Indikator turunan: tidak termuat dalam Keputusan IKU/IKI perangkat daerah; disusun "
    "dari indikator jabatan lain."
)
SIGNATURE_SPACE_CM = 2.5
"""Room between the title and the name for the signature and the stamp."""
TARGET_WIDTHS_CM = (1.0, 4.4, 6.2, 2.2, 2.7)
"""No, Sasaran, Indikator Kinerja, Satuan, Target: 16.5 cm, the A4 text width. "Satuan" and
the longest unit ("koperasi") fit on one line in bold Times New Roman 11 pt and in its
metric twin Liberation Serif (fonts-liberation)."""
BUDGET_WIDTHS_CM = (1.0, 3.9, 3.75, 3.75, 4.1)
"""No, Program, Kegiatan, Sub Kegiatan, Anggaran (Rp): the amount column holds
"3.000.000.000.000,00" in bold Times New Roman 11 pt on one line (a regency's whole budget;
the demo's largest, the Kepala Dinas's total, is 29.705.000.000,00)."""
_STATE_LABELS = {"draft": "draf", "submitted": "diajukan", "verified": "diverifikasi"}


# --- numbers and names as documents print them -------------------------------------------


def number_text(value: str | Decimal | int | None, decimals: int | None = None) -> str:
    """A stored number in Indonesian style; `decimals` None keeps the number's own places.

    "62.80" -> "62,80", "733000000.00" with 2 -> "733.000.000,00", None -> "-".
    """
    if value is None or value == "":
        return "-"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    if decimals is None:
        exponent = number.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        decimals = min(places, MAX_DECIMALS)
    return format_number_id(number, decimals)


def target_text(raw: str | None) -> str:
    """A stored target ("62.80", "80-90", "-10 s.d. -5") in Indonesian style."""
    if raw is None or raw == "":
        return "-"
    if " s.d. " in raw:
        low, _, high = raw.partition(" s.d. ")
        return f"{number_text(low.strip())} s.d. {number_text(high.strip())}"
    cut = raw.find("-", 1)
    if cut > 0:
        return f"{number_text(raw[:cut].strip())} - {number_text(raw[cut + 1 :].strip())}"
    return number_text(raw.strip())


def nip_text(nip: str | None) -> str | None:
    """The NIP grouped as printed ("19680411 199303 1 009"); other staff numbers as they are."""
    if not nip:
        return None
    try:
        return format_nip(nip)
    except ValidationError:
        return nip


# --- layout helpers ------------------------------------------------------------------------


def new_document(title: str, *, landscape: bool = False) -> DocxDocument:
    """An A4 document in Times New Roman 12 pt, proofing language Indonesian."""
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    else:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = section.right_margin = Cm(2)
    section.left_margin = Cm(2.5)
    normal = doc.styles["Normal"]
    font = normal.font
    font.name = "Times New Roman"
    font.size = Pt(12)
    r_pr = normal.element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), "Times New Roman")
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "id-ID")
    r_pr.append(language)
    spacing = normal.paragraph_format
    spacing.space_before = Pt(0)
    spacing.space_after = Pt(0)
    doc.core_properties.title = title
    doc.core_properties.language = "id-ID"
    doc.core_properties.author = "Kinerja"
    return doc


def add_text(
    container: DocxDocument | _Cell,
    text: str,
    *,
    bold: bool = False,
    underline: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    size: float | None = None,
    after: float = 0,
) -> Paragraph:
    """One paragraph of one run; an empty first paragraph of a cell is reused."""
    paragraphs = container.paragraphs
    if isinstance(container, _Cell) and len(paragraphs) == 1 and not paragraphs[0].text:
        paragraph = paragraphs[0]
    else:
        paragraph = container.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.underline = underline or None
    if size is not None:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _repeat_as_header(table: Table) -> None:
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row_properties.append(header)


def set_widths(table: Table, widths_cm: Sequence[float]) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid)."""
    table.autofit = False
    for index, width in enumerate(widths_cm):
        table.columns[index].width = Cm(width)
        for cell in table.columns[index].cells:
            cell.width = Cm(width)


def grid_table(
    doc: DocxDocument,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_cm: Sequence[float],
    *,
    right: Sequence[int] = (),
    nowrap: Sequence[int] = (),
    size: float = 11,
    extra_rows: int = 0,
) -> Table:
    """A bordered table with a bold header row repeated on each page (and empty rows after).

    The columns in `nowrap` are marked not to wrap (numbers, units); their widths must fit.
    """
    table: Table = doc.add_table(rows=1 + len(rows) + extra_rows, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        add_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
    for row, values in zip(table.rows[1 : 1 + len(rows)], rows, strict=True):
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.RIGHT if index in right else None
            if index == 0:
                align = WD_ALIGN_PARAGRAPH.CENTER
            for line in text.split("\n"):
                add_text(cell, line, align=align, size=size)
    _repeat_as_header(table)
    set_widths(table, widths_cm)
    for index in nowrap:
        for cell in table.columns[index].cells:
            cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
    return table


def to_bytes(doc: DocxDocument) -> bytes:
    """The .docx file's bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- the Perjanjian Kinerja ----------------------------------------------------------------


def _parties_table(doc: DocxDocument, party: Mapping[str, str | None], closing: str) -> None:
    table = doc.add_table(rows=2, cols=3)
    for row, (label, value) in zip(
        table.rows,
        (("Nama", party["name"] or BLANK_NAME), ("Jabatan", party["title"] or "")),
        strict=True,
    ):
        add_text(row.cells[0], label)
        add_text(row.cells[1], ":")
        add_text(row.cells[2], value)
    set_widths(table, (2.5, 0.5, 13.5))
    add_text(doc, closing, after=6).paragraph_format.space_before = Pt(4)


def signature_rows(
    parties: Mapping[str, Mapping[str, str | None]],
) -> list[tuple[str, str, str]]:
    """The signature blocks row by row: (row kind, pihak kedua's text, pihak pertama's text).

    One row per line, both parties side by side, so that a long title that wraps on one side
    pushes both names down alike: the names always sit on the same line, below the same space
    for the signature and the stamp. The printable page (pk_print.html) prints the same rows.
    """
    second, first = parties["second"], parties["first"]
    rows = [
        ("role", "Pihak Kedua,", "Pihak Pertama,"),
        ("title", second["title"] or "", first["title"] or ""),
        ("space", "", ""),
        ("name", second["name"] or BLANK_NAME, first["name"] or BLANK_NAME),
    ]
    left, right = nip_text(second["nip"]), nip_text(first["nip"])
    if left or right:
        rows.append(("nip", f"NIP. {left}" if left else "", f"NIP. {right}" if right else ""))
    return rows


def _signatures(doc: DocxDocument, parties: Mapping[str, Mapping[str, str | None]]) -> None:
    rows = signature_rows(parties)
    table = doc.add_table(rows=len(rows), cols=2)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for index, (row, (kind, second, first)) in enumerate(zip(table.rows, rows, strict=True)):
        for cell, text in zip(row.cells, (second, first), strict=True):
            name = kind == "name"
            signed = name and text != BLANK_NAME
            paragraph = add_text(cell, text, bold=name, underline=signed, align=centre)
            # The block is never split over two pages (LibreOffice and Word both keep a
            # table's rows together when every paragraph but the last keeps with the next).
            paragraph.paragraph_format.keep_with_next = index < len(rows) - 1
        row_properties = row._tr.get_or_add_trPr()
        row_properties.append(OxmlElement("w:cantSplit"))
        if kind == "space":
            row.height = Cm(SIGNATURE_SPACE_CM)
            row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
    set_widths(table, (8.25, 8.25))


def _place_and_date(doc: DocxDocument, text: str) -> None:
    """The place and date above the signatures, on the same page as them."""
    paragraph = add_text(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, after=12)
    paragraph.paragraph_format.keep_with_next = True


def _draft_mark(doc: DocxDocument, view: Mapping[str, Any], today: date) -> None:
    state = _STATE_LABELS.get(str(view["state"]), str(view["state"]))
    add_text(
        doc,
        f"KONSEP · belum disetujui ({state}); penanda tangan sesuai jabatan per "
        f"{format_date_id(today)}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=10,
        after=12,
    )


def build_pk_docx(view: Mapping[str, Any], sasaran: Mapping[str, str]) -> bytes:
    """The PK document from the PK as shown (`PkDocument.view`) and its indicators' sasaran."""
    year = view["year"]
    perubahan = " (PERUBAHAN)" if view["revision"] > 1 else ""
    signed = date.fromisoformat(view["signed_on"])
    doc = new_document(f"Perjanjian Kinerja {year} {view['position_title']}")
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    centre = WD_ALIGN_PARAGRAPH.CENTER
    if view["state"] != "approved":
        _draft_mark(doc, view, signed)
    add_text(doc, f"PERJANJIAN KINERJA TAHUN {year}{perubahan}", bold=True, align=centre, size=14)
    add_text(doc, (view["agency"] or "").upper(), bold=True, align=centre, after=18)
    add_text(doc, OPENING, align=justify, after=6)
    parties = view["parties"]
    _parties_table(doc, parties["first"], "selanjutnya disebut pihak pertama.")
    _parties_table(
        doc, parties["second"], "selaku atasan pihak pertama, selanjutnya disebut pihak kedua."
    )
    add_text(doc, PROMISE, align=justify, after=6)
    add_text(doc, SUPERVISION, align=justify, after=18)
    place = view["place"] or ""
    _place_and_date(doc, f"{place}, {format_date_id(signed)}")
    _signatures(doc, parties)
    add_text(doc, "").runs[0].add_break(WD_BREAK.PAGE)
    add_text(doc, f"LAMPIRAN PERJANJIAN KINERJA TAHUN {year}{perubahan}", bold=True, align=centre)
    add_text(doc, view["position_title"].upper(), bold=True, align=centre)
    add_text(doc, (view["agency"] or "").upper(), bold=True, align=centre, after=12)
    if view["revision"] > 1 and view.get("revision_reason"):
        add_text(doc, f"Alasan perubahan: {view['revision_reason']}", size=11, after=6)
    targets = [
        (
            str(n),
            sasaran.get(t["indicator"], ""),
            marked_name(t),
            t["unit"],
            target_text(t["annual"]),
        )
        for n, t in enumerate(view["targets"], start=1)
    ]
    table = grid_table(doc, TARGET_HEADER, targets, TARGET_WIDTHS_CM, right=(4,), nowrap=(3, 4))
    for first, last in sasaran_runs([row[1] for row in targets]):
        if last > first:  # one sasaran over its indicators, as agencies print it
            top = table.cell(1 + first, 1)
            for below in range(first + 1, last + 1):
                cell = table.cell(1 + below, 1)
                cell.paragraphs[0].clear()
            top.merge(table.cell(1 + last, 1))
    if any(t.get("origin") == "derived" for t in view["targets"]):
        add_text(doc, DERIVED_NOTE, size=10)
    add_text(doc, "", after=12)
    budget = [
        (str(n), b["program"], b["kegiatan"] or "", b["sub_kegiatan"] or "",
         number_text(b["anggaran"], 2))
        for n, b in enumerate(view["budget"], start=1)
    ]  # fmt: skip
    table = grid_table(
        doc, BUDGET_HEADER, budget, BUDGET_WIDTHS_CM, right=(4,), nowrap=(4,), extra_rows=1
    )
    total = table.rows[-1]
    label = total.cells[0].merge(total.cells[3])
    add_text(label, TOTAL_LABEL, bold=True, align=centre, size=11)
    add_text(
        total.cells[4],
        number_text(view["budget_total"], 2),
        bold=True,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        size=11,
    )
    add_text(doc, "", after=12)
    _place_and_date(doc, f"{place}, {format_date_id(signed)}")
    _signatures(doc, parties)
    return to_bytes(doc)


def pk_filename(view: Mapping[str, Any], extension: str = "docx") -> str:
    """A file name people recognise: PK-2021-kasi-ikm-rev2.docx."""
    revision = f"-rev{view['revision']}" if view["revision"] > 1 else ""
    return f"PK-{view['year']}-{view['position']}{revision}.{extension}"


def sasaran_runs(values: Sequence[str]) -> list[tuple[int, int]]:
    """The runs of equal consecutive sasaran as (first, last) indexes: one cell each in print.

    ["A", "A", "B"] -> [(0, 1), (2, 2)]; an empty sasaran is never merged with another.
    """
    runs: list[tuple[int, int]] = []
    for index, value in enumerate(values):
        if runs and value and values[runs[-1][0]] == value:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def marked_name(row: Mapping[str, Any]) -> str:
    """An indicator's name, marked "*)" when it is derived (not in the decree)."""
    return str(row["name"]) + (DERIVED_MARK if row.get("origin") == "derived" else "")

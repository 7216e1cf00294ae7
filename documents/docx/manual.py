"""The Manual Indikator Kinerja and the pohon kinerja as Word documents.

The same content as the printable pages (web/templates/manual_ik.html and
pohon_kinerja.html): per indicator the Manual IK sheet (field and text, in
`engine.manual.ManualIK.rows` order), and the cascade of a period as an indented table with
the capaian of each node, then the indicators that support nothing and those nothing
supports. Layout helpers are the PK document's.
"""

from __future__ import annotations

import re

from docx.enum.text import WD_ALIGN_PARAGRAPH

from documents.docx.pk import add_text, grid_table, new_document, to_bytes
from engine.tree import PerformanceTree, TreeNode
from engine.usecases.manual import ManualBook

TREE_HEADER = ("No", "Indikator", "Jabatan", "Target", "Realisasi", "Capaian", "Kategori")


def build_manual_docx(book: ManualBook) -> bytes:
    """The Manual IK of the positions in `book`, one table per indicator."""
    doc = new_document(f"Manual Indikator Kinerja {book.year}")
    add_text(doc, "MANUAL INDIKATOR KINERJA", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_text(doc, f"{book.agency.upper()} TAHUN {book.year}".strip(), bold=True,
             align=WD_ALIGN_PARAGRAPH.CENTER, after=12)  # fmt: skip
    for position, manuals in book.positions:
        add_text(doc, position.title, bold=True, after=6)
        if not manuals:
            add_text(doc, "Belum ada indikator.", after=12)
        for number, manual in enumerate(manuals, start=1):
            add_text(doc, f"{number}. {manual.indicator.name} ({manual.code})", bold=True, after=3)
            rows = [(label, text) for label, text in manual.rows()]
            grid_table(doc, ("Unsur", "Uraian"), rows, (4.5, 12), size=10)
            add_text(doc, "", after=9)
    return to_bytes(doc)


def build_tree_docx(tree: PerformanceTree, period_label: str) -> bytes:
    """The pohon kinerja of a period: the indented cascade and where it is broken."""
    doc = new_document(f"Pohon Kinerja {period_label}", landscape=True)
    add_text(doc, "POHON KINERJA", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_text(doc, period_label.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    rows = [_row(number, depth, node) for number, (depth, node) in enumerate(tree.rows(), 1)]
    grid_table(doc, TREE_HEADER, rows, (1.2, 10.5, 5, 2.4, 2.6, 2.4, 2.6), right=(3, 4, 5),
               size=9)  # fmt: skip
    for title, nodes in (
        ("Indikator yang tidak mendukung indikator atasan", tree.orphans),
        ("Indikator yang tidak didukung indikator bawahan", tree.barren),
    ):
        add_text(doc, "", after=6)
        add_text(doc, title, bold=True, after=3)
        if not nodes:
            add_text(doc, "Tidak ada.")
        for node in nodes:
            add_text(doc, f"- {node.score.indicator.name} ({node.code}), {node.position.title}")
    return to_bytes(doc)


def _row(number: int, depth: int, node: TreeNode) -> tuple[str, ...]:
    indent = "    " * depth + ("└ " if depth else "")
    return (
        str(number),
        f"{indent}{node.score.indicator.name} ({node.code})",
        node.position.title,
        node.target_text,
        node.realisation_text,
        node.capaian_text,
        node.category_name or "-",
    )


def manual_filename(year: int, position: str | None) -> str:
    """manual-ik-2021[-kasi-ikm].docx"""
    suffix = "" if position is None else "-" + re.sub(r"[^a-z0-9-]", "-", position.lower())
    return f"manual-ik-{year}{suffix}.docx"


def tree_filename(year: int, quarter: int | None) -> str:
    """pohon-kinerja-2021-tw3.docx, or -tahun for the whole year."""
    return f"pohon-kinerja-{year}-{'tahun' if quarter is None else f'tw{quarter}'}.docx"

"""The audit trail of one document as an Excel workbook, with what an inspector needs to check it.

"Riwayat" lists every workflow step as the document page shows it (who, when,
as what, with which comment), plus each row's hash and the previous row's hash;
above the table, the result of checking the document's chain now. "Rantai hash"
holds the exact hashed fields of every row so that the SHA-256 of each can be
recomputed outside Kinerja (canonical JSON, see `engine.audit.entry_hash`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped, unused-ignore]

from documents.xlsx.common import HEADER_ROW, argb, table, title_block, workbook_bytes
from engine.audit import HASHED_FIELDS
from engine.clock import JAKARTA
from engine.formatting import format_moment_id
from engine.usecases.audit import CHAIN_OK, AuditTrail
from engine.workflow import Action, State

__all__ = ["CHAIN_OK", "audit_workbook", "audit_workbook_bytes", "write_audit_workbook"]

CHAIN_OK_COLOUR = "#1a7f37"
CHAIN_BROKEN_COLOUR = "#cf222e"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"


def audit_workbook(export: AuditTrail) -> Workbook:
    """The workbook: "Riwayat" for people, "Rantai hash" for recomputing the chain."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Riwayat"
    _history_sheet(sheet, export)
    _chain_sheet(workbook.create_sheet("Rantai hash"), export)
    workbook.properties.title = f"Riwayat {export.ref}"
    workbook.properties.creator = "Kinerja"
    return workbook


def audit_workbook_bytes(export: AuditTrail) -> bytes:
    """The workbook as the bytes of an .xlsx file (for a download)."""
    return workbook_bytes(audit_workbook(export))


def write_audit_workbook(export: AuditTrail, path: Path) -> None:
    """Save the workbook to `path` (the CLI's --xlsx)."""
    path.write_bytes(audit_workbook_bytes(export))


def _header_lines(export: AuditTrail, what: str) -> list[str]:
    state = _label(State, export.state)
    return [
        f"Riwayat {export.kind.label} {export.ref} · {what}",
        f"{export.position_title} · {export.period} · status {state}, versi {export.version}",
        export.verdict,
        f"Dibuat {format_moment_id(export.generated_at)}; waktu dalam WIB (Asia/Jakarta)",
    ]


def _label(enum: type[State] | type[Action], value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value


_HISTORY_HEADS = [
    "No",
    "Waktu (WIB)",
    "Langkah",
    "Dari",
    "Ke",
    "Oleh",
    "NIP",
    "Sebagai",
    "Status jabatan",
    "Catatan",
    "Kunjungan",
    "ID baris",
    "Hash sebelumnya",
    "Hash baris",
]


def _history_sheet(sheet: Worksheet, export: AuditTrail) -> None:
    title_block(sheet, _header_lines(export, "Riwayat"))
    verdict = sheet.cell(row=3, column=1)
    colour = CHAIN_OK_COLOUR if export.problem is None else CHAIN_BROKEN_COLOUR
    verdict.font = Font(bold=True, color=argb(colour))
    by_id = {r.id: r for r in export.log}
    rows = []
    for number, item in enumerate(export.history, start=1):
        log = by_id.get(item["id"])
        rows.append(
            [
                number,
                log.at.astimezone(JAKARTA).replace(tzinfo=None) if log is not None else None,
                _label(Action, item["action"]),
                _label(State, item["from"]),
                _label(State, item["to"]),
                item["actor"],
                item["nip"],
                item["as"],
                item["acting_status"],
                item["comment"],
                item["visit"],
                item["id"],
                None if log is None else log.prev_hash,
                None if log is None else log.hash,
            ]
        )
    count = table(
        sheet,
        _HISTORY_HEADS,
        rows,
        freeze_columns=2,
        wrap=("Sebagai", "Catatan"),
        max_width=44,
    )
    for index in range(1, count + 1):
        row = HEADER_ROW + index
        sheet.cell(row=row, column=2).number_format = DATETIME_FORMAT
        sheet.cell(row=row, column=7).number_format = "@"  # an 18-digit NIP is text, not a number
    sheet.column_dimensions["B"].width = 20
    if export.problem is not None and export.problem.row_id is not None:
        broken = PatternFill("solid", fgColor=argb("#ffebe9"))
        for index, item in enumerate(export.history, start=1):
            if item["id"] == export.problem.row_id:
                for cell in sheet[HEADER_ROW + index]:
                    cell.fill = broken


def _chain_sheet(sheet: Worksheet, export: AuditTrail) -> None:
    title_block(
        sheet,
        [
            f"Rantai hash {export.ref}",
            "Hash baris = SHA-256 atas JSON kanonis (kunci terurut, tanpa spasi, UTF-8) dari "
            "kolom-kolom di bawah ditambah prev_hash; waktu 'at' dalam ISO 8601 UTC.",
            f"Hash terakhir yang disimpan dokumen: {export.head or '-'}",
            export.verdict,
        ],
    )
    heads = ["id", *HASHED_FIELDS, "prev_hash", "hash"]
    rows = [
        [
            r.id,
            *(_canonical(r.fields[name]) for name in HASHED_FIELDS),
            r.prev_hash,
            r.hash,
        ]
        for r in export.log
    ]
    # exact values (string cells, no prefix): the hashes are recomputed from them
    table(sheet, heads, rows, freeze_columns=1, max_width=66, neutralise=False)
    nip_column = heads.index("actor_nip") + 1
    at_column = heads.index("at") + 1
    for index in range(1, len(rows) + 1):
        sheet.cell(row=HEADER_ROW + index, column=nip_column).number_format = "@"
        sheet.cell(row=HEADER_ROW + index, column=at_column).number_format = "@"


def _canonical(value: Any) -> Any:
    """As the hash sees it: moments as ISO 8601 text in UTC, everything else as stored."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value

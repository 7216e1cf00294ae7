"""The recap as an Excel workbook: the dashboard's numbers, with the inputs they came from.

The data is `engine.usecases.recap.recap_export`'s: the recap the dashboard shows
(latest approved PK targets, realisations of verified and approved reports unless the
export includes the others, the year's capaian rules) and the formula inputs behind it,
so the workbook and the page cannot disagree; the title block says which rules and which
reports were used. Cells hold real numbers (capaian in
percent, e.g. 95.5 for 95,5%, with a two-decimal format and "(%)" in the header);
Excel shows them with the reader's own separators. Sheets: Ringkasan (agency and bidang),
Jabatan (per position), Indikator (one row per indicator) and Masukan (every
formula input of every quarter the realisation used, one value per row).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped, unused-ignore]

from documents.colours import EXTRA_CATEGORY_COLOURS
from documents.xlsx.common import (
    HEADER_ROW,
    fill_category,
    number_format,
    table,
    title_block,
    workbook_bytes,
)
from engine.capaian import Polarity, Scale
from engine.formatting import format_moment_id, format_number_id
from engine.recap import (
    MISSING_LABEL,
    NOT_COMPUTABLE_LABEL,
    GroupScore,
    IndicatorInput,
    IndicatorScore,
    bidang_of,
)
from engine.result import Outcome, Result
from engine.targets import Rollup, TargetMode
from engine.usecases.recap import RecapExport
from engine.workflow import State

"""Rows 1-4 carry the title, period, filter and time of export; row 6 the column heads."""
PERCENT_FORMAT = "#,##0.00"
COUNT_FORMAT = "0"
EXTRA_COLOURS = EXTRA_CATEGORY_COLOURS
"""The dashboard's shades for indicators without a category."""
_QUARTER_NAMES = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}


def recap_workbook(export: RecapExport) -> Workbook:
    """The workbook of a recap: Ringkasan, Jabatan, Indikator and Masukan sheets."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Ringkasan"
    _summary_sheet(summary, export)
    _positions_sheet(workbook.create_sheet("Jabatan"), export)
    _indicators_sheet(workbook.create_sheet("Indikator"), export)
    _inputs_sheet(workbook.create_sheet("Masukan"), export)
    workbook.properties.title = f"Rekap Capaian Kinerja {export.period_label}"
    workbook.properties.creator = "Kinerja"
    return workbook


def recap_workbook_bytes(export: RecapExport) -> bytes:
    """The workbook as the bytes of an .xlsx file (for a download)."""
    return workbook_bytes(recap_workbook(export))


def write_recap_workbook(export: RecapExport, path: Path) -> None:
    """Save the workbook to `path` (the CLI's --xlsx)."""
    path.write_bytes(recap_workbook_bytes(export))


# -- the recap's sheets --------------------------------------------------------------------------


def _header_lines(export: RecapExport, what: str) -> list[str]:
    scope = "Semua bidang" if export.bidang is None else f"Bidang: {export.bidang.unit_name}"
    basis = export.recap.basis
    rules = basis.rules
    counted = (
        "semua laporan triwulan (termasuk yang belum diverifikasi)"
        if basis.include_unverified
        else "laporan triwulan yang diverifikasi dan disetujui"
    )
    cap = "tanpa batas atas" if rules.cap is None else f"batas atas {rules.cap}%"
    return [
        f"Rekap Capaian Kinerja {export.period_label} · {what}",
        f"{scope}. Capaian dalam persen: rata-rata capaian indikator yang dapat dihitung.",
        f"Target dari Perjanjian Kinerja yang disetujui terakhir; realisasi dari {counted}.",
        f"Dibuat {format_moment_id(export.generated_at)}. Skala {rules.scale.name}; {cap}; "
        f"target 0 (polaritas negatif): {rules.negative_zero_target_met}/"
        f"{rules.negative_zero_target_missed}; target negatif: {rules.negative_target.value}.",
    ]


def category_names(export: RecapExport) -> list[str]:
    """The categories of the recap's scale, then missing and not computable."""
    return [c.name for c in export.recap.basis.rules.scale.categories] + list(EXTRA_COLOURS)


def _category_of(group: GroupScore | IndicatorScore) -> tuple[str | None, str | None]:
    if group.category is not None:
        return group.category.name, group.category.color
    if group.capaian.outcome is Outcome.NOT_COMPUTABLE:
        return NOT_COMPUTABLE_LABEL, EXTRA_COLOURS[NOT_COMPUTABLE_LABEL]
    return MISSING_LABEL, EXTRA_COLOURS[MISSING_LABEL]


def _group_cells(group: GroupScore, names: list[str]) -> list[Any]:
    name, _ = _category_of(group)
    counts = [group.counts.get(category, 0) for category in names]
    return [group.indicators, group.capaian.value, name, *counts]


def _group_heads(names: list[str]) -> list[str]:
    return ["Jumlah indikator", "Capaian (%)", "Kategori", *names]


def _style_groups(
    sheet: Worksheet, groups: Sequence[GroupScore], first: int, names: list[str]
) -> None:
    """Number formats and the category fill of group rows whose figures start at column `first`."""
    for index, group in enumerate(groups, start=1):
        row = HEADER_ROW + index
        sheet.cell(row=row, column=first).number_format = COUNT_FORMAT
        sheet.cell(row=row, column=first + 1).number_format = PERCENT_FORMAT
        name, colour = _category_of(group)
        fill_category(sheet.cell(row=row, column=first + 2), name, colour)
        for offset in range(len(names)):
            sheet.cell(row=row, column=first + 3 + offset).number_format = COUNT_FORMAT


def shown_bidang(export: RecapExport) -> list[GroupScore]:
    """The bidang rows of the recap, narrowed to the chosen bidang."""
    chosen = export.bidang
    return [g for g in export.recap.bidang if chosen is None or g.position_id == chosen.id]


def shown_positions(export: RecapExport) -> list[GroupScore]:
    """The positions of the recap (tree order), narrowed to the chosen bidang's members."""
    return [g for g in export.recap.positions if _in_scope(export, g.position_id)]


def shown_indicators(export: RecapExport) -> list[tuple[IndicatorScore, IndicatorInput]]:
    """The indicators of the positions shown, each with its targets and quarterly results."""
    shown = {g.position_id for g in shown_positions(export)}
    pairs = zip(export.recap.indicators, export.items, strict=True)
    return [(score, item) for score, item in pairs if score.indicator.position_id in shown]


def _in_scope(export: RecapExport, position_id: int) -> bool:
    if export.bidang is None:
        return True
    unit = bidang_of(export.tree, export.tree.position(position_id))
    return unit is not None and unit.id == export.bidang.id


def _summary_sheet(sheet: Worksheet, export: RecapExport) -> None:
    title_block(sheet, _header_lines(export, "Ringkasan"))
    groups = [("Perangkat daerah", g) for g in export.recap.agency] + [
        ("Bidang", g) for g in shown_bidang(export)
    ]
    names = category_names(export)
    rows = [[level, g.key, g.label, *_group_cells(g, names)] for level, g in groups]
    table(sheet, ["Tingkat", "Kode", "Nama", *_group_heads(names)], rows, freeze_columns=3)
    _style_groups(sheet, [g for _, g in groups], first=4, names=names)


def _positions_sheet(sheet: Worksheet, export: RecapExport) -> None:
    title_block(sheet, _header_lines(export, "Per jabatan"))
    groups = shown_positions(export)
    names = category_names(export)
    rows = []
    for group in groups:
        unit = bidang_of(export.tree, export.tree.position(group.position_id))
        bidang = "-" if unit is None else unit.unit_name
        rows.append([group.key, group.label, bidang, *_group_cells(group, names)])
    heads = ["Kode jabatan", "Jabatan", "Bidang", *_group_heads(names)]
    table(sheet, heads, rows, freeze_columns=2, wrap=("Jabatan", "Bidang"), max_width=45)
    _style_groups(sheet, groups, first=4, names=names)


_INDICATOR_HEADS = [
    "Kode jabatan",
    "Jabatan",
    "Kode indikator",
    "Jenis",
    "Kinerja / sasaran",
    "Indikator",
    "Satuan",
    "Rumus",
    "Polaritas",
    "Target",
    "Target s.d. (rentang)",
    "Realisasi",
    "Capaian (%)",
    "Kategori",
    "Keterangan",
    "Masukan rumus",
]
_TARGET_COLUMN = _INDICATOR_HEADS.index("Target") + 1


def _indicators_sheet(sheet: Worksheet, export: RecapExport) -> None:
    title_block(sheet, _header_lines(export, "Per indikator"))
    pairs = shown_indicators(export)
    rows = []
    for score, item in pairs:
        indicator = score.indicator
        position = export.tree.position(indicator.position_id)
        target = score.target
        name, _ = _category_of(score)
        rows.append(
            [
                position.code,
                position.title,
                indicator.code,
                indicator.kind.value.upper(),
                indicator.kinerja,
                indicator.name,
                indicator.unit,
                indicator.formula.expression,
                "positif" if indicator.polarity is Polarity.POSITIVE else "negatif",
                None if target is None else target.low,
                None if target is None or not target.is_range else target.high,
                score.realisation.value,
                score.capaian.value,
                name,
                _explain(score),
                _inputs_text(export, item, export.recap.quarter),
            ]
        )
    table(
        sheet,
        _INDICATOR_HEADS,
        rows,
        freeze_columns=3,
        wrap=("Jabatan", "Kinerja / sasaran", "Indikator", "Rumus", "Keterangan", "Masukan rumus"),
        max_width=48,
    )
    for index, (score, _) in enumerate(pairs, start=1):
        row = HEADER_ROW + index
        fmt = number_format(score.indicator.decimals)
        for column in (_TARGET_COLUMN, _TARGET_COLUMN + 1, _TARGET_COLUMN + 2):
            sheet.cell(row=row, column=column).number_format = fmt
        sheet.cell(row=row, column=_TARGET_COLUMN + 3).number_format = PERCENT_FORMAT
        name, colour = _category_of(score)
        fill_category(sheet.cell(row=row, column=_TARGET_COLUMN + 4), name, colour)


def _explain(score: IndicatorScore) -> str | None:
    """Why a realisation or capaian is blank or marked, in the words users see elsewhere."""
    notes = []
    for result in (score.realisation, score.capaian):
        if result.value is None:
            notes.append(f"{result.label}: {result.reason}")
            break
    if score.capaian.flag:
        notes.append(score.capaian.flag)
    if score.unverified:
        quarters = ", ".join(
            f"{_QUARTER_NAMES[q]} ({_state_label(state)})" for q, state in score.unverified
        )
        notes.append(f"belum diverifikasi: {quarters}")
    if not score.indicator.in_headline:
        notes.append("indikator turunan, di luar rata-rata perangkat daerah")
    return "; ".join(notes) or None


def quarters_used(item: IndicatorInput, quarter: int | None) -> list[int]:
    """The quarters whose reports the period's realisation is computed from (as `score` does)."""
    upto = quarter or 4
    rollup = item.indicator.rollup
    per_quarter = (
        quarter is not None
        and item.targets is not None
        and item.targets.mode is TargetMode.PER_QUARTER
    )
    if per_quarter or rollup is Rollup.LAST:
        return [upto]
    return list(range(1, upto + 1))


def _inputs_text(export: RecapExport, item: IndicatorInput, quarter: int | None) -> str | None:
    lines = []
    for number in quarters_used(item, quarter):
        entry = export.entries.get((item.indicator.id, number))
        prefix = _QUARTER_NAMES[number]
        if entry is None:
            lines.append(f"{prefix}: laporan belum dibuat")
        elif entry.no_data_reason:
            lines.append(f"{prefix}: tidak ada data ({entry.no_data_reason})")
        else:
            parts = [
                f"{variable.display} = {_shown(entry.inputs.get(name))}"
                for name, variable in item.indicator.formula.variables.items()
            ]
            lines.append(f"{prefix}: " + "; ".join(parts))
    return "\n".join(lines) or None


def _shown(raw: str | None) -> str:
    value = input_number(raw)
    if value is None:
        return "-" if raw in (None, "") else str(raw)
    return format_number_id(value, min(_decimals_of(value), 6))


def input_number(raw: str | None) -> Decimal | None:
    """A stored input as a number; None when empty or unreadable (then shown as typed)."""
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _decimals_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


_INPUT_HEADS = [
    "Kode jabatan",
    "Kode indikator",
    "Indikator",
    "Triwulan",
    "Laporan",
    "Status laporan",
    "Variabel",
    "Uraian",
    "Nilai",
    "Realisasi triwulan",
    "Keterangan",
]


def _inputs_sheet(sheet: Worksheet, export: RecapExport) -> None:
    title_block(sheet, _header_lines(export, "Masukan rumus per triwulan"))
    rows: list[list[Any]] = []
    formats: list[tuple[str | None, str]] = []
    for _, item in shown_indicators(export):
        indicator = item.indicator
        position = export.tree.position(indicator.position_id)
        for number in quarters_used(item, export.recap.quarter):
            entry = export.entries.get((indicator.id, number))
            result = item.quarters[number - 1] if number <= len(item.quarters) else None
            base = [position.code, indicator.code, indicator.name, _QUARTER_NAMES[number]]
            realised = None if result is None else result.value
            realised_format = number_format(indicator.decimals)
            if entry is None or entry.no_data_reason:
                note = (
                    "laporan belum dibuat"
                    if entry is None
                    else f"tidak ada data: {entry.no_data_reason}"
                )
                report = None if entry is None else f"LAP-{entry.report_id}"
                state = None if entry is None else _state_label(entry.report_state)
                rows.append([*base, report, state, None, None, None, realised, note])
                formats.append((None, realised_format))
                continue
            for name, variable in indicator.formula.variables.items():
                raw = entry.inputs.get(name)
                value = input_number(raw)
                rows.append(
                    [
                        *base,
                        f"LAP-{entry.report_id}",
                        _state_label(entry.report_state),
                        name,
                        variable.label or name,
                        value if value is not None else (raw or None),
                        realised,
                        _result_note(result),
                    ]
                )
                formats.append(
                    (None if value is None else number_format(min(_decimals_of(value), 6)),
                     realised_format)
                )  # fmt: skip
    table(sheet, _INPUT_HEADS, rows, freeze_columns=2, wrap=("Indikator", "Uraian"), max_width=48)
    value_column = _INPUT_HEADS.index("Nilai") + 1
    for index, (value_format, realised_format) in enumerate(formats, start=1):
        row = HEADER_ROW + index
        if value_format is not None:
            sheet.cell(row=row, column=value_column).number_format = value_format
        sheet.cell(row=row, column=value_column + 1).number_format = realised_format


def _state_label(state: str) -> str:
    try:
        return State(state).label
    except ValueError:
        return state


def _result_note(result: Result | None) -> str | None:
    if result is None or result.value is not None:
        return None
    return f"{result.label}: {result.reason}"


def category_colours(scale: Scale) -> dict[str, str]:
    """Every category the workbook may colour under `scale`, with its "#rrggbb" colour."""
    colours: dict[str, str] = {c.name: c.color for c in scale.categories}
    return colours | EXTRA_COLOURS

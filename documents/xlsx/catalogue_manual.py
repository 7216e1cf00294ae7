"""The "Manual IK" sheet of the catalogue workbook: what the decree adds for the Manual IK.

One row per indicator that states anything (definisi operasional, alasan, penyedia data,
periode pelaporan, a note), keyed by the indicator's code; the same fields and rules as the
YAML `manual:` mapping (documents/yaml/manual.py). The export writes every stored entry and
the import reads them back onto the indicators, so importing an export changes nothing. An
indicator without a row states nothing (its stored entry, if any, is removed on import).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from documents.xlsx.catalogue_cells import Cells, SheetRow
from documents.xlsx.catalogue_layout import INDICATORS
from documents.xlsx.catalogue_writer import Row
from documents.yaml.manual import MAX_TEXT
from engine.catalogue import IndicatorSpec
from engine.manual import MANUAL_FIELDS, ManualEntry

_ONE_LINE = ("penyedia_data", "periode_pelaporan")


def manual_rows(specs: Iterable[IndicatorSpec]) -> list[Row]:
    """The sheet's rows: one per indicator with a Manual IK entry, in catalogue order."""
    return [
        {"indicator": spec.code} | {name: getattr(spec.manual, name) for name in MANUAL_FIELDS}
        for spec in specs
        if spec.manual is not None
    ]


def with_manuals(
    cells: Cells, rows: list[SheetRow], specs: dict[str, IndicatorSpec], codes: frozenset[str]
) -> dict[str, IndicatorSpec]:
    """`specs` with the sheet's entries attached; problems (an unknown or repeated code, a
    line break in a one-line field, a text too long) go to `cells`."""
    found: dict[str, ManualEntry] = {}
    first: dict[str, int] = {}
    for row in rows:
        code = cells.line(row, "indicator")
        values = {
            name: (cells.line if name in _ONE_LINE else cells.text)(row, name, required=False)
            for name in MANUAL_FIELDS
        }
        for name, value in values.items():
            if value is not None and len(value) > MAX_TEXT:
                cells.at(row, name, f"paling panjang {MAX_TEXT} huruf")
        if code is None:
            continue
        if code not in codes:
            cells.at(row, "indicator", f"indikator '{code}' tidak ada di lembar {INDICATORS}")
        elif code in first:
            cells.at(row, "indicator", f"indikator '{code}' ganda (pertama di baris {first[code]})")
        else:
            first[code] = row.number
            entry = ManualEntry(**values)
            if not entry.empty:
                found[code] = entry
    return {code: replace(spec, manual=found.get(code)) for code, spec in specs.items()}

"""The `manual:` mapping of a catalogue indicator: what the decree adds for the Manual IK.

Documented in docs/catalogue.md. Only what the catalogue does not already hold is written
here (definisi operasional, alasan, penyedia data, periode pelaporan, and a note saying where
the decree is silent); satuan, jenis, sumber data, the formula in words and the penanggung
jawab are computed from the indicator (engine.manual). Unknown keys are refused, so a typo
never silently drops a field.
"""

from __future__ import annotations

from documents.yaml.checks import Checker
from documents.yaml.lines import LineDict
from engine.manual import ManualEntry

MAX_TEXT = 2000
"""The longest text of a field (a paragraph of a Manual IK, never a document)."""
_ONE_LINE = ("penyedia_data", "periode_pelaporan")
_PARAGRAPHS = ("definisi_operasional", "alasan", "note")


def manual_entry(check: Checker, item: LineDict, where: str) -> ManualEntry | None:
    """The indicator's `manual:` mapping checked (problems go to `check`); None when absent."""
    raw = item.get("manual")
    if raw is None:
        return None
    line = item.key_lines.get("manual", item.line)
    block = check.mapping(raw, line, f"{where}.manual")
    if block is None:
        return None
    here = f"{where}.manual"
    for key in block:
        if key not in _ONE_LINE + _PARAGRAPHS:
            check.add(
                block.key_lines.get(key, line),
                f"{here}.{key}",
                "kunci tidak dikenal; yang boleh: "
                + ", ".join(_PARAGRAPHS[:2] + _ONE_LINE)
                + ", note",
            )
    values: dict[str, str | None] = {}
    for key in _ONE_LINE:
        values[key] = check.line(block, key, here, required=False)
    for key in _PARAGRAPHS:
        values[key] = check.text(block, key, here, required=False)
    for key, value in values.items():
        if value is not None and len(value) > MAX_TEXT:
            check.add(
                block.key_lines.get(key, line), f"{here}.{key}", f"paling panjang {MAX_TEXT} huruf"
            )
    entry = ManualEntry(**values)
    return None if entry.empty else entry

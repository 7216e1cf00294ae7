"""The Manual Indikator Kinerja: how an indicator is measured, in the decree's words.

A Manual IK (PermenPAN-RB 53/2014) states for each indicator its definisi operasional,
alasan, formula, satuan, jenis (IKU/IKI), sumber data, penyedia data, penanggung jawab and
periode pelaporan. Most of these the catalogue already holds (unit, kind, data source, the
formula and its labelled inputs, the position): they are computed here, never stored twice.
What the decree adds (definisi operasional, alasan, penyedia data, periode pelaporan) is a
`ManualEntry`, stored beside the indicator; a field the decree is silent on stays empty and
the entry's note says so: nothing is invented.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from decimal import Decimal

from engine.formatting import format_number_id
from engine.formulas import Formula
from engine.indicators import Indicator

SILENT = "tidak dimuat dalam keputusan"
"""What a page shows for a field the decree does not state."""


@dataclass(frozen=True)
class ManualEntry:
    """What the decree says of an indicator beyond the catalogue's own fields."""

    definisi_operasional: str | None = None
    alasan: str | None = None
    penyedia_data: str | None = None
    periode_pelaporan: str | None = None
    note: str | None = None
    """Why a field is empty (the decree is silent) or where a field was read."""

    @property
    def empty(self) -> bool:
        """Nothing stated at all (no row is stored for it)."""
        return not any(getattr(self, name) for name in MANUAL_FIELDS)


NO_ENTRY = ManualEntry()

MANUAL_FIELDS = ("definisi_operasional", "alasan", "penyedia_data", "periode_pelaporan", "note")
"""The stored fields, in the order files and sheets list them."""


@dataclass(frozen=True)
class ManualIK:
    """The whole Manual IK of one indicator: the stored entry and the computed fields."""

    indicator: Indicator
    entry: ManualEntry
    formula_in_words: str
    penanggung_jawab: str
    """The title of the position that holds the indicator."""

    @property
    def code(self) -> str:
        """The indicator's code."""
        return self.indicator.code

    @property
    def satuan(self) -> str:
        """The unit (satuan) the realisation is expressed in."""
        return self.indicator.unit

    @property
    def jenis(self) -> str:
        """IKU or IKI."""
        return self.indicator.kind.value.upper()

    @property
    def sumber_data(self) -> str:
        """The decree's data source."""
        return self.indicator.data_source

    @property
    def inputs(self) -> list[str]:
        """The labels of the inputs staff type, with their units."""
        return [
            f"{v.label or v.name}" + (f" ({v.unit})" if v.unit else "")
            for v in self.indicator.formula.variables.values()
        ]

    @property
    def evidence(self) -> str:
        """What a verifier should expect as bukti dukung: the data source's document with
        the figure of every input (worked out from the catalogue, not from the decree)."""
        figures = "; ".join(self.inputs)
        return f"Dokumen dari sumber data ({self.sumber_data}) yang memuat angka: {figures}."

    def rows(self) -> list[tuple[str, str]]:
        """(field, text) in the order of a Manual IK sheet, as the page and the Word file print
        them; a field the decree does not state reads "-" with the reason in Catatan."""

        def stated(value: str | None) -> str:
            return value if value else f"- ({SILENT})"

        rows = [
            ("Kinerja (sasaran)", self.indicator.kinerja),
            ("Indikator", self.indicator.name),
            ("Definisi operasional", stated(self.entry.definisi_operasional)),
            ("Alasan", stated(self.entry.alasan)),
            ("Formula", self.formula_in_words),
            ("Satuan", self.satuan),
            ("Jenis", self.jenis),
            ("Sumber data", self.sumber_data),
            ("Penyedia data", stated(self.entry.penyedia_data)),
            ("Penanggung jawab", self.penanggung_jawab),
            ("Periode pelaporan", stated(self.entry.periode_pelaporan)),
        ]
        if self.entry.note:
            rows.append(("Catatan", self.entry.note))
        return rows

    def as_json(self) -> dict[str, str | None]:
        """Every field by its Manual IK name (`kinerja catalog show --json`, the API)."""
        return {
            "definisi_operasional": self.entry.definisi_operasional,
            "alasan": self.entry.alasan,
            "formula": self.formula_in_words,
            "satuan": self.satuan,
            "jenis": self.jenis,
            "sumber_data": self.sumber_data,
            "penyedia_data": self.entry.penyedia_data,
            "penanggung_jawab": self.penanggung_jawab,
            "periode_pelaporan": self.entry.periode_pelaporan,
            "catatan": self.entry.note,
        }


def manual_of(indicator: Indicator, entry: ManualEntry | None, holder_title: str) -> ManualIK:
    """The Manual IK of `indicator` held by the position titled `holder_title`."""
    return ManualIK(indicator, entry or NO_ENTRY, formula_in_words(indicator.formula), holder_title)


# --- the formula in words ----------------------------------------------------------------

_OPERATORS: dict[type[ast.operator], tuple[str, int]] = {
    ast.Add: ("ditambah", 1),
    ast.Sub: ("dikurangi", 1),
    ast.Mult: ("dikali", 2),
    ast.Div: ("dibagi", 2),
}
_FUNCTIONS = {"abs": "nilai mutlak dari", "min": "yang terkecil dari", "max": "yang terbesar dari"}


def formula_in_words(formula: Formula) -> str:
    """The formula as a sentence over the inputs' labels: "(Jumlah IKM yang difasilitasi
    dibagi Jumlah IKM) dikali 100". The expression is already checked by the evaluator,
    so only its whitelist (numbers, names, + - * /, unary minus, abs/min/max) occurs."""
    labels = {name: _quoted(v.label or name) for name, v in formula.variables.items()}
    tree = ast.parse(formula.expression, mode="eval")
    return _words(tree.body, labels)[0]


def _quoted(label: str) -> str:
    """A label with a comma in quotes, so that the sentence's grouping stays readable."""
    return f"\u201c{label}\u201d" if "," in label else label


def _words(node: ast.expr, labels: dict[str, str]) -> tuple[str, int]:
    """(text, precedence) of a node: 3 for an atom, 2 for * /, 1 for + -."""
    if isinstance(node, ast.Name):
        return labels.get(node.id, node.id), 3
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        number = Decimal(str(node.value))
        places = max(0, -number.as_tuple().exponent)  # type: ignore[operator]
        return format_number_id(number, places), 3
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        text, level = _words(node.operand, labels)
        return "minus " + (text if level == 3 else f"({text})"), 3
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        word, level = _OPERATORS[type(node.op)]
        left, left_level = _words(node.left, labels)
        right, right_level = _words(node.right, labels)
        if left_level < level:
            left = f"({left})"
        if right_level < level or (right_level == level and word != "ditambah"):
            right = f"({right})"
        return f"{left} {word} {right}", level
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        parts = ", ".join(_words(arg, labels)[0] for arg in node.args)
        return f"{_FUNCTIONS.get(node.func.id, node.func.id)} ({parts})", 3
    return ast.unparse(node), 3

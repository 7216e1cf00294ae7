"""engine.manual: the formula in words; documents.yaml.manual: the `manual:` mapping."""

from __future__ import annotations

import pytest

from documents.yaml.checks import Checker
from documents.yaml.lines import LineDict, load_yaml
from documents.yaml.manual import manual_entry
from engine.formulas import Variable, parse
from engine.manual import ManualEntry, formula_in_words

VARS = [Variable("a", "Jumlah A"), Variable("b", "Jumlah B"), Variable("c", "Jumlah C")]


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("a / b * 100", "Jumlah A dibagi Jumlah B dikali 100"),
        ("(a / b) * 100", "Jumlah A dibagi Jumlah B dikali 100"),
        ("a / (b - c) * 100", "Jumlah A dibagi (Jumlah B dikurangi Jumlah C) dikali 100"),
        ("(a - b) / b * 100", "(Jumlah A dikurangi Jumlah B) dibagi Jumlah B dikali 100"),
        ("a - (b - c)", "Jumlah A dikurangi (Jumlah B dikurangi Jumlah C)"),
        ("a + (b - c)", "Jumlah A ditambah Jumlah B dikurangi Jumlah C"),
        ("a / (b * c)", "Jumlah A dibagi (Jumlah B dikali Jumlah C)"),
        ("-a + 2.5", "minus Jumlah A ditambah 2,5"),
        ("max(a, b)", "yang terbesar dari (Jumlah A, Jumlah B)"),
        ("abs(a - b)", "nilai mutlak dari (Jumlah A dikurangi Jumlah B)"),
    ],
)
def test_formula_in_words(expression: str, words: str) -> None:
    used = [v for v in VARS if v.name in expression]
    assert formula_in_words(parse(expression, used)) == words


def entry(text: str) -> tuple[ManualEntry | None, list[str]]:
    doc = load_yaml(text, "t.yaml")
    assert isinstance(doc, LineDict)
    check = Checker()
    found = manual_entry(check, doc, "indikator 'x'")
    return found, [f"{p.line}: {p.where}: {p.message}" for p in check.problems]


def test_a_manual_mapping_is_read_and_an_absent_one_is_none() -> None:
    found, problems = entry(
        "manual:\n  definisi_operasional: |\n    Dua\n    baris\n  periode_pelaporan: Triwulanan\n"
        "  note: SK tidak memuat alasan\n"
    )
    assert problems == []
    assert found == ManualEntry(
        definisi_operasional="Dua\nbaris", periode_pelaporan="Triwulanan",
        note="SK tidak memuat alasan",
    )  # fmt: skip
    assert entry("code: x\n") == (None, [])
    assert entry("manual: {}\n") == (None, [])


def test_unknown_keys_line_breaks_and_long_texts_are_problems() -> None:
    long = "x" * 2001
    _, problems = entry(f'manual:\n  penyedia: BPS\n  penyedia_data: "a\\nb"\n  alasan: {long}\n')
    assert len(problems) == 3
    assert problems[0].startswith("2: indikator 'x'.manual.penyedia: kunci tidak dikenal")
    assert "manual.penyedia_data" in problems[1]
    assert problems[2] == "4: indikator 'x'.manual.alasan: paling panjang 2000 huruf"
    _, problems = entry("manual: teks\n")
    assert problems == ["1: indikator 'x'.manual: harus berupa pemetaan (kunci: nilai)"]


def test_a_label_with_a_comma_is_quoted() -> None:
    labels = [Variable("n", "Omzet tahun n, s.d. triwulan ini"), Variable("m", "Omzet tahun n-1")]
    assert formula_in_words(parse("(n - m) / m * 100", labels)) == (
        "(\u201cOmzet tahun n, s.d. triwulan ini\u201d dikurangi Omzet tahun n-1) dibagi "
        "Omzet tahun n-1 dikali 100"
    )

"""Single-line fields of the catalogue (issue 15, item 9): the YAML catalogue file and the
catalogue workbook refuse a line break or control character in a code, name, unit, data
source, kinerja, label, parent, TUGAS/FUNGSI item or budget line, each reported with its
line or cell, and write nothing; notes and formulas stay free text. Run through the CLI on
a copy of the demo database."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.integration.conftest import Cli

CATALOGUE = (
    Path(__file__).parents[2] / "kinerja" / "data" / "gresik-diskoperindag-2021-catalog.yaml"
)
MESSAGE = "tidak boleh berisi baris baru atau karakter kendali"


def test_the_yaml_catalogue_refuses_each_multi_line_field_and_writes_nothing(
    demo_cli: Cli, tmp_path: Path
) -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    changes = {
        "data_source: Hasil pengelolaan kuesioner Survey Kepuasan Masyarakat": (
            'data_source: "Hasil pengelolaan\\nkuesioner"'
        ),
        "        name: Nilai IKM\n": '        name: "Nilai\\u2028IKM"\n',
        "        unit: nilai\n": '        unit: "nilai\\e"\n',
        "              label: Nilai IKM\n": '              label: "Nilai\\rIKM"\n',
        "    tugas: []        # no section in the decree": '    tugas: ["Memimpin\\ndinas"]',
        "note: >-\n          Tidak ada": "note: |-\n          Dua baris\n          Tidak ada",
    }
    for old, new in changes.items():
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    path = tmp_path / "katalog.yaml"
    path.write_text(text, encoding="utf-8")
    before = demo_cli.ok("catalog", "show", "--json")
    code, out, err = demo_cli("catalog", "import", str(path))
    assert (code, out) == (1, "")
    problems = [line.split(": ", 2)[2] for line in err.splitlines() if ": baris " in line]
    assert problems == [
        f"positions[1].tugas[1]: {MESSAGE}",
        f"indikator 'kepala-dinas-1'.name: {MESSAGE}",
        f"indikator 'kepala-dinas-1'.unit: {MESSAGE}",
        f"indikator 'kepala-dinas-1'.formula.variables[1].label: {MESSAGE}",
        f"indikator 'kepala-dinas-1'.data_source: {MESSAGE}",
    ], err  # the two-line note is free text and passes
    assert demo_cli.ok("catalog", "show", "--json") == before


def cell(sheet: Worksheet, header: str, row: int) -> str:
    headers = [c.value for c in sheet[1]]
    return f"{sheet.cell(row=1, column=headers.index(header) + 1).column_letter}{row}"


def test_the_workbook_refuses_each_multi_line_field_and_writes_nothing(
    demo_cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "katalog.xlsx"
    demo_cli.ok("catalog", "export", "--year", "2021", "--out", str(out))
    book = load_workbook(out)
    changes = [
        ("Indikator", "Kinerja / sasaran", 2, "Meningkatnya\nkualitas"),
        ("Indikator", "Satuan", 3, "per\tsen"),  # openpyxl writes no other control character
        ("Indikator", "Sumber data", 4, "Laporan\r\nbulanan"),
        ("Indikator", "Induk", 6, "sekretaris\t-1"),
        ("Indikator", "Catatan", 7, "Catatan\ndua baris"),  # free text: passes
        ("Variabel", "Label", 2, "Nilai\u2029IKM"),
        ("Jabatan", "Tugas (satu butir per baris)", 3, "Butir satu\nButir\tdua"),
        ("Anggaran", "Program", 2, "Program\x85Penunjang"),
    ]
    expected = []
    for sheet, header, row, value in changes:
        where = cell(book[sheet], header, row)
        book[sheet][where] = value
        if header != "Catatan":
            expected.append(f"{sheet}!{where}")
    book.save(out)
    before = demo_cli.ok("catalog", "show", "--json")
    code, stdout, err = demo_cli("catalog", "import", str(out))
    assert (code, stdout) == (1, "")
    lines = err.strip().splitlines()[1:]
    # The demo's PKs are approved, and the Kepala Dinas's budget now has several lines
    # (cascading budgets): the edited line also changes an approved PK, which is refused too.
    approved = [line for line in lines if "sudah disetujui" in line]
    assert [line.split("!", 1)[0] for line in approved] == ["Anggaran"], err
    single = [line for line in lines if line not in approved]
    assert sorted(line.split(": ", 1)[0] for line in single) == sorted(expected), err
    assert all(MESSAGE in line or "karakter kendali" in line for line in single), err
    assert demo_cli.ok("catalog", "show", "--json") == before

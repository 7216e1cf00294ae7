"""`kinerja catalog template|export|import` with Excel workbooks, run in-process."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from tests.integration.conftest import Cli

ORG_FILE = Path(__file__).parents[2] / "kinerja" / "data" / "gresik-diskoperindag.yaml"


def test_template_lists_the_agency_positions(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")
    cli.ok("org", "import", str(ORG_FILE))
    out = tmp_path / "templat.xlsx"
    assert cli.ok("catalog", "template", "--out", str(out)).strip() == (
        f"Templat katalog 2021 ditulis ke {out}"  # the fixed clock's year
    )
    book = load_workbook(out)
    assert book["Petunjuk"]["B3"].value == "diskoperindag"
    assert book["Petunjuk"]["B4"].value == 2021
    codes = [row[0] for row in book["Jabatan"].iter_rows(min_row=2, values_only=True)]
    assert len(codes) == 25 and codes[0] == "kepala-dinas"
    assert book["Indikator"]["A2"].value is None
    cli.ok("catalog", "template", "--out", str(out), "--agency", "diskoperindag", "--year", "2023")
    assert load_workbook(out)["Petunjuk"]["B4"].value == 2023


def test_template_refusals(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")
    code, _, err = cli("catalog", "template", "--out", str(tmp_path / "t.xlsx"))
    assert (code, err.strip()) == (1, "Galat: Belum ada perangkat daerah; impor organisasinya dulu")
    cli.ok("org", "import", str(ORG_FILE))
    code, _, err = cli("catalog", "template", "--out", str(tmp_path / "t.xlsx"), "--agency", "x")
    assert (code, err.strip()) == (1, "Galat: Perangkat daerah 'x' tidak dikenal")
    code, _, err = cli("catalog", "template", "--out", str(tmp_path / "t.csv"))
    assert code == 2 and "nama berkas harus berakhiran .xlsx" in err
    assert not (tmp_path / "t.csv").exists()


def test_export_then_import_back_changes_nothing(demo_cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "katalog.xlsx"
    assert demo_cli.ok("catalog", "export", "--year", "2021", "--out", str(out)).strip() == (
        f"Katalog 2021 diekspor ke {out}"
    )
    rows = list(load_workbook(out)["Indikator"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 51
    assert demo_cli.ok("catalog", "import", str(out)).strip() == (
        "Tidak ada perubahan: basis data sudah sama dengan berkas."
    )


def test_export_into_a_fresh_database_creates_draft_pks(
    demo_cli: Cli, cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "katalog.xlsx"
    demo_cli.ok("catalog", "export", "--year", "2021", "--out", str(out))
    cli.ok("db", "upgrade")
    cli.ok("org", "import", str(ORG_FILE))
    assert cli.ok("catalog", "import", str(out)).strip() == (
        "Impor selesai; baru: 25 anggaran PK, 51 indikator, 25 perjanjian kinerja (draf), "
        "51 target PK, 24 tugas dan fungsi jabatan."
    )
    listing = cli.ok("pk", "list", "--year", "2021").splitlines()
    assert len(listing) == 25 and all(" rev.1  draft " in line for line in listing)


def test_import_with_mistakes_prints_every_cell_and_writes_nothing(
    demo_cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "katalog.xlsx"
    demo_cli.ok("catalog", "export", "--year", "2021", "--out", str(out))
    book = load_workbook(out)
    indicators = book["Indikator"]
    indicators["H7"] = "a ** 2"  # Rumus
    indicators["G7"] = None  # no preset
    indicators["I8"] = "naik"  # Polaritas
    book.save(out)
    before = demo_cli.ok("catalog", "show", "--json")

    code, stdout, err = demo_cli("catalog", "import", str(out))

    assert (code, stdout) == (1, "")
    lines = err.strip().splitlines()
    assert lines[0] == f"{out}: 2 masalah ditemukan, tidak ada yang disimpan:"
    assert lines[1].startswith("Indikator!H7: Rumus tidak sah: ")
    assert lines[2] == "Indikator!I8: 'naik' bukan salah satu dari positive, negative"
    assert demo_cli.ok("catalog", "show", "--json") == before


def test_import_of_something_that_is_not_a_workbook(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")
    bad = tmp_path / "bukan.xlsx"
    bad.write_text("halo")
    code, _, err = cli("catalog", "import", str(bad))
    assert code == 1
    assert err.strip().splitlines()[1] == "berkas: bukan buku kerja Excel (.xlsx) yang dapat dibaca"
    code, _, err = cli("catalog", "import", str(tmp_path / "tidak-ada.xlsx"))
    assert (code, err.strip()) == (
        1,
        f"Galat: Berkas {tmp_path / 'tidak-ada.xlsx'} tidak ditemukan",
    )


def test_yaml_import_still_works(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    cli.ok("org", "import", str(ORG_FILE))
    catalog = ORG_FILE.with_name("gresik-diskoperindag-2021-catalog.yaml")
    assert "51 indikator" in cli.ok("catalog", "import", str(catalog))

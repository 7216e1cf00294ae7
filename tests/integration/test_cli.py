"""The `kinerja` command line against a real SQLite database, as an admin uses it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.integration.conftest import Cli

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_help_lists_every_command(cli: Cli) -> None:
    out = cli.ok("--help")
    for command in ("serve", "db", "org", "holidays", "demo", "config"):
        assert command in out


def test_commands_refuse_an_unmigrated_database_in_one_line(cli: Cli) -> None:
    code, out, err = cli("org", "show")
    assert code == 1
    assert re.fullmatch(
        r"Galat: Skema basis data kosong, versi terbaru \d{4}: jalankan `kinerja db upgrade` dulu",
        err.strip(),
    )
    assert "Traceback" not in out + err


def test_bad_settings_are_one_indonesian_line(cli: Cli) -> None:
    cli.environ["KINERJA_SMTP_PORT"] = "dua lima"
    code, _, err = cli("config")
    assert code == 1
    assert err.strip() == "Galat: Pengaturan tidak sah: KINERJA_SMTP_PORT: harus bilangan bulat"


def test_org_show_json_on_the_demo_lists_25_positions_in_the_tree(demo_cli: Cli) -> None:
    data = json.loads(demo_cli.ok("org", "show", "--json", "--on", "2021-11-01"))
    (agency,) = data["agencies"]
    positions = {p["code"]: p for p in agency["positions"]}
    assert len(agency["positions"]) == 25
    assert agency["positions"][0]["code"] == "kepala-dinas"
    assert positions["kepala-dinas"]["superior"] is None
    assert positions["kasubag-keuangan"]["superior"] == "sekretaris"
    assert positions["kasi-ikm"]["superior"] == "kabid-perindustrian"
    assert positions["fasilitator-perdagangan"]["superior"] == "kasi-promosi-luar-negeri"
    assert positions["fasilitator-perdagangan"]["nearest_administrator"] == "kabid-perdagangan"
    assert positions["fasilitator-perdagangan"]["depth"] == 3
    assert {p["head_of_agency"] for p in agency["positions"]} == {"kepala-dinas"}
    (plt,) = positions["kabid-perindustrian"]["holders"]
    assert plt["status"] == "plt"
    assert plt["display_title"] == "Plt. Kepala Bidang Perindustrian"
    assert len(plt["nip"]) == 18
    assert plt["nip_display"].count(" ") == 3


def test_org_show_text_indents_the_tree(demo_cli: Cli) -> None:
    lines = demo_cli.ok("org", "show", "--on", "2021-11-01").splitlines()
    assert lines[1].startswith("- Kepala Dinas")
    assert any(line.startswith("      - Pengelola Data [Pelaksana]") for line in lines)
    assert any("Plt. Kepala Bidang Perindustrian" in line for line in lines)


def test_demo_seed_if_empty_leaves_existing_data(demo_cli: Cli) -> None:
    out = demo_cli.ok("demo", "seed", "--if-empty", "--year", "2021")
    assert "tidak dimuat ulang" in out


def test_org_import_of_a_broken_file_lists_problems_and_exits_1(demo_cli: Cli) -> None:
    before = demo_cli.ok("org", "show", "--json")
    code, _, err = demo_cli("org", "import", str(FIXTURES / "org_broken.yaml"))
    assert code == 1
    assert "5 masalah ditemukan, tidak ada yang disimpan" in err
    assert err.count("org_broken.yaml: baris") == 5
    assert demo_cli.ok("org", "show", "--json") == before


def test_org_import_of_a_missing_file(demo_cli: Cli) -> None:
    code, _, err = demo_cli("org", "import", "/tidak/ada.yaml")
    assert (code, err.strip()) == (1, "Galat: Berkas /tidak/ada.yaml tidak ditemukan")


def test_holidays_list_add_remove(demo_cli: Cli) -> None:
    listing = demo_cli.ok("holidays", "list", "--year", "2021")
    assert "2021-05-12  government  Cuti Bersama Hari Raya Idul Fitri" in listing
    assert "2021-04-02  public" in listing
    demo_cli.ok("holidays", "add", "2021-04-08", "Libur daerah (contoh)")
    assert "2021-04-08  local       Libur daerah (contoh)" in demo_cli.ok(
        "holidays", "list", "--year", "2021"
    )
    demo_cli.ok("holidays", "remove", "2021-04-08")
    assert "2021-04-08" not in demo_cli.ok("holidays", "list", "--year", "2021")
    assert "[dihapus]" in demo_cli.ok("holidays", "list", "--year", "2021", "--all")
    code, _, err = demo_cli("holidays", "remove", "2021-04-09")
    assert (code, err.strip()) == (1, "Galat: 2021-04-09 tidak ada dalam daftar hari libur")
    code, _, err = demo_cli("holidays", "add", "2021-13-01", "Salah")
    assert code == 2
    assert "bukan tanggal TTTT-BB-HH" in err


def test_holidays_add_never_renames_a_day_silently_and_stores_a_cuti_bersama(
    demo_cli: Cli,
) -> None:
    code, _, err = demo_cli("holidays", "add", "2021-05-12", "Hari Jadi")
    assert code == 1
    assert err.strip() == (
        "Galat: 12 Mei 2021 sudah tercatat sebagai hari libur: Cuti Bersama Hari Raya Idul "
        "Fitri (Cuti bersama). Tidak diubah. Tambahkan --replace bila memang hendak menggantinya."
    )
    assert "2021-05-12  government  Cuti Bersama Hari Raya Idul Fitri" in demo_cli.ok(
        "holidays", "list", "--year", "2021"
    )
    out = demo_cli.ok(
        "holidays", "add", "2021-12-27", "Cuti Bersama Natal", "--kind", "cuti-bersama"
    )
    assert out.strip() == "Hari libur 2021-12-27 (Cuti Bersama Natal, cuti bersama) disimpan."
    assert "2021-12-27  government  Cuti Bersama Natal" in demo_cli.ok(
        "holidays", "list", "--year", "2021"
    )
    demo_cli.ok("holidays", "add", "2021-12-27", "Hari Jadi", "--replace")
    assert "2021-12-27  local       Hari Jadi" in demo_cli.ok("holidays", "list", "--year", "2021")
    code, _, err = demo_cli("holidays", "add", "2021-04-08", "X", "--kind", "regional")
    assert code == 2 and "nasional, cuti-bersama atau daerah" in err


def test_holidays_list_defaults_to_the_clock_year(demo_cli: Cli) -> None:
    assert "2021-01-01" in demo_cli.ok("holidays", "list")


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, as a user runs it, in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", "from kinerja.cli import run; run()", "org", "show"],
        capture_output=True,
        text=True,
        env={"KINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "PATH": "/usr/bin:/bin"},
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_serve_refuses_workers_in_demo_mode_before_starting(cli: Cli) -> None:
    """The demo mailbox lives in one process's memory: several workers would split it."""
    code, out, err = cli("serve", "--demo", "--workers", "2")
    assert code == 2
    assert "mode demo berjalan dalam satu proses" in err
    assert "Kinerja berjalan" not in out

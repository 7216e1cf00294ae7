"""`kinerja catalog`, `kinerja formula` and `kinerja recap` on the seeded demo."""

from __future__ import annotations

import json
from decimal import Decimal

from tests.integration.conftest import Cli


def test_formula_check_division_by_zero_is_not_computable(cli: Cli) -> None:
    code, out, err = cli("formula", "check", "a / b * 100", "--var", "a=3", "--var", "b=0")
    assert code == 1
    assert out == ""
    assert err.strip() == "Tidak dapat dihitung: pembagian dengan nol: 'b' bernilai 0"


def test_formula_check_computes_with_indonesian_numbers(cli: Cli) -> None:
    out = cli.ok(
        "formula", "check", "(n - n_1) / n_1 * 100",
        "--var", "n=1.027.733.750,37", "--var", "n_1=950.000.000",
    )  # fmt: skip
    # (1027733750.37 - 950000000) / 950000000 x 100 = 8.18250003...
    assert out.strip() == "Hasil: 8,18"


def test_formula_check_missing_value_and_bad_formula(cli: Cli) -> None:
    code, _, err = cli("formula", "check", "a + b", "--var", "a=1", "--var", "b=")
    assert (code, err.strip()) == (1, "Belum diisi: b")
    code, _, err = cli("formula", "check", "a ** 2", "--var", "a=1")
    assert code == 1
    assert err.strip() == (
        "Galat: Rumus tidak sah: kolom 1: operator dalam 'a ** 2' tidak diizinkan (hanya + - * /)"
    )
    code, _, err = cli("formula", "check", "a", "--var", "a")
    assert code == 2
    assert "harus berbentuk nama=nilai" in err


def test_catalog_show_json_lists_positions_with_formulas(demo_cli: Cli) -> None:
    data = json.loads(demo_cli.ok("catalog", "show", "--json"))
    assert data["year"] == 2021
    assert len(data["positions"]) == 25
    indicators = [i for p in data["positions"] for i in p["indicators"]]
    assert len(indicators) == 51
    kasi_ikm = next(p for p in data["positions"] if p["code"] == "kasi-ikm")
    (item,) = kasi_ikm["indicators"]
    assert item["variables"][0]["label"].startswith("Jumlah IKM terdata di OSS")
    assert all(v["name"] in item["expression"] for v in item["variables"])


def test_catalog_show_one_position_as_text(demo_cli: Cli) -> None:
    out = demo_cli.ok("catalog", "show", "--position", "pengelola-data")
    assert out.startswith("Pengelola Data (pengelola-data): 1 indikator")
    assert "rumus: " in out
    code, _, err = demo_cli("catalog", "show", "--position", "tidak-ada")
    assert (code, err.strip()) == (1, "Galat: Jabatan 'tidak-ada' tidak dikenal")


def test_recap_json_is_consistent_with_its_indicators(demo_cli: Cli) -> None:
    data = json.loads(demo_cli.ok("recap", "--year", "2021", "--quarter", "2", "--json"))
    assert data["quarter"] == 2
    (agency,) = data["agency"]
    assert agency["indicators"] == 51
    assert sum(agency["counts"].values()) == 51
    values = [Decimal(i["capaian"]) for i in data["indicators"] if i["capaian"] is not None]
    assert Decimal(agency["capaian"]) == sum(values, Decimal(0)) / len(values)
    assert {b["label"] for b in data["bidang"]} == {
        "Sekretariat",
        "Bidang Usaha Mikro",
        "Bidang Koperasi",
        "Bidang Perdagangan",
        "Bidang Perindustrian",
    }


def test_recap_of_the_year_shows_tw_iv_missing(demo_cli: Cli) -> None:
    data = json.loads(demo_cli.ok("recap", "--year", "2021", "--json"))
    statuses = {i["capaian_status"] for i in data["indicators"]}
    # The demo reports TW I-III only, and every roll-up of the year needs TW IV.
    assert statuses == {"missing"}
    assert {i["reason"] for i in data["indicators"]} == {"realisasi TW IV"}
    text = demo_cli.ok("recap", "--year", "2021", "--quarter", "1", "--detail")
    assert "Rekap capaian kinerja TW I 2021" in text
    assert "Per indikator:" in text

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
    assert item["variables"][1]["label"].startswith("Jumlah IKM terdata di OSS")
    assert all(v["name"] in item["expression"] for v in item["variables"])
    # issue 16: each indicator's origin, its inputs' kinds and a growth indicator's basis
    assert (item["origin"], item["polarity"]) == ("decree", "positive")
    assert [v["kind"] for v in item["variables"]] == ["count", "count"]
    origins = [i["origin"] for i in indicators]
    assert (origins.count("decree"), origins.count("derived")) == (44, 7)
    head = next(p for p in data["positions"] if p["code"] == "kepala-dinas")
    assert all(i["origin"] == "derived" and not i["in_headline"] for i in head["indicators"])
    assert all(i["origin_note"].startswith("Tidak ada di keputusan") for i in head["indicators"])
    growth = [i for i in indicators if i["growth_basis"] is not None]
    assert len(growth) == 9
    assert {i["growth_basis"] for i in growth} == {"same_period"}


def test_catalog_confirm_puts_a_derived_indicator_in_the_headline(demo_cli: Cli) -> None:
    out = demo_cli.ok("catalog", "confirm", "kepala-dinas-6")
    assert out.startswith("Indikator turunan kepala-dinas-6 dikonfirmasi")
    data = json.loads(demo_cli.ok("catalog", "show", "--position", "kepala-dinas", "--json"))
    by_code = {i["code"]: i for i in data["positions"][0]["indicators"]}
    assert by_code["kepala-dinas-6"]["confirmed"] and by_code["kepala-dinas-6"]["in_headline"]
    assert not by_code["kepala-dinas-5"]["in_headline"]
    assert "[turunan, dikonfirmasi]" in demo_cli.ok("catalog", "show", "--position", "kepala-dinas")
    code, _, err = demo_cli("catalog", "confirm", "kasi-ikm-1")
    assert (code, err.strip()) == (
        1,
        "Galat: Indikator 'kasi-ikm-1' berasal dari SK, bukan turunan: tidak perlu dikonfirmasi",
    )


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
    # The 7 derived Kepala Dinas IKU (not in the decree, not yet confirmed) are left out of the
    # agency's headline (issue 16, item 2): it is the mean of the 44 decree indicators.
    assert (agency["indicators"], agency["left_out"]) == (44, 7)
    assert sum(agency["counts"].values()) == 44
    values = [
        Decimal(i["capaian"])
        for i in data["indicators"]
        if i["capaian"] is not None and i["in_headline"]
    ]
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
    # The demo reports TW I-III only, and every roll-up of the year needs TW IV. Only verified
    # and approved reports count (issue 16, item 8): the sum and average roll-ups of the three
    # indicators whose TW III report is still draft or submitted miss TW III too.
    assert statuses == {"missing"}
    reasons = {i["code"]: i["reason"] for i in data["indicators"]}
    unverified = {i["code"] for i in data["indicators"] if i["unverified"]}
    assert unverified == {
        "kabid-perdagangan-2",
        "kasi-pengendalian-perdagangan-kecil-1",
        "pengelola-distribusi-1",
    }
    for code, reason in reasons.items():
        assert reason == ("realisasi TW III, TW IV" if code in unverified else "realisasi TW IV")
    text = demo_cli.ok("recap", "--year", "2021", "--quarter", "1", "--detail")
    assert "Rekap capaian kinerja TW I 2021" in text
    assert "Per indikator:" in text

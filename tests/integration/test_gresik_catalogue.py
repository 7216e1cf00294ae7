"""The 2021 IKU/IKI catalogue of Diskoperindag Gresik: positions, cascade and formulas.

The data file transcribes Keputusan Kepala Dinas No. 503/10/437.56/2021. These tests check
that it fits the organisation file, that the cascade is a forest, and that every formula
parses, uses exactly its declared (labelled) inputs and gives the hand-computed result
through the real evaluator (engine.formulas).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.formulas import FormulaError, parse, preset_expression

ROOT = Path(__file__).parents[2]
CATALOGUE = ROOT / "kinerja/data/gresik-diskoperindag-2021-catalog.yaml"
ORGANISATION = ROOT / "kinerja/data/gresik-diskoperindag.yaml"
QUANTUM = Decimal("0.0001")
VARIABLE_NAME = re.compile(r"[a-z][a-z0-9_]*")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FUNCTIONS = frozenset({"abs", "min", "max"})
PRESETS = frozenset({"ratio", "growth", "value", "sum", "average"})

# Values typed in a quarterly report: variable name -> number as text. Expected result to
# 4 decimals (or exact); None means "tidak dapat dihitung". Agency-wide bases used below:
# 48.620 usaha mikro, 640 koperasi aktif, 86 ASN, 7 pasar kabupaten; ekspor Januari-Juni
# 2021 = 1.027.733.750,37 USD (the figure quoted in the decree).
UM_SELURUH = "48620"
EKSPOR_JAN_JUN_2021 = "1027733750.37"
EXAMPLES: dict[str, tuple[dict[str, str], str | None]] = {
    # Nilai IKM 84,72 -> 84.72 (value)
    "kepala-dinas-1": ({"nilai_ikm": "84.72"}, "84.72"),
    # 46 / 52 x 100 = 88.461538... -> 88.4615
    "kepala-dinas-2": ({"renja_selaras_renstra": "46", "renja_seluruh": "52"}, "88.4615"),
    # 1250 / 48620 x 100 = 2.570958... -> 2.5710
    "kepala-dinas-3": ({"um_difasilitasi": "1250", "um_seluruh": UM_SELURUH}, "2.5710"),
    # 212 / 640 x 100 = 33.125
    "kepala-dinas-4": (
        {"koperasi_aktif_grade_a": "212", "koperasi_aktif_seluruh": "640"},
        "33.125",
    ),
    # (412.500.000.000 - 375.000.000.000) / 375.000.000.000 x 100 = 10
    "kepala-dinas-5": (
        {"omzet_koperasi_tahun_n": "412500000000", "omzet_koperasi_tahun_n_1": "375000000000"},
        "10",
    ),
    # TW II: (1.027.733.750,37 - 1.850.000.000) / 1.850.000.000 x 100
    #      = -822.266.249,63 / 1.850.000.000 x 100 = -44.446824... -> -44.4468
    "kepala-dinas-6": (
        {"nilai_ekspor_tahun_n": EKSPOR_JAN_JUN_2021, "nilai_ekspor_tahun_n_1": "1850000000"},
        "-44.4468",
    ),
    # 150 / (2400 - 1200) x 100 = 150 / 1200 x 100 = 12.5
    "kepala-dinas-7": (
        {"ikm_difasilitasi": "150", "ikm_terdata": "2400", "ikm_sudah_difasilitasi": "1200"},
        "12.5",
    ),
    # Nilai IKM 82,35 -> 82.35 (value)
    "sekretaris-1": ({"nilai_ikm": "82.35"}, "82.35"),
    # 38 / 40 x 100 = 95
    "sekretaris-2": ({"renja_selaras_renstra": "38", "renja_seluruh": "40"}, "95"),
    # 9.875.432.100 / 14.250.000.000 x 100 = 69.301277... -> 69.3013
    "sekretaris-3": (
        {"realisasi_keuangan": "9875432100", "anggaran_belanja_langsung": "14250000000"},
        "69.3013",
    ),
    # 87,5 / 100 x 100 = 87.5
    "kasubag-program-1": (
        {"capaian_kinerja_realisasi": "87.5", "capaian_kinerja_target": "100"},
        "87.5",
    ),
    # 9 / 12 x 100 = 75
    "kasubag-program-2": (
        {"dokumen_pelayanan_tersedia": "9", "dokumen_pelayanan_seharusnya": "12"},
        "75",
    ),
    # name over formula (decree lines 224-235): against the cash plan to date, not the year's
    # budget. TW I: 3.562.500.000 / 3.750.000.000 x 100 = 95
    "kasubag-keuangan-1": (
        {"realisasi_keuangan": "3562500000", "anggaran_kas": "3750000000"},
        "95",
    ),
    # 342 / 360 x 100 = 95
    "kasubag-umum-1": ({"sarpras_kondisi_baik": "342", "sarpras_seluruh": "360"}, "95"),
    # 71 / 86 x 100 = 82.558139... -> 82.5581
    "kasubag-umum-2": ({"asn_sesuai_anjab_abk": "71", "asn_seluruh": "86"}, "82.5581"),
    # 79 / 86 x 100 = 91.860465... -> 91.8605
    "kasubag-umum-3": ({"asn_hadir_tepat_waktu": "79", "asn_seluruh": "86"}, "91.8605"),
    # 86 / 86 x 100 = 100
    "kasubag-umum-4": ({"asn_dokumen_lengkap": "86", "asn_seluruh": "86"}, "100"),
    # 1250 / 48620 x 100 = 2.570958... -> 2.5710
    "kabid-usaha-mikro-1": ({"um_difasilitasi": "1250", "um_seluruh": UM_SELURUH}, "2.5710"),
    # 3400 / 48620 x 100 = 6.993007... -> 6.9930
    "kabid-usaha-mikro-2": ({"um_dibina": "3400", "um_seluruh": UM_SELURUH}, "6.9930"),
    # 600 / 48620 x 100 = 1.234060... -> 1.2341
    "kasi-kelembagaan-usaha-mikro-1": (
        {"um_difasilitasi": "600", "um_seluruh": UM_SELURUH},
        "1.2341",
    ),
    # 30500 / 48620 x 100 = 62.731386... -> 62.7314
    "kasi-kelembagaan-usaha-mikro-2": (
        {"um_terdata": "30500", "um_seluruh": UM_SELURUH},
        "62.7314",
    ),
    # 400 / 48620 x 100 = 0.822706... -> 0.8227
    "kasi-produksi-usaha-mikro-1": (
        {"um_difasilitasi": "400", "um_seluruh": UM_SELURUH},
        "0.8227",
    ),
    # 250 / 48620 x 100 = 0.514191... -> 0.5142
    "kasi-pembiayaan-usaha-mikro-1": (
        {"um_difasilitasi_permodalan": "250", "um_seluruh": UM_SELURUH},
        "0.5142",
    ),
    # name over formula (decree lines 569-578): berdaya saing, not difasilitasi.
    # 400 / 48620 x 100 = 0.822706... -> 0.8227
    "kasi-pembiayaan-usaha-mikro-2": (
        {"um_berdaya_saing": "400", "um_seluruh": UM_SELURUH},
        "0.8227",
    ),
    # 212 / 640 x 100 = 33.125
    "kabid-koperasi-1": (
        {"koperasi_aktif_grade_a": "212", "koperasi_aktif_seluruh": "640"},
        "33.125",
    ),
    # 45 / 60 x 100 = 75
    "kabid-koperasi-2": ({"ksp_usp_dinilai_kesehatan": "45", "ksp_usp_seluruh": "60"}, "75"),
    # 180 / 1920 x 100 = 9.375
    "kabid-koperasi-3": (
        {"pengurus_koperasi_dilatih": "180", "pengurus_koperasi_seluruh": "1920"},
        "9.375",
    ),
    # omzet fell: (340.000.000.000 - 375.000.000.000) / 375.000.000.000 x 100
    #           = -35 / 375 x 100 = -9.333333... -> -9.3333
    "kabid-koperasi-4": (
        {"omzet_koperasi_tahun_n": "340000000000", "omzet_koperasi_tahun_n_1": "375000000000"},
        "-9.3333",
    ),
    # name over formula (decree lines 601-604): RAT, not Grade. 448 / 640 x 100 = 70
    "kasi-kelembagaan-koperasi-1": (
        {"koperasi_aktif_rat": "448", "koperasi_aktif_seluruh": "640"},
        "70",
    ),
    # 45 / 60 x 100 = 75
    "kasi-kelembagaan-koperasi-2": (
        {"ksp_usp_dinilai_kesehatan": "45", "ksp_usp_seluruh": "60"},
        "75",
    ),
    # 3 koperasi awarded -> 3 (value)
    "kasi-kelembagaan-koperasi-3": ({"koperasi_penghargaan": "3"}, "3"),
    # 96 / 640 x 100 = 15
    "kasi-kelembagaan-koperasi-4": (
        {"koperasi_diperiksa_kepatuhan": "96", "koperasi_aktif_seluruh": "640"},
        "15",
    ),
    # name over formula (decree lines 704-708): koperasi, not pengurus. 96 / 640 x 100 = 15
    "kasi-pembiayaan-koperasi-1": (
        {"koperasi_ikut_pelatihan": "96", "koperasi_seluruh": "640"},
        "15",
    ),
    # (412.500.000.000 - 375.000.000.000) / 375.000.000.000 x 100 = 37,5 / 375 x 100 = 10
    "kasi-produksi-koperasi-1": (
        {"omzet_koperasi_tahun_n": "412500000000", "omzet_koperasi_tahun_n_1": "375000000000"},
        "10",
    ),
    # 5 of the 7 pasar: 5 / 7 x 100 = 71.428571... -> 71.4286
    "kabid-perdagangan-1": (
        {"sarpras_pasar_dipelihara": "5", "sarpras_pasar_seluruh": "7"},
        "71.4286",
    ),
    # monthly IHK changes 0,26 / 0,10 / -0,18 %: (0.26 + 0.10 - 0.18) / 3 = 0.18 / 3 = 0.06
    "kabid-perdagangan-2": (
        {"ihk_bulan_1": "0.26", "ihk_bulan_2": "0.10", "ihk_bulan_3": "-0.18"},
        "0.06",
    ),
    # Jan-Jun 2021 vs Jan-Jun 2020: (1.027.733.750,37 - 950.000.000) / 950.000.000 x 100
    #   = 77.733.750,37 / 950.000.000 x 100 = 8.182500038... -> 8.1825
    "kabid-perdagangan-3": (
        {"nilai_ekspor_tahun_n": EKSPOR_JAN_JUN_2021, "nilai_ekspor_tahun_n_1": "950000000"},
        "8.1825",
    ),
    # n-1 = 2 x 1.027.733.750,37 = 2.055.467.500,74: (n - 2n) / 2n x 100 = -50 exactly
    "kasi-promosi-luar-negeri-1": (
        {"nilai_ekspor_tahun_n": EKSPOR_JAN_JUN_2021, "nilai_ekspor_tahun_n_1": "2055467500.74"},
        "-50",
    ),
    # (2.158.240.875,78 - 1.850.000.000) / 1.850.000.000 x 100
    #   = 308.240.875,78 / 1.850.000.000 x 100 = 16.661668961... -> 16.6617
    "fasilitator-perdagangan-1": (
        {"nilai_ekspor_tahun_n": "2158240875.78", "nilai_ekspor_tahun_n_1": "1850000000"},
        "16.6617",
    ),
    # 1.027.733.750,37 = 0,6 x 1.712.889.583,95: (0.6 - 1) / 1 x 100 = -40 exactly
    "pengelola-ekspor-1": (
        {"nilai_ekspor_tahun_n": EKSPOR_JAN_JUN_2021, "nilai_ekspor_tahun_n_1": "1712889583.95"},
        "-40",
    ),
    # 14 + 9 + 17 = 40 berkas
    "kasi-pengendalian-perdagangan-kecil-1": (
        {"berkas_bulan_1": "14", "berkas_bulan_2": "9", "berkas_bulan_3": "17"},
        "40",
    ),
    # a month with no files: 12 + 0 + 7 = 19 berkas
    "pengelola-data-1": (
        {"berkas_bulan_1": "12", "berkas_bulan_2": "0", "berkas_bulan_3": "7"},
        "19",
    ),
    # 21 + 18 + 25 = 64 berkas
    "pengelola-distribusi-1": (
        {"berkas_bulan_1": "21", "berkas_bulan_2": "18", "berkas_bulan_3": "25"},
        "64",
    ),
    # 420 / 3150 x 100 = 13.333333... -> 13.3333
    "kasi-perdagangan-dalam-negeri-1": (
        {"pedagang_dibina": "420", "pedagang_dan_sentra_pkl_seluruh": "3150"},
        "13.3333",
    ),
    # 150 / (2400 - 1200) x 100 = 150 / 1200 x 100 = 12.5
    "kabid-perindustrian-1": (
        {"ikm_difasilitasi": "150", "ikm_terdata": "2400", "ikm_sudah_difasilitasi": "1200"},
        "12.5",
    ),
    # 320 / (2400 - 800) x 100 = 320 / 1600 x 100 = 20
    "kabid-perindustrian-2": (
        {"ikm_dibina": "320", "ikm_terdata": "2400", "ikm_sudah_dibina": "800"},
        "20",
    ),
    # name over formula (decree lines 1171-1174, 1193-1194): the share VERIFIED, not the share
    # not yet verified: 392 / 560 x 100 = 70 (the decree's formula gave 30)
    "kabid-perindustrian-3": (
        {"ikm_oss_kbli_industri": "560", "ikm_oss_vertek_siinas": "392"},
        "70",
    ),
    # 215 / 250 x 100 = 86 (the decree's formula gave (250 - 215) / 250 x 100 = 14)
    "kasi-ikm-1": ({"ikm_oss_kbli_industri": "250", "ikm_oss_vertek_siinas": "215"}, "86"),
    # 320 / (2400 - 800) x 100 = 20
    "kasi-industri-mikro-1": (
        {"ikm_dibina": "320", "ikm_terdata": "2400", "ikm_sudah_dibina": "800"},
        "20",
    ),
    # read as growth: (64 - 40) / 40 x 100 = 24 / 40 x 100 = 60
    "kasi-promosi-permodalan-1": (
        {"sertifikat_tahun_n": "64", "sertifikat_tahun_n_1": "40"},
        "60",
    ),
    # read as completion rate: 27 / 30 x 100 = 90
    "kasi-promosi-permodalan-2": ({"verifikasi_selesai": "27", "verifikasi_harus": "30"}, "90"),
}

# Inputs that give no number ("tidak dapat dihitung"), never an exception.
NOT_COMPUTABLE: list[tuple[str, dict[str, str]]] = [
    # growth with no exports in year n-1: (1.027.733.750,37 - 0) / 0 -> division by zero
    (
        "kabid-perdagangan-3",
        {"nilai_ekspor_tahun_n": EKSPOR_JAN_JUN_2021, "nilai_ekspor_tahun_n_1": "0"},
    ),
    # omzet of a new koperasi, none last year: (1.200.000.000 - 0) / 0
    (
        "kasi-produksi-koperasi-1",
        {"omzet_koperasi_tahun_n": "1200000000", "omzet_koperasi_tahun_n_1": "0"},
    ),
    # every IKM terdata already facilitated: 40 / (2400 - 2400) -> division by zero
    (
        "kabid-perindustrian-1",
        {"ikm_difasilitasi": "40", "ikm_terdata": "2400", "ikm_sudah_difasilitasi": "2400"},
    ),
    # no IKM in OSS this year: (0 - 0) / 0
    ("kasi-ikm-1", {"ikm_oss_kbli_industri": "0", "ikm_oss_vertek_siinas": "0"}),
    # no sertifikat last year: (12 - 0) / 0
    ("kasi-promosi-permodalan-1", {"sertifikat_tahun_n": "12", "sertifikat_tahun_n_1": "0"}),
    # an empty list of ASN: 0 / 0
    ("kasubag-umum-3", {"asn_hadir_tepat_waktu": "0", "asn_seluruh": "0"}),
]


@cache
def load_catalogue() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    return data


@cache
def load_organisation() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ORGANISATION.read_text(encoding="utf-8"))
    return data


def all_indicators() -> Iterator[tuple[str, dict[str, Any]]]:
    """(position code, indicator) for every indicator, in file order."""
    for position in load_catalogue()["positions"]:
        for indicator in position.get("indicators") or []:
            yield position["position"], indicator


def indicators_by_code() -> dict[str, dict[str, Any]]:
    return {indicator["code"]: indicator for _, indicator in all_indicators()}


def expression_of(indicator: dict[str, Any]) -> str:
    formula = indicator["formula"]
    names = [variable["name"] for variable in formula["variables"]]
    if "preset" in formula:
        assert "expression" not in formula, indicator["code"]
        return preset_expression(formula["preset"], names)
    return str(formula["expression"])


def declared_names(indicator: dict[str, Any]) -> list[str]:
    return [variable["name"] for variable in indicator["formula"]["variables"]]


CODES = [indicator["code"] for _, indicator in all_indicators()]


def test_header_names_agency_year_and_decree() -> None:
    catalogue = load_catalogue()
    assert catalogue["format"] == "kinerja-catalog/1"
    assert catalogue["agency"] == load_organisation()["agency"]["code"] == "diskoperindag"
    assert catalogue["year"] == 2021
    assert "503/10/437.56/2021" in catalogue["source"]
    assert "11 Januari 2021" in catalogue["source"]


def test_every_position_of_the_organisation_once_in_order() -> None:
    expected = [position["code"] for position in load_organisation()["positions"]]
    actual = [position["position"] for position in load_catalogue()["positions"]]
    assert len(expected) == 25
    assert actual == expected


def test_positions_have_tugas_fungsi_and_indicators() -> None:
    for position in load_catalogue()["positions"]:
        code = position["position"]
        assert isinstance(position["tugas"], list), code
        assert isinstance(position["fungsi"], list), code
        assert all(isinstance(t, str) and t.strip() for t in position["tugas"]), code
        assert all(isinstance(f, str) and f.strip() for f in position["fungsi"]), code
        assert position["indicators"], code
        if code != "kepala-dinas":  # the decree has no section for the Kepala Dinas
            assert position["tugas"], code


def test_indicator_codes_are_unique() -> None:
    assert len(CODES) == len(set(CODES)), sorted(c for c in CODES if CODES.count(c) > 1)
    assert all(re.fullmatch(r"[A-Za-z0-9-]+", code) for code in CODES)


def test_indicator_fields() -> None:
    for position, indicator in all_indicators():
        code = indicator["code"]
        for field in ("kinerja", "name", "unit", "data_source"):
            assert isinstance(indicator[field], str), (code, field)
            assert indicator[field].strip(), (code, field)
        assert indicator["kind"] == ("iku" if position == "kepala-dinas" else "iki"), code
        assert indicator["polarity"] in ("positive", "negative"), code
        assert indicator["rollup"] in ("sum", "last", "average"), code
        assert indicator.get("quarterly_targets", "cumulative") in (
            "cumulative",
            "per_quarter",
        ), code
        assert 0 <= indicator.get("decimals", 2) <= 6, code
        if position == "kepala-dinas":
            assert indicator["origin"] == "derived", code
            assert "Tidak ada di keputusan" in indicator["origin_note"], code
        else:
            assert indicator.get("origin", "decree") == "decree", code


def test_44_decree_and_7_derived_indicators() -> None:
    origins = [indicator.get("origin", "decree") for _, indicator in all_indicators()]
    assert (origins.count("decree"), origins.count("derived"), len(origins)) == (44, 7, 51)


# Issue 16, item 1: where the decree's name and formula disagree, the name and the sasaran
# win; the SIINas rows measure the share verified and are positive.
@pytest.mark.parametrize("code", ["kabid-perindustrian-3", "kasi-ikm-1"])
def test_siinas_measures_the_share_verified_with_positive_polarity(code: str) -> None:
    indicator = indicators_by_code()[code]
    assert indicator["polarity"] == "positive"
    assert expression_of(indicator) == "ikm_oss_vertek_siinas / ikm_oss_kbli_industri * 100"


NAME_OVER_FORMULA = [
    ("kabid-perindustrian-3", "1193"),
    ("kasi-ikm-1", "1224"),
    ("kasi-pembiayaan-usaha-mikro-2", "569"),
    ("kasi-pembiayaan-koperasi-1", "704"),
    ("kasi-kelembagaan-koperasi-1", "601"),
    ("kasubag-keuangan-1", "224"),
    ("kasubag-umum-3", "278"),
    ("kasi-kelembagaan-koperasi-3", "608"),
    ("kasi-promosi-permodalan-2", "1299"),
]


@pytest.mark.parametrize(("code", "line"), NAME_OVER_FORMULA)
def test_each_name_over_formula_row_cites_the_rule_and_the_decree_line(
    code: str, line: str
) -> None:
    note = indicators_by_code()[code]["note"]
    assert "docs/catalogue.md" in note, code
    assert f"baris {line}" in note, code


def test_every_input_declares_its_kind_and_only_the_ihk_change_may_be_negative() -> None:
    negative = set()
    for _, indicator in all_indicators():
        for variable in indicator["formula"]["variables"]:
            assert variable["kind"] in ("count", "amount", "percentage", "index"), variable
            if variable.get("negative"):
                negative.add(variable["name"])
            if variable.get("unit") in ("jumlah", "berkas"):
                assert variable["kind"] == "count", (indicator["code"], variable["name"])
    assert negative == {"ihk_bulan_1", "ihk_bulan_2", "ihk_bulan_3"}


def test_the_9_growth_indicators_compare_the_same_period_and_say_so() -> None:
    growth = [i for _, i in all_indicators() if i["formula"].get("preset") == "growth"]
    assert len(growth) == 9
    for indicator in growth:
        assert indicator["growth_basis"] == "same_period", indicator["code"]
        year_n, year_before = (v["label"] for v in indicator["formula"]["variables"])
        assert year_n.endswith("s.d. triwulan ini"), indicator["code"]
        assert year_before.endswith("s.d. triwulan yang sama"), indicator["code"]


def test_every_parent_exists_and_the_cascade_has_no_cycle() -> None:
    indicators = indicators_by_code()
    for code, indicator in indicators.items():
        parent = indicator.get("parent")
        if parent is None:
            continue
        assert parent in indicators, (code, parent)
        seen = [code]
        while parent is not None:
            assert parent not in seen, " -> ".join([*seen, parent])
            seen.append(parent)
            parent = indicators[parent].get("parent")


@pytest.mark.parametrize("code", CODES)
def test_formula_parses_and_uses_exactly_its_labelled_variables(code: str) -> None:
    indicator = indicators_by_code()[code]
    formula = indicator["formula"]
    assert ("preset" in formula) != ("expression" in formula), code
    if "preset" in formula:
        assert formula["preset"] in PRESETS, code
    names = declared_names(indicator)
    assert len(names) == len(set(names)), code
    for variable in formula["variables"]:
        assert VARIABLE_NAME.fullmatch(variable["name"]), variable["name"]
        assert len(variable["name"]) <= 40, variable["name"]
        assert isinstance(variable["label"], str), (code, variable["name"])
        assert variable["label"].strip(), (code, variable["name"])
    try:
        expression = expression_of(indicator)
        parse(expression, names)  # every name in the expression is declared
    except FormulaError as exc:
        pytest.fail(f"{code}: {exc}")
    used = set(IDENTIFIER.findall(expression)) - FUNCTIONS
    assert used == set(names), (code, expression)


def test_every_indicator_has_an_example() -> None:
    assert set(EXAMPLES) == set(CODES)


@pytest.mark.parametrize(("code", "inputs", "expected"), [(c, *e) for c, e in EXAMPLES.items()])
def test_example_through_the_evaluator(
    code: str, inputs: dict[str, str], expected: str | None
) -> None:
    indicator = indicators_by_code()[code]
    assert set(inputs) == set(declared_names(indicator)), code
    formula = parse(expression_of(indicator), declared_names(indicator))
    result = formula.evaluate({name: Decimal(value) for name, value in inputs.items()})
    if expected is None:
        assert not result.computable, (code, result.value)
        assert result.reason
        return
    assert result.computable, (code, result.reason)
    assert result.value is not None
    assert result.value.quantize(QUANTUM) == Decimal(expected).quantize(QUANTUM), code


@pytest.mark.parametrize(("code", "inputs"), NOT_COMPUTABLE)
def test_division_by_zero_is_not_computable(code: str, inputs: dict[str, str]) -> None:
    indicator = indicators_by_code()[code]
    assert set(inputs) == set(declared_names(indicator)), code
    formula = parse(expression_of(indicator), declared_names(indicator))
    result = formula.evaluate({name: Decimal(value) for name, value in inputs.items()})
    assert not result.computable, (code, result.value)
    assert result.value is None
    assert result.reason


def test_missing_input_is_not_a_zero() -> None:
    indicator = indicators_by_code()["kabid-perdagangan-2"]
    formula = parse(expression_of(indicator), declared_names(indicator))
    result = formula.evaluate({"ihk_bulan_1": Decimal("0.26"), "ihk_bulan_2": Decimal("0.10")})
    assert not result.computable
    assert result.value is None
    assert result.reason

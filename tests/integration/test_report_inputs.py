"""Typed inputs at every entry point (issue 16, item 5): `kinerja report fill`, the report page
(save and preview) and the API refuse a fraction for a count and an ambiguous "0.260" with a
hint, and the page echoes the value it read."""

from __future__ import annotations

from typing import Any

from kinerja.bootstrap import Container
from tests.integration.conftest import Cli, WebClient
from tests.integration.test_api import bearer, headers_of
from tests.integration.test_derived_marks import first_report

REPORT = "62"  # LAP-62, the demo's TW III draft of the Kepala Seksi Pembiayaan Koperasi
CODE = "kasi-pembiayaan-koperasi-1"  # koperasi that joined the training / koperasi aktif
HOLDER = "rudi.hartono@diskoperindag-gresik.test"


def fill(cli: Cli, value: str) -> tuple[int, str, str]:
    result: tuple[int, str, str] = cli(
        "report", "fill", REPORT, "--indicator", CODE, "--var", f"koperasi_ikut_pelatihan={value}"
    )
    return result


def test_report_fill_refuses_a_fraction_of_koperasi_and_an_ambiguous_number(
    demo_cli: Cli,
) -> None:
    code, _, err = fill(demo_cli, "74,61")
    assert code == 1
    assert "harus bilangan bulat (jumlah), bukan 74,61" in err
    code, _, err = fill(demo_cli, "0.260")
    assert code == 1
    assert "ketik 0,260 untuk nol koma dua enam nol, atau 260" in err
    code, _, err = fill(demo_cli, "-3")
    assert code == 1
    assert "tidak boleh negatif" in err
    code, _, err = fill(demo_cli, "96")
    assert code == 0, err


def form(web: WebClient, value: str) -> dict[str, Any]:
    return {
        "csrf_token": web.csrf(f"/laporan/{REPORT}"),
        f"v.{CODE}.koperasi_ikut_pelatihan": value,
    }


def test_the_page_refuses_a_fraction_and_echoes_what_it_read(
    web: WebClient, web_container: Container
) -> None:
    web.login(HOLDER)
    refused = web.client.post(f"/laporan/{REPORT}", data=form(web, "1,5"))
    assert refused.status_code == 422
    assert "harus bilangan bulat" in refused.text
    preview = web.client.post(f"/laporan/{REPORT}/hitung", data=form(web, "0.260"))
    assert preview.status_code == 200
    errors = preview.json()["errors"]
    assert "bisa dibaca dua arti" in errors[f"{CODE}.koperasi_ikut_pelatihan"]
    saved = web.client.post(f"/laporan/{REPORT}", data=form(web, "1.500"), follow_redirects=False)
    assert saved.status_code == 303, saved.text[-500:]
    page = web.get(f"/laporan/{REPORT}").text
    assert "Terbaca: 1.500" in page
    assert "bilangan bulat" in page  # the label says what a count takes


def test_the_api_refuses_a_fraction_of_koperasi_and_reads_the_kinds(
    web: WebClient, web_container: Container
) -> None:
    headers = bearer(web_container, HOLDER)
    report = web.client.get(f"/api/v1/reports/{REPORT}", headers=headers).json()
    [entry] = [e for e in report["entries"] if e["indicator"] == CODE]
    assert [i["kind"] for i in entry["inputs"]] == ["count", "count"]
    path = f"/api/v1/reports/{REPORT}/entries?expected_version={report['version']}"
    body = {CODE: {"values": {"koperasi_ikut_pelatihan": "74,61"}}}
    refused = web.client.put(path, json=body, headers=headers)
    assert refused.status_code == 422, refused.text
    assert "harus bilangan bulat" in refused.text
    body = {CODE: {"values": {"koperasi_ikut_pelatihan": "96"}}}
    saved = web.client.put(path, json=body, headers=headers)
    assert saved.status_code == 200, saved.text


def test_a_growth_indicator_shows_its_basis_on_the_page_and_in_the_api(
    web: WebClient, web_container: Container
) -> None:
    report_id = first_report(str(web_container.engine.url), "kabid-perdagangan")
    web.login("admin", "admin")
    page = web.get(f"/laporan/{report_id}").text
    assert page.count("Dasar pertumbuhan: s.d. periode yang sama tahun lalu (c-to-c)") == 1
    assert "Jumlah nilai ekspor tahun n-1, s.d. triwulan yang sama" in page
    headers = headers_of(web_container, "kabid-perdagangan")
    report = web.client.get(f"/api/v1/reports/{report_id}", headers=headers).json()
    bases = {e["indicator"]: e["growth_basis"] for e in report["entries"]}
    assert bases == {
        "kabid-perdagangan-1": None,
        "kabid-perdagangan-2": None,
        "kabid-perdagangan-3": "same_period",
    }

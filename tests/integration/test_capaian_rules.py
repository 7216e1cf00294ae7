"""The capaian rules of a year as data (issue 16, item 7) and which realisations the recap
counts (item 8): the admin page and `kinerja capaian-rules` on SQLite and PostgreSQL, the
change in the admin log, and the recap (CLI JSON, API, dashboard) under the stored rules.
"""

from __future__ import annotations

import json
import re

import pytest

from engine.clock import FixedClock
from kinerja.bootstrap import Container
from kinerja.cli import main
from kinerja.cli.state import CliState
from tests.conftest import FIXED_NOW
from tests.integration.conftest import WebClient

PERBUP = ["--category", "Baik:80:#1a7f37", "--category", "Cukup:60:#d4a106",
          "--category", "Kurang::#c62828"]  # fmt: skip


@pytest.fixture
def container(seeded_container: Container) -> Container:
    return seeded_container


@pytest.fixture
def admin(seeded_admin: WebClient) -> WebClient:
    return seeded_admin


def run(url: str, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    state = CliState(environ={"KINERJA_DATABASE_URL": url}, clock=FixedClock(FIXED_NOW))
    code = main(list(argv), state)
    state.close()
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_rules_set_by_cli_and_page_are_used_by_the_recap_and_logged(
    seeded_url: str, admin: WebClient, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = json.loads(run(seeded_url, capsys, "capaian-rules", "show", "--year", "2021", "--json"))
    assert (shown["stored"], shown["scale"], shown["cap"]) == (False, "Permendagri 86/2017", None)
    before = json.loads(run(seeded_url, capsys, "recap", "--year", "2021", "--quarter", "1",
                            "--json"))  # fmt: skip
    assert before["rules"]["scale"] == "Permendagri 86/2017"

    run(seeded_url, capsys, "capaian-rules", "set", "--year", "2021", "--scale-name",
        "Perbup Gresik 7/2020", *PERBUP, "--cap", "110")  # fmt: skip
    shown = json.loads(run(seeded_url, capsys, "capaian-rules", "show", "--year", "2021", "--json"))
    assert shown["stored"] is True
    assert [c["name"] for c in shown["categories"]] == ["Baik", "Cukup", "Kurang"]
    assert shown["cap"] == "110.00"
    assert "Perbup Gresik 7/2020" in run(
        seeded_url, capsys, "capaian-rules", "show", "--year", "2021"
    )

    after = json.loads(run(seeded_url, capsys, "recap", "--year", "2021", "--quarter", "1",
                           "--json"))  # fmt: skip
    assert after["rules"]["scale"] == "Perbup Gresik 7/2020" and after["rules"]["cap"] == "110.00"
    categories = {i["category"] for i in after["indicators"]} - {None}
    assert categories and categories <= {"Baik", "Cukup", "Kurang"}
    assert all(
        i["capaian"] is None or float(i["capaian"]) <= 110 for i in after["indicators"]
    )  # capped
    assert json.loads(run(seeded_url, capsys, "capaian-rules", "show", "--year", "2022",
                          "--json"))["stored"] is False  # fmt: skip

    # The dashboard and a report page use the year's scale too.
    board = admin.get("/dasbor?year=2021&quarter=1")
    assert "Skala kategori: Perbup Gresik 7/2020, capaian dibatasi 110%" in board.text
    assert 'data-category="Cukup"' in board.text and 'data-category="Sedang"' not in board.text
    report = re.search(r'href="(/laporan/\d+)"', board.text)
    assert report is not None
    shown_report = admin.get(report.group(1)).text
    badges = re.findall(
        r'<span class="badge cat" style="background: #[0-9a-f]{6}; color: #[0-9a-f]{6}">([^<]*)<',
        shown_report,
    )
    assert badges and set(badges) <= {"Baik", "Cukup", "Kurang"}
    # The pohon kinerja colours its nodes with the same scale (it drew the default's colours,
    # so a regency's own categories showed grey).
    tree = admin.get("/pohon-kinerja?year=2021&quarter=1").text
    coloured = re.findall(r'<span class="badge cat" style="background: (#[0-9a-f]{6})">', tree)
    assert coloured and "#5b6b7b" not in coloured

    # The admin page shows them and changes them; a bad colour is refused in Indonesian.
    page = admin.get("/admin/aturan-capaian?tahun=2021")
    assert page.status_code == 200
    assert "Perbup Gresik 7/2020" in page.text and 'data-category="Cukup"' in page.text
    assert "/admin/aturan-capaian" in admin.get("/admin").text  # in the admin navigation
    form = {
        "tahun": "2021", "scale_name": "Perbup Gresik 7/2020", "cap": "",
        "zero_target_met": "100", "zero_target_missed": "0", "negative_target": "relative",
        "name_1": "Baik", "minimum_1": "85", "color_1": "#1a7f37",
        "name_2": "Kurang", "minimum_2": "", "color_2": "merah",
    }  # fmt: skip
    refused = admin.submit("/admin/aturan-capaian", form, page="/admin/aturan-capaian")
    assert refused.status_code == 422
    assert "Warna kategori &#39;Kurang&#39; harus berbentuk #RRGGBB" in refused.text
    saved = admin.submit("/admin/aturan-capaian", form | {"color_2": "#c62828"},
                         page="/admin/aturan-capaian")  # fmt: skip
    assert saved.status_code == 303, saved.text[-1500:]
    page = admin.get(saved.headers["location"])
    assert "Aturan capaian disimpan" in page.text and 'data-category="Cukup"' not in page.text
    recap = json.loads(run(seeded_url, capsys, "recap", "--year", "2021", "--quarter", "1",
                           "--json"))  # fmt: skip
    assert recap["rules"]["cap"] is None
    assert [c["name"] for c in recap["rules"]["categories"]] == ["Baik", "Kurang"]

    log = admin.get("/admin/log?aksi=capaian_rules")
    rows = re.findall(
        r'<tr data-row="\d+" data-action="capaian_rules.set">.*?</tr>', log.text, re.S
    )
    assert len(rows) == 2  # the CLI's and the page's
    assert "Aturan capaian diubah" in rows[0] and "Aturan capaian tahun 2021" in rows[0]
    assert 'data-chain="utuh"' in log.text


def test_the_recap_counts_verified_and_approved_reports_unless_asked(
    seeded_url: str, admin: WebClient, capsys: pytest.CaptureFixture[str]
) -> None:
    default = json.loads(run(seeded_url, capsys, "recap", "--year", "2021", "--quarter", "3",
                             "--json"))  # fmt: skip
    assert default["include_unverified"] is False
    assert default["counted_states"] == ["approved", "verified"]
    counted = [c["state"] for i in default["indicators"] for c in i["counted"]]
    assert counted and set(counted) <= {"verified", "approved"}
    pending = [i for i in default["indicators"] if i["unverified"]]
    assert pending, "the demo has submitted and draft reports in TW III"
    assert all(i["capaian"] is None for i in pending)  # left out: not a zero
    everything = json.loads(run(seeded_url, capsys, "recap", "--year", "2021", "--quarter", "3",
                                "--json", "--include-unverified"))  # fmt: skip
    assert everything["include_unverified"] is True
    by_code = {i["code"]: i for i in everything["indicators"]}
    assert all(by_code[i["code"]]["unverified"] == i["unverified"] for i in pending)
    assert any(by_code[i["code"]]["capaian"] is not None for i in pending)
    text = run(seeded_url, capsys, "recap", "--year", "2021", "--quarter", "3", "--detail")
    assert "Realisasi yang dihitung: laporan terverifikasi dan disetujui" in text
    assert "belum diverifikasi" in text

    page = admin.get("/dasbor?year=2021&quarter=3")
    assert page.status_code == 200
    assert 'data-include-unverified="tidak"' in page.text
    assert 'id="tabel-belum-diverifikasi"' in page.text
    switched = admin.get("/dasbor?year=2021&quarter=3&semua_laporan=1")
    assert 'data-include-unverified="ya"' in switched.text
    assert "semua_laporan=1" in switched.text  # the download keeps the switch
    workbook = admin.get("/dasbor/rekap.xlsx?year=2021&quarter=3&semua_laporan=1")
    assert workbook.status_code == 200

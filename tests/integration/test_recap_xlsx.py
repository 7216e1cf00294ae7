"""The recap workbook, opened again with openpyxl: its numbers equal the dashboard's."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, create_engine

from db.catalogue import load_indicators
from db.recap import load_recap
from documents.colours import CATEGORY_COLOURS
from documents.xlsx.common import CONTENT_TYPE, HEADER_ROW
from documents.xlsx.recap import PERCENT_FORMAT
from engine.formatting import format_number_id
from engine.recap import GroupScore, Recap
from kinerja.bootstrap import Container
from tests.integration.conftest import Cli, WebClient

EXTRA = {"Belum diisi", "Tidak dapat dihitung"}


def rows_of(sheet: Worksheet) -> list[dict[str, Any]]:
    """The table under the title block as dicts keyed by the column heads (cells kept)."""
    heads = [c.value for c in sheet[HEADER_ROW]]
    rows = []
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if all(c.value is None for c in cells):
            continue
        rows.append({head: cell for head, cell in zip(heads, cells, strict=True)})
    return rows


def shown(value: Any) -> str:
    """A capaian cell as the dashboard writes it (two decimals, half up, Indonesian)."""
    return "belum ada" if value is None else format_number_id(Decimal(str(value)), 2) + "%"


def same(cell_value: Any, exact: Decimal | None) -> bool:
    if exact is None:
        return cell_value is None
    return isinstance(cell_value, (int, float)) and cell_value == pytest.approx(
        float(exact), rel=1e-12, abs=1e-12
    )


def check_groups(rows: list[dict[str, Any]], groups: list[GroupScore]) -> None:
    """Every group row equals the engine's group: count, capaian, category, counts, fill."""
    assert len(rows) == len(groups)
    for row, group in zip(rows, groups, strict=True):
        assert row["Jumlah indikator"].value == group.indicators
        assert same(row["Capaian (%)"].value, group.capaian.value), group.key
        assert row["Capaian (%)"].number_format == PERCENT_FORMAT
        category = row["Kategori"]
        if group.category is not None:
            assert category.value == group.category.name
            assert category.fill.fgColor.rgb == "FF" + group.category.color[1:].upper()
        else:
            assert category.value in EXTRA
        for name, count in group.counts.items():
            assert row[name].value == count, (group.key, name)
            assert isinstance(row[name].value, int)


def check_recap(path_or_bytes: Path | bytes, recap: Recap) -> Any:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["Ringkasan", "Jabatan", "Indikator", "Masukan"]
    summary = rows_of(book["Ringkasan"])
    agency = [r for r in summary if r["Tingkat"].value == "Perangkat daerah"]
    bidang = [r for r in summary if r["Tingkat"].value == "Bidang"]
    check_groups(agency, recap.agency)
    check_groups(bidang, recap.bidang)
    assert [r["Kode"].value for r in bidang] == [g.key for g in recap.bidang]
    positions = rows_of(book["Jabatan"])
    check_groups(positions, recap.positions)
    assert [r["Kode jabatan"].value for r in positions] == [g.key for g in recap.positions]
    indicators = rows_of(book["Indikator"])
    assert [r["Kode indikator"].value for r in indicators] == [
        s.indicator.code for s in recap.indicators
    ]
    for row, score in zip(indicators, recap.indicators, strict=True):
        assert same(row["Realisasi"].value, score.realisation.value), score.indicator.code
        assert same(row["Capaian (%)"].value, score.capaian.value), score.indicator.code
        target = row["Target"].value
        assert same(target, None if score.target is None else score.target.low)
        if score.category is not None:
            assert row["Kategori"].value == score.category.name
            assert row["Kategori"].fill.fgColor.rgb == "FF" + score.category.color[1:].upper()
        decimals = score.indicator.decimals
        assert row["Realisasi"].number_format == "#,##0" + (
            "." + "0" * decimals if decimals else ""
        )
    return book


def sqlite_engine(cli: Cli) -> Any:
    return create_engine(cli.environ["KINERJA_DATABASE_URL"])


# -- the key test: TW I of the demo year, from the dashboard's button ---------------------------


def test_tw1_workbook_numbers_equal_the_dashboards(
    web: WebClient, web_container: Container
) -> None:
    web.login("admin", "admin")
    page = web.get("/dasbor?year=2021&quarter=1")
    assert page.status_code == 200
    link = re.search(r'<a href="([^"]+)" id="unduh-rekap"', page.text)
    assert link is not None
    assert html.unescape(link.group(1)) == "/dasbor/rekap.xlsx?year=2021&quarter=1&bidang="
    response = web.get(html.unescape(link.group(1)))
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE
    assert (
        response.headers["content-disposition"]
        == 'attachment; filename="rekap-capaian-2021-tw1.xlsx"'
    )
    with Session(web_container.engine) as session:
        recap = load_recap(session, year=2021, quarter=1)
    assert len(recap.indicators) == 51
    book = check_recap(response.content, recap)

    # What the page prints, cell for cell: agency card, bidang table, position tables.
    summary = rows_of(book["Ringkasan"])
    for row in summary:
        key = row["Kode"].value
        if row["Tingkat"].value == "Perangkat daerah":
            pattern = rf'data-agency="{re.escape(key)}">.*?data-capaian>([^<]+)<'
        else:
            pattern = (
                rf'<tr data-bidang="{re.escape(key)}">.*?data-capaian>([^<]+)</td>'
                rf'\s*<td data-label="Kategori">.*?data-category="([^"]+)"'
            )
        match = re.search(pattern, page.text, re.S)
        assert match is not None, key
        assert match.group(1).strip() == shown(row["Capaian (%)"].value), key
        if row["Tingkat"].value == "Bidang":
            assert match.group(2) == row["Kategori"].value
    printed = dict(
        re.findall(
            r'<tr data-position="([^"]+)">\s*<th scope="row">[^<]*</th>\s*'
            r'<td class="num" data-label="Indikator">\d+</td>\s*'
            r'<td class="num" data-label="Capaian" data-capaian>([^<]+)</td>',
            page.text,
        )
    )
    positions = rows_of(book["Jabatan"])
    assert {r["Kode jabatan"].value for r in positions} == set(printed)
    for row in positions:
        assert printed[row["Kode jabatan"].value].strip() == shown(row["Capaian (%)"].value)


def test_workbook_layout_numbers_as_numbers_frozen_and_coloured(
    demo_cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "tw1.xlsx"
    out = demo_cli.ok("recap", "--year", "2021", "--quarter", "1", "--xlsx", str(path))
    assert "TW I 2021" in out and str(path) in out
    book = load_workbook(path)
    for name in book.sheetnames:
        sheet = book[name]
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith(str(HEADER_ROW + 1))
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith(
            f"A{HEADER_ROW}"
        )
        assert str(sheet["A1"].value).startswith("Rekap Capaian Kinerja TW I 2021")
        assert sheet.cell(row=HEADER_ROW, column=1).font.bold
        widths = [sheet.column_dimensions[c].width for c in "ABC"]
        assert all(8 <= w <= 66 for w in widths), (name, widths)
    summary = rows_of(book["Ringkasan"])
    assert [c.value for c in book["Ringkasan"][HEADER_ROW]][:6] == [
        "Tingkat", "Kode", "Nama", "Jumlah indikator", "Capaian (%)", "Kategori",
    ]  # fmt: skip
    agency = summary[0]
    assert isinstance(agency["Capaian (%)"].value, float)
    assert agency["Capaian (%)"].data_type == "n"
    assert 50 < agency["Capaian (%)"].value < 200  # percent units, not a fraction
    # Every coloured category cell uses the dashboard's colour, with legible text.
    seen = set()
    for sheet_name in ("Ringkasan", "Jabatan", "Indikator"):
        for row in rows_of(book[sheet_name]):
            cell = row["Kategori"]
            if cell.value in CATEGORY_COLOURS:
                assert cell.fill.fill_type == "solid"
                assert cell.fill.fgColor.rgb == "FF" + CATEGORY_COLOURS[cell.value][1:].upper()
                assert cell.font.color.rgb in ("FF000000", "FFFFFFFF")
                seen.add(cell.value)
    assert seen == set(CATEGORY_COLOURS)  # the demo's TW I has every category


def test_inputs_sheet_redoes_every_realisation(demo_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "tw1.xlsx"
    demo_cli.ok("recap", "--year", "2021", "--quarter", "1", "--xlsx", str(path))
    book = load_workbook(path)
    with Session(sqlite_engine(demo_cli)) as session:
        indicators = {i.code: i for i in load_indicators(session, year=2021)}
    inputs: dict[str, dict[str, Decimal | None]] = {}
    for row in rows_of(book["Masukan"]):
        assert row["Triwulan"].value == "TW I"
        value = row["Nilai"].value
        if row["Variabel"].value is not None:
            assert value is None or isinstance(value, (int, float)), row["Variabel"].value
            inputs.setdefault(row["Kode indikator"].value, {})[row["Variabel"].value] = (
                None if value is None else Decimal(str(value))
            )
    checked = 0
    for row in rows_of(book["Indikator"]):
        code = row["Kode indikator"].value
        if code not in inputs:
            continue
        result = indicators[code].formula.evaluate(inputs[code])
        realised = row["Realisasi"].value
        if result.value is None:
            assert realised is None
        else:
            assert realised == pytest.approx(float(result.value), rel=1e-12)
            checked += 1
        text = row["Masukan rumus"].value
        assert text.startswith("TW I: ")
    assert checked >= 40


def test_whole_year_workbook_equals_load_recap(demo_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "tahun.xlsx"
    demo_cli.ok("recap", "--year", "2021", "--xlsx", str(path))
    with Session(sqlite_engine(demo_cli)) as session:
        recap = load_recap(session, year=2021, quarter=None)
    book = check_recap(path, recap)
    assert book["Ringkasan"]["A1"].value.startswith("Rekap Capaian Kinerja Tahun 2021")
    quarters = {r["Triwulan"].value for r in rows_of(book["Masukan"])}
    assert "TW IV" in quarters


def test_bidang_filter_narrows_rows_but_not_the_agency(
    web: WebClient, web_container: Container
) -> None:
    web.login("admin", "admin")
    page = web.get("/dasbor?year=2021&quarter=2&bidang=kabid-koperasi").text
    assert 'href="/dasbor/rekap.xlsx?year=2021&amp;quarter=2&amp;bidang=kabid-koperasi"' in page
    response = web.get("/dasbor/rekap.xlsx?year=2021&quarter=2&bidang=kabid-koperasi")
    assert response.status_code == 200
    assert (
        'filename="rekap-capaian-2021-tw2-kabid-koperasi.xlsx"'
        in response.headers["content-disposition"]
    )
    with Session(web_container.engine) as session:
        recap = load_recap(session, year=2021, quarter=2)
    book = load_workbook(BytesIO(response.content))
    summary = rows_of(book["Ringkasan"])
    check_groups([r for r in summary if r["Tingkat"].value == "Perangkat daerah"], recap.agency)
    bidang = [r for r in summary if r["Tingkat"].value == "Bidang"]
    check_groups(bidang, [g for g in recap.bidang if g.key == "kabid-koperasi"])
    positions = rows_of(book["Jabatan"])
    assert positions and {r["Bidang"].value for r in positions} == {"Bidang Koperasi"}
    codes = {r["Kode jabatan"].value for r in positions}
    assert "kepala-dinas" not in codes
    indicator_rows = rows_of(book["Indikator"])
    assert {r["Kode jabatan"].value for r in indicator_rows} == codes
    assert sum(r["Jumlah indikator"].value for r in positions) == len(indicator_rows)
    assert "Bidang: Bidang Koperasi" in book["Indikator"]["A2"].value


def test_whole_year_download_and_bad_filters(web: WebClient) -> None:
    web.login("admin", "admin")
    response = web.get("/dasbor/rekap.xlsx?year=2021&quarter=")
    assert response.status_code == 200
    assert 'filename="rekap-capaian-2021-tahun.xlsx"' in response.headers["content-disposition"]
    assert load_workbook(BytesIO(response.content))["Ringkasan"]["A1"].value.startswith(
        "Rekap Capaian Kinerja Tahun 2021"
    )
    assert web.get("/dasbor/rekap.xlsx?year=2021&quarter=7").status_code == 422
    assert web.get("/dasbor/rekap.xlsx?year=2021&bidang=tidak-ada").status_code == 422
    assert (
        web.get("/dasbor/rekap.xlsx?year=2021&bidang=kasi-produksi-usaha-mikro").status_code == 422
    )


def test_download_needs_a_signed_in_user(web: WebClient) -> None:
    response = web.get("/dasbor/rekap.xlsx?year=2021&quarter=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/masuk")


def test_an_official_downloads_the_same_recap(web: WebClient, web_container: Container) -> None:
    web.login("fitri.handayani@diskoperindag-gresik.test")
    response = web.get("/dasbor/rekap.xlsx?year=2021&quarter=1")
    assert response.status_code == 200
    with Session(web_container.engine) as session:
        check_recap(response.content, load_recap(session, year=2021, quarter=1))


def test_empty_year_gives_an_empty_but_valid_workbook(demo_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "kosong.xlsx"
    out = demo_cli.ok("recap", "--year", "2030", "--xlsx", str(path))
    assert "0 indikator" in out
    book = load_workbook(path)
    assert rows_of(book["Indikator"]) == [] and rows_of(book["Ringkasan"]) == []


def test_cli_refuses_json_with_xlsx_and_bidang_without_it(demo_cli: Cli, tmp_path: Path) -> None:
    code, _, err = demo_cli("recap", "--year", "2021", "--json", "--xlsx", str(tmp_path / "x.xlsx"))
    assert code == 2 and "--json atau --xlsx" in err
    code, _, err = demo_cli("recap", "--year", "2021", "--bidang", "kabid-koperasi")
    assert code == 2
    assert not (tmp_path / "x.xlsx").exists()
    code, _, err = demo_cli(
        "recap", "--year", "2021", "--xlsx", str(tmp_path / "y.xlsx"), "--bidang", "nope"
    )
    assert code == 1 and "Bidang 'nope' tidak dikenal" in err

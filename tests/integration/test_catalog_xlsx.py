"""The catalogue workbook (engine/usecases/catalogue_workbook.py) and its admin page, on real
SQLite databases.

Every generated file is opened again with openpyxl and its cells are checked.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from db.database import create_db_engine
from db.models import (
    Agency,
    IndicatorRow,
    IndicatorVariable,
    PerjanjianKinerja,
    PkTarget,
    PositionDuty,
    PositionRow,
)
from db.workflow_models import PkBudgetLine
from documents.xlsx.catalogue_cells import WorkbookProblemsError, number_text, to_decimal
from documents.xlsx.catalogue_layout import COLUMNS, MEDIA_TYPE, SHEETS
from engine.errors import ValidationError
from kinerja.bootstrap import Container
from kinerja.demo.seed import demo_people
from tests.conftest import FIXED_NOW
from tests.integration.conftest import Cli, WebClient
from tests.integration.files import export_workbook, import_workbook, template_workbook

ORG_FILE = Path(__file__).parents[2] / "kinerja" / "data" / "gresik-diskoperindag.yaml"
SEKRETARIS_EMAIL = next(p[3] for p in demo_people() if p[0] == "sekretaris")
YEAR = 2021


# --- helpers -------------------------------------------------------------------------------


def open_book(data: bytes) -> Workbook:
    return load_workbook(BytesIO(data))


def save(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def headers(sheet: Worksheet) -> list[Any]:
    return [cell.value for cell in sheet[1]]


def filled(sheet: Worksheet) -> int:
    """Rows below the header with a value (styled empty rows do not count)."""
    return sum(1 for row in sheet.iter_rows(min_row=2, values_only=True) if any(row))


def column_of(sheet: Worksheet, header: str) -> int:
    return headers(sheet).index(header) + 1


def row_of(sheet: Worksheet, header: str, value: str) -> int:
    column = column_of(sheet, header)
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=column).value == value:
            return row
    raise AssertionError(f"{value} not in {sheet.title}")


def put(sheet: Worksheet, row: int, header: str, value: Any) -> str:
    """Set a cell by its header; returns its reference ("Indikator!E7")."""
    cell = sheet.cell(row=row, column=column_of(sheet, header))
    cell.value = value  # sheet.cell(..., value=None) would leave the old value
    return f"{sheet.title}!{cell.coordinate}"


def catalogue(engine: Engine, year: int = YEAR) -> dict[str, Any]:
    """Everything the workbook carries, keyed by codes (not ids), to compare two databases."""
    with Session(engine) as session:
        position = {p.id: p.code for p in session.exec(select(PositionRow))}
        rows = session.exec(
            select(IndicatorRow)
            .where(IndicatorRow.year == year)
            .order_by(col(IndicatorRow.sort_order))
        ).all()
        code = {r.id: r.code for r in rows}
        indicators = [
            {
                **r.model_dump(exclude={"id", "agency_id", "position_id", "parent_id"}),
                "position": position[r.position_id],
                "parent": code.get(r.parent_id),
            }
            for r in rows
        ]
        variables = sorted(
            (code[v.indicator_id], v.ordinal, v.name, v.label, v.unit)
            for v in session.exec(select(IndicatorVariable))
            if v.indicator_id in code
        )
        duties = sorted(
            (position[d.position_id], d.kind, d.ordinal, d.text)
            for d in session.exec(select(PositionDuty).where(PositionDuty.year == year))
        )
        pk_position = {
            pk.id: position[pk.position_id]
            for pk in session.exec(select(PerjanjianKinerja).where(PerjanjianKinerja.year == year))
        }
        targets = sorted(
            (pk_position[t.pk_id], code[t.indicator_id], t.annual, t.tw1, t.tw2, t.tw3, t.tw4,
             t.tw4_reason)
            for t in session.exec(select(PkTarget))
        )  # fmt: skip
        budget = sorted(
            (pk_position[b.pk_id], b.ordinal, b.program, b.kegiatan, b.sub_kegiatan, b.anggaran)
            for b in session.exec(select(PkBudgetLine))
        )
    return {
        "indicators": indicators,
        "variables": variables,
        "duties": duties,
        "targets": targets,
        "budget": budget,
    }


def counts(engine: Engine) -> dict[str, int]:
    tables = (
        IndicatorRow,
        IndicatorVariable,
        PositionDuty,
        PerjanjianKinerja,
        PkTarget,
        PkBudgetLine,
    )
    with Session(engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in tables
        }


def export(engine: Engine, year: int = YEAR) -> bytes:
    return export_workbook(engine, None, year)


@pytest.fixture
def demo_engine(web_container: Container) -> Engine:
    return web_container.engine


@pytest.fixture
def fresh_engine(cli: Cli) -> Iterator[Engine]:
    """An empty database with only the Gresik organisation imported."""
    cli.ok("db", "upgrade")
    cli.ok("org", "import", str(ORG_FILE))
    engine = create_db_engine(cli.environ["KINERJA_DATABASE_URL"])
    yield engine
    engine.dispose()


# --- the template ----------------------------------------------------------------------------


def test_template_has_sheets_headers_frozen_panes_and_validations(demo_engine: Engine) -> None:
    book = open_book(template_workbook(demo_engine, "diskoperindag", 2022))
    assert book.sheetnames == list(SHEETS)
    guide = book["Petunjuk"]
    assert (guide["B3"].value, guide["B4"].value, guide["B6"].value) == (
        "diskoperindag", 2022, "kinerja-catalog-xlsx/1",
    )  # fmt: skip
    assert any(c.value == "Cara mengisi" for c in guide["A"])
    for name in SHEETS[1:]:
        sheet = book[name]
        assert headers(sheet) == [c.header for c in COLUMNS[name]], name
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1]), name
        assert sheet.column_dimensions["A"].width >= 30
    positions = book["Jabatan"]
    assert positions.max_row == 26  # the 25 positions of the agency, nothing else filled
    assert positions["A2"].value == "kepala-dinas"
    assert positions["B2"].value.startswith("Kepala Dinas")
    assert positions["C2"].value is None
    for name in SHEETS[2:]:
        assert book[name].max_row <= 501 and book[name]["A2"].value is None
    rules = {
        str(rule.sqref).split(":")[0]: rule.formula1
        for rule in book["Indikator"].data_validations.dataValidation
    }
    assert rules["C2"] == '"iku,iki"'
    assert rules["G2"] == '"ratio,growth,value,sum,average"'
    assert rules["I2"] == '"positive,negative"'
    assert rules["J2"] == '"sum,last,average"'
    assert rules["K2"] == '"cumulative,per_quarter"'
    assert rules["A2"] == "Jabatan!$A$2:$A$501"
    assert book["Target"]["C2"].number_format == "@"  # "80-90" stays text, not a date
    assert book["Anggaran"]["E2"].number_format == "#,##0.00"


# --- the round trip ---------------------------------------------------------------------------


def test_export_holds_the_whole_gresik_catalogue(demo_engine: Engine) -> None:
    started = time.perf_counter()
    book = open_book(export(demo_engine))
    elapsed = time.perf_counter() - started
    assert elapsed < 5
    indicators = book["Indikator"]
    assert filled(indicators) == 51
    row = row_of(indicators, "Kode indikator", "kasi-kelembagaan-usaha-mikro-1")
    assert indicators.cell(row=row, column=column_of(indicators, "Preset rumus")).value == "ratio"
    assert book["Variabel"].max_row > 52
    targets = book["Target"]
    assert filled(targets) == 51  # a target per indicator in the approved PKs
    assert isinstance(targets["C2"].value, str)
    budget = book["Anggaran"]
    # Since issue 16, item 12 the demo's PK budgets cascade from programme to sub kegiatan:
    # more than one line per PK, every one of them exported.
    with Session(demo_engine) as session:
        lines = session.exec(select(func.count()).select_from(PkBudgetLine)).one()
    assert lines > 25
    assert filled(budget) == lines
    assert isinstance(budget["E2"].value, int | float) and budget["E2"].value > 0
    fungsi = book["Jabatan"].cell(
        row=row_of(book["Jabatan"], "Kode jabatan", "kabid-koperasi"), column=4
    )
    assert len(fungsi.value.split("\n")) == 8 and fungsi.alignment.wrap_text


def test_round_trip_into_a_fresh_database_gives_the_same_catalogue(
    demo_engine: Engine, fresh_engine: Engine
) -> None:
    data = export(demo_engine)
    started = time.perf_counter()
    report = import_workbook(fresh_engine, data, "katalog.xlsx", FIXED_NOW)
    assert time.perf_counter() - started < 10
    assert report.created["indikator"] == 51
    assert report.created["perjanjian kinerja (draf)"] == 25
    assert report.created["target PK"] == 51
    assert report.created["anggaran PK"] == 25
    assert catalogue(fresh_engine) == catalogue(demo_engine)
    with Session(fresh_engine) as session:
        states = set(session.exec(select(PerjanjianKinerja.state)))
    assert states == {"draft"}
    # and the fresh database exports the same workbook content again
    again = open_book(export(fresh_engine))
    first = open_book(data)
    for name in SHEETS:
        assert [list(r) for r in again[name].values] == [list(r) for r in first[name].values], name


def test_import_back_into_the_same_database_changes_nothing(demo_engine: Engine) -> None:
    before = catalogue(demo_engine), counts(demo_engine)
    report = import_workbook(demo_engine, export(demo_engine), "katalog.xlsx", FIXED_NOW)
    assert not report.changed
    assert report.unchanged["indikator"] == 51
    assert report.unchanged["target PK"] == 51
    assert report.summary() == "Tidak ada perubahan: basis data sudah sama dengan berkas."
    assert (catalogue(demo_engine), counts(demo_engine)) == before


# --- mistakes ----------------------------------------------------------------------------------


def test_a_workbook_with_twelve_mistakes_reports_them_all_and_imports_nothing(
    demo_engine: Engine,
) -> None:
    book = open_book(export(demo_engine))
    ind, var, tgt = book["Indikator"], book["Variabel"], book["Target"]
    expected: dict[str, str] = {}
    # 1. wrong sheet name
    book["Anggaran"].title = "Anggaran 2021"
    expected["Anggaran 2021"] = "lembar 'Anggaran 2021' tidak dikenal"
    # 2. missing column: the Satuan header of Variabel is gone
    var.cell(row=1, column=column_of(var, "Satuan"), value="Unit")
    expected["Variabel!1:1"] = "kolom wajib 'Satuan' tidak ada"
    # 3. text in a number cell
    row = row_of(ind, "Kode indikator", "kasi-kelembagaan-usaha-mikro-1")
    expected[put(ind, row, "Desimal", "dua")] = "'dua' bukan angka"
    # 4. unknown position
    row = row_of(ind, "Kode indikator", "kasi-kelembagaan-usaha-mikro-2")
    expected[put(ind, row, "Kode jabatan", "jabatan-hantu")] = (
        "jabatan 'jabatan-hantu' tidak dikenal"
    )
    # 5. bad formula (x for multiplication)
    row = row_of(ind, "Kode indikator", "kasi-produksi-usaha-mikro-1")
    names = [
        var.cell(row=r, column=2).value
        for r in range(2, var.max_row + 1)
        if var.cell(row=r, column=1).value == "kasi-produksi-usaha-mikro-1"
    ]
    put(ind, row, "Preset rumus", None)
    expected[put(ind, row, "Rumus", f"{names[0]} / {names[1]} x 100")] = "Rumus tidak sah"
    # 6. an expression using a variable that is not declared
    row = row_of(ind, "Kode indikator", "kasi-pengendalian-perdagangan-kecil-1")
    put(ind, row, "Preset rumus", None)
    expected[put(ind, row, "Rumus", "tidak_dideklarasikan * 100")] = "tidak_dideklarasikan"
    # 7. duplicate indicator code: a copy of the first indicator row at the bottom
    copy = ind.max_row + 1
    for column in range(1, ind.max_column + 1):
        ind.cell(row=copy, column=column, value=ind.cell(row=2, column=column).value)
    duplicate = ind.cell(row=2, column=2).value
    expected[f"Indikator!B{copy}"] = f"kode indikator '{duplicate}' ganda (pertama di baris 2)"
    # 8. bad polarity
    row = row_of(ind, "Kode indikator", "sekretaris-1")
    expected[put(ind, row, "Polaritas", "tinggi")] = (
        "'tinggi' bukan salah satu dari positive, negative"
    )
    # 9. unknown parent
    row = row_of(ind, "Kode indikator", "kasubag-keuangan-1")
    expected[put(ind, row, "Induk", "induk-hantu")] = "indikator induk 'induk-hantu' tidak dikenal"
    # 10. negative decimals
    row = row_of(ind, "Kode indikator", "kasubag-umum-1")
    expected[put(ind, row, "Desimal", -1)] = "harus bilangan bulat 0 sampai 6"
    # 11. a changed target on an approved PK
    row = row_of(tgt, "Kode indikator", "kepala-dinas-1")
    put(tgt, row, "TW I", "1")
    expected[f"Target!A{row}"] = "sudah disetujui dan tidak dapat diubah"
    # 12. a variable of an indicator that is not on the Indikator sheet
    extra = var.max_row + 1
    for header, value in (("Kode indikator", "tidak-ada"), ("Nama variabel", "a"), ("Label", "A")):
        put(var, extra, header, value)
    expected[f"Variabel!A{extra}"] = "indikator 'tidak-ada' tidak ada di lembar Indikator"
    before = catalogue(demo_engine), counts(demo_engine)

    with pytest.raises(WorkbookProblemsError) as caught:
        import_workbook(demo_engine, save(book), "salah.xlsx", FIXED_NOW)

    found = {p.cell: p.message for p in caught.value.problems}
    assert set(found) == set(expected), found
    for cell, words in expected.items():
        assert words in found[cell], (cell, found[cell])
    assert "PK-" in found[f"Target!A{row}"]
    assert "12 masalah ditemukan, tidak ada yang disimpan" in caught.value.message
    assert caught.value.problems[-1].cell == "Anggaran 2021"  # unknown sheets come last
    assert (catalogue(demo_engine), counts(demo_engine)) == before


def test_problems_are_listed_in_sheet_row_column_order(fresh_engine: Engine) -> None:
    book = open_book(template_workbook(fresh_engine, None, YEAR))
    del book["Variabel"]
    book["Petunjuk"]["B4"] = "tahun ini"
    ind = book["Indikator"]
    put(ind, 2, "Kode jabatan", "kepala-dinas")
    put(ind, 2, "Kode indikator", "Kode Besar")
    with pytest.raises(WorkbookProblemsError) as caught:
        import_workbook(fresh_engine, save(book), "t.xlsx", FIXED_NOW)
    cells = [p.cell for p in caught.value.problems]
    assert cells[:3] == ["Petunjuk!B4", "Indikator!B2", "Indikator!C2"]
    assert "Variabel" in cells
    assert counts(fresh_engine)["IndicatorRow"] == 0


def test_a_file_that_is_not_a_workbook_is_one_problem(fresh_engine: Engine) -> None:
    with pytest.raises(WorkbookProblemsError) as caught:
        import_workbook(fresh_engine, b"PK\x03\x04 not really", "x.xlsx", FIXED_NOW)
    assert [str(p) for p in caught.value.problems] == [
        "berkas: bukan buku kerja Excel (.xlsx) yang dapat dibaca"
    ]


# --- numbers --------------------------------------------------------------------------------


def _one_indicator(book: Workbook) -> None:
    ind, var = book["Indikator"], book["Variabel"]
    values = {
        "Kode jabatan": "kasi-kelembagaan-usaha-mikro", "Kode indikator": "nilai-transaksi",
        "Jenis": "IKI", "Kinerja / sasaran": "Meningkatnya transaksi",
        "Nama indikator": "Nilai transaksi", "Satuan": "Rp", "Preset rumus": "sum",
        "Polaritas": "positive", "Rollup": "sum", "Target triwulan": "cumulative",
        "Desimal": "2", "Sumber data": "Laporan bulanan",
    }  # fmt: skip
    for header, value in values.items():
        put(ind, 2, header, value)
    for row, name in enumerate(("bulan_1", "bulan_2", "bulan_3"), start=2):
        put(var, row, "Kode indikator", "nilai-transaksi")
        put(var, row, "Nama variabel", name)
        put(var, row, "Label", f"Nilai transaksi {name}")
        put(var, row, "Satuan", "Rp")


def test_indonesian_text_numbers_and_excel_numbers_are_both_read(fresh_engine: Engine) -> None:
    book = open_book(template_workbook(fresh_engine, None, YEAR))
    _one_indicator(book)
    tgt, budget = book["Target"], book["Anggaran"]
    for header, value in (
        ("Kode jabatan", "kasi-kelembagaan-usaha-mikro"), ("Kode indikator", "nilai-transaksi"),
        ("Target tahunan", "1.027.733.750,37"), ("TW I", 250000000), ("TW II", "500.000.000"),
        ("TW III", 750000000.5), ("TW IV", 1027733750.37),
    ):  # fmt: skip
        put(tgt, 2, header, value)
    for row, (program, amount) in enumerate(
        (("Program A", 1027733750.37), ("Program B", "2.500.000,50"), ("Program C", 80)), start=2
    ):
        put(budget, row, "Kode jabatan", "kasi-kelembagaan-usaha-mikro")
        put(budget, row, "Program", program)
        put(budget, row, "Anggaran (Rp)", amount)

    report = import_workbook(fresh_engine, save(book), "angka.xlsx", FIXED_NOW)

    assert report.created["indikator"] == 1
    with Session(fresh_engine) as session:
        target = session.exec(select(PkTarget)).one()
        lines = session.exec(select(PkBudgetLine).order_by(col(PkBudgetLine.ordinal))).all()
        indicator = session.exec(select(IndicatorRow)).one()
    assert (target.annual, target.tw1, target.tw2, target.tw3, target.tw4) == (
        "1.027.733.750,37", "250.000.000", "500.000.000", "750.000.000,5", "1.027.733.750,37",
    )  # fmt: skip
    assert [line.anggaran for line in lines] == [
        Decimal("1027733750.37"), Decimal("2500000.50"), Decimal(80),
    ]  # fmt: skip
    assert (indicator.kind, indicator.decimals, indicator.expression) == (
        "iki", 2, "bulan_1 + bulan_2 + bulan_3",
    )  # fmt: skip


def test_target_ranges_stay_as_typed_and_tw4_needs_a_reason(fresh_engine: Engine) -> None:
    book = open_book(template_workbook(fresh_engine, None, YEAR))
    _one_indicator(book)
    tgt = book["Target"]
    for header, value in (
        ("Kode jabatan", "kasi-kelembagaan-usaha-mikro"), ("Kode indikator", "nilai-transaksi"),
        ("Target tahunan", "80-90"), ("TW I", "10"), ("TW II", "20"), ("TW III", "30"),
        ("TW IV", "85"),
    ):  # fmt: skip
        put(tgt, 2, header, value)
    with pytest.raises(WorkbookProblemsError) as caught:
        import_workbook(fresh_engine, save(book), "t.xlsx", FIXED_NOW)
    assert [p.cell for p in caught.value.problems] == ["Target!H2"]
    assert "isi Alasan TW IV" in caught.value.problems[0].message
    put(tgt, 2, "Alasan TW IV", "Target tahunan berupa rentang")
    import_workbook(fresh_engine, save(book), "t.xlsx", FIXED_NOW)
    with Session(fresh_engine) as session:
        target = session.exec(select(PkTarget)).one()
    assert (target.annual, target.tw4, target.tw4_reason) == (
        "80-90", "85", "Target tahunan berupa rentang",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1027733750.37, Decimal("1027733750.37")),
        (80, Decimal(80)),
        ("1.027.733.750,37", Decimal("1027733750.37")),
        ("80,5", Decimal("80.5")),
    ],
)
def test_cell_numbers_are_exact(value: Any, expected: Decimal) -> None:
    assert to_decimal(value) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "delapan", "1,2,3"])
def test_cell_values_that_are_not_numbers_are_refused(value: Any) -> None:
    with pytest.raises(ValidationError):
        to_decimal(value)


def test_excel_numbers_become_indonesian_target_text() -> None:
    assert number_text(Decimal("1027733750.37")) == "1.027.733.750,37"
    assert number_text(Decimal("80.50")) == "80,5"
    assert number_text(Decimal("1E+3")) == "1.000"


# --- the admin page -----------------------------------------------------------------------------


def test_admin_page_downloads_template_and_export(web: WebClient) -> None:
    web.login("admin", "admin")
    page = web.get("/admin/katalog?tahun=2021")
    assert page.status_code == 200
    assert 'href="/admin/katalog/templat.xlsx?tahun=2021&amp;perangkat=diskoperindag"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert 'href="/admin/katalog"' in web.get("/admin").text  # in the admin menu
    template = web.get("/admin/katalog/templat.xlsx?tahun=2022")
    assert template.status_code == 200
    assert template.headers["content-type"] == MEDIA_TYPE
    assert template.headers["content-disposition"] == (
        'attachment; filename="templat-katalog-diskoperindag-2022.xlsx"'
    )
    assert open_book(template.content)["Petunjuk"]["B4"].value == 2022
    exported = web.get("/admin/katalog/ekspor.xlsx?tahun=2021")
    assert exported.headers["content-disposition"] == (
        'attachment; filename="katalog-diskoperindag-2021.xlsx"'
    )
    assert filled(open_book(exported.content)["Indikator"]) == 51


def test_admin_upload_lists_every_problem_and_writes_nothing(
    web: WebClient, demo_engine: Engine
) -> None:
    web.login("admin", "admin")
    book = open_book(web.get("/admin/katalog/ekspor.xlsx?tahun=2021").content)
    put(book["Indikator"], 2, "Polaritas", "tinggi")
    put(book["Indikator"], 3, "Desimal", "dua")
    before = counts(demo_engine)
    response = web.submit(
        "/admin/katalog",
        {"tahun": "2021"},
        page="/admin/katalog",
        files={"berkas": ("salah.xlsx", save(book), MEDIA_TYPE)},
    )
    assert response.status_code == 422
    assert '<tr data-cell="Indikator!I2">' in response.text
    assert '<tr data-cell="Indikator!L3">' in response.text
    assert "2 masalah ditemukan; tidak ada yang disimpan" in response.text
    assert counts(demo_engine) == before


def test_admin_upload_imports_and_shows_the_summary(web: WebClient, demo_engine: Engine) -> None:
    web.login("admin", "admin")
    book = open_book(web.get("/admin/katalog/ekspor.xlsx?tahun=2021").content)
    put(book["Indikator"], 2, "Catatan", "Dicatat dari Excel")
    response = web.submit(
        "/admin/katalog",
        {"tahun": "2021"},
        page="/admin/katalog",
        files={"berkas": ("katalog.xlsx", save(book), MEDIA_TYPE)},
    )
    assert response.status_code == 200, response.text[-2000:]
    assert 'id="import-result"' in response.text
    assert "diubah: 1 indikator" in response.text
    with Session(demo_engine) as session:
        notes = session.exec(select(IndicatorRow.note).where(IndicatorRow.sort_order == 0)).all()
    assert notes == ["Dicatat dari Excel"]


def test_admin_upload_refuses_other_files(web: WebClient) -> None:
    web.login("admin", "admin")
    response = web.submit(
        "/admin/katalog",
        {"tahun": "2021"},
        page="/admin/katalog",
        files={"berkas": ("katalog.csv", b"a,b", "text/csv")},
    )
    assert response.status_code == 422
    assert "Berkas harus buku kerja Excel (.xlsx)" in response.text


def test_admin_upload_needs_the_csrf_token(web: WebClient, demo_engine: Engine) -> None:
    web.login("admin", "admin")
    data = web.get("/admin/katalog/ekspor.xlsx?tahun=2021").content
    before = counts(demo_engine)
    response = web.post(
        "/admin/katalog",
        data={"tahun": "2021"},
        files={"berkas": ("k.xlsx", data, MEDIA_TYPE)},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert counts(demo_engine) == before


def test_workbook_pages_are_for_administrators_only(web: WebClient) -> None:
    web.login(SEKRETARIS_EMAIL)
    for path in ("/admin/katalog", "/admin/katalog/templat.xlsx", "/admin/katalog/ekspor.xlsx"):
        assert web.get(path).status_code == 403, path
    response = web.submit(
        "/admin/katalog",
        {"tahun": "2021"},
        files={"berkas": ("k.xlsx", b"x", MEDIA_TYPE)},
    )
    assert response.status_code == 403


def test_several_agencies_need_a_choice(fresh_engine: Engine) -> None:
    with Session(fresh_engine) as session:
        regency = session.exec(select(Agency)).one().regency_id
        session.add(
            Agency(
                regency_id=regency,
                code="bappeda",
                name="Bappeda",
                short_name="Bappeda",
                place="Gresik",
            )
        )
        session.commit()
        with pytest.raises(ValidationError, match="Pilih perangkat daerah: bappeda, diskoperindag"):
            template_workbook(fresh_engine, None, YEAR)
        book = open_book(template_workbook(fresh_engine, "bappeda", YEAR))
    assert book["Jabatan"].max_row == 1

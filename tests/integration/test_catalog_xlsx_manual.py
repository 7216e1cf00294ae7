"""The catalogue workbook's "Manual IK" sheet: exported, imported back, edited, checked."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from db.models import IndicatorRow
from db.workflow_models import IndicatorManual
from documents.xlsx.catalogue_cells import WorkbookProblemsError
from tests.conftest import FIXED_NOW
from tests.integration.files import import_workbook
from tests.integration.test_catalog_xlsx import (  # fixtures and helpers, no tests
    demo_engine,
    export,
    fresh_engine,
    open_book,
    put,
    row_of,
    save,
)

__all__ = ["demo_engine", "fresh_engine"]
EXPORT = "kabid-perdagangan-3"


def manuals(engine: Engine) -> dict[str, tuple[str | None, ...]]:
    with Session(engine) as session:
        rows = session.exec(
            select(IndicatorRow.code, IndicatorManual).join(
                IndicatorManual, IndicatorManual.indicator_id == IndicatorRow.id
            )
        )
        return {
            code: (m.definisi_operasional, m.alasan, m.penyedia_data, m.periode_pelaporan, m.note)
            for code, m in rows
        }


def test_the_sheet_holds_every_entry_and_a_fresh_database_gets_the_same(
    demo_engine: Engine, fresh_engine: Engine
) -> None:
    book = open_book(export(demo_engine))
    sheet = book["Manual IK"]
    assert [c.value for c in sheet[1]] == [
        "Kode indikator", "Definisi operasional", "Alasan", "Penyedia data",
        "Periode pelaporan", "Catatan",
    ]  # fmt: skip
    stored = manuals(demo_engine)
    assert len(stored) == 51
    row = row_of(sheet, "Kode indikator", EXPORT)
    assert sheet.cell(row=row, column=2).value == stored[EXPORT][0]
    import_workbook(fresh_engine, save(book), "katalog.xlsx", FIXED_NOW)
    assert manuals(fresh_engine) == stored


def test_an_edited_entry_is_imported_and_an_emptied_one_removed(demo_engine: Engine) -> None:
    book = open_book(export(demo_engine))
    sheet = book["Manual IK"]
    put(sheet, row_of(sheet, "Kode indikator", EXPORT), "Periode pelaporan", "Triwulanan")
    emptied = row_of(sheet, "Kode indikator", "kasi-ikm-1")
    for header in ("Definisi operasional", "Catatan"):
        put(sheet, emptied, header, None)
    report = import_workbook(demo_engine, save(book), "katalog.xlsx", FIXED_NOW)
    assert report.updated["indikator"] == 2
    stored = manuals(demo_engine)
    assert stored[EXPORT][3] == "Triwulanan"
    assert "kasi-ikm-1" not in stored


def test_an_unknown_code_and_a_line_break_are_problems(demo_engine: Engine) -> None:
    book = open_book(export(demo_engine))
    sheet = book["Manual IK"]
    put(sheet, 2, "Kode indikator", "tidak-ada")
    put(sheet, 3, "Penyedia data", "BPS\nGresik")
    with pytest.raises(WorkbookProblemsError) as raised:
        import_workbook(demo_engine, save(book), "katalog.xlsx", FIXED_NOW)
    assert [str(p) for p in raised.value.problems] == [
        "Manual IK!A2: indikator 'tidak-ada' tidak ada di lembar Indikator",
        "Manual IK!D3: tidak boleh berisi baris baru atau karakter kendali",
    ]

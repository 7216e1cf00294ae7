"""Importing indicator catalogues into SQLite and PostgreSQL: all problems or all rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from db.catalogue import load_indicators
from documents.yaml.catalogue import CatalogFileError
from tests.integration.files import import_catalog_file, import_org_file

FIXTURES = Path(__file__).parent.parent / "fixtures"
DATA = Path(__file__).parents[2] / "kinerja" / "data"
TABLES = ("indicator", "indicator_variable", "position_duty")


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            table: [tuple(r) for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
            for table in TABLES
        }


@pytest.fixture
def contoh(engine: Engine) -> Engine:
    import_org_file(engine, FIXTURES / "org_fixed.yaml")
    return engine


def test_broken_catalogue_reports_every_problem_and_writes_nothing(contoh: Engine) -> None:
    with pytest.raises(CatalogFileError) as caught:
        import_catalog_file(contoh, FIXTURES / "catalog_broken.yaml")
    problems = [str(p) for p in caught.value.problems]
    assert problems == [
        "baris 23: positions[2].position: jabatan 'kasi-tidak-ada' tidak dikenal",
        "baris 33: indikator 'kabid-1'.formula.expression: Rumus tidak sah: kolom 17: "
        "susunan rumus salah; gunakan * untuk perkalian (bukan x)",
        "baris 47: indikator 'kabid-2'.formula.expression: Rumus tidak sah: kolom 14: "
        "nama 'jumlah_layanan' tidak dikenal (variabel yang dideklarasikan: total_hari)",
        "baris 53: indikator 'kabid-2'.parent: indikator induk 'kadis-9' tidak dikenal",
    ]
    assert all(rows == [] for rows in dump(contoh).values())


def test_fixed_catalogue_imports_once(contoh: Engine) -> None:
    first = import_catalog_file(contoh, FIXTURES / "catalog_fixed.yaml")
    assert first.created == {"indikator": 3, "tugas dan fungsi jabatan": 1}
    before = dump(contoh)
    second = import_catalog_file(contoh, FIXTURES / "catalog_fixed.yaml")
    assert not second.changed
    assert dump(contoh) == before
    with Session(contoh) as session:
        indicators = {i.code: i for i in load_indicators(session, year=2021)}
    assert indicators["kabid-1"].parent_id == indicators["kadis-1"].id
    assert indicators["kadis-1"].formula.expression == "tepat_waktu / seluruh * 100"
    assert indicators["kabid-2"].formula.variables["total_hari"].label == "Jumlah hari layanan"


def test_an_edited_formula_updates_in_place(contoh: Engine, tmp_path: Path) -> None:
    import_catalog_file(contoh, FIXTURES / "catalog_fixed.yaml")
    edited = (FIXTURES / "catalog_fixed.yaml").read_text(encoding="utf-8")
    edited = edited.replace(
        "{name: masuk, label: Jumlah berkas masuk}", "{name: masuk, label: Berkas masuk}"
    )
    path = tmp_path / "edited.yaml"
    path.write_text(edited, encoding="utf-8")
    report = import_catalog_file(contoh, path)
    assert report.updated == {"indikator": 1}
    with Session(contoh) as session:
        (kabid_1,) = [i for i in load_indicators(session, year=2021) if i.code == "kabid-1"]
    assert kabid_1.formula.variables["masuk"].label == "Berkas masuk"


def test_a_cycle_in_the_cascade_is_refused(contoh: Engine, tmp_path: Path) -> None:
    looped = (
        (FIXTURES / "catalog_fixed.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "        data_source: Laporan layanan\n",
            "        data_source: Laporan layanan\n        parent: kabid-2\n",
        )
    )
    path = tmp_path / "loop.yaml"
    path.write_text(looped, encoding="utf-8")
    with pytest.raises(CatalogFileError, match="induk berputar: kadis-1 -> kabid-2 -> kadis-1"):
        import_catalog_file(contoh, path)


def test_the_gresik_catalogue_imports_with_every_formula(engine: Engine) -> None:
    import_org_file(engine, DATA / "gresik-diskoperindag.yaml")
    report = import_catalog_file(engine, DATA / "gresik-diskoperindag-2021-catalog.yaml")
    assert report.created["indikator"] == 51
    with Session(engine) as session:
        indicators = load_indicators(session, year=2021, agency_code="diskoperindag")
    assert len(indicators) == 51
    assert len({i.position_id for i in indicators}) == 25
    assert not import_catalog_file(engine, DATA / "gresik-diskoperindag-2021-catalog.yaml").changed

"""Importing organisation files into SQLite and PostgreSQL: all problems or all rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from db.organisation import load_org
from documents.yaml.org import OrgFileError
from kinerja.demo.seed import demo_org_text
from tests.integration.files import import_org_file, import_org_text

FIXTURES = Path(__file__).parent.parent / "fixtures"
GRESIK = Path(__file__).parents[2] / "kinerja" / "data" / "gresik-diskoperindag.yaml"
TABLES = ("regency", "agency", "position", "official", "assignment")


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the organisation tables, ordered, for before/after comparisons."""
    with engine.connect() as connection:
        return {
            table: [
                tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))
            ]
            for table in TABLES
        }


def test_broken_file_reports_all_five_problems_and_writes_nothing(engine: Engine) -> None:
    with pytest.raises(OrgFileError) as caught:
        import_org_file(engine, FIXTURES / "org_broken.yaml")
    problems = [str(p) for p in caught.value.problems]
    expected = [
        ("baris 26", "atasan 'kabid-tidak-ada' tidak dikenal"),
        ("baris 27", "jabatan 'kabid' ganda (pertama di baris 17)"),
        ("baris 32", "atasan berputar: loop-a -> loop-b -> loop-a"),
        ("baris 46", "NIP '19700101 199501 1 00' tidak sah"),
        ("baris 57", "pemegang definitif kedua"),
    ]
    assert len(problems) == len(expected), problems
    for (line, message), problem in zip(expected, problems, strict=True):
        assert problem.startswith(line), (line, problem)
        assert message in problem, (message, problem)
    assert all(rows == [] for rows in dump(engine).values())


def test_fixed_file_imports_and_second_import_changes_nothing(engine: Engine) -> None:
    first = import_org_file(engine, FIXTURES / "org_fixed.yaml")
    assert first.created == {
        "pemda": 1,
        "perangkat daerah": 1,
        "jabatan": 6,
        "pegawai": 3,
        "penugasan": 2,
    }
    before = dump(engine)
    second = import_org_file(engine, FIXTURES / "org_fixed.yaml")
    assert not second.changed
    assert second.summary().startswith("Tidak ada perubahan")
    assert dump(engine) == before


def test_gresik_tree_has_25_positions_in_the_right_places(engine: Engine) -> None:
    import_org_file(engine, GRESIK)
    with Session(engine) as session:
        tree = load_org(session).tree
    assert len(tree.positions) == 25
    by_code = {p.code: p for p in tree.positions}
    (head,) = tree.roots()
    assert head.code == "kepala-dinas"
    assert sorted(p.code for p in tree.children(head.id)) == [
        "kabid-koperasi",
        "kabid-perdagangan",
        "kabid-perindustrian",
        "kabid-usaha-mikro",
        "sekretaris",
    ]
    assert len(tree.children(by_code["sekretaris"].id)) == 3
    for bidang in (
        "kabid-usaha-mikro",
        "kabid-koperasi",
        "kabid-perdagangan",
        "kabid-perindustrian",
    ):
        assert len(tree.children(by_code[bidang].id)) == 3, bidang
    staff = by_code["pengelola-data"].id
    assert [p.code for p in tree.ancestors(staff)] == [
        "kasi-pengendalian-perdagangan-kecil",
        "kabid-perdagangan",
        "kepala-dinas",
    ]
    assert tree.nearest_administrator(staff) == by_code["kabid-perdagangan"]
    assert tree.head_of_agency(staff) == head


def test_demo_document_gives_every_position_a_holder_and_one_plt(engine: Engine) -> None:
    import_org_text(engine, demo_org_text(), "demo")
    with Session(engine) as session:
        tree = load_org(session).tree
    day = date(2021, 11, 1)
    holders = {p.code: tree.holders(p.id, day) for p in tree.positions}
    assert all(holders.values())
    acting = [
        (code, h.display_title) for code, hs in holders.items() for h in hs if h.status.is_acting
    ]
    assert acting == [("kabid-perindustrian", "Plt. Kepala Bidang Perindustrian")]
    # Before the retirement the definitif holder still acts.
    before = tree.acting_holder(
        next(p.id for p in tree.positions if p.code == "kabid-perindustrian"), date(2021, 9, 30)
    )
    assert before is not None
    assert before.status.value == "definitif"


def test_reimport_can_close_a_definitif_window_and_open_the_successor(
    engine: Engine, tmp_path: Path
) -> None:
    import_org_file(engine, FIXTURES / "org_fixed.yaml")
    text_ = (FIXTURES / "org_fixed.yaml").read_text(encoding="utf-8")
    # The second Kepala Bidang retires and the first comes back for an open window.
    text_ = text_.replace(
        "    from: 2021-06-01\n",
        "    from: 2021-06-01\n    to: 2021-12-31\n"
        '  - nip: "19700101 199501 1 001"\n    position: kabid\n    status: definitif\n'
        "    from: 2022-01-03\n",
    )
    path = tmp_path / "next.yaml"
    path.write_text(text_, encoding="utf-8")
    report = import_org_file(engine, path)
    assert report.created == {"penugasan": 1}
    assert report.updated == {"penugasan": 1}


def test_second_definitif_against_the_database_is_refused(engine: Engine, tmp_path: Path) -> None:
    import_org_file(engine, FIXTURES / "org_fixed.yaml")
    before = dump(engine)
    text_ = (FIXTURES / "org_fixed.yaml").read_text(encoding="utf-8")
    # The first holder's assignment is dropped from the file, so it is only in the database;
    # a new definitif holder overlapping it must still be refused.
    first = (
        '  - nip: "19700101 199501 1 001"\n    position: kabid\n    status: definitif\n'
        "    from: 2021-01-04\n    to: 2021-05-31\n"
    )
    assert first in text_
    text_ = text_.replace(first, "")
    text_ += (
        '  - nip: "19700101 199501 1 003"\n    position: kabid\n    status: definitif\n'
        "    from: 2021-03-01\n"
    )
    path = tmp_path / "clash.yaml"
    path.write_text(text_, encoding="utf-8")
    with pytest.raises(OrgFileError) as caught:
        import_org_file(engine, path)
    assert "pemegang definitif kedua" in str(caught.value)
    assert dump(engine) == before


def test_an_installation_serves_one_regency(engine: Engine) -> None:
    import_org_file(engine, FIXTURES / "org_fixed.yaml")
    before = dump(engine)
    with pytest.raises(OrgFileError, match="satu instalasi hanya untuk satu pemerintah daerah"):
        import_org_file(engine, GRESIK)
    assert dump(engine) == before

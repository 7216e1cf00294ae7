"""Validation of organisation files: each problem named with its line, all at once."""

from __future__ import annotations

from datetime import date

import pytest

from documents.yaml.org import OrgFileError, parse_org_file
from engine.errors import ValidationError
from engine.org import AssignmentStatus, Level

HEADER = """format: kinerja-org/1
regency: {code: r, name: Pemkab R, head_title: Bupati R}
agency: {code: a, name: Dinas A, short_name: DA, place: R}
"""
POSITIONS = """positions:
  - {code: kadis, title: Kepala Dinas, unit: Dinas, level: jpt_pratama}
  - {code: kabid, title: Kepala Bidang, unit: Bidang, level: administrator, superior: kadis}
"""


def problems(text: str, **kwargs: object) -> list[str]:
    with pytest.raises(OrgFileError) as caught:
        parse_org_file(text, "f.yaml", **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in caught.value.problems]


def test_a_valid_file_parses_into_typed_specs() -> None:
    text = (
        HEADER
        + POSITIONS
        + (
            "officials:\n"
            '  - {nip: "19700101 199501 1 001", name: Satu, email: satu@r.test}\n'
            "assignments:\n"
            '  - {nip: "197001011995011001", position: kabid, status: PLT, from: 2021-01-04,'
            ' to: "2021-06-30"}\n'
        )
    )
    document = parse_org_file(text, "f.yaml")
    assert [p.level for p in document.positions] == [Level.JPT_PRATAMA, Level.ADMINISTRATOR]
    assert document.positions[1].superior == "kadis"
    assert document.officials[0].nip == "197001011995011001"
    (assignment,) = document.assignments
    assert assignment.status is AssignmentStatus.PLT
    assert (assignment.valid_from, assignment.valid_to) == (date(2021, 1, 4), date(2021, 6, 30))
    assert assignment.line == 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just a list\n", ["baris 1: berkas: harus berupa pemetaan (kunci: nilai)"]),
        (
            HEADER.replace("kinerja-org/1", "kinerja-org/9") + POSITIONS,
            ["baris 1: format: harus 'kinerja-org/1'"],
        ),
        (HEADER, ["baris 1: positions: bagian wajib tidak ada"]),
        (
            HEADER.replace("head_title: Bupati R", "head_title: ''") + POSITIONS,
            ["baris 2: regency.head_title: wajib diisi"],
        ),
        (
            HEADER + POSITIONS.replace("level: administrator", "level: eselon3"),
            [
                "baris 6: positions[2].level: 'eselon3' bukan salah satu dari "
                "jpt_pratama, administrator, pengawas, pelaksana"
            ],
        ),
        (
            HEADER + POSITIONS.replace("superior: kadis", "superior: ~"),
            [
                "baris 4: positions: harus tepat satu jabatan tanpa atasan "
                "(kepala perangkat daerah), ada 2"
            ],
        ),
        (
            HEADER + POSITIONS + "officials:\n  - {nip: '19700101199501100A', name: X, "
            "email: x@r.test}\n  - {nip: '197001011995011002', name: Y, email: 'y at r'}\n",
            [
                "baris 8: officials[1].nip: NIP '19700101199501100A' tidak sah: "
                "NIP harus terdiri dari 18 angka",
                "baris 9: officials[2].email: 'y at r' bukan alamat email",
            ],
        ),
        (
            HEADER + POSITIONS + "assignments:\n  - {nip: '197001011995011001', "
            "position: kasi, status: acting, from: 2021-02-30}\n",
            [
                "baris 8: assignments[1].from: '2021-02-30' bukan tanggal TTTT-BB-HH",
                "baris 8: assignments[1].nip: pegawai dengan NIP 197001011995011001 tidak dikenal",
                "baris 8: assignments[1].position: jabatan 'kasi' tidak dikenal",
                "baris 8: assignments[1].status: 'acting' bukan salah satu dari "
                "definitif, plt, plh, pj",
            ],
        ),
        (
            HEADER + POSITIONS + "assignments:\n  - {nip: '197001011995011001', "
            "position: kabid, status: plh, from: 2021-03-01, to: 2021-02-01}\n",
            [
                "baris 8: assignments[1].nip: pegawai dengan NIP 197001011995011001 tidak dikenal",
                "baris 8: assignments[1].to: tanggal akhir sebelum tanggal mulai",
            ],
        ),
    ],
)
def test_problems_are_reported_with_their_lines(text: str, expected: list[str]) -> None:
    assert problems(text, known_nips=frozenset()) == expected


def test_officials_already_in_the_database_may_be_assigned() -> None:
    text = (
        HEADER
        + POSITIONS
        + (
            "assignments:\n  - {nip: '197001011995011001', position: kabid, status: definitif,"
            " from: 2021-01-04}\n"
        )
    )
    document = parse_org_file(text, "f.yaml", known_nips=frozenset({"197001011995011001"}))
    assert len(document.assignments) == 1


def test_an_existing_open_definitif_blocks_a_second_one() -> None:
    text = (
        HEADER
        + POSITIONS
        + (
            "assignments:\n  - {nip: '197001011995011002', position: kabid, status: definitif,"
            " from: 2022-01-03}\n"
        )
    )
    existing = {("197001011995011001", "kabid", "definitif", date(2021, 1, 4)): None}
    found = problems(
        text,
        known_nips=frozenset({"197001011995011001", "197001011995011002"}),
        existing_assignments=existing,
    )
    assert len(found) == 1
    assert found[0].startswith("baris 8: jabatan 'kabid': pemegang definitif kedua")
    closed = {("197001011995011001", "kabid", "definitif", date(2021, 1, 4)): date(2021, 12, 31)}
    parse_org_file(
        text,
        "f.yaml",
        known_nips=frozenset({"197001011995011001", "197001011995011002"}),
        existing_assignments=closed,
    )


def test_yaml_syntax_errors_name_the_line() -> None:
    with pytest.raises(ValidationError, match=r"^f\.yaml: baris 4: YAML tidak sah"):
        parse_org_file("format: kinerja-org/1\npositions:\n  - [unclosed\n", "f.yaml")


REGENCY_WITH_HEADS = """format: kinerja-org/1
regency:
  code: r
  name: Pemkab R
  head_title: Bupati R
  heads:
    - {name: Bupati Satu, from: 2016-02-17, to: 2021-02-17}
    - {name: Penjabat Dua, from: 2021-02-18, to: 2021-02-25, status: pj}
    - {name: Bupati Tiga, from: 2021-02-26}
agency: {code: a, name: Dinas A, short_name: DA, place: R}
"""


def test_the_regency_heads_are_read_with_their_dates() -> None:
    document = parse_org_file(REGENCY_WITH_HEADS + POSITIONS, "f.yaml")
    heads = document.regency.heads
    assert [(h.name, h.valid_from, h.valid_to, h.status) for h in heads] == [
        ("Bupati Satu", date(2016, 2, 17), date(2021, 2, 17), AssignmentStatus.DEFINITIF),
        ("Penjabat Dua", date(2021, 2, 18), date(2021, 2, 25), AssignmentStatus.PJ),
        ("Bupati Tiga", date(2021, 2, 26), None, AssignmentStatus.DEFINITIF),
    ]


def test_overlapping_regency_heads_are_refused() -> None:
    text = REGENCY_WITH_HEADS.replace("to: 2021-02-17}", "}") + POSITIONS
    found = problems(text)
    assert len(found) == 1
    assert "masa jabatan Bupati Satu dan Bupati Tiga bertumpang tindih" in found[0]

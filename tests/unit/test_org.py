"""Tests for engine.org: the position tree, who holds what on a day, and its integrity checks."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import KinerjaError, NotFoundError, ValidationError
from engine.org import (
    Assignment,
    AssignmentStatus,
    Holding,
    Level,
    Official,
    OrgTree,
    Position,
    find_cycles,
    find_overlapping_definitif,
)

DEF = AssignmentStatus.DEFINITIF
PLT = AssignmentStatus.PLT
PLH = AssignmentStatus.PLH
PJ = AssignmentStatus.PJ

# -- a small, fictional regency -------------------------------------------------------------

DISDAG = 1  # Dinas Perdagangan
BAPPEDA = 2  # Badan Perencanaan Pembangunan Daerah

KADIS = 1
SEKRETARIS = 2
KASUBBAG = 3
KABID = 4
KASI = 5
PENGELOLA_DATA = 6
FASILITATOR = 7
KABAN = 10
SEKBAN = 11

POSITIONS = [
    Position(
        KADIS, DISDAG, "DAG-01", "Kepala Dinas Perdagangan", "Dinas Perdagangan",
        Level.JPT_PRATAMA, None,
    ),
    Position(
        SEKRETARIS, DISDAG, "DAG-02", "Sekretaris Dinas Perdagangan", "Sekretariat",
        Level.ADMINISTRATOR, KADIS,
    ),
    Position(
        KASUBBAG, DISDAG, "DAG-03", "Kepala Sub Bagian Umum dan Kepegawaian",
        "Sub Bagian Umum dan Kepegawaian", Level.PENGAWAS, SEKRETARIS,
    ),
    Position(
        KABID, DISDAG, "DAG-04", "Kepala Bidang Perdagangan Dalam Negeri",
        "Bidang Perdagangan Dalam Negeri", Level.ADMINISTRATOR, KADIS,
    ),
    Position(
        KASI, DISDAG, "DAG-05", "Kepala Seksi Distribusi dan Sarana Perdagangan",
        "Seksi Distribusi dan Sarana Perdagangan", Level.PENGAWAS, KABID,
    ),
    Position(
        PENGELOLA_DATA, DISDAG, "DAG-06", "Pengelola Data",
        "Seksi Distribusi dan Sarana Perdagangan", Level.PELAKSANA, KASI,
    ),
    Position(
        FASILITATOR, DISDAG, "DAG-07", "Fasilitator Perdagangan",
        "Seksi Distribusi dan Sarana Perdagangan", Level.PELAKSANA, KASI,
    ),
    Position(
        KABAN, BAPPEDA, "BAP-01", "Kepala Badan Perencanaan Pembangunan Daerah",
        "Bappeda", Level.JPT_PRATAMA, None,
    ),
    Position(
        SEKBAN, BAPPEDA, "BAP-02", "Sekretaris Bappeda", "Sekretariat",
        Level.ADMINISTRATOR, KABAN,
    ),
]  # fmt: skip

# Fictional officials and NIPs.
RINA, BUDI, SITI, ANDI, DEWI, YUSUF = 101, 102, 103, 104, 105, 106
OFFICIALS = [
    Official(RINA, "197003152000032004", "Rina Kartikasari", "rina@example.test"),
    Official(BUDI, "197508202003121002", "Budi Santoso", "budi@example.test"),
    Official(SITI, "198001012005012003", "Siti Aminah", "siti@example.test"),
    Official(ANDI, "198205052008011001", "Andi Pratama", "andi@example.test"),
    Official(DEWI, "199002142015032002", "Dewi Lestari", "dewi@example.test"),
    Official(YUSUF, "196905301994031005", "Yusuf Hidayat", "yusuf@example.test"),
]

# Budi is Kepala Bidang until 2021-09-30; Siti is Plh while he is on leave in March 2021;
# from 2021-10-01 the Kepala Seksi, Andi, is Plt of the vacant Kepala Bidang. Nobody holds the
# Sekretaris position. Yusuf is Pj Kepala Bappeda for 2021 only.
BUDI_KABID = Assignment(BUDI, KABID, DEF, date(2020, 1, 1), date(2021, 9, 30))
SITI_PLH_KABID = Assignment(SITI, KABID, PLH, date(2021, 3, 1), date(2021, 3, 14))
ANDI_PLT_KABID = Assignment(ANDI, KABID, PLT, date(2021, 10, 1))
ASSIGNMENTS = [
    Assignment(RINA, KADIS, DEF, date(2018, 1, 2)),
    BUDI_KABID,
    SITI_PLH_KABID,
    Assignment(SITI, KASUBBAG, DEF, date(2019, 7, 1)),
    Assignment(ANDI, KASI, DEF, date(2019, 1, 2)),
    ANDI_PLT_KABID,
    Assignment(DEWI, PENGELOLA_DATA, DEF, date(2020, 2, 3)),
    Assignment(YUSUF, KABAN, PJ, date(2021, 1, 1), date(2021, 12, 31)),
]


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree(POSITIONS, OFFICIALS, ASSIGNMENTS)


def ids(positions: list[Position]) -> list[int]:
    return [p.id for p in positions]


def position(
    pid: int, parent: int | None, level: Level = Level.PELAKSANA, agency: int = DISDAG
) -> Position:
    return Position(pid, agency, f"J-{pid}", f"Jabatan {pid}", "Unit", level, parent)


# -- enums ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "value", "label"),
    [
        (Level.JPT_PRATAMA, "jpt_pratama", "JPT Pratama (Eselon II)"),
        (Level.ADMINISTRATOR, "administrator", "Administrator (Eselon III)"),
        (Level.PENGAWAS, "pengawas", "Pengawas (Eselon IV)"),
        (Level.PELAKSANA, "pelaksana", "Pelaksana"),
    ],
)
def test_level_value_and_label(level: Level, value: str, label: str) -> None:
    assert level.value == value
    assert Level(value) is level
    assert level.label == label


def test_every_level_has_a_distinct_label() -> None:
    labels = [level.label for level in Level]
    assert len(labels) == len(set(labels)) == 4


@pytest.mark.parametrize(
    ("status", "value", "prefix", "is_acting"),
    [
        (AssignmentStatus.DEFINITIF, "definitif", "", False),
        (AssignmentStatus.PLT, "plt", "Plt.", True),
        (AssignmentStatus.PLH, "plh", "Plh.", True),
        (AssignmentStatus.PJ, "pj", "Pj.", True),
    ],
)
def test_status_prefix_and_is_acting(
    status: AssignmentStatus, value: str, prefix: str, is_acting: bool
) -> None:
    assert status.value == value
    assert AssignmentStatus(value) is status
    assert status.prefix == prefix
    assert status.is_acting is is_acting


# -- value objects --------------------------------------------------------------------------


def test_official_nip_display_is_grouped() -> None:
    official = Official(1, "196804111993031009", "Contoh Pegawai", "contoh@example.test")
    assert official.nip_display == "19680411 199303 1 009"


def test_official_nip_display_rejects_a_malformed_stored_nip() -> None:
    official = Official(1, "19680411199303100", "Contoh Pegawai", "contoh@example.test")
    with pytest.raises(ValidationError, match="18"):
        _ = official.nip_display


@pytest.mark.parametrize(
    ("valid_to", "day", "expected"),
    [
        (date(2021, 3, 14), date(2021, 2, 28), False),  # day before
        (date(2021, 3, 14), date(2021, 3, 1), True),  # first day
        (date(2021, 3, 14), date(2021, 3, 7), True),
        (date(2021, 3, 14), date(2021, 3, 14), True),  # last day
        (date(2021, 3, 14), date(2021, 3, 15), False),  # day after
        (date(2021, 3, 1), date(2021, 3, 1), True),  # a one-day window
        (None, date(2021, 2, 28), False),
        (None, date(2021, 3, 1), True),
        (None, date(2099, 12, 31), True),  # open end
    ],
)
def test_assignment_is_valid_on_inclusive_window(
    valid_to: date | None, day: date, expected: bool
) -> None:
    item = Assignment(1, 1, PLH, date(2021, 3, 1), valid_to)
    assert item.is_valid_on(day) is expected


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ((date(2020, 1, 1), date(2021, 9, 30)), (date(2021, 10, 1), None), False),
        ((date(2020, 1, 1), date(2021, 10, 1)), (date(2021, 10, 1), None), True),  # one day
        ((date(2020, 1, 1), None), (date(2030, 1, 1), None), True),
        ((date(2020, 1, 1), None), (date(2019, 1, 1), date(2019, 12, 31)), False),
        ((date(2020, 1, 1), None), (date(2019, 1, 1), date(2020, 1, 1)), True),
        ((date(2021, 1, 1), date(2021, 12, 31)), (date(2021, 3, 1), date(2021, 3, 2)), True),
        ((date(2021, 1, 1), date(2021, 1, 31)), (date(2021, 3, 1), date(2021, 3, 2)), False),
    ],
)
def test_assignment_overlaps_is_symmetric(
    first: tuple[date, date | None], second: tuple[date, date | None], expected: bool
) -> None:
    a = Assignment(1, 1, DEF, *first)
    b = Assignment(2, 1, DEF, *second)
    assert a.overlaps(b) is expected
    assert b.overlaps(a) is expected


@pytest.mark.parametrize(
    ("status", "title"),
    [
        (DEF, "Kepala Bidang Perdagangan Dalam Negeri"),
        (PLT, "Plt. Kepala Bidang Perdagangan Dalam Negeri"),
        (PLH, "Plh. Kepala Bidang Perdagangan Dalam Negeri"),
        (PJ, "Pj. Kepala Bidang Perdagangan Dalam Negeri"),
    ],
)
def test_holding_display_title(status: AssignmentStatus, title: str) -> None:
    holding = Holding(OFFICIALS[0], POSITIONS[KABID - 1], status)
    assert holding.position.id == KABID
    assert holding.display_title == title


# -- tree structure -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pid", "superior"),
    [
        (KADIS, None),
        (SEKRETARIS, KADIS),
        (KASUBBAG, SEKRETARIS),
        (KABID, KADIS),
        (KASI, KABID),
        (PENGELOLA_DATA, KASI),
        (FASILITATOR, KASI),
        (KABAN, None),
        (SEKBAN, KABAN),
    ],
)
def test_superior(tree: OrgTree, pid: int, superior: int | None) -> None:
    found = tree.superior(pid)
    assert (found.id if found else None) == superior


@pytest.mark.parametrize(
    ("pid", "chain"),
    [
        (KADIS, []),
        (SEKRETARIS, [KADIS]),
        (KASUBBAG, [SEKRETARIS, KADIS]),
        (KABID, [KADIS]),
        (KASI, [KABID, KADIS]),
        (PENGELOLA_DATA, [KASI, KABID, KADIS]),
        (KABAN, []),
        (SEKBAN, [KABAN]),
    ],
)
def test_ancestors_from_direct_superior_up(tree: OrgTree, pid: int, chain: list[int]) -> None:
    assert ids(tree.ancestors(pid)) == chain


@pytest.mark.parametrize(
    ("pid", "administrator"),
    [
        (PENGELOLA_DATA, KABID),  # staff -> Kepala Bidang, skipping the Pengawas
        (FASILITATOR, KABID),
        (KASI, KABID),
        (KASUBBAG, SEKRETARIS),
        (KABID, None),  # its superior is already the head of the agency
        (SEKRETARIS, None),
        (KADIS, None),
        (KABAN, None),
        (SEKBAN, None),
    ],
)
def test_nearest_administrator(tree: OrgTree, pid: int, administrator: int | None) -> None:
    found = tree.nearest_administrator(pid)
    assert (found.id if found else None) == administrator
    if found is not None:
        assert found.level is Level.ADMINISTRATOR


def test_nearest_administrator_ignores_depth() -> None:
    # Two Pengawas levels between the staff and the Administrator: the walk, not a depth, decides.
    tree = OrgTree(
        [
            position(1, None, Level.JPT_PRATAMA),
            position(2, 1, Level.ADMINISTRATOR),
            position(3, 2, Level.PENGAWAS),
            position(4, 3, Level.PENGAWAS),
            position(5, 4, Level.PELAKSANA),
        ]
    )
    found = tree.nearest_administrator(5)
    assert found is not None
    assert found.id == 2


@pytest.mark.parametrize(
    ("pid", "head"),
    [
        (KADIS, KADIS),
        (SEKRETARIS, KADIS),
        (KASUBBAG, KADIS),
        (KABID, KADIS),
        (PENGELOLA_DATA, KADIS),
        (KABAN, KABAN),
        (SEKBAN, KABAN),
    ],
)
def test_head_of_agency(tree: OrgTree, pid: int, head: int) -> None:
    found = tree.head_of_agency(pid)
    assert found.id == head
    assert found.parent_id is None
    assert found.agency_id == tree.position(pid).agency_id


@pytest.mark.parametrize(
    ("pid", "children"),
    [
        (KADIS, [SEKRETARIS, KABID]),
        (SEKRETARIS, [KASUBBAG]),
        (KABID, [KASI]),
        (KASI, [PENGELOLA_DATA, FASILITATOR]),
        (PENGELOLA_DATA, []),
        (KABAN, [SEKBAN]),
        (SEKBAN, []),
    ],
)
def test_children(tree: OrgTree, pid: int, children: list[int]) -> None:
    assert ids(tree.children(pid)) == children


def test_children_returns_a_copy(tree: OrgTree) -> None:
    tree.children(KADIS).clear()
    assert ids(tree.children(KADIS)) == [SEKRETARIS, KABID]


def test_roots_are_the_heads_of_agencies(tree: OrgTree) -> None:
    assert ids(tree.roots()) == [KADIS, KABAN]


def test_positions_in_insertion_order(tree: OrgTree) -> None:
    assert ids(tree.positions) == [p.id for p in POSITIONS]


def test_walk_is_depth_first_preorder_with_depths(tree: OrgTree) -> None:
    walked = [(depth, p.id) for depth, p in tree.walk(KADIS)]
    assert walked == [
        (0, KADIS),
        (1, SEKRETARIS),
        (2, KASUBBAG),
        (1, KABID),
        (2, KASI),
        (3, PENGELOLA_DATA),
        (3, FASILITATOR),
    ]


@pytest.mark.parametrize(
    ("root", "expected"),
    [
        (KABAN, [(0, KABAN), (1, SEKBAN)]),
        (KABID, [(0, KABID), (1, KASI), (2, PENGELOLA_DATA), (2, FASILITATOR)]),
        (FASILITATOR, [(0, FASILITATOR)]),
    ],
)
def test_walk_from_any_position(tree: OrgTree, root: int, expected: list[tuple[int, int]]) -> None:
    assert [(depth, p.id) for depth, p in tree.walk(root)] == expected


def test_walk_depth_matches_ancestor_count(tree: OrgTree) -> None:
    for root in tree.roots():
        for depth, node in tree.walk(root.id):
            assert depth == len(tree.ancestors(node.id))


def test_tree_accepts_positions_listed_before_their_superior() -> None:
    tree = OrgTree(list(reversed(POSITIONS)))
    assert ids(tree.ancestors(PENGELOLA_DATA)) == [KASI, KABID, KADIS]
    assert {p.id for p in tree.children(KADIS)} == {SEKRETARIS, KABID}
    assert {p.id for p in tree.roots()} == {KADIS, KABAN}


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.position(99),
        lambda t: t.superior(99),
        lambda t: t.ancestors(99),
        lambda t: t.head_of_agency(99),
        lambda t: list(t.walk(99)),
        lambda t: t.holders(99, date(2021, 1, 1)),
    ],
)
def test_unknown_position_is_not_found(tree: OrgTree, call: Callable[[OrgTree], object]) -> None:
    with pytest.raises(NotFoundError, match=r"Jabatan #99 tidak ditemukan"):
        call(tree)


def test_unknown_official_is_not_found(tree: OrgTree) -> None:
    with pytest.raises(NotFoundError, match=r"Pegawai #999 tidak ditemukan"):
        tree.official(999)
    with pytest.raises(NotFoundError, match=r"Pegawai #999"):
        tree.holdings_of(999, date(2021, 1, 1))
    assert tree.official(RINA).name == "Rina Kartikasari"


# -- construction checks --------------------------------------------------------------------


def test_unknown_superior_is_rejected_in_indonesian() -> None:
    positions = [position(1, None), position(2, 1), position(3, 42)]
    with pytest.raises(ValidationError) as caught:
        OrgTree(positions)
    assert str(caught.value) == "Atasan jabatan 'J-3' tidak ditemukan"
    assert "42" in caught.value.log_message


@pytest.mark.parametrize(
    ("positions", "members"),
    [
        pytest.param([position(1, None), position(2, 2)], {"J-2"}, id="self-loop"),
        pytest.param(
            [position(1, None), position(2, 3), position(3, 2)], {"J-2", "J-3"}, id="two-cycle"
        ),
        pytest.param(
            [position(1, 3), position(2, 1), position(3, 2)],
            {"J-1", "J-2", "J-3"},
            id="three-cycle-without-root",
        ),
        pytest.param(
            [position(1, None), position(5, 6), position(6, 7), position(7, 6)],
            {"J-6", "J-7"},
            id="chain-into-cycle",
        ),
    ],
)
def test_cycle_is_rejected_in_indonesian(positions: list[Position], members: set[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        OrgTree(positions)
    message = str(caught.value)
    assert message.startswith("Struktur jabatan berputar: ")
    named = set(message.removeprefix("Struktur jabatan berputar: ").split(" -> "))
    assert named == members
    assert "cycle" in caught.value.log_message


def test_construction_errors_are_kinerja_errors() -> None:
    with pytest.raises(KinerjaError):
        OrgTree([position(1, 1)])


# -- holders --------------------------------------------------------------------------------


def holders_view(tree: OrgTree, pid: int, day: date) -> list[tuple[int, AssignmentStatus]]:
    return [(h.official.id, h.status) for h in tree.holders(pid, day)]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 12, 31), []),  # before anyone held it
        (date(2020, 1, 1), [(BUDI, DEF)]),
        (date(2021, 2, 28), [(BUDI, DEF)]),  # day before the Plh
        (date(2021, 3, 1), [(SITI, PLH), (BUDI, DEF)]),  # first day of the Plh
        (date(2021, 3, 8), [(SITI, PLH), (BUDI, DEF)]),
        (date(2021, 3, 14), [(SITI, PLH), (BUDI, DEF)]),  # last day of the Plh
        (date(2021, 3, 15), [(BUDI, DEF)]),  # day after
        (date(2021, 9, 30), [(BUDI, DEF)]),  # last day of the definitif holder
        (date(2021, 10, 1), [(ANDI, PLT)]),  # the vacancy is filled by a Plt
        (date(2025, 6, 30), [(ANDI, PLT)]),
    ],
)
def test_holders_of_kepala_bidang_over_time(
    tree: OrgTree, day: date, expected: list[tuple[int, AssignmentStatus]]
) -> None:
    assert holders_view(tree, KABID, day) == expected
    acting = tree.acting_holder(KABID, day)
    if expected:
        assert acting is not None
        assert (acting.official.id, acting.status) == expected[0]
        assert acting.position.id == KABID
    else:
        assert acting is None


@pytest.mark.parametrize(
    ("day", "official", "title"),
    [
        (date(2021, 2, 28), BUDI, "Kepala Bidang Perdagangan Dalam Negeri"),
        (date(2021, 3, 1), SITI, "Plh. Kepala Bidang Perdagangan Dalam Negeri"),
        (date(2021, 3, 14), SITI, "Plh. Kepala Bidang Perdagangan Dalam Negeri"),
        (date(2021, 3, 15), BUDI, "Kepala Bidang Perdagangan Dalam Negeri"),
        (date(2021, 10, 1), ANDI, "Plt. Kepala Bidang Perdagangan Dalam Negeri"),
    ],
)
def test_acting_holder_display_title(tree: OrgTree, day: date, official: int, title: str) -> None:
    acting = tree.acting_holder(KABID, day)
    assert acting is not None
    assert acting.official.id == official
    assert acting.display_title == title


def test_pj_head_of_agency_only_within_window(tree: OrgTree) -> None:
    acting = tree.acting_holder(KABAN, date(2021, 12, 31))
    assert acting is not None
    assert acting.official.id == YUSUF
    assert acting.status is PJ
    assert acting.display_title == "Pj. Kepala Badan Perencanaan Pembangunan Daerah"
    assert tree.acting_holder(KABAN, date(2020, 12, 31)) is None
    assert tree.acting_holder(KABAN, date(2022, 1, 1)) is None


def test_empty_position_has_no_holders(tree: OrgTree) -> None:
    assert tree.holders(SEKRETARIS, date(2021, 6, 1)) == []
    assert tree.acting_holder(SEKRETARIS, date(2021, 6, 1)) is None
    assert tree.holders(FASILITATOR, date(2021, 6, 1)) == []


def test_tree_without_assignments_has_no_holders() -> None:
    tree = OrgTree(POSITIONS, OFFICIALS)
    for p in POSITIONS:
        assert tree.holders(p.id, date(2021, 6, 1)) == []
        assert tree.nearest_held_superior(p.id, date(2021, 6, 1)) is None


@pytest.mark.parametrize(
    ("statuses", "order"),
    [
        ([DEF, PJ, PLT, PLH], [PLH, PLT, PJ, DEF]),
        ([PLH, DEF], [PLH, DEF]),
        ([DEF, PLT], [PLT, DEF]),
        ([DEF, PJ], [PJ, DEF]),
        ([PJ, PLT], [PLT, PJ]),
    ],
)
def test_acting_holders_come_before_the_definitif(
    statuses: list[AssignmentStatus], order: list[AssignmentStatus]
) -> None:
    officials = [
        Official(i, f"{i:018d}", f"Pegawai {i}", f"p{i}@example.test") for i in range(len(statuses))
    ]
    assignments = [
        Assignment(i, KABID, status, date(2021, 1, 1) + timedelta(days=i))
        for i, status in enumerate(statuses)
    ]
    tree = OrgTree(POSITIONS, officials, assignments)
    found = tree.holders(KABID, date(2021, 6, 1))
    assert [h.status for h in found] == order
    acting = tree.acting_holder(KABID, date(2021, 6, 1))
    assert acting is not None
    assert acting.status is order[0]


# -- holdings of an official ----------------------------------------------------------------


def holdings_view(tree: OrgTree, official: int, day: date) -> list[tuple[int, AssignmentStatus]]:
    return [(h.position.id, h.status) for h in tree.holdings_of(official, day)]


@pytest.mark.parametrize(
    ("official", "day", "expected"),
    [
        # Andi: definitif Kepala Seksi (id 5) and Plt Kepala Bidang (id 4): definitif first even
        # though the Plt position has the smaller id.
        (ANDI, date(2021, 10, 1), [(KASI, DEF), (KABID, PLT)]),
        (ANDI, date(2021, 9, 30), [(KASI, DEF)]),
        (ANDI, date(2018, 12, 31), []),
        # Siti: definitif Kepala Sub Bagian, Plh Kepala Bidang for two weeks.
        (SITI, date(2021, 3, 1), [(KASUBBAG, DEF), (KABID, PLH)]),
        (SITI, date(2021, 3, 15), [(KASUBBAG, DEF)]),
        (BUDI, date(2021, 9, 30), [(KABID, DEF)]),
        (BUDI, date(2021, 10, 1), []),
        (YUSUF, date(2021, 6, 1), [(KABAN, PJ)]),
    ],
)
def test_holdings_of(
    tree: OrgTree, official: int, day: date, expected: list[tuple[int, AssignmentStatus]]
) -> None:
    found = tree.holdings_of(official, day)
    assert [(h.position.id, h.status) for h in found] == expected
    assert all(h.official.id == official for h in found)


def test_holdings_of_display_titles(tree: OrgTree) -> None:
    titles = [h.display_title for h in tree.holdings_of(ANDI, date(2022, 1, 3))]
    assert titles == [
        "Kepala Seksi Distribusi dan Sarana Perdagangan",
        "Plt. Kepala Bidang Perdagangan Dalam Negeri",
    ]


def test_official_without_assignments_holds_nothing() -> None:
    tree = OrgTree(POSITIONS, OFFICIALS, [])
    assert tree.holdings_of(DEWI, date(2021, 6, 1)) == []


# -- escalation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pid", "day", "expected"),
    [
        # Kepala Sub Bagian: the Sekretaris is empty, so the Kepala Dinas.
        (KASUBBAG, date(2021, 6, 1), (RINA, KADIS, DEF)),
        (SEKRETARIS, date(2021, 6, 1), (RINA, KADIS, DEF)),
        # Staff: the Kepala Seksi holds the direct superior.
        (PENGELOLA_DATA, date(2021, 6, 1), (ANDI, KASI, DEF)),
        # Kepala Seksi: the Kepala Bidang, or whoever acts for it that day.
        (KASI, date(2021, 2, 28), (BUDI, KABID, DEF)),
        (KASI, date(2021, 3, 1), (SITI, KABID, PLH)),
        (KASI, date(2021, 10, 1), (ANDI, KABID, PLT)),
        # Before Budi was appointed the Kepala Bidang was empty: skip it.
        (KASI, date(2019, 6, 3), (RINA, KADIS, DEF)),
        (SEKBAN, date(2021, 6, 1), (YUSUF, KABAN, PJ)),
        # At the top, or with nobody above: nobody.
        (KADIS, date(2021, 6, 1), None),
        (KABAN, date(2021, 6, 1), None),
        (SEKBAN, date(2022, 1, 1), None),
    ],
)
def test_nearest_held_superior(
    tree: OrgTree, pid: int, day: date, expected: tuple[int, int, AssignmentStatus] | None
) -> None:
    found = tree.nearest_held_superior(pid, day)
    got = None if found is None else (found.official.id, found.position.id, found.status)
    assert got == expected


def test_nearest_held_superior_skips_several_empty_levels() -> None:
    tree = OrgTree(
        POSITIONS, OFFICIALS, [Assignment(RINA, KADIS, DEF, date(2018, 1, 2), date(2021, 6, 30))]
    )
    found = tree.nearest_held_superior(PENGELOLA_DATA, date(2021, 6, 30))
    assert found is not None
    assert found.official.id == RINA
    assert tree.nearest_held_superior(PENGELOLA_DATA, date(2021, 7, 1)) is None


# -- find_cycles ----------------------------------------------------------------------------


def cycle_sets(parent_of: Mapping[Hashable, Hashable | None]) -> list[frozenset[Hashable]]:
    cycles = find_cycles(parent_of)
    for cycle in cycles:
        assert len(cycle) == len(set(cycle)), f"member repeated in {cycle}"
    return sorted((frozenset(c) for c in cycles), key=lambda s: sorted(map(str, s)))


@pytest.mark.parametrize(
    ("parent_of", "expected"),
    [
        pytest.param({}, [], id="empty"),
        pytest.param({1: None}, [], id="single-root"),
        pytest.param({1: None, 2: 1, 3: 1, 4: 2, 5: 4}, [], id="tree"),
        pytest.param({1: None, 2: 1, 10: None, 11: 10}, [], id="forest"),
        pytest.param({2: 1, 3: 2}, [], id="parent-missing-from-map-is-a-root"),
        pytest.param({1: 1}, [{1}], id="self-loop"),
        pytest.param({1: None, 2: 2, 3: 2}, [{2}], id="self-loop-with-child"),
        pytest.param({1: 2, 2: 3, 3: 1}, [{1, 2, 3}], id="three-cycle"),
        pytest.param(
            {1: 2, 2: 1, 3: 4, 4: 5, 5: 3, 6: None, 7: 6}, [{1, 2}, {3, 4, 5}], id="two-cycles"
        ),
        pytest.param({"a": "b", "b": "c", "c": "d", "d": "c"}, [{"c", "d"}], id="chain-into-cycle"),
        pytest.param(
            {"c": "d", "d": "c", "a": "b", "b": "c"},
            [{"c", "d"}],
            id="chain-into-cycle-seen-later",
        ),
        pytest.param(
            {"b": "c", "c": "d", "d": "e", "e": "c", "a": "b", "x": "e", "y": "x"},
            [{"c", "d", "e"}],
            id="two-chains-into-one-cycle",
        ),
        pytest.param({1: 2, 2: 3, 3: 3}, [{3}], id="chain-into-self-loop"),
        pytest.param({0: 1, 1: 0}, [{0, 1}], id="falsy-key"),
    ],
)
def test_find_cycles(
    parent_of: dict[Hashable, Hashable | None], expected: list[set[Hashable]]
) -> None:
    assert cycle_sets(parent_of) == sorted(
        (frozenset(s) for s in expected), key=lambda s: sorted(map(str, s))
    )


def test_find_cycles_lists_members_in_parent_order() -> None:
    parent_of = {1: 2, 2: 3, 3: 1}
    [cycle] = find_cycles(parent_of)
    for i, member in enumerate(cycle):
        assert parent_of[member] == cycle[(i + 1) % len(cycle)]


def on_a_cycle(parent_of: Mapping[int, int | None], node: int) -> bool:
    """Brute force: does following parents from `node` come back to it?"""
    current: int | None = node
    for _ in range(len(parent_of)):
        if current is None or current not in parent_of:
            return False
        current = parent_of[current]
        if current == node:
            return True
    return False


parent_maps = st.dictionaries(
    keys=st.integers(min_value=0, max_value=9),
    values=st.none() | st.integers(min_value=0, max_value=12),  # 10-12: parents outside the map
    max_size=10,
)


@settings(max_examples=200, deadline=None, database=None)
@given(parent_maps)
def test_find_cycles_reports_real_disjoint_cycles(parent_of: dict[int, int | None]) -> None:
    cycles = find_cycles(parent_of)
    seen: set[int] = set()
    for cycle in cycles:
        assert cycle, "an empty cycle was reported"
        members = set(cycle)
        assert len(members) == len(cycle)
        for start in cycle:
            path = []
            node: int | None = start
            for _ in range(len(cycle)):
                assert node is not None
                assert node in parent_of
                node = parent_of[node]
                path.append(node)
            assert node == start, f"{start} does not return to itself within {len(cycle)} steps"
            assert set(path) == members
        assert not members & seen, "cycles overlap"
        seen |= members
    # Completeness: every node on a cycle is reported, and nothing else is.
    assert seen == {node for node in parent_of if on_a_cycle(parent_of, node)}


@st.composite
def forests(draw: st.DrawFn) -> dict[int, int | None]:
    size = draw(st.integers(min_value=0, max_value=15))
    parents: list[int | None] = [
        draw(st.none() | st.integers(min_value=0, max_value=i - 1)) if i else None
        for i in range(size)
    ]
    order = draw(st.permutations(range(size)))
    return {i: parents[i] for i in order}


@settings(max_examples=200, deadline=None, database=None)
@given(forests())
def test_find_cycles_finds_none_in_a_forest(parent_of: dict[int, int | None]) -> None:
    assert find_cycles(parent_of) == []


@settings(max_examples=200, deadline=None, database=None)
@given(forests())
def test_org_tree_from_a_forest_walks_every_position_once(
    parent_of: dict[int, int | None],
) -> None:
    tree = OrgTree(position(pid, parent) for pid, parent in parent_of.items())
    walked = [(depth, node.id) for root in tree.roots() for depth, node in tree.walk(root.id)]
    assert sorted(pid for _, pid in walked) == sorted(parent_of)
    for depth, pid in walked:
        assert depth == len(tree.ancestors(pid))
        assert tree.head_of_agency(pid).parent_id is None


# -- find_overlapping_definitif -------------------------------------------------------------


def definitif(official: int, start: date, end: date | None = None, pid: int = KABID) -> Assignment:
    return Assignment(official, pid, DEF, start, end)


def test_overlapping_closed_windows_clash() -> None:
    first = definitif(1, date(2020, 1, 1), date(2021, 12, 31))
    second = definitif(2, date(2021, 6, 1), date(2022, 12, 31))
    assert find_overlapping_definitif([second, first]) == [(first, second)]


def test_touching_windows_do_not_clash() -> None:
    first = definitif(1, date(2020, 1, 1), date(2021, 9, 30))
    second = definitif(2, date(2021, 10, 1))
    assert find_overlapping_definitif([first, second]) == []


def test_sharing_a_single_day_clashes() -> None:
    first = definitif(1, date(2020, 1, 1), date(2021, 10, 1))
    second = definitif(2, date(2021, 10, 1))
    assert find_overlapping_definitif([first, second]) == [(first, second)]


@pytest.mark.parametrize(
    ("first", "second", "clash"),
    [
        ((date(2020, 1, 1), None), (date(2030, 1, 1), None), True),  # two open ends
        ((date(2020, 1, 1), None), (date(2021, 1, 1), date(2021, 12, 31)), True),
        ((date(2019, 1, 1), date(2019, 12, 31)), (date(2020, 1, 1), None), False),
        ((date(2019, 1, 1), date(2020, 1, 1)), (date(2020, 1, 1), None), True),
    ],
)
def test_open_ended_windows(
    first: tuple[date, date | None], second: tuple[date, date | None], clash: bool
) -> None:
    a = definitif(1, *first)
    b = definitif(2, *second)
    assert find_overlapping_definitif([b, a]) == ([(a, b)] if clash else [])


def test_acting_statuses_are_ignored() -> None:
    holder = definitif(1, date(2020, 1, 1))
    acting = [
        Assignment(2, KABID, PLT, date(2020, 1, 1)),
        Assignment(3, KABID, PLH, date(2021, 3, 1), date(2021, 3, 14)),
        Assignment(4, KABID, PJ, date(2020, 6, 1)),
        Assignment(5, KABID, PLT, date(2020, 2, 1)),  # acting overlapping acting, too
    ]
    assert find_overlapping_definitif([holder, *acting]) == []


def test_different_positions_are_ignored() -> None:
    items = [
        definitif(1, date(2020, 1, 1), pid=KABID),
        definitif(2, date(2020, 1, 1), pid=KASI),
        definitif(3, date(2020, 1, 1), pid=SEKRETARIS),
    ]
    assert find_overlapping_definitif(items) == []


def test_every_overlapping_pair_is_reported_per_position() -> None:
    a = definitif(1, date(2020, 1, 1))
    b = definitif(2, date(2020, 6, 1), date(2020, 12, 31))
    c = definitif(3, date(2021, 1, 1))
    other = definitif(4, date(2020, 1, 1), pid=KASI)
    other_clash = definitif(5, date(2020, 3, 1), pid=KASI)
    found = find_overlapping_definitif([c, other_clash, b, other, a])
    assert sorted(found, key=lambda pair: (pair[0].official_id, pair[1].official_id)) == [
        (a, b),
        (a, c),
        (other, other_clash),
    ]


def test_no_assignments_no_clash() -> None:
    assert find_overlapping_definitif([]) == []
    assert find_overlapping_definitif(iter(ASSIGNMENTS)) == []

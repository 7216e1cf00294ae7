"""engine.usecases.assignments against the in-memory unit of work: one definitif holder at
a time, acting ones beside them, and history ended rather than deleted."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.errors import FieldError, NotFoundError
from engine.org import AssignmentStatus
from engine.policy import Policy
from engine.usecases.assignments import (
    ConfirmationNeededError,
    assignment_choices,
    assignment_details,
    create_assignment,
    end_assignment,
    list_assignments,
)
from tests.unit.fakes import KABID, KADIS, KASI, O_KABID, O_KADIS, O_KASI
from tests.unit.fakes_accounts import FakeAdmin, account_uow
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 1, 2, 0, tzinfo=UTC)
KASI_ASSIGNMENT = 3  # Dewi Kasi, definitif Kepala Seksi IKM since 1 January 2020
ADMIN = "Administrator (admin)"
BY: dict[str, object] = {"actor": ADMIN, "now": NOW}


def given() -> tuple:
    admin = FakeAdmin()
    return account_uow(admin=admin), admin


def new(uow: object, **changes: object) -> object:
    fields: dict[str, object] = {
        "official_id": O_KABID,
        "position_id": KASI,
        "status": "plt",
        "valid_from": date(2021, 4, 1),
        "valid_to": None,
        "decree": "",
    }
    return create_assignment(uow, **(fields | BY | changes))  # type: ignore[arg-type]


def test_the_choices_and_the_list_of_assignments() -> None:
    uow, _ = given()
    choices = assignment_choices(uow, now=NOW, policy=POLICY)
    assert [o.name for o in choices.officials] == ["Budi Kadis", "Citra Kabid", "Dewi Kasi"]
    assert [(r.depth, r.position.id) for r in choices.positions] == [
        (0, KADIS),
        (1, KABID),
        (2, KASI),
    ]
    everything = list_assignments(uow, now=NOW, policy=POLICY)
    assert [a.id for a, _, _ in everything.rows] == [1, 2, 3]
    assert everything.choices == choices
    of_kasi = list_assignments(uow, position_id=KASI, now=NOW, policy=POLICY)
    assert [(o.name, p.title) for _, o, p in of_kasi.rows] == [("Dewi Kasi", "Kepala Seksi IKM")]
    of_budi = list_assignments(uow, official_id=O_KADIS, now=NOW, policy=POLICY)
    assert [a.position_id for a, _, _ in of_budi.rows] == [KADIS]


def test_an_assignment_with_its_official_and_position() -> None:
    uow, _ = given()
    found = assignment_details(uow, KASI_ASSIGNMENT)
    assert (found.assignment.valid_from, found.official, found.position) == (
        date(2020, 1, 1),
        uow.admin.official(O_KASI),
        uow.admin.position(KASI),
    )
    with pytest.raises(NotFoundError, match="Penugasan tidak ditemukan"):
        assignment_details(uow, 99)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"official_id": 999}, "official_id", "Pegawai tidak dikenal"),
        ({"position_id": 999}, "position_id", "Jabatan tidak dikenal"),
        ({"status": "kepala"}, "status", "harus definitif, Plt, Plh atau Pj"),
        ({"valid_to": date(2021, 3, 31)}, "valid_to", "tidak boleh sebelum tanggal mulai"),
        ({"decree": "x" * 201}, "decree", "paling banyak 200 karakter"),
        (
            {"official_id": O_KASI, "status": "definitif", "valid_from": date(2020, 1, 1)},
            "valid_from",
            "Penugasan yang sama",
        ),
        (
            {"status": "definitif"},
            "valid_from",
            "pemegang definitif Dewi Kasi (1 Januari 2020 s.d. seterusnya)",
        ),
    ],
)
def test_a_refused_assignment_names_the_field_and_writes_nothing(
    changes: dict[str, object], field: str, message: str
) -> None:
    uow, admin = given()
    with pytest.raises(FieldError, match=message.replace("(", r"\(").replace(")", r"\)")) as no:
        new(uow, **changes)
    assert no.value.field == field
    assert len(admin.records) == 3 and uow.commits == 0


def test_an_acting_holder_may_overlap_the_definitif_one_without_locking() -> None:
    uow, admin = given()
    with pytest.raises(ConfirmationNeededError, match="punya pemegang definitif, Dewi Kasi"):
        new(uow, decree=" SPT 800/12 ")
    assert len(admin.records) == 3 and uow.commits == 0
    added = new(uow, decree=" SPT 800/12 ", confirmed=True)
    assert admin.records[added.id] == added  # type: ignore[attr-defined]
    assert (added.status, added.decree) == (AssignmentStatus.PLT, "SPT 800/12")  # type: ignore[attr-defined]
    assert admin.locked == [] and uow.commits == 1


def test_a_definitif_holder_follows_once_the_last_one_has_ended() -> None:
    uow, admin = given()
    end_assignment(uow, KASI_ASSIGNMENT, valid_to=date(2021, 3, 31), **BY)
    added = new(uow, status="definitif")
    assert admin.records[added.id].valid_to is None  # type: ignore[attr-defined]
    assert admin.locked == [KASI, KASI] and uow.commits == 2


def test_the_databases_refusal_is_rolled_back_and_explained() -> None:
    uow, admin = given()
    end_assignment(uow, KASI_ASSIGNMENT, valid_to=date(2021, 3, 31), **BY)
    admin.refuse_writes = True
    with pytest.raises(FieldError, match="sudah punya pemegang definitif tanpa tanggal selesai"):
        new(uow, status="definitif")
    assert uow.rollbacks >= 1 and uow.commits == 1
    before = uow.rollbacks
    with pytest.raises(FieldError, match="tanpa tanggal selesai") as no:
        end_assignment(uow, KASI_ASSIGNMENT, valid_to=date(2021, 6, 30), **BY)
    assert no.value.field == "valid_from"
    assert uow.rollbacks > before and uow.commits == 1


def test_ending_an_assignment_keeps_it_and_checks_the_window() -> None:
    uow, admin = given()
    with pytest.raises(FieldError, match="tidak boleh sebelum tanggal mulai"):
        end_assignment(uow, KASI_ASSIGNMENT, valid_to=date(2019, 12, 31), **BY)
    ended = end_assignment(uow, KASI_ASSIGNMENT, valid_to=date(2021, 3, 31), **BY)
    assert admin.records[KASI_ASSIGNMENT] == ended
    assert (ended.valid_from, ended.valid_to) == (date(2020, 1, 1), date(2021, 3, 31))
    with pytest.raises(NotFoundError):
        end_assignment(uow, 99, valid_to=date(2021, 3, 31), **BY)


def test_reopening_an_ended_definitif_that_would_overlap_is_refused() -> None:
    uow, admin = given()
    end_assignment(uow, KASI_ASSIGNMENT, valid_to=date(2021, 3, 31), **BY)
    successor = new(uow, status="definitif", valid_from=date(2021, 4, 1))
    with pytest.raises(FieldError, match="pemegang definitif Citra Kabid") as no:
        end_assignment(uow, KASI_ASSIGNMENT, valid_to=date(2021, 4, 30), **BY)
    assert no.value.field == "valid_to"
    assert admin.records[KASI_ASSIGNMENT].valid_to == date(2021, 3, 31)
    assert successor.id in admin.records  # type: ignore[attr-defined]


def test_adding_and_ending_are_in_the_admin_log() -> None:
    uow, _ = given()
    added = new(uow, status="plh", valid_to=date(2021, 4, 1), decree="SPT 800/12")
    end_assignment(uow, KASI_ASSIGNMENT, valid_to=date(2021, 3, 31), **BY)
    first, second = uow.admin_log.rows()
    assert (first.id, first.actor, first.action, first.at) == (1, ADMIN, "assignment.add", NOW)
    assert first.subject == (
        f"Penugasan #{added.id}: Plh. Kepala Seksi IKM, Citra Kabid (19750101 200001 1 002)"  # type: ignore[attr-defined]
    )
    assert first.before is None
    assert first.values("after") == {
        "status": "plh",
        "valid_from": "2021-04-01",
        "valid_to": "2021-04-01",
        "decree": "SPT 800/12",
    }
    assert second.action == "assignment.end" and second.prev_hash == first.hash
    assert second.subject.startswith(f"Penugasan #{KASI_ASSIGNMENT}: Definitif Kepala Seksi IKM")
    assert (second.values("before"), second.values("after")) == (
        {"valid_to": None},
        {"valid_to": "2021-03-31"},
    )


def test_a_refused_assignment_leaves_no_admin_row() -> None:
    uow, admin = given()
    end_assignment(uow, KASI_ASSIGNMENT, valid_to=date(2021, 3, 31), **BY)
    with pytest.raises(FieldError):  # overlaps the definitif holder: refused by the check
        new(uow, status="definitif", valid_from=date(2020, 6, 1))
    admin.refuse_writes = True
    with pytest.raises(FieldError):  # refused by the database's index after the checks
        new(uow, status="definitif")
    assert [row.action for row in uow.admin_log.rows()] == ["assignment.end"]

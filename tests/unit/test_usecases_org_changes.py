"""engine.usecases.organisation's changes by the administrator (add, rename, move, close a
position) and engine.usecases.assignments' overlap warnings, on the in-memory unit of work:
each checked before anything is written and recorded in the admin log."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from engine.errors import FieldError
from engine.org import AssignmentStatus, OrgTree, Position
from engine.policy import Policy
from engine.staff import AssignmentRecord
from engine.usecases.assignments import (
    ConfirmationNeededError,
    assignment_choices,
    create_assignment,
    end_assignment,
    overlap_warnings,
)
from engine.usecases.organisation import (
    add_position,
    change_position,
    close_position,
    closed_positions,
)
from tests.unit.fakes import KABID, KADIS, KASI, O_KABID, O_KADIS, OFFICIALS
from tests.unit.fakes_accounts import FakeAdmin, account_uow
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 1, 2, 0, tzinfo=UTC)  # 1 April 2021, 09:00 WIB
BY: dict[str, object] = {"actor": "Administrator (admin)", "now": NOW}


class LiveOrganisation:
    """The organisation tree as the fake admin's rows stand now (as the database reads it)."""

    def __init__(self, admin: FakeAdmin) -> None:
        self.admin = admin

    def tree(self) -> OrgTree:
        records = self.admin.records.values()
        return OrgTree(
            list(self.admin.positions.values()),
            OFFICIALS,
            [record.as_assignment() for record in records],
        )


def given() -> tuple:
    admin = FakeAdmin()
    uow = account_uow(admin=admin, organisation=LiveOrganisation(admin))
    return uow, admin


def new_position(uow: object, **changes: object) -> Position:
    fields: dict[str, object] = {
        "parent_id": KABID,
        "code": "kasi-2",
        "title": "Kepala Seksi Logam",
        "unit_name": "Seksi Logam",
        "level": "pengawas",
        "effective": date(2021, 4, 1),
    }
    return add_position(uow, **(fields | BY | changes))  # type: ignore[arg-type]


def test_a_position_is_added_under_its_superior_and_logged() -> None:
    uow, admin = given()
    added = new_position(uow)
    assert admin.positions[added.id] == added
    assert (added.agency_id, added.parent_id, added.closed_on) == (1, KABID, None)
    entry = uow.admin_log.committed[-1]
    assert entry.action == "position.add" and "Kepala Seksi Logam" in entry.subject
    assert '"effective":"2021-04-01"' in entry.after and '"parent":"Kepala Bidang' in entry.after
    assert uow.commits == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"parent_id": None}, "parent_id", "Pilih atasan"),
        ({"code": "kasi"}, "code", "Kode jabatan kasi sudah dipakai"),
        ({"title": "  "}, "title", "Nama jabatan wajib diisi"),
        ({"level": "eselon"}, "level", "Pilih jenjang"),
        ({"title": "a\nb"}, "title", "tidak boleh berisi baris baru"),
    ],
)
def test_a_bad_new_position_is_refused_with_nothing_written(
    changes: dict[str, object], field: str, message: str
) -> None:
    uow, admin = given()
    with pytest.raises(FieldError, match=message) as refused:
        new_position(uow, **changes)
    assert refused.value.field == field
    assert len(admin.positions) == 3 and uow.commits == 0 and not uow.admin_log.committed


def test_a_rename_and_a_move_are_logged_each_with_its_date() -> None:
    uow, admin = given()
    added = new_position(uow)
    changed = change_position(
        uow, added.id, title="Kepala Seksi Logam dan Mesin", parent_id=KADIS,
        effective=date(2021, 3, 1), policy=POLICY, **BY,
    )  # fmt: skip
    assert admin.positions[added.id] == changed
    assert (changed.title, changed.parent_id) == ("Kepala Seksi Logam dan Mesin", KADIS)
    rename, move = uow.admin_log.committed[-2:]
    assert rename.action == "position.rename" and '"title":"Kepala Seksi Logam"' in rename.before
    assert move.action == "position.move" and '"parent":"Kepala Dinas"' in move.after
    assert '"effective":"2021-03-01"' in move.after


def test_nothing_changed_writes_nothing() -> None:
    uow, admin = given()
    same = change_position(
        uow, KASI, title="Kepala Seksi IKM", parent_id=KABID, effective=date(2021, 4, 1),
        policy=POLICY, **BY,
    )  # fmt: skip
    assert same == admin.positions[KASI] and not uow.admin_log.committed


def test_a_move_under_a_subordinate_is_refused_naming_the_chain() -> None:
    uow, admin = given()
    with pytest.raises(FieldError, match="Kepala Seksi IKM berada di bawah Kepala Bidang") as no:
        change_position(
            uow, KABID, title="Kepala Bidang Industri", parent_id=KASI,
            effective=date(2021, 4, 1), policy=POLICY, **BY,
        )  # fmt: skip
    assert no.value.field == "parent_id"
    assert "Kepala Bidang Industri → Kepala Seksi IKM" in str(no.value)
    assert admin.positions[KABID].parent_id == KADIS and not uow.admin_log.committed


def test_a_change_dated_after_today_is_refused() -> None:
    uow, admin = given()
    with pytest.raises(FieldError, match="tidak boleh setelah hari ini") as no:
        change_position(
            uow, KASI, title="Kepala Seksi Baru", parent_id=KABID,
            effective=date(2021, 4, 2), policy=POLICY, **BY,
        )  # fmt: skip
    assert no.value.field == "effective" and admin.positions[KASI].title == "Kepala Seksi IKM"


def test_closing_is_refused_while_holders_or_open_subordinates_remain() -> None:
    uow, admin = given()
    with pytest.raises(FieldError, match=r"Definitif Dewi Kasi \(1 Januari 2020 s\.d\. seterusnya"):
        close_position(uow, KASI, last_day=date(2021, 6, 30), **BY)
    with pytest.raises(FieldError, match="jabatan bawahan yang belum ditutup: Kepala Seksi IKM"):
        close_position(uow, KABID, last_day=date(2021, 6, 30), **BY)
    with pytest.raises(FieldError, match="Kepala perangkat daerah"):
        close_position(uow, KADIS, last_day=date(2021, 6, 30), **BY)
    assert all(p.closed_on is None for p in admin.positions.values())
    assert not uow.admin_log.committed


def test_a_closed_position_keeps_its_history_and_leaves_the_pickers() -> None:
    uow, admin = given()
    end_assignment(uow, 3, valid_to=date(2021, 6, 30), **BY)
    closed = close_position(uow, KASI, last_day=date(2021, 6, 30), **BY)
    assert admin.positions[KASI].closed_on == date(2021, 6, 30) == closed.closed_on
    assert uow.admin_log.committed[-1].action == "position.close"
    assert 3 in admin.records  # the assignment stays
    assert closed_positions(admin.positions.values(), date(2021, 7, 1)) == {KASI}
    assert closed_positions(admin.positions.values(), date(2021, 6, 30)) == set()
    later = datetime(2021, 7, 1, 2, 0, tzinfo=UTC)
    picker = assignment_choices(uow, now=later, policy=POLICY)
    assert KASI not in [row.position.id for row in picker.positions]
    with pytest.raises(FieldError, match="ditutup setelah 30 Juni 2021"):
        create_assignment(
            uow, official_id=O_KABID, position_id=KASI, status="plt",
            valid_from=date(2021, 7, 1), valid_to=None, **BY,
        )  # fmt: skip
    with pytest.raises(FieldError, match="Jabatan ini sudah ditutup"):
        change_position(
            uow, KASI, title="X", parent_id=KABID, effective=date(2021, 7, 1),
            now=later, actor="a", policy=POLICY,
        )  # fmt: skip


def test_a_plt_beside_a_definitif_holder_is_explained_then_confirmed() -> None:
    uow, admin = given()
    candidate = AssignmentRecord(0, O_KABID, KASI, AssignmentStatus.PLT, date(2021, 4, 1))
    [warning] = overlap_warnings(uow, candidate)
    assert warning == (
        "Jabatan ini punya pemegang definitif, Dewi Kasi (1 Januari 2020 s.d. seterusnya); "
        "Plt biasanya ditunjuk untuk jabatan yang kosong. "
        "Keduanya menjabat bersamaan 1 April 2021 s.d. seterusnya."
    )
    fields = {
        "official_id": O_KABID, "position_id": KASI, "status": "plt",
        "valid_from": date(2021, 4, 1), "valid_to": date(2021, 6, 30),
    }  # fmt: skip
    with pytest.raises(ConfirmationNeededError) as asked:
        create_assignment(uow, **fields, **BY)  # type: ignore[arg-type]
    assert "1 April 2021 s.d. 30 Juni 2021" in asked.value.warnings[0]
    assert len(admin.records) == 3 and uow.commits == 0
    added = create_assignment(uow, **fields, confirmed=True, **BY)  # type: ignore[arg-type]
    assert admin.records[added.id] == added
    assert "Dewi Kasi" in uow.admin_log.committed[-1].after  # the overlap confirmed, on record


def test_two_acting_holders_overlap_in_words_and_a_plh_beside_the_holder_does_not() -> None:
    uow, _ = given()
    plh = {"official_id": O_KADIS, "position_id": KASI, "status": "plh"}
    create_assignment(uow, **plh, valid_from=date(2021, 4, 5), valid_to=date(2021, 4, 9), **BY)  # type: ignore[arg-type]
    second = AssignmentRecord(
        0, O_KABID, KASI, AssignmentStatus.PLH, date(2021, 4, 8), date(2021, 4, 20)
    )
    assert overlap_warnings(uow, second) == [
        "Bertumpang tindih dengan Plh. Budi Kadis (5 April 2021 s.d. 9 April 2021): dua "
        "pemegang jabatan bersamaan 8 April 2021 s.d. 9 April 2021."
    ]
    apart = replace(second, valid_from=date(2021, 4, 10))
    assert overlap_warnings(uow, apart) == []

"""engine.usecases.people against the in-memory unit of work: the administrator's
overview, officials and positions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from engine.errors import FieldError, NotFoundError
from engine.policy import Policy
from engine.staff import AdminCounts
from engine.usecases.people import (
    admin_overview,
    create_official,
    get_position,
    list_officials,
    list_positions,
    official_details,
    rename_position,
    update_official,
)
from tests.unit.fakes import KABID, KADIS, KASI, O_KADIS, O_KASI
from tests.unit.fakes_accounts import FakeAdmin, account_uow
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 3, 31, 18, 0, tzinfo=UTC)  # already 1 April 2021 in Jakarta
NEW_NIP = "19951231 202012 2 999"
ADMIN = "Administrator (admin)"
BY: dict[str, Any] = {"actor": ADMIN, "now": NOW}


def test_the_overview_counts_as_of_the_local_day() -> None:
    counts = AdminCounts(25, 25, 26, 24, 16, 3, 1)
    admin = FakeAdmin(counts)
    assert admin_overview(account_uow(admin=admin), now=NOW, policy=POLICY) == counts
    assert admin.counted_on == [date(2021, 4, 1)]


def test_officials_are_listed_by_name_with_what_they_hold_today() -> None:
    rows = list_officials(account_uow(), now=NOW, policy=POLICY)
    assert [(o.name, [h.position.id for h in held]) for o, held in rows] == [
        ("Budi Kadis", [KADIS]),
        ("Citra Kabid", [KABID]),
        ("Dewi Kasi", [KASI]),
    ]


def test_an_official_with_assignments_and_account() -> None:
    uow = account_uow()
    account = uow.accounts.add("dewi", "v2:x", official_id=O_KASI)
    found = official_details(uow, O_KASI)
    assert found.official.name == "Dewi Kasi"
    assert [(a.position_id, p.title) for a, _, p in found.assignments] == [
        (KASI, "Kepala Seksi IKM")
    ]
    assert found.account == account
    assert official_details(uow, O_KADIS).account is None
    with pytest.raises(NotFoundError, match="Pegawai tidak ditemukan"):
        official_details(uow, 999)


@pytest.mark.parametrize(
    ("nip", "name", "email", "field", "message"),
    [
        ("1995", "Eka", "eka@dinas.test", "nip", "NIP"),
        ("19800101 200501 2 003", "Eka", "eka@dinas.test", "nip", "terdaftar atas nama Dewi"),
        (NEW_NIP, "  ", "eka@dinas.test", "name", "Nama wajib diisi"),
        (NEW_NIP, "x" * 201, "eka@dinas.test", "name", "Nama paling banyak 200 karakter"),
        (NEW_NIP, "Eka", "", "email", "Email wajib diisi"),
        (NEW_NIP, "Eka", "bukan-email", "email", "'bukan-email' bukan alamat email yang sah"),
        (NEW_NIP, "Eka", "a@b@c", "email", "bukan alamat email yang sah"),
        (NEW_NIP, "Eka", "DEWI@dinas.test", "email", "sudah dipakai oleh Dewi Kasi"),
    ],
)
def test_a_refused_official_names_the_field_and_writes_nothing(
    nip: str, name: str, email: str, field: str, message: str
) -> None:
    admin = FakeAdmin()
    uow = account_uow(admin=admin)
    with pytest.raises(FieldError, match=message) as refused:
        create_official(uow, nip=nip, name=name, email=email, **BY)
    assert refused.value.field == field
    assert len(admin.officials_by_id) == 3 and uow.commits == 0


def test_a_new_official_is_stored_with_the_bare_nip() -> None:
    admin = FakeAdmin()
    uow = account_uow(admin=admin)
    official = create_official(uow, nip=NEW_NIP, name=" Eka Putri ", email=" eka@dinas.test ", **BY)
    assert (official.nip, official.name, official.email) == (
        "199512312020122999",
        "Eka Putri",
        "eka@dinas.test",
    )
    assert admin.officials_by_id[official.id] == official and uow.commits == 1


def test_editing_keeps_ones_own_email_and_refuses_another_officials() -> None:
    admin = FakeAdmin()
    uow = account_uow(admin=admin)
    changed = update_official(uow, O_KASI, name="Dewi Kasi, S.E.", email="DEWI@dinas.test", **BY)
    assert admin.officials_by_id[O_KASI] == changed
    assert (changed.name, changed.nip) == ("Dewi Kasi, S.E.", "198001012005012003")
    with pytest.raises(FieldError, match="sudah dipakai oleh Budi Kadis"):
        update_official(uow, O_KASI, name="Dewi", email="budi@dinas.test", **BY)
    assert admin.officials_by_id[O_KASI].name == "Dewi Kasi, S.E."
    assert uow.commits == 1
    with pytest.raises(NotFoundError):
        update_official(uow, 999, name="X", email="x@dinas.test", **BY)


def test_positions_in_tree_order_with_todays_holders() -> None:
    rows = list_positions(account_uow(), now=NOW, policy=POLICY)
    assert [(r.depth, r.position.id, [h.official.name for h in r.holders]) for r in rows] == [
        (0, KADIS, ["Budi Kadis"]),
        (1, KABID, ["Citra Kabid"]),
        (2, KASI, ["Dewi Kasi"]),
    ]


def test_renaming_a_position() -> None:
    admin = FakeAdmin()
    uow = account_uow(admin=admin)
    assert get_position(uow, KABID).title == "Kepala Bidang Industri"
    renamed = rename_position(uow, KABID, title=" Kepala Bidang Perindustrian ", **BY)
    assert renamed.title == admin.positions[KABID].title == "Kepala Bidang Perindustrian"
    with pytest.raises(FieldError, match="Nama jabatan wajib diisi") as refused:
        rename_position(uow, KABID, title=" ", **BY)
    assert refused.value.field == "title"
    with pytest.raises(FieldError, match="paling banyak 300 karakter"):
        rename_position(uow, KABID, title="x" * 301, **BY)
    assert uow.commits == 1
    with pytest.raises(NotFoundError, match="Jabatan tidak ditemukan"):
        get_position(uow, 999)
    with pytest.raises(NotFoundError):
        rename_position(uow, 999, title="Baru", **BY)


def test_officials_and_positions_changed_are_in_the_admin_log() -> None:
    uow = account_uow(admin=FakeAdmin())
    official = create_official(uow, nip=NEW_NIP, name="Eka Putri", email="eka@dinas.test", **BY)
    update_official(uow, official.id, name="Eka Putri", email="eka@dinas.test", **BY)  # no change
    update_official(uow, official.id, name="Eka Putri, S.E.", email="eka@dinas.test", **BY)
    rename_position(uow, KABID, title="Kepala Bidang Perindustrian", **BY)
    rows = list(uow.admin_log.rows())
    assert [(r.actor, r.action) for r in rows] == [
        (ADMIN, "official.add"),
        (ADMIN, "official.change"),
        (ADMIN, "position.rename"),
    ]
    assert rows[0].subject == f"Pegawai #{official.id}: Eka Putri (19951231 202012 2 999)"
    assert rows[0].values("after") == {
        "nip": "199512312020122999",
        "name": "Eka Putri",
        "email": "eka@dinas.test",
    }
    assert (rows[1].values("before"), rows[1].values("after")) == (
        {"name": "Eka Putri"},
        {"name": "Eka Putri, S.E."},
    )
    assert rows[2].subject.startswith(f"Jabatan #{KABID} (kabid): Kepala Bidang Industri")
    assert rows[2].values("after") == {"title": "Kepala Bidang Perindustrian"}


def test_a_refused_edit_leaves_no_admin_row() -> None:
    uow = account_uow(admin=FakeAdmin())
    with pytest.raises(FieldError):
        update_official(uow, O_KASI, name="Dewi", email="budi@dinas.test", **BY)
    with pytest.raises(FieldError):
        rename_position(uow, KABID, title=" ", **BY)
    assert list(uow.admin_log.rows()) == []

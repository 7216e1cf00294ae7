"""engine.usecases.admin_accounts against the in-memory unit of work: the administrator
creates accounts for officials, (de)activates them and sets passwords."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.errors import FieldError, NotFoundError, ValidationError
from engine.usecases.admin_accounts import (
    account_form,
    create_official_account,
    get_account,
    list_accounts,
    reset_password,
    set_account_active,
)
from tests.unit.fakes import O_KABID, O_KADIS, O_KASI
from tests.unit.fakes_accounts import FakeAccounts, account_uow

NOW = datetime(2021, 4, 1, 2, 0, tzinfo=UTC)


def given_accounts() -> tuple:
    uow = account_uow()
    accounts = uow.accounts
    assert isinstance(accounts, FakeAccounts)
    admin = accounts.add("admin", "v2:admin-lama", is_admin=True)
    kadis = accounts.add("budi@dinas.test", "v2:budi-lama", official_id=O_KADIS)
    return uow, accounts, admin, kadis


def test_accounts_are_listed_by_login_with_their_official() -> None:
    uow, *_ = given_accounts()
    rows = list_accounts(uow)
    assert [(a.login, o.name if o else None) for a, o in rows] == [
        ("admin", None),
        ("budi@dinas.test", "Budi Kadis"),
    ]


def test_the_form_offers_officials_without_an_account_and_suggests_the_email() -> None:
    uow, *_ = given_accounts()
    form = account_form(uow, O_KASI)
    assert [o.name for o in form.free] == ["Citra Kabid", "Dewi Kasi"]
    assert form.login == "dewi@dinas.test"
    assert account_form(uow).login == account_form(uow, 999).login == ""


def test_an_account_is_found_by_id_or_not_at_all() -> None:
    uow, _, admin, _ = given_accounts()
    assert get_account(uow, admin.id) == admin
    with pytest.raises(NotFoundError, match="Akun tidak ditemukan"):
        get_account(uow, 99)


@pytest.mark.parametrize(
    ("official", "login", "password", "field", "message"),
    [
        (999, "baru", "sandi-baru-1", "official_id", "Pegawai tidak dikenal"),
        (O_KADIS, "baru", "sandi-baru-1", "official_id", "Budi Kadis sudah memiliki akun"),
        (O_KASI, "   ", "sandi-baru-1", "login", "Login wajib diisi"),
        (O_KASI, "dewi kasi", "sandi-baru-1", "login", "tidak boleh berisi spasi"),
        (O_KASI, "x" * 255, "sandi-baru-1", "login", "paling banyak 254 karakter"),
        (O_KASI, "ADMIN", "sandi-baru-1", "login", "Login 'admin' sudah dipakai"),
        (O_KASI, "dewi", "pendek", "password", "minimal 8 karakter"),
        (O_KASI, "dewi.kasi", "Dewi.Kasi", "password", "tidak boleh sama dengan nama login"),
    ],
)
def test_a_refused_account_names_the_field_and_writes_nothing(
    official: int, login: str, password: str, field: str, message: str
) -> None:
    uow, accounts, *_ = given_accounts()
    with pytest.raises(FieldError, match=message) as refused:
        create_official_account(uow, official_id=official, login=login, password=password, now=NOW)
    assert refused.value.field == field
    assert len(accounts.rows) == 2 and uow.commits == 0


def test_an_account_for_an_official_can_sign_in_with_its_first_password() -> None:
    uow, accounts, *_ = given_accounts()
    account = create_official_account(
        uow, official_id=O_KABID, login=" Citra@Dinas.test ", password="sandi-awal", now=NOW
    )
    assert (account.login, account.official_id, account.is_admin, account.active) == (
        "citra@dinas.test",
        O_KABID,
        False,
        True,
    )
    assert accounts.rows[account.id].password_hash == "v2:sandi-awal"
    assert uow.commits == 1


def test_deactivating_signs_out_everywhere_and_reactivating_lets_back_in() -> None:
    uow, accounts, admin, kadis = given_accounts()
    accounts.start_session(kadis.id, NOW, NOW)
    set_account_active(uow, kadis.id, active=False, by_account_id=admin.id, now=NOW)
    assert not accounts.rows[kadis.id].account.active
    assert accounts.sessions == {}
    set_account_active(uow, kadis.id, active=True, by_account_id=admin.id, now=NOW)
    assert accounts.rows[kadis.id].account.active
    assert uow.commits == 2
    with pytest.raises(NotFoundError):
        set_account_active(uow, 99, active=True, by_account_id=admin.id, now=NOW)


def test_the_administrator_cannot_deactivate_their_own_account() -> None:
    uow, accounts, admin, _ = given_accounts()
    with pytest.raises(ValidationError, match="tidak dapat menonaktifkan akun Anda sendiri"):
        set_account_active(uow, admin.id, active=False, by_account_id=admin.id, now=NOW)
    assert accounts.rows[admin.id].account.active and uow.commits == 0


def test_a_new_password_signs_out_the_other_browsers_but_the_admins_own() -> None:
    uow, accounts, admin, kadis = given_accounts()
    mine = accounts.start_session(admin.id, NOW, NOW)
    other = accounts.start_session(admin.id, NOW, NOW)
    reset_password(uow, admin.id, password="sandi-baru-1", now=NOW, keep_session=mine)
    found = accounts.rows[admin.id]
    assert (found.password_hash, found.account.password_changed_at) == ("v2:sandi-baru-1", NOW)
    assert mine in accounts.sessions and other not in accounts.sessions
    with pytest.raises(FieldError, match="minimal 8 karakter") as refused:
        reset_password(uow, kadis.id, password="pendek", now=NOW)
    assert refused.value.field == "password"
    assert accounts.rows[kadis.id].password_hash == "v2:budi-lama"
    with pytest.raises(NotFoundError):
        reset_password(uow, 99, password="sandi-baru-1", now=NOW)

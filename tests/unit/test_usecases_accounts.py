"""engine.usecases.accounts against the in-memory unit of work: sign-in with its throttle,
sign-out, one's own password and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.accounts import (
    WRONG_LOGIN,
    LoginRefusedError,
    Throttle,
    ThrottlePolicy,
    after_failure,
    locked_minutes,
    throttle_key,
)
from engine.errors import FieldError, NotFoundError, ValidationError
from engine.usecases.accounts import (
    change_password,
    create_token,
    revoke_token,
    session_user,
    show_account,
    sign_in,
    sign_out,
    token_user,
)
from tests.unit.fakes import O_KASI, OFFICIALS
from tests.unit.fakes_accounts import FakeAccounts, account_uow

NOW = datetime(2021, 4, 1, 2, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(max_failures=3, lock_minutes=15)
LIFETIME = timedelta(hours=12)
KASI_NIP = OFFICIALS[2].nip


def kasi_uow(password_hash: str = "v2:rahasia-dewi", *, active: bool = True) -> tuple:
    uow = account_uow()
    account = uow.accounts.add("dewi", password_hash, official_id=O_KASI, active=active)
    return uow, uow.accounts, account


def attempt(uow: object, login: str, password: str, now: datetime = NOW) -> str:
    return sign_in(uow, login, password, now=now, throttle=POLICY, lifetime=LIFETIME)  # type: ignore[arg-type]


def test_the_throttle_rules() -> None:
    assert throttle_key("  Dewi@Dinas.TEST ") == "dewi@dinas.test"
    assert throttle_key("19800101 200501 2 003") == "198001012005012003"
    assert locked_minutes(None, NOW) is None
    assert locked_minutes(Throttle(0, NOW + timedelta(minutes=14, seconds=1)), NOW) == 15
    assert locked_minutes(Throttle(0, NOW + timedelta(seconds=5)), NOW) == 1
    assert locked_minutes(Throttle(0, NOW), NOW) is None
    assert after_failure(None, NOW, POLICY) == Throttle(1, None)
    assert after_failure(Throttle(2), NOW, POLICY) == Throttle(0, NOW + timedelta(minutes=15))


def test_a_good_password_starts_a_session_and_forgets_earlier_failures() -> None:
    uow, accounts, account = kasi_uow()
    accounts.throttles["dewi"] = Throttle(2)
    token = attempt(uow, "Dewi", "rahasia-dewi")
    assert accounts.sessions[token] == (account.id, NOW + LIFETIME)
    assert accounts.throttles == {}
    assert uow.commits == 1


@pytest.mark.parametrize("login", ["dewi@dinas.test", "19800101 200501 2 003"])
def test_an_official_signs_in_with_email_or_nip(login: str) -> None:
    uow, accounts, account = kasi_uow()
    token = attempt(uow, login, "rahasia-dewi")
    assert accounts.sessions[token][0] == account.id


def test_an_unknown_login_costs_one_check_and_reads_like_a_wrong_password() -> None:
    uow, accounts, _ = kasi_uow()
    with pytest.raises(LoginRefusedError) as unknown:
        attempt(uow, "siapa", "rahasia-dewi")
    with pytest.raises(LoginRefusedError) as wrong:
        attempt(uow, "dewi", "salah")
    assert unknown.value.message == wrong.value.message == WRONG_LOGIN
    assert uow.passwords.checks == [None, "v2:rahasia-dewi"]
    assert accounts.throttles == {"siapa": Throttle(1), "dewi": Throttle(1)}
    assert accounts.sessions == {}
    assert uow.commits == 2  # the failures are kept


def test_an_inactive_account_is_refused_like_a_wrong_password() -> None:
    uow, accounts, _ = kasi_uow(active=False)
    with pytest.raises(LoginRefusedError, match=WRONG_LOGIN):
        attempt(uow, "dewi", "rahasia-dewi")
    assert accounts.sessions == {}


def test_too_many_failures_lock_the_login_even_with_the_right_password() -> None:
    uow, accounts, _ = kasi_uow()
    for _ in range(POLICY.max_failures):
        with pytest.raises(LoginRefusedError, match=WRONG_LOGIN):
            attempt(uow, "dewi", "salah")
    checks = len(uow.passwords.checks)
    later = NOW + timedelta(minutes=5, seconds=30)  # 9.5 minutes left: "10 menit"
    with pytest.raises(LoginRefusedError) as locked:
        attempt(uow, "dewi", "rahasia-dewi", later)
    assert locked.value.message == (
        "Terlalu banyak percobaan masuk yang gagal; coba lagi dalam 10 menit"
    )
    assert len(uow.passwords.checks) == checks  # not even checked
    token = attempt(uow, "dewi", "rahasia-dewi", NOW + timedelta(minutes=15))
    assert token in accounts.sessions


def test_an_old_hash_is_replaced_on_sign_in_without_counting_as_a_change() -> None:
    uow, accounts, account = kasi_uow("v1:rahasia-dewi")
    attempt(uow, "dewi", "rahasia-dewi")
    found = accounts.rows[account.id]
    assert found.password_hash == "v2:rahasia-dewi"
    assert found.account.password_changed_at is None


def test_sign_out_ends_only_that_session() -> None:
    uow, accounts, _ = kasi_uow()
    first, second = attempt(uow, "dewi", "rahasia-dewi"), attempt(uow, "dewi", "rahasia-dewi")
    sign_out(uow, first)
    assert list(accounts.sessions) == [second]
    assert uow.commits == 3


def test_show_account_lists_its_tokens_newest_first() -> None:
    uow, _, account = kasi_uow()
    create_token(uow, account.id, "Aplikasi Bappeda", now=NOW)
    create_token(uow, account.id, "Dasbor", now=NOW)
    found = show_account(uow, account.id)
    assert found.account == account
    assert [t.name for t in found.tokens] == ["Dasbor", "Aplikasi Bappeda"]
    with pytest.raises(NotFoundError):
        show_account(uow, 99)


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        ("salah", "sandi-baru-1", "current", "Kata sandi saat ini salah"),
        ("rahasia-dewi", "pendek", "new", "Kata sandi baru minimal 8 karakter"),
        ("rahasia-dewi", " DEWI ", "new", "minimal 8 karakter"),
        ("rahasia-dewi", "rahasia-dewi", "new", "harus berbeda dari yang lama"),
    ],
)
def test_a_refused_password_change_names_the_field_and_writes_nothing(
    current: str, new: str, field: str, message: str
) -> None:
    uow, accounts, account = kasi_uow()
    with pytest.raises(FieldError, match=message) as refused:
        change_password(uow, account.id, current, new, now=NOW, keep_session=None)
    assert refused.value.field == field
    assert accounts.rows[account.id].password_hash == "v2:rahasia-dewi"
    assert uow.commits == 0


def test_a_password_equal_to_the_login_is_refused() -> None:
    uow = account_uow()
    account = uow.accounts.add("dewi.kasi", "v2:rahasia-dewi", official_id=O_KASI)
    with pytest.raises(FieldError, match="tidak boleh sama dengan nama login"):
        change_password(uow, account.id, "rahasia-dewi", "Dewi.Kasi", now=NOW, keep_session=None)


def test_changing_the_password_signs_out_the_other_browsers() -> None:
    uow, accounts, account = kasi_uow()
    here, there = attempt(uow, "dewi", "rahasia-dewi"), attempt(uow, "dewi", "rahasia-dewi")
    change_password(uow, account.id, "rahasia-dewi", "sandi-baru-1", now=NOW, keep_session=here)
    found = accounts.rows[account.id]
    assert (found.password_hash, found.account.password_changed_at) == ("v2:sandi-baru-1", NOW)
    assert here in accounts.sessions and there not in accounts.sessions


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_name(name: str) -> None:
    uow, accounts, account = kasi_uow()
    with pytest.raises(ValidationError, match="Nama token wajib diisi"):
        create_token(uow, account.id, name, now=NOW)
    assert accounts.api_tokens == {} and uow.commits == 0


def test_a_new_token_is_shown_once_and_revoked_by_its_owner_only() -> None:
    uow = account_uow()
    accounts = uow.accounts
    assert isinstance(accounts, FakeAccounts)
    mine = accounts.add("dewi", "v2:x", official_id=O_KASI)
    other = accounts.add("admin", "v2:y", is_admin=True)
    raw = create_token(uow, mine.id, "  Aplikasi Bappeda ", now=NOW)
    assert raw == "knj_rahasia1"
    (token,) = accounts.tokens(mine.id)
    assert token.name == "Aplikasi Bappeda"
    with pytest.raises(NotFoundError, match="Token tidak ditemukan"):
        revoke_token(uow, other.id, token.id, now=NOW)
    with pytest.raises(NotFoundError):
        revoke_token(uow, mine.id, 42, now=NOW)
    later = NOW + timedelta(days=1)
    assert revoke_token(uow, mine.id, token.id, now=later).name == "Aplikasi Bappeda"
    assert accounts.api_tokens[token.id].revoked_at == later
    commits = uow.commits
    revoke_token(uow, mine.id, token.id, now=later + timedelta(days=1))
    assert accounts.api_tokens[token.id].revoked_at == later  # the first revocation stays
    assert uow.commits == commits


def test_a_browser_is_its_live_session_of_an_active_account() -> None:
    uow, accounts, account = kasi_uow()
    token = attempt(uow, "dewi", "rahasia-dewi")
    found = session_user(uow, token, now=NOW)
    assert found is not None
    assert (found.account_id, found.actor.official_id, found.actor.name) == (
        account.id,
        O_KASI,
        "Dewi Kasi",
    )
    assert session_user(uow, token, now=NOW + LIFETIME) is None  # expired
    assert session_user(uow, "sesi-lain", now=NOW) is None
    accounts.set_active(account.id, False)
    assert session_user(uow, token, now=NOW) is None


def test_an_api_call_is_its_tokens_account_and_the_use_is_committed() -> None:
    uow, accounts, account = kasi_uow()
    raw = create_token(uow, account.id, "Dasbor", now=NOW)
    commits = uow.commits
    later = NOW + timedelta(hours=1)
    found = token_user(uow, raw, now=later)
    assert found is not None and found.account_id == account.id
    assert accounts.api_tokens[1].last_used_at == later
    assert uow.commits == commits + 1
    revoke_token(uow, account.id, 1, now=later)
    commits = uow.commits
    assert token_user(uow, raw, now=later) is None
    assert uow.commits == commits  # nothing to keep

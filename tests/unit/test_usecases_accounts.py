"""engine.usecases.accounts against the in-memory unit of work: sign-in with its throttle,
sign-out, one's own password and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.accounts import (
    TOKEN_DAYS,
    WRONG_LOGIN,
    LoginRefusedError,
    Throttle,
    ThrottlePolicy,
    TokenScope,
    after_failure,
    locked_minutes,
    login_key,
    throttle_keys,
)
from engine.errors import FieldError, NotFoundError, ValidationError
from engine.usecases.accounts import (
    TOKEN_LIFETIMES,
    change_password,
    create_token,
    purge_sign_in_records,
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
POLICY = ThrottlePolicy(max_failures=3, lock_minutes=15, address_max_failures=5)
LIFETIME = timedelta(hours=12)
KASI_NIP = OFFICIALS[2].nip


def kasi_uow(password_hash: str = "v2:rahasia-dewi", *, active: bool = True) -> tuple:
    uow = account_uow()
    account = uow.accounts.add("dewi", password_hash, official_id=O_KASI, active=active)
    return uow, uow.accounts, account


def attempt(
    uow: object, login: str, password: str, now: datetime = NOW, address: str | None = None
) -> str:
    started = sign_in(
        uow,  # type: ignore[arg-type]
        login,
        password,
        now=now,
        throttle=POLICY,
        lifetime=LIFETIME,
        address=address,
    )
    assert started.waits_for is None
    return started.token


def test_the_throttle_rules() -> None:
    assert login_key("  Dewi@Dinas.TEST ") == "dewi@dinas.test"
    assert login_key("19800101 200501 2 003") == "198001012005012003"
    assert throttle_keys("Dewi@Dinas.TEST", 7, "10.0.0.9").login == "akun:7"
    assert throttle_keys("Siapa ", None, None).login == "login:siapa"
    assert throttle_keys("x", None, "10.0.0.9").address == "alamat:10.0.0.9"
    assert throttle_keys("x", None, None).address is None
    assert locked_minutes(None, NOW) is None
    assert locked_minutes(Throttle(0, NOW + timedelta(minutes=14, seconds=1)), NOW) == 15
    assert locked_minutes(Throttle(0, NOW + timedelta(seconds=5)), NOW) == 1
    assert locked_minutes(Throttle(0, NOW), NOW) is None
    assert after_failure(None, NOW, max_failures=3, lock=POLICY.lock) == Throttle(1, None)
    assert after_failure(Throttle(2), NOW, max_failures=3, lock=POLICY.lock) == Throttle(
        0, NOW + timedelta(minutes=15)
    )


def test_a_good_password_starts_a_session_and_forgets_earlier_failures() -> None:
    uow, accounts, account = kasi_uow()
    accounts.throttles[f"akun:{account.id}"] = Throttle(2)
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
    assert accounts.throttles == {"login:siapa": Throttle(1), "akun:1": Throttle(1)}
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


def test_the_login_email_and_nip_of_one_account_share_one_count() -> None:
    """B10: typing the email, then the NIP, then the login does not give 3 x 3 tries."""
    uow, accounts, account = kasi_uow()
    for login in ("dewi", "dewi@dinas.test", "19800101 200501 2 003"):
        with pytest.raises(LoginRefusedError, match=WRONG_LOGIN):
            attempt(uow, login, "salah")
    for login in ("dewi", "DEWI@dinas.test", KASI_NIP):
        with pytest.raises(LoginRefusedError, match="Terlalu banyak"):
            attempt(uow, login, "rahasia-dewi")
    assert accounts.throttles[f"akun:{account.id}"].locked_until == NOW + POLICY.lock


def test_one_address_guessing_many_logins_is_locked_but_others_are_not() -> None:
    uow, accounts, _ = kasi_uow()
    for n in range(POLICY.address_max_failures):
        with pytest.raises(LoginRefusedError, match=WRONG_LOGIN):
            attempt(uow, f"tamu{n}", "salah", address="203.0.113.7")
    with pytest.raises(LoginRefusedError, match="dari alamat ini"):
        attempt(uow, "dewi", "rahasia-dewi", address="203.0.113.7")
    assert accounts.throttles["alamat:203.0.113.7"].locked_until == NOW + POLICY.lock
    assert attempt(uow, "dewi", "rahasia-dewi", address="198.51.100.2") in accounts.sessions


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


def test_a_token_expires_after_its_lifetime_and_a_read_token_says_so() -> None:
    """B4: tokens had no expiry and no scope."""
    uow, accounts, account = kasi_uow()
    raw = create_token(uow, account.id, "Dasbor", now=NOW, days=30, scope=TokenScope.READ)
    (token,) = accounts.tokens(account.id)
    assert (token.expires_at, token.scope) == (NOW + timedelta(days=30), TokenScope.READ)
    found = token_user(uow, raw, now=NOW + timedelta(days=29, hours=23))
    assert found is not None and found.read_only
    assert token_user(uow, raw, now=NOW + timedelta(days=30)) is None
    default = create_token(uow, account.id, "Skrip", now=NOW)
    assert accounts.api_tokens[2].expires_at == NOW + timedelta(days=TOKEN_DAYS)
    assert accounts.api_tokens[2].scope is TokenScope.WRITE
    found = token_user(uow, default, now=NOW)
    assert found is not None and not found.read_only


@pytest.mark.parametrize("days", [0, 7, 91, 10_000, -1])
def test_a_token_lifetime_is_one_of_the_offered_ones(days: int) -> None:
    uow, accounts, account = kasi_uow()
    with pytest.raises(FieldError, match="Masa berlaku token") as refused:
        create_token(uow, account.id, "Dasbor", now=NOW, days=days)
    assert refused.value.field == "days" and accounts.api_tokens == {}
    assert sorted(TOKEN_LIFETIMES) == [30, 90, 180, 365]


def test_changing_the_password_revokes_every_token() -> None:
    """B4: a token kept working after a password change."""
    uow, accounts, account = kasi_uow()
    raw = create_token(uow, account.id, "Dasbor", now=NOW)
    change_password(uow, account.id, "rahasia-dewi", "sandi-baru-1", now=NOW, keep_session=None)
    assert accounts.api_tokens[1].revoked_at == NOW
    assert token_user(uow, raw, now=NOW) is None


def test_purging_deletes_expired_sessions_and_idle_unlocked_throttles() -> None:
    """B14: throttle and session rows were never deleted."""
    uow, accounts, _ = kasi_uow()
    token = attempt(uow, "dewi", "rahasia-dewi")
    for n in range(3):
        with pytest.raises(LoginRefusedError):
            attempt(uow, f"tamu{n}", "salah")
    accounts.throttles["akun:9"] = Throttle(0, NOW + timedelta(days=2))  # still locked
    later = NOW + LIFETIME + timedelta(days=1)
    assert purge_sign_in_records(uow, now=later) == (1, 3)
    assert token not in accounts.sessions
    assert list(accounts.throttles) == ["akun:9"]

"""engine.usecases.second_factor against the in-memory unit of work: enrolment, sign-in with a
code or a recovery code (each once), the setting that requires it, switching it off and the
administrator's reset. Codes are computed with pyotp from the fake's fixed secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from engine.accounts import AccountInfo, LoginRefusedError, ThrottlePolicy
from engine.errors import FieldError, ValidationError
from engine.second_factor import matching_step, provisioning_uri, valid_secret
from engine.usecases.accounts import session_user, sign_in
from engine.usecases.second_factor import (
    ADMIN,
    APPROVER,
    confirm_enrolment,
    disable_second_factor,
    enrolment,
    pending_sign_in,
    requires_second_factor,
    reset_second_factor,
    start_enrolment,
    verify_code,
)
from tests.unit.fakes import O_KABID, O_KADIS, O_KASI
from tests.unit.fakes_accounts import FakeAccounts, account_uow

NOW = datetime(2021, 4, 1, 2, 0, tzinfo=UTC)
TODAY = NOW.date()
POLICY = ThrottlePolicy(max_failures=3, lock_minutes=15)
LIFETIME = timedelta(hours=12)


def code(secret: str, at: datetime = NOW) -> str:
    return pyotp.TOTP(secret).at(at)


def enrolled(login: str = "dewi", **fields: object) -> tuple:
    """A unit of work with an account whose second factor is on; its secret and codes."""
    uow = account_uow()
    accounts: FakeAccounts = uow.accounts
    account = accounts.add(login, "v2:rahasia", official_id=O_KASI, **fields)
    setup = start_enrolment(uow, account.id, now=NOW)
    codes = confirm_enrolment(uow, account.id, code(setup.secret), now=NOW)
    return uow, accounts, account, setup.secret, codes


def password_step(uow: object, *, now: datetime = NOW, required: object = None) -> str:
    started = sign_in(
        uow,  # type: ignore[arg-type]
        "dewi",
        "rahasia",
        now=now,
        throttle=POLICY,
        lifetime=LIFETIME,
        second_factor_required=required,  # type: ignore[arg-type]
    )
    assert started.waits_for in ("code", "enrol")
    return started.token


def test_the_totp_rules() -> None:
    secret = pyotp.random_base32()
    assert valid_secret(secret) and not valid_secret("ABC") and not valid_secret("1" * 32)
    assert matching_step(secret, code(secret), NOW) == int(NOW.timestamp()) // 30
    earlier = NOW - timedelta(seconds=30)
    assert matching_step(secret, code(secret, earlier), NOW) == int(earlier.timestamp()) // 30
    assert matching_step(secret, code(secret, NOW - timedelta(minutes=2)), NOW) is None
    assert matching_step(secret, "12345", NOW) is None
    assert matching_step(secret, "abcdef", NOW) is None
    uri = provisioning_uri(secret, "dewi")
    assert uri.startswith("otpauth://totp/Kinerja:dewi?") and f"secret={secret}" in uri


def test_enrolment_needs_the_first_code_and_gives_ten_recovery_codes_once() -> None:
    uow = account_uow()
    account = uow.accounts.add("dewi", "v2:rahasia", official_id=O_KASI)
    setup = start_enrolment(uow, account.id, now=NOW)
    assert enrolment(uow, account.id) == setup
    with pytest.raises(FieldError, match="Kode salah") as wrong:
        confirm_enrolment(uow, account.id, "000000", now=NOW)
    assert wrong.value.field == "code"
    assert uow.accounts.second_factor(account.id).enabled_at is None
    codes = confirm_enrolment(uow, account.id, code(setup.secret), now=NOW)
    assert len(codes) == len(set(codes)) == 10
    assert uow.accounts.second_factor(account.id).enabled_at == NOW
    assert enrolment(uow, account.id) is None
    with pytest.raises(ValidationError, match="sudah aktif"):
        start_enrolment(uow, account.id, now=NOW)


def test_with_a_second_factor_the_password_alone_signs_nobody_in() -> None:
    uow, _, account, secret, _ = enrolled()
    later = NOW + timedelta(minutes=1)
    token = password_step(uow, now=later)
    assert session_user(uow, token, now=later) is None
    waiting = pending_sign_in(uow, token, now=later)
    assert waiting is not None and waiting.enrolled and waiting.account.id == account.id
    assert verify_code(uow, token, code(secret, later), now=later, throttle=POLICY) is None
    assert session_user(uow, token, now=later) is not None
    assert pending_sign_in(uow, token, now=later) is None


def test_a_code_is_accepted_once_and_wrong_codes_lock_like_passwords() -> None:
    uow, accounts, account, secret, _ = enrolled()
    later = NOW + timedelta(minutes=1)
    first = password_step(uow, now=later)
    verify_code(uow, first, code(secret, later), now=later, throttle=POLICY)
    second = password_step(uow, now=later)
    with pytest.raises(LoginRefusedError, match="sudah dipakai"):
        verify_code(uow, second, code(secret, later), now=later, throttle=POLICY)  # replayed
    for _ in range(POLICY.max_failures - 1):
        with pytest.raises(LoginRefusedError, match="Kode salah"):
            verify_code(uow, second, "000000", now=later, throttle=POLICY)
    with pytest.raises(LoginRefusedError, match="Terlalu banyak"):
        verify_code(uow, second, code(secret, later + timedelta(seconds=30)), now=later,
                    throttle=POLICY)  # fmt: skip
    assert session_user(uow, second, now=later) is None
    assert accounts.throttles[f"akun:{account.id}"].locked_until == later + POLICY.lock


def test_a_recovery_code_signs_in_once() -> None:
    uow, _, _, _, codes = enrolled()
    token = password_step(uow)
    assert verify_code(uow, token, codes[3], now=NOW, throttle=POLICY) == 9
    again = password_step(uow)
    with pytest.raises(LoginRefusedError, match="Kode salah"):
        verify_code(uow, again, codes[3], now=NOW, throttle=POLICY)
    assert session_user(uow, token, now=NOW) is not None
    assert session_user(uow, again, now=NOW) is None


def test_a_session_that_does_not_wait_cannot_be_confirmed() -> None:
    uow, _, _, secret, _ = enrolled()
    with pytest.raises(LoginRefusedError, match="Sesi masuk sudah berakhir"):
        verify_code(uow, "sesi-tidak-ada", code(secret), now=NOW, throttle=POLICY)


def test_a_required_second_factor_makes_the_session_wait_for_enrolment() -> None:
    uow = account_uow()
    account = uow.accounts.add("dewi", "v2:rahasia", official_id=O_KASI)
    token = password_step(uow, required=lambda _account: True)
    waiting = pending_sign_in(uow, token, now=NOW)
    assert waiting is not None and not waiting.enrolled
    assert session_user(uow, token, now=NOW) is None
    setup = start_enrolment(uow, account.id, now=NOW)
    confirm_enrolment(uow, account.id, code(setup.secret), now=NOW, session_token=token)
    assert session_user(uow, token, now=NOW) is not None


def test_who_must_have_a_second_factor() -> None:
    uow = account_uow()
    accounts = uow.accounts
    admin = accounts.add("admin", "v2:x", is_admin=True)
    kadis = accounts.add("budi", "v2:x", official_id=O_KADIS)
    kabid = accounts.add("citra", "v2:x", official_id=O_KABID)
    kasi = accounts.add("dewi", "v2:x", official_id=O_KASI)

    def required(account: AccountInfo, roles: set[str]) -> bool:
        return requires_second_factor(uow, account, roles, today=TODAY)

    assert [required(a, set()) for a in (admin, kadis, kabid, kasi)] == [False] * 4
    assert [required(a, {ADMIN}) for a in (admin, kadis, kabid, kasi)] == [
        True, False, False, False
    ]  # fmt: skip
    assert [required(a, {APPROVER}) for a in (admin, kadis, kabid, kasi)] == [
        False, True, True, False
    ]  # fmt: skip


def test_switching_it_off_needs_the_password_and_a_code_and_is_refused_when_required() -> None:
    uow, accounts, account, secret, _ = enrolled()
    later = NOW + timedelta(minutes=2)
    with pytest.raises(ValidationError, match="wajib"):
        disable_second_factor(
            uow, account.id, "rahasia", code(secret, later), now=later, required=lambda _a: True
        )
    with pytest.raises(FieldError, match="Kata sandi salah"):
        disable_second_factor(
            uow, account.id, "salah", code(secret, later), now=later, required=lambda _a: False
        )
    with pytest.raises(FieldError, match="Kode salah"):
        disable_second_factor(
            uow, account.id, "rahasia", "000000", now=later, required=lambda _a: False
        )
    assert accounts.second_factor(account.id) is not None
    disable_second_factor(
        uow, account.id, "rahasia", code(secret, later), now=later, required=lambda _a: False
    )
    assert accounts.second_factor(account.id) is None


def test_the_administrator_resets_someone_elses_second_factor_and_signs_them_out() -> None:
    uow, accounts, account, secret, _ = enrolled()
    admin = accounts.add("admin", "v2:x", is_admin=True)
    token = password_step(uow)
    later = NOW + timedelta(minutes=1)
    verify_code(uow, token, code(secret, later), now=later, throttle=POLICY)
    with pytest.raises(ValidationError, match="halaman Akun"):
        reset_second_factor(uow, admin.id, by_account_id=admin.id, now=NOW)
    assert reset_second_factor(uow, account.id, by_account_id=admin.id, now=NOW) == account
    assert accounts.second_factor(account.id) is None
    assert session_user(uow, token, now=NOW) is None

"""One's own account: signing in and out, changing the password, personal API tokens, and
the housekeeping of sign-in records.

Signing in checks the password and starts the session in one transaction, counting
failures per account (whichever of its login, email or NIP was typed), per unknown typed
login, and per client address: a refusal is committed too (the throttle must remember it),
then raised as `LoginRefusedError` whose message never says whether the account exists.
An unknown login costs one password check all the same (`PasswordHasher.verify(None, ...)`).
An account with a second factor (engine/usecases/second_factor.py), or one that must have
one and has none yet, gets a session that waits for the code (or the enrolment) first.

"Lupa kata sandi" and the set-password links are engine/usecases/account_links.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.accounts import (
    MAX_TOKEN_NAME,
    TOKEN_DAYS,
    WRONG_LOGIN,
    AccountInfo,
    ApiTokenInfo,
    Credentials,
    LoginRefusedError,
    ThrottleKeys,
    ThrottlePolicy,
    TokenScope,
    check_new_password,
    locked_minutes,
    throttle_keys,
)
from engine.errors import FieldError, NotFoundError, ValidationError
from engine.ports import SignedIn, UnitOfWork, writes
from engine.text import single_line

__all__ = [
    "AccountPage",
    "SignInResult",
    "change_password",
    "create_token",
    "purge_sign_in_records",
    "revoke_token",
    "session_user",
    "show_account",
    "sign_in",
    "sign_out",
    "token_user",
]

TOKEN_LIFETIMES = (30, 90, 180, 365)
"""The lifetimes, in days, a personal token may be given."""
STALE_THROTTLE = timedelta(days=1)
"""Throttle rows untouched this long (and not locked) are deleted."""


@dataclass(frozen=True)
class AccountPage:
    """One's account, personal tokens (newest first) and second factor."""

    account: AccountInfo
    tokens: list[ApiTokenInfo]
    second_factor_on: bool = False
    recovery_left: int = 0


@dataclass(frozen=True)
class SignInResult:
    """A started session: its raw token, and what it still waits for: nothing, the TOTP
    code ("code") or, for an account that must have a second factor, its enrolment
    ("enrol")."""

    token: str
    waits_for: str | None = None


def sign_in(
    uow: UnitOfWork,
    login: str,
    password: str,
    *,
    now: datetime,
    throttle: ThrottlePolicy,
    lifetime: timedelta,
    address: str | None = None,
    second_factor_required: Callable[[AccountInfo], bool] | None = None,
) -> SignInResult:
    """Check the login and password and start a session.

    LoginRefusedError (after committing the failure) for a wrong login or password, an
    inactive account, or an account or client address locked after too many failures.

    The password is checked outside any transaction, with the connection given back to the
    pool (a hash takes a third of a second, more while others queue for the hasher); the
    throttle is read again inside the write transaction, so every failure is counted and a
    guess that finishes after the lock came down is refused even when it was right.
    `second_factor_required` says whether an account without a second factor must enrol
    one before its session signs it in.
    """
    found = uow.accounts.credentials(login)
    keys = throttle_keys(login, found.account.id if found else None, address)
    refuse_if_locked(uow, keys, now)
    uow.release()  # no pooled connection held while queueing for the hasher
    good = uow.passwords.verify(found.password_hash if found else None, password)
    rehash = None
    if found is not None and good and uow.passwords.needs_rehash(found.password_hash):
        rehash = uow.passwords.hash(password)
    with uow.writing():
        repo = uow.accounts  # after release(): the repositories of the new transaction
        if found is None or not good or not found.account.active:
            count_failure(uow, keys, now, throttle)
            uow.commit()
            raise LoginRefusedError(WRONG_LOGIN, log_message=f"failed login for {keys.login!r}")
        refuse_if_locked(uow, keys, now)
        if repo.throttle(keys.login) is not None:
            repo.forget_throttle(keys.login)
        if rehash is not None:
            repo.set_password_hash(found.account.id, rehash, changed_at=None)
        factor = repo.second_factor(found.account.id)
        if factor is not None and factor.enabled_at is not None:
            waits_for: str | None = "code"
        elif second_factor_required is not None and second_factor_required(found.account):
            waits_for = "enrol"
        else:
            waits_for = None
        token = repo.start_session(
            found.account.id, now, now + lifetime, pending=waits_for is not None
        )
        uow.commit()
    return SignInResult(token, waits_for)


def refuse_if_locked(uow: UnitOfWork, keys: ThrottleKeys, now: datetime) -> None:
    """LoginRefusedError when the account (or typed login) or the client address is locked."""
    minutes = locked_minutes(uow.accounts.throttle(keys.login), now)
    if minutes is not None:
        raise LoginRefusedError(
            f"Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {minutes} menit",
            log_message=f"login locked for {keys.login!r}",
        )
    if keys.address is None:
        return
    minutes = locked_minutes(uow.accounts.throttle(keys.address), now)
    if minutes is not None:
        raise LoginRefusedError(
            "Terlalu banyak percobaan masuk yang gagal dari alamat ini; "
            f"coba lagi dalam {minutes} menit",
            log_message=f"address locked: {keys.address!r}",
        )


def count_failure(
    uow: UnitOfWork, keys: ThrottleKeys, now: datetime, policy: ThrottlePolicy
) -> None:
    """Count a failed attempt against the account (or typed login) and the client address
    (inside the caller's write transaction)."""
    uow.accounts.count_failure(keys.login, now, max_failures=policy.max_failures, lock=policy.lock)
    if keys.address is not None:
        uow.accounts.count_failure(
            keys.address, now, max_failures=policy.address_max_failures, lock=policy.lock
        )


def session_user(uow: UnitOfWork, session_token: str, *, now: datetime) -> SignedIn | None:
    """Who a browser is: the live session of an active account with this raw token, or None."""
    return uow.accounts.signed_in(session_token, now)


def token_user(uow: UnitOfWork, raw: str, *, now: datetime) -> SignedIn | None:
    """Who an API call is: the account of a live personal token, or None.

    The token's last use is noted at most once a minute, in a short write transaction of
    its own; any other call only reads.
    """
    found = uow.accounts.token_user(raw, now)
    if found is not None and found.use_due:
        with uow.writing():
            uow.accounts.note_token_use(raw, now)
            uow.commit()
    return found


@writes
def sign_out(uow: UnitOfWork, session_token: str) -> None:
    """End the browser session with this raw token."""
    uow.accounts.end_session(session_token)
    uow.commit()


def _own(uow: UnitOfWork, account_id: int) -> Credentials:
    found = uow.accounts.credentials_of(account_id)
    if found is None:
        raise NotFoundError("Akun tidak ditemukan", log_message=f"account {account_id} not found")
    return found


def show_account(uow: UnitOfWork, account_id: int) -> AccountPage:
    """One's account, personal API tokens and second factor."""
    factor = uow.accounts.second_factor(account_id)
    on = factor is not None and factor.enabled_at is not None
    return AccountPage(
        _own(uow, account_id).account,
        uow.accounts.tokens(account_id),
        on,
        factor.recovery_left if factor is not None and on else 0,
    )


def change_password(
    uow: UnitOfWork,
    account_id: int,
    current: str,
    new: str,
    *,
    now: datetime,
    keep_session: str | None,
) -> None:
    """Replace one's password after checking the current one; every other browser of the
    account is signed out (`keep_session`, the raw token of this one, stays) and every
    personal API token is revoked.

    FieldError on `current` (wrong) or `new` (too short, the login, unchanged).
    """
    found = _own(uow, account_id)
    hasher = uow.passwords
    uow.release()  # the hashes below take seconds under load: no connection held meanwhile
    if not hasher.verify(found.password_hash, current):
        raise FieldError(
            "current", "Kata sandi saat ini salah", log_message="wrong current password"
        )
    try:
        check_new_password(new, login=found.account.login)
    except ValidationError as exc:
        raise FieldError("new", exc.message, log_message=exc.log_message) from None
    if hasher.verify(found.password_hash, new):
        raise FieldError(
            "new", "Kata sandi baru harus berbeda dari yang lama", log_message="password unchanged"
        )
    new_hash = hasher.hash(new)  # before the write transaction: a hash is slow
    with uow.writing():
        current_now = uow.accounts.credentials_of(account_id)
        if current_now is None or current_now.password_hash != found.password_hash:
            raise FieldError(
                "current",
                "Kata sandi baru saja diubah di tempat lain; muat ulang halaman lalu coba lagi",
                log_message=f"password of account {account_id} changed concurrently",
            )
        uow.accounts.set_password_hash(account_id, new_hash, changed_at=now)
        uow.accounts.end_sessions(account_id, keep=keep_session)
        uow.accounts.revoke_tokens(account_id, now)
        uow.commit()


@writes
def create_token(
    uow: UnitOfWork,
    account_id: int,
    name: str,
    *,
    now: datetime,
    days: int = TOKEN_DAYS,
    scope: TokenScope = TokenScope.WRITE,
) -> str:
    """A new personal API token of the account, living `days` days (one of
    `TOKEN_LIFETIMES`) with the given scope: its raw value, to show once."""
    name = single_line(name, "Nama token", field="name").strip()
    if not name or len(name) > MAX_TOKEN_NAME:
        raise ValidationError(
            f"Nama token wajib diisi (paling banyak {MAX_TOKEN_NAME} karakter)",
            log_message="bad token name",
        )
    if days not in TOKEN_LIFETIMES:
        choices = ", ".join(str(d) for d in TOKEN_LIFETIMES)
        raise FieldError(
            "days",
            f"Masa berlaku token harus salah satu dari {choices} hari",
            log_message=f"bad token lifetime {days}",
        )
    raw = uow.accounts.add_token(
        account_id, name, now, expires_at=now + timedelta(days=days), scope=scope
    )
    uow.commit()
    return raw


@writes
def revoke_token(uow: UnitOfWork, account_id: int, token_id: int, *, now: datetime) -> ApiTokenInfo:
    """Revoke one of the account's own tokens (NotFoundError for anyone else's)."""
    token = uow.accounts.token(token_id)
    if token is None or token.account_id != account_id:
        raise NotFoundError("Token tidak ditemukan", log_message=f"token {token_id} not found")
    if token.revoked_at is None:
        uow.accounts.revoke_token(token_id, now)
        uow.commit()
    return token


@writes
def purge_sign_in_records(uow: UnitOfWork, *, now: datetime) -> tuple[int, int]:
    """Delete expired browser sessions and throttle rows idle for a day and no longer
    locked (the scheduler runs this every hour): how many of each."""
    sessions = uow.accounts.delete_expired_sessions(now)
    throttles = uow.accounts.delete_stale_throttles(now, idle=STALE_THROTTLE)
    uow.commit()
    return sessions, throttles

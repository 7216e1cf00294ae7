"""One's own account: signing in and out, changing the password, personal API tokens.

Signing in checks the password and starts the session in one transaction, counting
failures per typed login: a refusal is committed too (the throttle must remember it),
then raised as `LoginRefusedError` whose message never says whether the account exists.
An unknown login costs one password check all the same (`PasswordHasher.verify(None, ...)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.accounts import (
    MAX_LOGIN,
    MAX_TOKEN_NAME,
    WRONG_LOGIN,
    AccountInfo,
    ApiTokenInfo,
    Credentials,
    LoginRefusedError,
    Throttle,
    ThrottlePolicy,
    after_failure,
    check_new_password,
    locked_minutes,
    throttle_key,
)
from engine.errors import FieldError, NotFoundError, ValidationError
from engine.ports import SignedIn, UnitOfWork, writes
from engine.text import single_line

__all__ = [
    "AccountPage",
    "change_password",
    "create_token",
    "revoke_token",
    "session_user",
    "show_account",
    "sign_in",
    "sign_out",
    "token_user",
]


@dataclass(frozen=True)
class AccountPage:
    """One's account and personal tokens (newest first)."""

    account: AccountInfo
    tokens: list[ApiTokenInfo]


def sign_in(
    uow: UnitOfWork,
    login: str,
    password: str,
    *,
    now: datetime,
    throttle: ThrottlePolicy,
    lifetime: timedelta,
) -> str:
    """Check the login and password and start a session: its raw token, for the cookie.

    LoginRefusedError (after committing the failure) for a wrong login or password, an
    inactive account, or a login locked after too many failures.

    The password is checked outside the write transaction (a hash takes a third of a
    second); the throttle is read again inside it, so every failure is counted and a
    guess that finishes after the lock came down is refused even when it was right.
    """
    repo = uow.accounts
    key = throttle_key(login)[:MAX_LOGIN]
    _refuse_if_locked(repo.throttle(key), key, now)
    found = repo.credentials(login)
    good = uow.passwords.verify(found.password_hash if found else None, password)
    rehash = None
    if found is not None and good and uow.passwords.needs_rehash(found.password_hash):
        rehash = uow.passwords.hash(password)
    with uow.writing():
        counted = repo.throttle(key)
        if found is None or not good or not found.account.active:
            repo.save_throttle(key, after_failure(counted, now, throttle), now)
            uow.commit()
            raise LoginRefusedError(WRONG_LOGIN, log_message=f"failed login for {key!r}")
        _refuse_if_locked(counted, key, now)
        if counted is not None:
            repo.save_throttle(key, None, now)
        if rehash is not None:
            repo.set_password_hash(found.account.id, rehash, changed_at=None)
        token = repo.start_session(found.account.id, now, now + lifetime)
        uow.commit()
    return token


def _refuse_if_locked(counted: Throttle | None, key: str, now: datetime) -> None:
    minutes = locked_minutes(counted, now)
    if minutes is not None:
        raise LoginRefusedError(
            f"Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {minutes} menit",
            log_message=f"login locked for {key!r}",
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
    """One's account and personal API tokens."""
    return AccountPage(_own(uow, account_id).account, uow.accounts.tokens(account_id))


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
    account is signed out (`keep_session`, the raw token of this one, stays).

    FieldError on `current` (wrong) or `new` (too short, the login, unchanged).
    """
    found = _own(uow, account_id)
    hasher = uow.passwords
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
        uow.commit()


@writes
def create_token(uow: UnitOfWork, account_id: int, name: str, *, now: datetime) -> str:
    """A new personal API token of the account: its raw value, to show once."""
    name = single_line(name, "Nama token", field="name").strip()
    if not name or len(name) > MAX_TOKEN_NAME:
        raise ValidationError(
            f"Nama token wajib diisi (paling banyak {MAX_TOKEN_NAME} karakter)",
            log_message="bad token name",
        )
    raw = uow.accounts.add_token(account_id, name, now)
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

"""The rules of signing in, and the accounts as the use cases see them.

A failed login says only "wrong login or password", whether or not the account exists;
the throttle counts failures per typed login (`throttle_key`), so a locked-out name
behaves the same known or unknown. These are rules, so they live here; hashing
passwords, making random session and token values and storing their SHA-256 are the
infrastructure's (engine.ports.PasswordHasher, db.accounts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.errors import KinerjaError, ValidationError
from engine.workflow import Actor

__all__ = [
    "MAX_LOGIN",
    "MAX_TOKEN_NAME",
    "MIN_PASSWORD_LENGTH",
    "TOKEN_USE_RESOLUTION",
    "WRONG_LOGIN",
    "AccountInfo",
    "ApiTokenInfo",
    "Credentials",
    "LoginRefusedError",
    "Throttle",
    "ThrottlePolicy",
    "account_actor",
    "after_failure",
    "check_new_password",
    "locked_minutes",
    "session_live",
    "throttle_key",
    "token_use_due",
]

MIN_PASSWORD_LENGTH = 8
MAX_LOGIN = 254
MAX_TOKEN_NAME = 100
WRONG_LOGIN = "NIP/email atau kata sandi salah"
TOKEN_USE_RESOLUTION = timedelta(minutes=1)
"""A token's last use is noted at most this often: one write a minute, not one per request."""


class LoginRefusedError(KinerjaError):
    """Wrong login or password, or too many attempts (the message never says which account)."""


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures lock a login, and for how long."""

    max_failures: int = 5
    lock_minutes: int = 15


@dataclass(frozen=True)
class Throttle:
    """The failures counted for one typed login, and until when it is locked."""

    failures: int = 0
    locked_until: datetime | None = None


@dataclass(frozen=True)
class AccountInfo:
    """A sign-in account: its login, the official it is (None for a bare administrator)."""

    id: int
    login: str
    official_id: int | None
    is_admin: bool
    active: bool
    password_changed_at: datetime | None = None


@dataclass(frozen=True)
class Credentials:
    """An account with its stored password hash (only the sign-in use cases read it)."""

    account: AccountInfo
    password_hash: str


@dataclass(frozen=True)
class ApiTokenInfo:
    """A personal API token as its owner sees it: never the value, only its first letters."""

    id: int
    account_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


def throttle_key(login: str) -> str:
    """The typed login as the throttle counts it: lower case, NIP without spaces."""
    text = login.strip().lower()
    digits = "".join(text.split())
    return digits if digits.isdigit() else text


def locked_minutes(throttle: Throttle | None, now: datetime) -> int | None:
    """Whole minutes (at least one) until a locked login may try again; None when not locked."""
    if throttle is None or throttle.locked_until is None or throttle.locked_until <= now:
        return None
    return max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)


def after_failure(throttle: Throttle | None, now: datetime, policy: ThrottlePolicy) -> Throttle:
    """The throttle after one more failure: the last allowed one locks it and starts afresh."""
    failures = (throttle.failures if throttle else 0) + 1
    locked_until = throttle.locked_until if throttle else None
    if failures >= policy.max_failures:
        return Throttle(0, now + timedelta(minutes=policy.lock_minutes))
    return Throttle(failures, locked_until)


def check_new_password(password: str, *, login: str = "") -> None:
    """Refuse a password that is too short or equals the login."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"Kata sandi baru minimal {MIN_PASSWORD_LENGTH} karakter",
            log_message="new password too short",
        )
    if login and password.strip().lower() == login.strip().lower():
        raise ValidationError(
            "Kata sandi tidak boleh sama dengan nama login", log_message="password equals login"
        )


def session_live(expires_at: datetime, active: bool, now: datetime) -> bool:
    """Whether a browser session still signs its account in: until it expires, and only
    while the account is active."""
    return active and now < expires_at


def token_use_due(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a token's use is to be noted now (`TOKEN_USE_RESOLUTION`)."""
    return last_used_at is None or now - last_used_at >= TOKEN_USE_RESOLUTION


def account_actor(
    login: str, is_admin: bool, official: tuple[int, str, str | None] | None
) -> Actor:
    """Who an account acts as: its official (id, name, NIP); without one, "Administrator"
    for an administrator and the login otherwise."""
    if official is None:
        return Actor(None, "Administrator" if is_admin else login, None, is_admin)
    return Actor(official[0], official[1], official[2], is_admin)

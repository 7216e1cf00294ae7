"""The rules of signing in, and the accounts as the use cases see them.

A failed login says only "wrong login or password", whether or not the account exists.
The throttle counts failures per account whichever identifier is typed (login, email or
NIP), per unknown typed login otherwise, so a locked-out name behaves the same known or
unknown; and per client address, with a higher limit (`throttle_keys`). These are rules,
so they live here; hashing passwords, making random session and token values and storing
their SHA-256 are the infrastructure's (engine.ports.PasswordHasher, db.signin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from engine.errors import KinerjaError, ValidationError
from engine.events import DomainEvent
from engine.workflow import Actor

__all__ = [
    "MAX_LOGIN",
    "MAX_TOKEN_NAME",
    "MIN_PASSWORD_LENGTH",
    "NO_PASSWORD",
    "TOKEN_DAYS",
    "TOKEN_USE_RESOLUTION",
    "WRONG_LOGIN",
    "AccountInfo",
    "AccountInvited",
    "AccountLink",
    "ApiTokenInfo",
    "Credentials",
    "LinkPurpose",
    "LoginRefusedError",
    "PasswordResetRequested",
    "SecondFactorInfo",
    "Throttle",
    "ThrottleKeys",
    "ThrottlePolicy",
    "TokenScope",
    "account_actor",
    "after_failure",
    "check_new_password",
    "link_state",
    "locked_minutes",
    "login_key",
    "session_live",
    "throttle_keys",
    "token_live",
    "token_use_due",
]

MIN_PASSWORD_LENGTH = 8
MAX_LOGIN = 254
MAX_TOKEN_NAME = 100
WRONG_LOGIN = "NIP/email atau kata sandi salah"
TOKEN_DAYS = 90
"""A personal API token lives this many days unless its owner chooses otherwise."""
TOKEN_USE_RESOLUTION = timedelta(minutes=1)
"""A token's last use is noted at most this often: one write a minute, not one per request."""
NO_PASSWORD = "!"  # noqa: S105 (no hash matches it: an invited account has no password yet)
RESET_RESEND_AFTER = timedelta(minutes=5)
"""A new "lupa kata sandi" email for an account goes out at most this often."""


class LoginRefusedError(KinerjaError):
    """Wrong login or password, or too many attempts (the message never says which account)."""


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures lock an account (or an unknown typed login), how many lock a
    client address, and for how long."""

    max_failures: int = 5
    lock_minutes: int = 15
    address_max_failures: int = 30

    @property
    def lock(self) -> timedelta:
        """How long a lock lasts."""
        return timedelta(minutes=self.lock_minutes)


@dataclass(frozen=True)
class ThrottleKeys:
    """What one sign-in attempt is counted against: the account (or the unknown typed
    login) and, when known, the client address."""

    login: str
    address: str | None


class TokenScope(StrEnum):
    """What a personal API token may do: only read, or also write."""

    READ = "read"
    WRITE = "write"

    @property
    def label(self) -> str:
        """The scope as the account page names it."""
        return "baca saja" if self is TokenScope.READ else "baca dan tulis"


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
    second_factor_on: bool = False
    has_password: bool = True
    """False for an invited account whose set-password link has not been used yet."""


class LinkPurpose(StrEnum):
    """What a one-time set-password link is for: a first password (an invitation, or the
    first administrator's link) or a forgotten one."""

    INVITE = "invite"
    RESET = "reset"


@dataclass(frozen=True)
class AccountLink:
    """A one-time set-password link as stored (only the SHA-256 of its secret is kept)."""

    id: int
    account_id: int
    purpose: LinkPurpose
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


def link_state(link: AccountLink | None, now: datetime) -> str | None:
    """Why a link no longer sets a password: "unknown", "used", "expired"; None when live."""
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    return "expired" if now >= link.expires_at else None


@dataclass(frozen=True)
class AccountInvited(DomainEvent):
    """An official's account was made (or its invitation sent again): the email carries
    the link that sets the first password; the dispatcher sends it."""

    kind: ClassVar[str] = "account.invite"


@dataclass(frozen=True)
class PasswordResetRequested(DomainEvent):
    """Someone asked for a forgotten password's link: the email goes to the account's
    official, whoever asked."""

    kind: ClassVar[str] = "account.reset"


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
    expires_at: datetime | None = None
    scope: TokenScope = TokenScope.WRITE

    def live(self, now: datetime) -> bool:
        """Whether the token still opens the API."""
        return token_live(self.revoked_at, self.expires_at, now)


@dataclass(frozen=True)
class SecondFactorInfo:
    """An account's TOTP second factor: its secret, since when it is on (None: enrolment
    awaits the first code), the time step of the last accepted code, recovery codes left."""

    secret: str
    enabled_at: datetime | None
    last_step: int | None
    recovery_left: int


def login_key(login: str) -> str:
    """The typed login as accounts are looked up by it: lower case, NIP without spaces."""
    text = login.strip().lower()
    digits = "".join(text.split())
    return digits if digits.isdigit() else text


def throttle_keys(typed: str, account_id: int | None, address: str | None) -> ThrottleKeys:
    """The throttle keys of an attempt: the account whichever identifier named it (so its
    login, email and NIP share one count), else the typed login; and the client address."""
    login = f"akun:{account_id}" if account_id is not None else f"login:{login_key(typed)}"
    return ThrottleKeys(login[:MAX_LOGIN], None if not address else f"alamat:{address}"[:MAX_LOGIN])


def locked_minutes(throttle: Throttle | None, now: datetime) -> int | None:
    """Whole minutes (at least one) until a locked login may try again; None when not locked."""
    if throttle is None or throttle.locked_until is None or throttle.locked_until <= now:
        return None
    return max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)


def after_failure(
    throttle: Throttle | None, now: datetime, *, max_failures: int, lock: timedelta
) -> Throttle:
    """The throttle after one more failure: the one that reaches `max_failures` locks it
    until `now + lock` and starts the count afresh (db/signin.py does this in one upsert)."""
    failures = (throttle.failures if throttle else 0) + 1
    locked_until = throttle.locked_until if throttle else None
    if failures >= max_failures:
        return Throttle(0, now + lock)
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


def token_live(revoked_at: datetime | None, expires_at: datetime | None, now: datetime) -> bool:
    """Whether a personal token opens the API: not revoked and not expired."""
    return revoked_at is None and (expires_at is None or now < expires_at)


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

"""One's own account: signing in and out, changing the password, personal API tokens, and
the housekeeping of sign-in records.

Signing in checks the password and starts the session in one transaction, counting
failures per account (whichever of its login, email or NIP was typed), per unknown typed
login, and per client address: a refusal is committed too (the throttle must remember it),
then raised as `LoginRefusedError` whose message never says whether the account exists.
An unknown login costs one password check all the same (`PasswordHasher.verify(None, ...)`).
An account with a second factor (engine/usecases/second_factor.py), or one that must have
one and has none yet, gets a session that waits for the code (or the enrolment) first.

"Lupa kata sandi" answers the same whether or not the account exists (the page says so
before anyone types): a known account with an email gets a one-time link through the
outbox, at most one every `RESET_RESEND_AFTER`; every request is counted against the client
address by the login throttle. A set-password link (invitation or reset) is single use and
time-limited; using it ends the account's sessions and API tokens and clears its lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.accounts import (
    MAX_TOKEN_NAME,
    RESET_RESEND_AFTER,
    TOKEN_DAYS,
    WRONG_LOGIN,
    AccountInfo,
    AccountLink,
    ApiTokenInfo,
    Credentials,
    LinkPurpose,
    LoginRefusedError,
    PasswordResetRequested,
    ThrottleKeys,
    ThrottlePolicy,
    TokenScope,
    check_new_password,
    link_state,
    locked_minutes,
    throttle_keys,
)
from engine.errors import FieldError, NotFoundError, ValidationError
from engine.events import Recipient
from engine.ports import SignedIn, UnitOfWork, writes
from engine.text import single_line

__all__ = [
    "RESET_MINUTES",
    "AccountPage",
    "LinkPage",
    "SignInResult",
    "change_password",
    "create_token",
    "password_link",
    "purge_sign_in_records",
    "request_password_reset",
    "revoke_token",
    "session_user",
    "set_password_by_link",
    "show_account",
    "sign_in",
    "sign_out",
    "token_user",
]

TOKEN_LIFETIMES = (30, 90, 180, 365)
"""The lifetimes, in days, a personal token may be given."""
STALE_THROTTLE = timedelta(days=1)
"""Throttle rows untouched this long (and not locked) are deleted."""
RESET_MINUTES = 60
"""A "lupa kata sandi" link sets a password within this many minutes (KINERJA_RESET_MINUTES)."""
LINK_REFUSED = {
    "unknown": "Tautan ini tidak dikenal; mungkin tidak tersalin utuh dari email",
    "used": "Tautan ini sudah dipakai; setiap tautan hanya berlaku sekali",
    "expired": "Tautan ini sudah kedaluwarsa",
}


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


@dataclass(frozen=True)
class LinkPage:
    """What the set-password page shows for a live link: whose account, and why."""

    login: str
    purpose: LinkPurpose


def request_password_reset(
    uow: UnitOfWork,
    login: str,
    *,
    now: datetime,
    throttle: ThrottlePolicy,
    address: str | None = None,
    minutes: int = RESET_MINUTES,
) -> None:
    """ "Lupa kata sandi": email a one-time link valid `minutes` minutes to the official of
    the account that `login` (login, email or NIP) names, if there is one with an email and
    it is active. The caller says the same thing whatever happened; only a locked client
    address is refused (LoginRefusedError), as for signing in."""
    keys = throttle_keys(login, None, address)
    if keys.address is not None:
        minutes_left = locked_minutes(uow.accounts.throttle(keys.address), now)
        if minutes_left is not None:
            raise LoginRefusedError(
                f"Terlalu banyak permintaan dari alamat ini; coba lagi dalam {minutes_left} menit",
                log_message=f"reset requests locked for {keys.address!r}",
            )
    with uow.writing():
        if keys.address is not None:  # every request counts, known account or not
            uow.accounts.count_failure(
                keys.address, now, max_failures=throttle.address_max_failures, lock=throttle.lock
            )
        found = uow.accounts.credentials(login)
        account = found.account if found is not None else None
        official = (
            None
            if account is None or account.official_id is None or not account.active
            else uow.admin.official(account.official_id)
        )
        if account is not None and official is not None and official.email.strip():
            _send_reset(uow, account, official.id, official.email, official.name, now, minutes)
        uow.commit()


def _send_reset(
    uow: UnitOfWork,
    account: AccountInfo,
    official_id: int,
    email: str,
    name: str,
    now: datetime,
    minutes: int,
) -> None:
    """A reset link and its email, unless one went out less than `RESET_RESEND_AFTER` ago
    (a flood of requests must not flood the mailbox). The guard is a throttle row keyed by
    the account that locks for that long at the first request."""
    guard = f"sandi:{account.id}"
    if locked_minutes(uow.accounts.throttle(guard), now) is not None:
        return
    uow.accounts.count_failure(guard, now, max_failures=1, lock=RESET_RESEND_AFTER)
    expires = now + timedelta(minutes=minutes)
    secret = uow.accounts.add_link(account.id, LinkPurpose.RESET, now, expires)
    payload = {"secret": secret, "login": account.login, "minutes": minutes}
    uow.collect(
        PasswordResetRequested(
            Recipient(official_id, email, name),
            now,
            f"account.reset:{account.id}:{secret[:12]}",
            {**payload, "expires_at": expires.isoformat()},
        )
    )


def _live_link(uow: UnitOfWork, secret: str, now: datetime) -> tuple[AccountLink, str]:
    """A live link and its account's login, or ValidationError saying why not."""
    link = uow.accounts.link(secret) if secret else None
    state = link_state(link, now)
    found = None if link is None else uow.accounts.credentials_of(link.account_id)
    if state is None and (found is None or not found.account.active):
        state = "unknown"
    if state is not None or link is None or found is None:
        reason = state or "unknown"
        raise ValidationError(LINK_REFUSED[reason], log_message=f"set-password link {reason}")
    return link, found.account.login


def password_link(uow: UnitOfWork, secret: str, *, now: datetime) -> LinkPage:
    """The account a live set-password link is for; ValidationError (in Indonesian: unknown,
    used or expired) otherwise."""
    link, login = _live_link(uow, secret, now)
    return LinkPage(login, link.purpose)


def set_password_by_link(uow: UnitOfWork, secret: str, password: str, *, now: datetime) -> str:
    """Set the password with a live one-time link and spend it: the account's sessions end,
    its API tokens are revoked and its login lock is cleared, in one commit. The login.

    ValidationError for a dead link (nothing written); FieldError on `password` for one the
    rules refuse."""
    _, login = _live_link(uow, secret, now)
    try:
        check_new_password(password, login=login)
    except ValidationError as exc:
        raise FieldError("password", exc.message, log_message=exc.log_message) from None
    uow.release()  # no connection held while hashing
    password_hash = uow.passwords.hash(password)
    with uow.writing():
        link, login = _live_link(uow, secret, now)
        if not uow.accounts.spend_link(link.id, now):  # a parallel use got there first
            raise ValidationError(LINK_REFUSED["used"], log_message="set-password link raced")
        uow.accounts.set_password_hash(link.account_id, password_hash, changed_at=now)
        uow.accounts.end_sessions(link.account_id, keep=None)
        uow.accounts.revoke_tokens(link.account_id, now)
        uow.accounts.forget_throttle(throttle_keys(login, link.account_id, None).login)
        uow.commit()
    return login

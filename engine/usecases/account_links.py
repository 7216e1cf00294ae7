"""Set-password links: "lupa kata sandi" and using a link (an invitation's or a reset's).

"Lupa kata sandi" answers the same whether or not the account exists (the page says so
before anyone types): a known account with an email gets a one-time link through the
outbox, at most one every `RESET_RESEND_AFTER`; every request is counted against the client
address by the login throttle. A set-password link (invitation or reset) is single use and
time-limited, stored only as its hash; using it ends the account's sessions and API tokens
and clears its lock. Invitations are made by the administrator
(engine.usecases.admin_accounts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.accounts import (
    RESET_RESEND_AFTER,
    AccountInfo,
    AccountLink,
    LinkPurpose,
    LoginRefusedError,
    PasswordResetRequested,
    ThrottlePolicy,
    check_new_password,
    link_state,
    locked_minutes,
    throttle_keys,
)
from engine.errors import FieldError, ValidationError
from engine.events import Recipient
from engine.ports import UnitOfWork

__all__ = [
    "RESET_MINUTES",
    "LinkPage",
    "password_link",
    "request_password_reset",
    "set_password_by_link",
]

RESET_MINUTES = 60
"""A "lupa kata sandi" link sets a password within this many minutes (KINERJA_RESET_MINUTES)."""
LINK_REFUSED = {
    "unknown": "Tautan ini tidak dikenal; mungkin tidak tersalin utuh dari email",
    "used": "Tautan ini sudah dipakai; setiap tautan hanya berlaku sekali",
    "expired": "Tautan ini sudah kedaluwarsa",
}


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

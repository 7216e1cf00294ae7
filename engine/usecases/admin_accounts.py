"""The administrator's accounts: creating one for an official (with a first password, or
with an invitation email carrying a one-time set-password link), (de)activating, new
passwords, unlocking an account the login throttle locked, and the first administrator of a
deployment (`kinerja admin create`).

Every check comes before any write and names the form field at fault (`FieldError`), so
a refused form writes nothing and shows the message next to that field. Deactivating an
account or setting its password signs it out of its other browsers in the same commit.
An invitation is an outbox message written in the same transaction as the account; the
dispatcher sends it (never the request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.accounts import (
    MAX_LOGIN,
    NO_PASSWORD,
    AccountInfo,
    AccountInvited,
    LinkPurpose,
    check_new_password,
    throttle_keys,
)
from engine.errors import FieldError, NotFoundError, ValidationError
from engine.events import Recipient
from engine.org import Official
from engine.ports import UnitOfWork, writes
from engine.text import single_line
from engine.usecases.audit import SYSTEM_ACTOR, record_admin

__all__ = [
    "INVITE_DAYS",
    "AccountForm",
    "account_form",
    "create_administrator",
    "create_official_account",
    "get_account",
    "invite_official_account",
    "list_accounts",
    "locked_accounts",
    "resend_invitation",
    "reset_password",
    "set_account_active",
    "unlock_account",
]

INVITE_DAYS = 7
"""An invitation's link sets the first password within this many days (KINERJA_INVITE_DAYS)."""


@dataclass(frozen=True)
class AccountForm:
    """What the new-account form offers: the officials without one, the login suggested."""

    free: list[Official]
    login: str = ""


def list_accounts(uow: UnitOfWork) -> list[tuple[AccountInfo, Official | None]]:
    """Every account with its official (None for an administrator without one), by login."""
    return uow.accounts.accounts()


def account_form(uow: UnitOfWork, official_id: int | None = None) -> AccountForm:
    """The officials without an account; the login suggested is the chosen one's email."""
    official = None if official_id is None else uow.admin.official(official_id)
    login = official.email if official is not None else ""
    return AccountForm(uow.accounts.officials_without_account(), login)


def get_account(uow: UnitOfWork, account_id: int) -> AccountInfo:
    """The account with this id, or NotFoundError."""
    found = uow.accounts.credentials_of(account_id)
    if found is None:
        raise NotFoundError("Akun tidak ditemukan", log_message=f"account {account_id} not found")
    return found.account


def _password(password: str, login: str) -> None:
    try:
        check_new_password(password, login=login)
    except ValidationError as exc:
        raise FieldError("password", exc.message, log_message=exc.log_message) from None


def create_official_account(
    uow: UnitOfWork,
    *,
    official_id: int,
    login: str,
    password: str,
    now: datetime,
    actor: str = SYSTEM_ACTOR,
) -> AccountInfo:
    """An account for an official, with a first password typed by the administrator.

    The checks run before the password is hashed and again inside the write transaction,
    which holds no hash."""
    key = _new_account(uow, official_id, login, password)
    uow.release()  # no connection held while hashing
    password_hash = uow.passwords.hash(password)
    with uow.writing():
        _new_account(uow, official_id, login, password)
        account = uow.accounts.add_account(
            login=key, password_hash=password_hash, official_id=official_id, is_admin=False, now=now
        )
        after = {"login": account.login, "active": account.active, "admin": account.is_admin}
        subject = account_subject(uow, account)
        record_admin(uow, actor, "account.create", subject, None, after, now=now)
        uow.commit()
    return account


def account_subject(uow: UnitOfWork, account: AccountInfo) -> str:
    """The account as the admin log names it: "Akun #5: login (Nama pegawai)"."""
    official = None if account.official_id is None else uow.admin.official(account.official_id)
    owner = f" ({official.name})" if official is not None else ""
    return f"Akun #{account.id}: {account.login}{owner}"


def _new_account(uow: UnitOfWork, official_id: int, login: str, password: str | None) -> str:
    """The login key of a new account for the official; FieldError when it cannot be made."""
    accounts = uow.accounts
    official = uow.admin.official(official_id)
    if official is None:
        raise FieldError(
            "official_id", "Pegawai tidak dikenal", log_message=f"unknown official {official_id}"
        )
    if accounts.account_of(official_id) is not None:
        raise FieldError(
            "official_id",
            f"{official.name} sudah memiliki akun",
            log_message="official already has an account",
        )
    key = single_line(login, "Login", field="login").strip().lower()
    if not key:
        raise FieldError("login", "Login wajib diisi", log_message="empty login")
    if len(key) > MAX_LOGIN or any(c.isspace() for c in key):
        raise FieldError(
            "login",
            f"Login tidak boleh berisi spasi dan paling banyak {MAX_LOGIN} karakter",
            log_message="malformed login",
        )
    _free_login(uow, key)
    if password is not None:
        _password(password, key)
    return key


def _free_login(uow: UnitOfWork, key: str) -> None:
    if uow.accounts.account_named(key) is not None:
        raise FieldError("login", f"Login '{key}' sudah dipakai", log_message="duplicate login")


@writes
def invite_official_account(
    uow: UnitOfWork,
    *,
    official_id: int,
    login: str,
    now: datetime,
    days: int = INVITE_DAYS,
    actor: str = SYSTEM_ACTOR,
) -> AccountInfo:
    """An account for an official without a password: an invitation email (through the
    outbox, in the same commit) carries a one-time link that sets the first password
    within `days` days. FieldError as `create_official_account`, or when the official has
    no email address."""
    key = _new_account(uow, official_id, login, None)
    official = uow.admin.official(official_id)
    assert official is not None
    if not official.email.strip():
        raise FieldError(
            "official_id",
            f"{official.name} belum memiliki alamat email; isi emailnya di halaman Pegawai, "
            "atau buat akun dengan kata sandi awal",
            log_message="official without email invited",
        )
    account = uow.accounts.add_account(
        login=key, password_hash=NO_PASSWORD, official_id=official_id, is_admin=False, now=now
    )
    after = {"login": account.login, "active": account.active, "admin": account.is_admin}
    subject = account_subject(uow, account)
    record_admin(uow, actor, "account.create", subject, None, after, now=now)
    _invite(uow, account, now, days, actor)
    uow.commit()
    return account


def _invite(uow: UnitOfWork, account: AccountInfo, now: datetime, days: int, actor: str) -> None:
    """A new invitation link for the account, its email, and the admin log's line."""
    official = None if account.official_id is None else uow.admin.official(account.official_id)
    if official is None or not official.email.strip():
        raise ValidationError(
            "Akun ini tidak terhubung dengan pegawai yang memiliki email; atur sandinya langsung",
            log_message=f"account {account.id} has no email to invite",
        )
    expires = now + timedelta(days=days)
    secret = uow.accounts.add_link(account.id, LinkPurpose.INVITE, now, expires)
    uow.collect(
        AccountInvited(
            Recipient(official.id, official.email, official.name),
            now,
            f"account.invite:{account.id}:{secret[:12]}",  # a new link: a new email
            {
                "secret": secret,
                "login": account.login,
                "days": days,
                "expires_at": expires.isoformat(),
            },
        )
    )
    after = {"email": official.email, "berlaku_sampai": expires.isoformat()}
    subject = account_subject(uow, account)
    record_admin(uow, actor, "account.invite", subject, None, after, now=now)


@writes
def resend_invitation(
    uow: UnitOfWork,
    account_id: int,
    *,
    now: datetime,
    days: int = INVITE_DAYS,
    actor: str = SYSTEM_ACTOR,
) -> AccountInfo:
    """Send an invitation again (a new link; the earlier ones stop working). Only for an
    account whose password was never set: ValidationError otherwise."""
    account = get_account(uow, account_id)
    if account.has_password:
        raise ValidationError(
            "Akun ini sudah memiliki kata sandi; pegawai dapat memakai 'Lupa kata sandi' "
            "di halaman masuk",
            log_message=f"invitation resent for account {account_id} with a password",
        )
    _invite(uow, account, now, days, actor)
    uow.commit()
    return account


def locked_accounts(uow: UnitOfWork, *, now: datetime) -> set[int]:
    """The ids of the accounts the login throttle holds locked now (too many failures)."""
    return uow.accounts.locked_accounts(now)


@writes
def unlock_account(
    uow: UnitOfWork, account_id: int, *, now: datetime, actor: str = SYSTEM_ACTOR
) -> AccountInfo:
    """Clear the login throttle's lock and failure count of an account (whichever of its
    login, email or NIP was typed), recorded in the admin log."""
    account = get_account(uow, account_id)
    key = throttle_keys("", account.id, None).login
    counted = uow.accounts.throttle(key)
    uow.accounts.forget_throttle(key)
    before = {"terkunci_sampai": None if counted is None else counted.locked_until}
    after = {"terkunci_sampai": None}
    record_admin(
        uow, actor, "account.unlock", account_subject(uow, account), before, after, now=now
    )
    uow.commit()
    return account


def create_administrator(
    uow: UnitOfWork,
    *,
    login: str,
    password: str | None,
    now: datetime,
    days: int = INVITE_DAYS,
    actor: str = SYSTEM_ACTOR,
) -> tuple[AccountInfo, str | None]:
    """An administrator account without an official (the first account of a deployment):
    with the password given, or, when `password` is None, without one and with a one-time
    set-password link's secret returned (to print once). FieldError on `login` (empty,
    malformed, taken) or `password` (the rules of every password)."""
    key = single_line(login, "Login", field="login").strip().lower()
    if not key or len(key) > MAX_LOGIN or any(c.isspace() for c in key):
        raise FieldError(
            "login",
            f"Login wajib diisi, tanpa spasi, paling banyak {MAX_LOGIN} karakter",
            log_message="malformed admin login",
        )
    _free_login(uow, key)
    password_hash = NO_PASSWORD
    if password is not None:
        _password(password, key)
        uow.release()  # no connection held while hashing
        password_hash = uow.passwords.hash(password)
    with uow.writing():
        _free_login(uow, key)
        account = uow.accounts.add_account(
            login=key, password_hash=password_hash, official_id=None, is_admin=True, now=now
        )
        secret = None
        if password is None:
            expires = now + timedelta(days=days)
            secret = uow.accounts.add_link(account.id, LinkPurpose.INVITE, now, expires)
        after = {"login": key, "active": True, "admin": True}
        subject = account_subject(uow, account)
        record_admin(uow, actor, "account.create", subject, None, after, now=now)
        uow.commit()
    return account, secret


@writes
def set_account_active(
    uow: UnitOfWork,
    account_id: int,
    *,
    active: bool,
    by_account_id: int,
    now: datetime,
    actor: str = SYSTEM_ACTOR,
) -> AccountInfo:
    """Deactivate an account (signing it out everywhere and revoking its API tokens, so a
    reactivated account starts without them) or reactivate it; never one's own."""
    account = get_account(uow, account_id)
    if account_id == by_account_id and not active:
        raise ValidationError(
            "Anda tidak dapat menonaktifkan akun Anda sendiri",
            log_message="admin tried to deactivate own account",
        )
    uow.accounts.set_active(account_id, active)
    if not active:
        uow.accounts.end_sessions(account_id, keep=None)
        uow.accounts.revoke_tokens(account_id, now)
    action = "account.activate" if active else "account.deactivate"
    before, after = {"active": account.active}, {"active": active}
    record_admin(uow, actor, action, account_subject(uow, account), before, after, now=now)
    uow.commit()
    return account


def reset_password(
    uow: UnitOfWork,
    account_id: int,
    *,
    password: str,
    now: datetime,
    keep_session: str | None = None,
    actor: str = SYSTEM_ACTOR,
) -> AccountInfo:
    """Set a password typed by the administrator; the account's other browsers are signed
    out (`keep_session`: the raw token of the administrator's own, when it is their account)
    and its API tokens revoked."""
    account = get_account(uow, account_id)
    _password(password, account.login)
    uow.release()  # no connection held while hashing
    password_hash = uow.passwords.hash(password)  # before the write transaction: a hash is slow
    with uow.writing():
        uow.accounts.set_password_hash(account_id, password_hash, changed_at=now)
        uow.accounts.end_sessions(account_id, keep=keep_session)
        uow.accounts.revoke_tokens(account_id, now)
        # Never the password or its hash: only that it was set, and what that ended.
        after = {"sessions": "diakhiri", "tokens": "dicabut"}
        subject = account_subject(uow, account)
        record_admin(uow, actor, "account.password_reset", subject, None, after, now=now)
        uow.commit()
    return account

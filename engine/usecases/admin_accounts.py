"""The administrator's accounts: creating one for an official, (de)activating, new passwords.

Every check comes before any write and names the form field at fault (`FieldError`), so
a refused form writes nothing and shows the message next to that field. Deactivating an
account or setting its password signs it out of its other browsers in the same commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.accounts import MAX_LOGIN, AccountInfo, check_new_password
from engine.errors import FieldError, NotFoundError, ValidationError
from engine.org import Official
from engine.ports import UnitOfWork, writes
from engine.text import single_line
from engine.usecases.audit import SYSTEM_ACTOR, record_admin

__all__ = [
    "AccountForm",
    "account_form",
    "create_official_account",
    "get_account",
    "list_accounts",
    "reset_password",
    "set_account_active",
]


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


def _new_account(uow: UnitOfWork, official_id: int, login: str, password: str) -> str:
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
    if accounts.account_named(key) is not None:
        raise FieldError("login", f"Login '{key}' sudah dipakai", log_message="duplicate login")
    _password(password, key)
    return key


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

"""Accounts, passwords, set-password links, TOTP second factor (engine.ports.AccountRepository;
sessions, tokens, throttle: db/signin.py), argon2id hashing (engine.ports.PasswordHasher; an
unknown login costs a dummy check). Links and recovery codes: only SHA-256; TOTP secrets: kept.
"""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Integer, String, delete, update
from sqlmodel import Field, Session, SQLModel, col, func, or_, select

from db.database import UTCDateTime
from db.models import OfficialRow
from db.organisation import to_official
from db.signin import Account, SqlSignIn, hash_secret, identity
from engine.accounts import (
    NO_PASSWORD,
    AccountInfo,
    AccountLink,
    Credentials,
    LinkPurpose,
    SecondFactorInfo,
    account_actor,
    login_key,
)
from engine.errors import NotFoundError
from engine.nip import normalise_nip
from engine.org import Official
from engine.workflow import Actor

if TYPE_CHECKING:
    from argon2 import PasswordHasher


def find_account(session: Session, login: str) -> Account | None:
    """The account of a login name, an official's email or an 18-digit NIP."""
    key = login_key(login)
    if not key:
        return None
    account = session.exec(select(Account).where(func.lower(Account.login) == key)).first()
    if account is not None:
        return account
    official = session.exec(
        select(OfficialRow).where(
            or_(col(OfficialRow.nip) == key, func.lower(OfficialRow.email) == key)
        )
    ).first()
    if official is None:
        return None
    return session.exec(select(Account).where(Account.official_id == official.id)).first()


def to_account(row: Account) -> AccountInfo:
    """Map a row to the engine's account (without its password hash)."""
    assert row.id is not None
    return AccountInfo(
        row.id, row.login, row.official_id, row.is_admin, row.active, row.password_changed_at,
        has_password=row.password_hash != NO_PASSWORD,
    )  # fmt: skip


def _credentials(row: Account | None) -> Credentials | None:
    return None if row is None else Credentials(to_account(row), row.password_hash)


class SecondFactor(SQLModel, table=True):
    """An account's TOTP secret; `enabled_at` None while enrolment awaits its first code.
    `last_step`: the time step of the last code accepted (a code is accepted once)."""

    __tablename__ = "second_factor"

    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id"), primary_key=True, autoincrement=False)
    )
    secret: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    enabled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_step: int | None = None


class RecoveryCode(SQLModel, table=True):
    """A one-time recovery code of the second factor (only its SHA-256)."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id"), nullable=False, index=True)
    )
    code_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class AccountLinkRow(SQLModel, table=True):
    """A one-time set-password link (invitation or "lupa kata sandi"): only its SHA-256."""

    __tablename__ = "account_link"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id"), nullable=False, index=True)
    )
    purpose: str = Field(sa_column=Column(String(10), nullable=False))
    secret_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


def _recovery_code() -> str:
    """Ten letters and digits in two groups of five, easy to copy from paper."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    text = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{text[:5]}-{text[5:]}"


RECOVERY_CODES = 10


class SqlAccounts(SqlSignIn):
    """Accounts as the use cases ask for them (engine.ports.AccountRepository; signing in
    is `SqlSignIn`'s)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def resolve_actor(self, who: str) -> Actor:
        """An actor from a NIP (grouped or not) or an account login; admin rights from the
        account (NotFoundError when nobody answers to `who`)."""
        session = self.session
        text = who.strip()
        official: OfficialRow | None = None
        account = session.exec(select(Account).where(Account.login == text.lower())).first()
        if account is not None and account.official_id is not None:
            official = session.get(OfficialRow, account.official_id)
        elif account is None:
            digits = "".join(text.split())
            if digits.isdigit():
                official = session.exec(
                    select(OfficialRow).where(OfficialRow.nip == normalise_nip(digits))
                ).first()
                if official is not None:
                    account = session.exec(
                        select(Account).where(Account.official_id == official.id)
                    ).first()
            if official is None:
                raise NotFoundError(
                    f"Pegawai atau akun '{who}' tidak ditemukan",
                    log_message=f"unknown actor {who!r}",
                )
        return account_actor(text, bool(account and account.is_admin), identity(official))

    # --- signing in and out -------------------------------------------------------------

    def credentials(self, login: str) -> Credentials | None:
        """The account a login name, an official's email or an 18-digit NIP names."""
        return _credentials(find_account(self.session, login))

    def credentials_of(self, account_id: int) -> Credentials | None:
        """The account with this id, with its password hash."""
        return _credentials(self.session.get(Account, account_id))

    def set_password_hash(
        self, account_id: int, password_hash: str, *, changed_at: datetime | None
    ) -> None:
        """Store a new password hash (and when it changed, unless it is the same password)."""
        values: dict[str, object] = {"password_hash": password_hash}
        if changed_at is not None:
            values["password_changed_at"] = changed_at
        this = col(Account.id) == account_id
        self.session.execute(update(Account).where(this).values(values))

    # --- the administrator's ------------------------------------------------------------

    def accounts(self) -> list[tuple[AccountInfo, Official | None]]:
        """Every account with its official, by login (and whether its second factor is on)."""
        rows = self.session.exec(
            select(Account, OfficialRow)
            .join(OfficialRow, col(Account.official_id) == col(OfficialRow.id), isouter=True)
            .order_by(col(Account.login))
        )
        enabled = select(SecondFactor.account_id).where(col(SecondFactor.enabled_at).is_not(None))
        on = set(self.session.exec(enabled))
        return [
            (
                replace(to_account(account), second_factor_on=account.id in on),
                None if official is None else to_official(official),
            )
            for account, official in rows
        ]

    def account_named(self, login: str) -> AccountInfo | None:
        """The account whose login is `login`, in lower case."""
        query = select(Account).where(func.lower(Account.login) == login.lower())
        row = self.session.exec(query).first()
        return None if row is None else to_account(row)

    def account_of(self, official_id: int) -> AccountInfo | None:
        """The account of an official."""
        row = self.session.exec(select(Account).where(Account.official_id == official_id)).first()
        return None if row is None else to_account(row)

    def officials_without_account(self) -> list[Official]:
        """Officials with no account, by name."""
        taken = select(Account.official_id).where(col(Account.official_id).is_not(None))
        rows = self.session.exec(
            select(OfficialRow)
            .where(col(OfficialRow.id).not_in(taken))
            .order_by(col(OfficialRow.name))
        )
        return [to_official(row) for row in rows]

    def add_account(
        self,
        *,
        login: str,
        password_hash: str,
        official_id: int | None,
        is_admin: bool,
        now: datetime,
    ) -> AccountInfo:
        """Store a new account."""
        row = Account(
            login=login,
            official_id=official_id,
            password_hash=password_hash,
            is_admin=is_admin,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return to_account(row)

    def set_active(self, account_id: int, active: bool) -> None:
        """Let the account sign in, or stop it."""
        this = col(Account.id) == account_id
        self.session.execute(update(Account).where(this).values(active=active))

    # --- one-time set-password links -------------------------------------------------------

    def add_link(
        self, account_id: int, purpose: LinkPurpose, now: datetime, expires_at: datetime
    ) -> str:
        """A new link's random secret (only its SHA-256 is kept); earlier unused ones end."""
        earlier = col(AccountLinkRow.account_id) == account_id
        self.session.execute(update(AccountLinkRow).where(earlier).values(expires_at=now))
        secret = secrets.token_urlsafe(32)
        self.session.add(
            AccountLinkRow(
                account_id=account_id, purpose=purpose.value, secret_hash=hash_secret(secret),
                created_at=now, expires_at=expires_at,
            )
        )  # fmt: skip
        self.session.flush()
        return secret

    def link(self, secret: str) -> AccountLink | None:
        """The link with this raw secret, used or not."""
        query = select(AccountLinkRow).where(AccountLinkRow.secret_hash == hash_secret(secret))
        row = self.session.exec(query).first()
        if row is None or row.id is None:
            return None
        purpose, expires = LinkPurpose(row.purpose), row.expires_at
        return AccountLink(row.id, row.account_id, purpose, row.created_at, expires, row.used_at)

    def spend_link(self, link_id: int, now: datetime) -> bool:
        """Mark the link used unless it already was (one conditional update)."""
        unused = (col(AccountLinkRow.id) == link_id) & col(AccountLinkRow.used_at).is_(None)
        statement = update(AccountLinkRow).where(unused).values(used_at=now)
        return bool(self.session.execute(statement).rowcount)  # type: ignore[attr-defined]

    # --- the second factor ---------------------------------------------------------------

    def second_factor(self, account_id: int) -> SecondFactorInfo | None:
        """The account's TOTP secret and whether it is on, with its recovery codes left."""
        row = self.session.get(SecondFactor, account_id)
        if row is None:
            return None
        left = self.session.exec(
            select(RecoveryCode.id).where(
                RecoveryCode.account_id == account_id, col(RecoveryCode.used_at).is_(None)
            )
        ).all()
        return SecondFactorInfo(row.secret, row.enabled_at, row.last_step, len(left))

    def start_second_factor(self, account_id: int, now: datetime) -> str:
        """A new random secret awaiting its first code (replacing any earlier one)."""
        import pyotp  # here: every command imports this module (db.migrate's tables)

        secret = pyotp.random_base32(32)
        self.remove_second_factor(account_id)
        self.session.add(SecondFactor(account_id=account_id, secret=secret, created_at=now))
        self.session.flush()
        return secret

    def enable_second_factor(self, account_id: int, step: int, now: datetime) -> list[str]:
        """Switch the second factor on (its first code was right, at `step`): new recovery
        codes, returned raw to be shown once."""
        self.session.execute(
            update(SecondFactor)
            .where(col(SecondFactor.account_id) == account_id)
            .values(enabled_at=now, last_step=step)
        )
        self.session.execute(delete(RecoveryCode).where(col(RecoveryCode.account_id) == account_id))
        codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
        for code in codes:
            code_hash = hash_secret(code.replace("-", ""))
            self.session.add(RecoveryCode(account_id=account_id, code_hash=code_hash))
        self.session.flush()
        return codes

    def accept_step(self, account_id: int, step: int) -> bool:
        """Take the code of time step `step` unless it or a later one was taken (one
        conditional update: two parallel uses of one code cannot both pass)."""
        statement = (
            update(SecondFactor)
            .where(
                col(SecondFactor.account_id) == account_id,
                col(SecondFactor.last_step).is_(None) | (col(SecondFactor.last_step) < step),
            )
            .values(last_step=step)
        )
        return bool(self.session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def use_recovery_code(self, account_id: int, code: str, now: datetime) -> bool:
        """Spend an unused recovery code of the account; False if there is none such."""
        normalised = "".join(code.lower().split()).replace("-", "")
        statement = (
            update(RecoveryCode)
            .where(
                col(RecoveryCode.account_id) == account_id,
                col(RecoveryCode.code_hash) == hash_secret(normalised),
                col(RecoveryCode.used_at).is_(None),
            )
            .values(used_at=now)
        )
        return bool(self.session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def remove_second_factor(self, account_id: int) -> None:
        """Switch the second factor off: forget the secret and the recovery codes."""
        self.session.execute(delete(RecoveryCode).where(col(RecoveryCode.account_id) == account_id))
        self.session.execute(delete(SecondFactor).where(col(SecondFactor.account_id) == account_id))


# --- passwords -------------------------------------------------------------------------


@cache
def _hasher() -> PasswordHasher:
    """The argon2 hasher, imported on first use: every command imports this module for its
    tables (db.migrate), and argon2 takes about 0.1 s to import."""
    from argon2 import PasswordHasher

    return PasswordHasher()


_HASHING = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))
"""At most half the cores hash at once: a login flood queues behind itself, not the pages."""


@cache
def _dummy_hash() -> str:
    """Verified against when the login is unknown, so both paths cost one argon2 check (made
    on first use, not at import: hashing is slow by design and every CLI run imports this)."""
    return _hasher().hash("kinerja-dummy-password")


class Argon2Passwords:
    """argon2id hashes of passwords, with the library's current parameters (`_HASHING`)."""

    def hash(self, password: str) -> str:
        """A new hash of `password`."""
        with _HASHING:
            return _hasher().hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches; None (no account) costs a check against a dummy hash."""
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            with _HASHING:
                usable = password_hash if password_hash != NO_PASSWORD else None
                return _hasher().verify(usable or _dummy_hash(), password) and bool(usable)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than today's."""
        return _hasher().check_needs_rehash(password_hash)


PASSWORDS = Argon2Passwords()
"""The one hasher (stateless: shared by every unit of work)."""

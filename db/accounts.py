"""Accounts, sessions, API tokens, the login throttle (`engine.ports.AccountRepository`) and
password hashing (`engine.ports.PasswordHasher`): storage only, the rules are engine's. Of
sessions and tokens only the SHA-256 is stored; passwords are hashed with argon2id, and an
unknown login is checked against a dummy hash all the same.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from datetime import datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, bindparam, delete, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.auth_models import ApiToken, LoginThrottle, WebSession
from db.models import Account, OfficialRow
from db.organisation import to_official
from engine.accounts import (
    AccountInfo,
    ApiTokenInfo,
    Credentials,
    Throttle,
    account_actor,
    session_live,
    throttle_key,
    token_use_due,
)
from engine.errors import NotFoundError
from engine.nip import normalise_nip
from engine.org import Official
from engine.ports import SignedIn
from engine.workflow import Actor

TOKEN_PREFIX = "knj_"  # noqa: S105 (a label, not a secret)


def hash_secret(value: str) -> str:
    """SHA-256 hex of a session or token value: what the database keeps."""
    return hashlib.sha256(value.encode()).hexdigest()


def find_account(session: Session, login: str) -> Account | None:
    """The account of a login name, an official's email or an 18-digit NIP."""
    key = throttle_key(login)
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


def create_token(
    session: Session, account_id: int, name: str, now: datetime
) -> tuple[str, ApiToken]:
    """A new personal API token: the raw value (shown once) and its row."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        account_id=account_id,
        name=name,
        token_hash=hash_secret(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        created_at=now,
    )
    session.add(row)
    session.flush()
    return raw, row


_WEB_SESSION = WebSession.metadata.tables["web_session"]
_ACCOUNT = Account.metadata.tables["account"]
_OFFICIAL = OfficialRow.metadata.tables["official"]


@cache
def _session_query() -> Select[Any]:
    """A session with its account and official, by the session's hash (built once)."""
    w, a, o = _WEB_SESSION.c, _ACCOUNT.c, _OFFICIAL.c
    columns = (
        w.csrf_token, w.expires_at, a.id.label("account_id"), a.login, a.is_admin, a.active,
        a.official_id, o.name, o.nip,
    )  # fmt: skip
    joined = _WEB_SESSION.join(_ACCOUNT, a.id == w.account_id)
    joined = joined.outerjoin(_OFFICIAL, o.id == a.official_id)
    return sa_select(*columns).select_from(joined).where(w.id == bindparam("session_id"))


def actor_of(session: Session, account: Account) -> Actor:
    """The workflow actor of an account."""
    official = (
        None if account.official_id is None else session.get(OfficialRow, account.official_id)
    )
    return account_actor(account.login, account.is_admin, _identity(official))


def _identity(row: OfficialRow | None) -> tuple[int, str, str | None] | None:
    """An official row as `engine.accounts.account_actor` takes it."""
    return None if row is None or row.id is None else (row.id, row.name, row.nip)


def to_account(row: Account) -> AccountInfo:
    """Map a row to the engine's account (without its password hash)."""
    assert row.id is not None
    return AccountInfo(
        row.id, row.login, row.official_id, row.is_admin, row.active, row.password_changed_at
    )


def _token(row: ApiToken) -> ApiTokenInfo:
    assert row.id is not None
    return ApiTokenInfo(
        row.id, row.account_id, row.name, row.prefix, row.created_at, row.last_used_at,
        row.revoked_at,
    )  # fmt: skip


def _credentials(row: Account | None) -> Credentials | None:
    return None if row is None else Credentials(to_account(row), row.password_hash)


class SqlAccounts:
    """Accounts as the use cases ask for them (engine.ports.AccountRepository)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def signed_in(self, token: str, now: datetime) -> SignedIn | None:
        """The live session of an active account with this raw session token, or None: one
        query (every page asks)."""
        params = {"session_id": hash_secret(token)}
        row = self.session.connection().execute(_session_query(), params).first()
        if row is None or not session_live(row.expires_at, row.active, now):
            return None
        official = None if row.official_id is None else (row.official_id, row.name, row.nip)
        actor = account_actor(row.login, row.is_admin, official)
        return SignedIn(row.account_id, row.login, actor, row.csrf_token)

    def token_user(self, raw: str, now: datetime) -> SignedIn | None:
        """The active account of a live (unrevoked) API token, or None; only reads."""
        session = self.session
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_secret(raw))).first()
        if row is None or row.revoked_at is not None:
            return None
        account = session.get(Account, row.account_id)
        if account is None or not account.active:
            return None
        assert account.id is not None
        due = token_use_due(row.last_used_at, now)
        return SignedIn(account.id, account.login, actor_of(session, account), "", due)

    def note_token_use(self, raw: str, now: datetime) -> None:
        """Note the token's use now."""
        self.session.execute(
            update(ApiToken)
            .where(col(ApiToken.token_hash) == hash_secret(raw))
            .values(last_used_at=now)
        )

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
        return account_actor(text, bool(account and account.is_admin), _identity(official))

    # --- signing in and out -------------------------------------------------------------

    def credentials(self, login: str) -> Credentials | None:
        """The account a login name, an official's email or an 18-digit NIP names."""
        return _credentials(find_account(self.session, login))

    def credentials_of(self, account_id: int) -> Credentials | None:
        """The account with this id, with its password hash."""
        return _credentials(self.session.get(Account, account_id))

    def throttle(self, key: str) -> Throttle | None:
        """The failures counted for a typed login."""
        row = self.session.get(LoginThrottle, key)
        return None if row is None else Throttle(row.failures, row.locked_until)

    def save_throttle(self, key: str, throttle: Throttle | None, now: datetime) -> None:
        """Keep the throttle of a typed login; None forgets it."""
        row = self.session.get(LoginThrottle, key)
        if throttle is None:
            if row is not None:
                self.session.delete(row)
        else:
            row = row or LoginThrottle(login=key, failures=0, updated_at=now)
            row.failures, row.locked_until, row.updated_at = (
                throttle.failures,
                throttle.locked_until,
                now,
            )
            self.session.add(row)
        self.session.flush()

    def set_password_hash(
        self, account_id: int, password_hash: str, *, changed_at: datetime | None
    ) -> None:
        """Store a new password hash (and when it changed, unless it is the same password)."""
        row = self.session.get(Account, account_id)
        assert row is not None
        row.password_hash = password_hash
        if changed_at is not None:
            row.password_changed_at = changed_at
        self.session.add(row)
        self.session.flush()

    def start_session(self, account_id: int, now: datetime, expires_at: datetime) -> str:
        """A new session row; the raw token for the cookie."""
        token = secrets.token_urlsafe(32)
        self.session.add(
            WebSession(
                id=hash_secret(token),
                account_id=account_id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=expires_at,
            )
        )
        self.session.flush()
        return token

    def end_session(self, token: str) -> None:
        """Forget the session with this raw token."""
        self.session.execute(delete(WebSession).where(col(WebSession.id) == hash_secret(token)))

    def end_sessions(self, account_id: int, *, keep: str | None) -> int:
        """Forget every session of the account but the one with the raw token `keep`."""
        statement = delete(WebSession).where(col(WebSession.account_id) == account_id)
        if keep is not None:
            statement = statement.where(col(WebSession.id) != hash_secret(keep))
        return int(self.session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]

    # --- personal API tokens ------------------------------------------------------------

    def add_token(self, account_id: int, name: str, now: datetime) -> str:
        """A new token: its raw value."""
        return create_token(self.session, account_id, name, now)[0]

    def tokens(self, account_id: int) -> list[ApiTokenInfo]:
        """The account's tokens, newest first, revoked ones included."""
        query = (
            select(ApiToken)
            .where(ApiToken.account_id == account_id)
            .order_by(col(ApiToken.id).desc())
        )
        return [_token(row) for row in self.session.exec(query)]

    def token(self, token_id: int) -> ApiTokenInfo | None:
        """A token by id."""
        row = self.session.get(ApiToken, token_id)
        return None if row is None else _token(row)

    def revoke_token(self, token_id: int, now: datetime) -> None:
        """Mark a token revoked."""
        row = self.session.get(ApiToken, token_id)
        assert row is not None
        row.revoked_at = now
        self.session.add(row)
        self.session.flush()

    # --- the administrator's ------------------------------------------------------------

    def accounts(self) -> list[tuple[AccountInfo, Official | None]]:
        """Every account with its official, by login."""
        rows = self.session.exec(
            select(Account, OfficialRow)
            .join(OfficialRow, col(Account.official_id) == col(OfficialRow.id), isouter=True)
            .order_by(col(Account.login))
        )
        return [
            (to_account(account), None if official is None else to_official(official))
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
        row = self.session.get(Account, account_id)
        assert row is not None
        row.active = active
        self.session.add(row)
        self.session.flush()


# --- passwords -------------------------------------------------------------------------

_HASHER = PasswordHasher()
_HASHING = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))
"""At most half the cores hash at once: a login flood queues behind itself, not the pages."""


@cache
def _dummy_hash() -> str:
    """Verified against when the login is unknown, so both paths cost one argon2 check (made
    on first use, not at import: hashing is slow by design and every CLI run imports this)."""
    return _HASHER.hash("kinerja-dummy-password")


class Argon2Passwords:
    """argon2id hashes of passwords, with the library's current parameters (`_HASHING`)."""

    def hash(self, password: str) -> str:
        """A new hash of `password`."""
        with _HASHING:
            return _HASHER.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches; None (no account) costs a check against a dummy hash."""
        try:
            with _HASHING:
                return _HASHER.verify(password_hash or _dummy_hash(), password) and bool(
                    password_hash
                )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than today's."""
        return _HASHER.check_needs_rehash(password_hash)


PASSWORDS = Argon2Passwords()
"""The one hasher (stateless: shared by every unit of work)."""

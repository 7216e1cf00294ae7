"""Signing in: the tables of accounts, browser sessions, personal API tokens and the login
throttle, and the storage of sessions, tokens and the throttle (the half of
`engine.ports.AccountRepository` that is about staying signed in; db/accounts.py holds the
accounts' reads and writes, their passwords and second factor).

Secrets are never stored: a session or token row is keyed by the SHA-256 of the random
value the client holds, so a copy of the database cannot be replayed.

The throttle counts failures with one upsert, so parallel guesses on PostgreSQL each count
and none meets a duplicate key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    Select,
    String,
    bindparam,
    case,
    delete,
    false,
    true,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel, col, select

from db.database import UTCDateTime
from db.models import OfficialRow
from engine.accounts import (
    ApiTokenInfo,
    Throttle,
    TokenScope,
    account_actor,
    session_live,
    token_live,
    token_use_due,
)
from engine.ports import SignedIn
from engine.workflow import Actor

TOKEN_PREFIX = "knj_"  # noqa: S105 (a label, not a secret)


def hash_secret(value: str) -> str:
    """SHA-256 hex of a session, token or recovery-code value: what the database keeps."""
    return hashlib.sha256(value.encode()).hexdigest()


# --- tables ----------------------------------------------------------------------------


class Account(SQLModel, table=True):
    """A login, tied to an official (or an administrator without one)."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    official_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("official.id"), unique=True)
    )
    password_hash: str = Field(sa_column=Column(String(200), nullable=False))
    is_admin: bool = False
    active: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    password_changed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class WebSession(SQLModel, table=True):
    """A signed-in browser; deleted on logout, and by the scheduler once it expired.

    `second_factor_pending`: the password was right but the TOTP code is still to come; such
    a session signs nobody in (only the code page reads it)."""

    __tablename__ = "web_session"

    id: str = Field(sa_column=Column(String(64), primary_key=True))
    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id"), nullable=False, index=True)
    )
    csrf_token: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    second_factor_pending: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )


class ApiToken(SQLModel, table=True):
    """A personal token for the JSON API, created and revoked by its owner; it expires, and
    it may only read (scope "read") or also write ("write")."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id"), nullable=False, index=True)
    )
    name: str = Field(sa_column=Column(String(100), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    prefix: str = Field(sa_column=Column(String(16), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    scope: str = Field(
        default=TokenScope.WRITE.value,
        sa_column=Column(String(10), nullable=False, server_default=TokenScope.WRITE.value),
    )


class LoginThrottle(SQLModel, table=True):
    """Failed logins per key (`engine.accounts.throttle_keys`: an account, an unknown typed
    login, or a client address)."""

    __tablename__ = "login_throttle"

    login: str = Field(sa_column=Column(String(254), primary_key=True))
    failures: int = 0
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# --- queries ---------------------------------------------------------------------------


@cache
def _session_query() -> Select[Any]:
    """A session with its account and official, by the session's hash (built once)."""
    w = WebSession.metadata.tables["web_session"]
    a = Account.metadata.tables["account"]
    o = OfficialRow.metadata.tables["official"]
    columns = (
        w.c.csrf_token, w.c.expires_at, w.c.second_factor_pending, a.c.id.label("account_id"),
        a.c.login, a.c.is_admin, a.c.active, a.c.official_id, o.c.name, o.c.nip,
    )  # fmt: skip
    joined = w.join(a, a.c.id == w.c.account_id).outerjoin(o, o.c.id == a.c.official_id)
    return sa_select(*columns).select_from(joined).where(w.c.id == bindparam("session_id"))


def create_token(
    session: Session,
    account_id: int,
    name: str,
    now: datetime,
    *,
    expires_at: datetime | None = None,
    scope: TokenScope = TokenScope.WRITE,
) -> tuple[str, ApiToken]:
    """A new personal API token: the raw value (shown once) and its row."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        account_id=account_id,
        name=name,
        token_hash=hash_secret(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        created_at=now,
        expires_at=expires_at,
        scope=scope.value,
    )
    session.add(row)
    session.flush()
    return raw, row


def _token(row: ApiToken) -> ApiTokenInfo:
    assert row.id is not None
    return ApiTokenInfo(
        row.id, row.account_id, row.name, row.prefix, row.created_at, row.last_used_at,
        row.revoked_at, row.expires_at, TokenScope(row.scope),
    )  # fmt: skip


def actor_of(session: Session, account: Account) -> Actor:
    """The workflow actor of an account."""
    official = (
        None if account.official_id is None else session.get(OfficialRow, account.official_id)
    )
    return account_actor(account.login, account.is_admin, identity(official))


def identity(row: OfficialRow | None) -> tuple[int, str, str | None] | None:
    """An official row as `engine.accounts.account_actor` takes it."""
    return None if row is None or row.id is None else (row.id, row.name, row.nip)


class SqlSignIn:
    """Sessions, tokens and the throttle (mixed into `SqlAccounts`)."""

    session: Session

    # --- browser sessions ----------------------------------------------------------------

    def signed_in(self, token: str, now: datetime) -> SignedIn | None:
        """The live, fully signed-in session of an active account with this raw token, or
        None: one query (every page asks)."""
        params = {"session_id": hash_secret(token)}
        row = self.session.connection().execute(_session_query(), params).first()
        if row is None or row.second_factor_pending:
            return None
        if not session_live(row.expires_at, row.active, now):
            return None
        official = None if row.official_id is None else (row.official_id, row.name, row.nip)
        actor = account_actor(row.login, row.is_admin, official)
        return SignedIn(row.account_id, row.login, actor, row.csrf_token)

    def pending_session(self, token: str, now: datetime) -> tuple[int, str] | None:
        """(account id, CSRF token) of a live session still waiting for its TOTP code."""
        params = {"session_id": hash_secret(token)}
        row = self.session.connection().execute(_session_query(), params).first()
        if row is None or not row.second_factor_pending:
            return None
        if not session_live(row.expires_at, row.active, now):
            return None
        return row.account_id, row.csrf_token

    def start_session(
        self, account_id: int, now: datetime, expires_at: datetime, *, pending: bool = False
    ) -> str:
        """A new session row; the raw token for the cookie."""
        token = secrets.token_urlsafe(32)
        self.session.add(
            WebSession(
                id=hash_secret(token),
                account_id=account_id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=expires_at,
                second_factor_pending=pending,
            )
        )
        self.session.flush()
        return token

    def confirm_session(self, token: str) -> None:
        """The TOTP code was right: the pending session signs its account in."""
        self.session.execute(
            update(WebSession)
            .where(col(WebSession.id) == hash_secret(token))
            .values(second_factor_pending=False)
        )

    def end_session(self, token: str) -> None:
        """Forget the session with this raw token."""
        self.session.execute(delete(WebSession).where(col(WebSession.id) == hash_secret(token)))

    def end_sessions(self, account_id: int, *, keep: str | None) -> int:
        """Forget every session of the account but the one with the raw token `keep`."""
        statement = delete(WebSession).where(col(WebSession.account_id) == account_id)
        if keep is not None:
            statement = statement.where(col(WebSession.id) != hash_secret(keep))
        return int(self.session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]

    def delete_expired_sessions(self, now: datetime) -> int:
        """Delete the sessions that expired before `now`."""
        statement = delete(WebSession).where(col(WebSession.expires_at) <= now)
        return int(self.session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]

    # --- the login throttle --------------------------------------------------------------

    def throttle(self, key: str) -> Throttle | None:
        """The failures counted for a key."""
        row = self.session.get(LoginThrottle, key)
        return None if row is None else Throttle(row.failures, row.locked_until)

    def count_failure(
        self, key: str, now: datetime, *, max_failures: int, lock: timedelta
    ) -> Throttle:
        """Count one more failure for `key` in one statement (an upsert): the failure that
        reaches `max_failures` locks the key until `now + lock` and starts the count afresh."""
        table = LoginThrottle.metadata.tables["login_throttle"]
        locked_until = now + lock
        first_locks = max_failures <= 1
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(table).values(
            login=key,
            failures=0 if first_locks else 1,
            locked_until=locked_until if first_locks else None,
            updated_at=now,
        )
        reaches = table.c.failures + 1 >= max_failures
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.login],
            set_={
                "failures": case((reaches, 0), else_=table.c.failures + 1),
                "locked_until": case((reaches, locked_until), else_=table.c.locked_until),
                "updated_at": now,
            },
        )
        self.session.execute(statement)
        self.session.expire_all()
        counted = self.throttle(key)
        assert counted is not None
        return counted

    def forget_throttle(self, key: str) -> None:
        """Forget the failures of a key (a successful login)."""
        self.session.execute(delete(LoginThrottle).where(col(LoginThrottle.login) == key))

    def locked_accounts(self, now: datetime) -> set[int]:
        """The accounts the login throttle holds locked (keys "akun:ID")."""
        accounts = select(LoginThrottle.login).where(col(LoginThrottle.login).startswith("akun:"))
        keys = self.session.exec(accounts.where(col(LoginThrottle.locked_until) > now))
        return {int(key.removeprefix("akun:")) for key in keys}

    def delete_stale_throttles(self, now: datetime, *, idle: timedelta) -> int:
        """Delete the throttle rows not touched for `idle` and not locked any more."""
        statement = delete(LoginThrottle).where(
            col(LoginThrottle.updated_at) <= now - idle,
            (col(LoginThrottle.locked_until).is_(None)) | (col(LoginThrottle.locked_until) <= now),
        )
        return int(self.session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]

    # --- personal API tokens -------------------------------------------------------------

    def token_user(self, raw: str, now: datetime) -> SignedIn | None:
        """The active account of a live (unrevoked, unexpired) API token, or None; only
        reads."""
        session = self.session
        row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_secret(raw))).first()
        if row is None or not token_live(row.revoked_at, row.expires_at, now):
            return None
        account = session.get(Account, row.account_id)
        if account is None or not account.active:
            return None
        assert account.id is not None
        due = token_use_due(row.last_used_at, now)
        read_only = row.scope == TokenScope.READ.value
        actor = actor_of(session, account)
        return SignedIn(account.id, account.login, actor, "", due, read_only=read_only)

    def note_token_use(self, raw: str, now: datetime) -> None:
        """Note the token's use now."""
        self.session.execute(
            update(ApiToken)
            .where(col(ApiToken.token_hash) == hash_secret(raw))
            .values(last_used_at=now)
        )

    def add_token(
        self,
        account_id: int,
        name: str,
        now: datetime,
        *,
        expires_at: datetime | None = None,
        scope: TokenScope = TokenScope.WRITE,
    ) -> str:
        """A new token: its raw value."""
        return create_token(
            self.session, account_id, name, now, expires_at=expires_at, scope=scope
        )[0]

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
        self.session.execute(
            update(ApiToken).where(col(ApiToken.id) == token_id).values(revoked_at=now)
        )

    def revoke_tokens(self, account_id: int, now: datetime) -> int:
        """Revoke every live token of the account; how many."""
        statement = (
            update(ApiToken)
            .where(col(ApiToken.account_id) == account_id, col(ApiToken.revoked_at).is_(None))
            .values(revoked_at=now)
        )
        return int(self.session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]

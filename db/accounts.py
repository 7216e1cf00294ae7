"""Accounts, sessions, API tokens and the login throttle (`engine.ports.AccountRepository`).

Sessions and tokens are random values whose SHA-256 is stored, never the value itself,
so a copy of the database cannot be replayed. The rules (the throttle, what a password
must be, whose token may be revoked) are engine.usecases.accounts'; this is storage.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.auth_models import ApiToken, LoginThrottle, WebSession
from db.models import Account, OfficialRow
from db.organisation import to_official
from engine.accounts import AccountInfo, ApiTokenInfo, Credentials, Throttle, throttle_key
from engine.errors import NotFoundError
from engine.nip import normalise_nip
from engine.org import Official
from engine.ports import SignedIn
from engine.workflow import Actor

TOKEN_PREFIX = "knj_"  # noqa: S105 (a label, not a secret)
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


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


def load_session(session: Session, token: str, now: datetime) -> SignedIn | None:
    """The live session of an active account, or None: one query (every page asks)."""
    query, params = _session_query(), {"session_id": hash_secret(token)}
    row = session.connection().execute(query, params).first()
    if row is None or row.expires_at <= now or not row.active:
        return None
    if row.official_id is None:
        actor = Actor(None, "Administrator" if row.is_admin else row.login, None, row.is_admin)
    else:
        actor = Actor(row.official_id, row.name, row.nip, row.is_admin)
    return SignedIn(row.account_id, row.login, actor, row.csrf_token)


_WEB_SESSION = WebSession.metadata.tables["web_session"]
_ACCOUNT = Account.metadata.tables["account"]
_OFFICIAL = OfficialRow.metadata.tables["official"]


@cache
def _session_query() -> Select[Any]:
    w, a, o = _WEB_SESSION.c, _ACCOUNT.c, _OFFICIAL.c
    return (
        sa_select(
            w.csrf_token,
            w.expires_at,
            a.id.label("account_id"),
            a.login,
            a.is_admin,
            a.active,
            a.official_id,
            o.name,
            o.nip,
        )
        .select_from(
            _WEB_SESSION.join(_ACCOUNT, a.id == w.account_id).outerjoin(
                _OFFICIAL, o.id == a.official_id
            )
        )
        .where(w.id == bindparam("session_id"))
    )


def token_account(session: Session, raw: str, now: datetime) -> Account | None:
    """The active account of a live token (and note its use), or None."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_secret(raw))).first()
    if row is None or row.revoked_at is not None:
        return None
    account = session.get(Account, row.account_id)
    if account is None or not account.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION:
        row.last_used_at = now  # at most one write a minute per token, not one per request
        session.add(row)
    return account


def actor_of(session: Session, account: Account) -> Actor:
    """The workflow actor of an account."""
    official = (
        None if account.official_id is None else session.get(OfficialRow, account.official_id)
    )
    if official is None:
        return Actor(
            None, "Administrator" if account.is_admin else account.login, None, account.is_admin
        )
    return Actor(official.id, official.name, official.nip, account.is_admin)


def to_account(row: Account) -> AccountInfo:
    """Map a row to the engine's account (without its password hash)."""
    assert row.id is not None
    return AccountInfo(
        row.id, row.login, row.official_id, row.is_admin, row.active, row.password_changed_at
    )


def _token(row: ApiToken) -> ApiTokenInfo:
    assert row.id is not None
    return ApiTokenInfo(
        row.id,
        row.account_id,
        row.name,
        row.prefix,
        row.created_at,
        row.last_used_at,
        row.revoked_at,
    )


def _credentials(row: Account | None) -> Credentials | None:
    return None if row is None else Credentials(to_account(row), row.password_hash)


class SqlAccounts:
    """Accounts as the use cases ask for them (engine.ports.AccountRepository)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def signed_in(self, token: str, now: datetime) -> SignedIn | None:
        """The live session of an active account with this raw session token, or None."""
        return load_session(self.session, token, now)

    def token_user(self, raw: str, now: datetime) -> SignedIn | None:
        """The account of a live API token (its use noted at most once a minute), or None."""
        account = token_account(self.session, raw, now)
        if account is None:
            return None
        assert account.id is not None
        return SignedIn(account.id, account.login, actor_of(self.session, account), "")

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
        is_admin = bool(account and account.is_admin)
        if official is None:
            return Actor(None, "Administrator" if is_admin else text, None, is_admin)
        return Actor(official.id, official.name, official.nip, is_admin)

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

"""Accounts and sign-in: passwords (argon2), the login throttle, sessions and API tokens.

A failed login says only "wrong login or password", whether or not the account
exists; the throttle counts failures per typed login, so a locked-out name
behaves the same known or unknown. Sessions and tokens are random values whose
SHA-256 is stored, never the value itself.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, bindparam, delete, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.auth_models import ApiToken, LoginThrottle, WebSession
from db.models import Account, OfficialRow
from engine.errors import KinerjaError, NotFoundError, ValidationError
from engine.nip import normalise_nip
from engine.ports import SignedIn
from engine.workflow import Actor

HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the login is unknown, so both paths cost one argon2 check.

    Made on first use, not at import: hashing is slow by design and every CLI run imports this.
    """
    return HASHER.hash("kinerja-dummy-password")


MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "knj_"  # noqa: S105 (a label, not a secret)
WRONG_LOGIN = "NIP/email atau kata sandi salah"
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


class LoginRefusedError(KinerjaError):
    """Wrong login or password, or too many attempts (the message never says which account)."""


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures lock a login, and for how long."""

    max_failures: int = 5
    lock_minutes: int = 15


def hash_secret(value: str) -> str:
    """SHA-256 hex of a session or token value: what the database keeps."""
    return hashlib.sha256(value.encode()).hexdigest()


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return HASHER.hash(password)


def throttle_key(login: str) -> str:
    """The typed login as the throttle counts it: lower case, NIP without spaces."""
    text = login.strip().lower()
    digits = "".join(text.split())
    return digits if digits.isdigit() else text


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


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class LoginResult:
    """The account signed in, or the refusal to show (never which part was wrong)."""

    account: Account | None
    refusal: LoginRefusedError | None = None


def authenticate(
    session: Session, login: str, password: str, now: datetime, policy: ThrottlePolicy
) -> LoginResult:
    """Check a login and password, counting failures; the caller commits either way."""
    key = throttle_key(login)[:254]
    throttle = session.get(LoginThrottle, key)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        minutes = max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)
        return LoginResult(
            None,
            LoginRefusedError(
                f"Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {minutes} menit",
                log_message=f"login locked for {key!r}",
            ),
        )
    account = find_account(session, login)
    good = _verify(account.password_hash if account else _dummy_hash(), password)
    if account is None or not good or not account.active:
        if throttle is None:
            throttle = LoginThrottle(login=key, failures=0, updated_at=now)
        throttle.failures += 1
        throttle.updated_at = now
        if throttle.failures >= policy.max_failures:
            throttle.locked_until = now + timedelta(minutes=policy.lock_minutes)
            throttle.failures = 0
        session.add(throttle)
        session.flush()
        return LoginResult(
            None, LoginRefusedError(WRONG_LOGIN, log_message=f"failed login for {key!r}")
        )
    if throttle is not None:
        session.delete(throttle)
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
        session.add(account)
    session.flush()
    return LoginResult(account)


def start_session(
    session: Session, account: Account, now: datetime, lifetime: timedelta
) -> tuple[str, WebSession]:
    """A new session: the raw token for the cookie, and its row."""
    assert account.id is not None
    token = secrets.token_urlsafe(32)
    row = WebSession(
        id=hash_secret(token),
        account_id=account.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.flush()
    return token, row


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


def end_session(session: Session, token: str) -> None:
    """Forget a session (logout)."""
    session.execute(delete(WebSession).where(col(WebSession.id) == hash_secret(token)))


def end_other_sessions(session: Session, account_id: int, keep: str | None) -> int:
    """Sign out every other browser of an account (after a password change)."""
    statement = delete(WebSession).where(col(WebSession.account_id) == account_id)
    if keep is not None:
        statement = statement.where(col(WebSession.id) != hash_secret(keep))
    return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


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


def change_password(
    session: Session, account: Account, current: str, new: str, now: datetime
) -> None:
    """Replace the password after checking the current one."""
    if not _verify(account.password_hash, current):
        raise ValidationError("Kata sandi saat ini salah", log_message="wrong current password")
    check_new_password(new, login=account.login)
    if _verify(account.password_hash, new):
        raise ValidationError(
            "Kata sandi baru harus berbeda dari yang lama", log_message="password unchanged"
        )
    account.password_hash = hash_password(new)
    account.password_changed_at = now
    session.add(account)
    session.flush()


def create_account(
    session: Session,
    *,
    login: str,
    password: str,
    now: datetime,
    official_id: int | None = None,
    is_admin: bool = False,
) -> Account:
    """An account for an official (or an administrator without one)."""
    login = login.strip().lower()
    if not login or len(login) > 254:
        raise ValidationError("Login wajib diisi", log_message="empty login")
    check_new_password(password, login=login)
    if session.exec(select(Account).where(func.lower(Account.login) == login)).first():
        raise ValidationError(f"Login '{login}' sudah dipakai", log_message="duplicate login")
    if official_id is not None:
        if session.get(OfficialRow, official_id) is None:
            raise NotFoundError("Pegawai tidak ditemukan", log_message=f"official {official_id}")
        if session.exec(select(Account).where(Account.official_id == official_id)).first():
            raise ValidationError(
                "Pegawai ini sudah memiliki akun", log_message="official has an account"
            )
    if official_id is None and not is_admin:
        raise ValidationError(
            "Akun tanpa pegawai hanya untuk administrator",
            log_message="non-admin account without official",
        )
    account = Account(
        login=login,
        official_id=official_id,
        password_hash=hash_password(password),
        is_admin=is_admin,
        created_at=now,
    )
    session.add(account)
    session.flush()
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


def create_token(
    session: Session, account_id: int, name: str, now: datetime
) -> tuple[str, ApiToken]:
    """A new personal API token: the raw value (shown once) and its row."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError(
            "Nama token wajib diisi (paling banyak 100 karakter)", log_message="bad token name"
        )
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


def list_tokens(session: Session, account_id: int) -> list[ApiToken]:
    """The account's tokens, newest first (revoked ones included, marked)."""
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.account_id == account_id)
            .order_by(col(ApiToken.id).desc())
        )
    )


def revoke_token(session: Session, account_id: int, token_id: int, now: datetime) -> ApiToken:
    """Revoke one of the account's own tokens."""
    row = session.get(ApiToken, token_id)
    if row is None or row.account_id != account_id:
        raise NotFoundError("Token tidak ditemukan", log_message=f"token {token_id} not found")
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        session.flush()
    return row


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

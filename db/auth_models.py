"""Tables of sign-in: browser sessions, personal API tokens and the login throttle.

Secrets are never stored: a session or token row is keyed by the SHA-256 of the
random value the client holds, so a copy of the database cannot be replayed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from db.database import UTCDateTime


class WebSession(SQLModel, table=True):
    """A signed-in browser; deleted on logout, ignored after it expires."""

    __tablename__ = "web_session"

    id: str = Field(sa_column=Column(String(64), primary_key=True))
    account_id: int = Field(
        sa_column=Column(Integer, ForeignKey("account.id"), nullable=False, index=True)
    )
    csrf_token: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ApiToken(SQLModel, table=True):
    """A personal token for the JSON API, created and revoked by its owner."""

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


class LoginThrottle(SQLModel, table=True):
    """Failed logins per typed login (known or not, so the lockout reveals nothing)."""

    __tablename__ = "login_throttle"

    login: str = Field(sa_column=Column(String(254), primary_key=True))
    failures: int = 0
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))

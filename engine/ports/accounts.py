"""Accounts, sign-in and passwords; the administrator's officials, assignments, position
titles and holidays."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from engine.accounts import (
    AccountInfo,
    AccountLink,
    ApiTokenInfo,
    Credentials,
    LinkPurpose,
    SecondFactorInfo,
    Throttle,
    TokenScope,
)
from engine.capaian import CapaianRules
from engine.holiday_table import HolidayDay
from engine.org import Official, Position, PositionRole
from engine.staff import AdminCounts, AssignmentLine, AssignmentRecord
from engine.workflow import Actor

# --- accounts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    """A live browser session: its account, the actor it is and its CSRF token."""

    account_id: int
    login: str
    actor: Actor
    csrf_token: str
    use_due: bool = False
    """For an API token: its last use is older than a minute and should be noted."""
    read_only: bool = False
    """For an API token of scope "read": it may not change anything."""


class AccountRepository(Protocol):
    """Accounts and the officials they are."""

    def signed_in(self, token: str, now: datetime) -> SignedIn | None:
        """The live session of an active account with this raw session token, or None."""
        ...

    def token_user(self, raw: str, now: datetime) -> SignedIn | None:
        """The account of a live personal API token, or None (only reads; `use_due` says
        whether its last use should be noted)."""
        ...

    def note_token_use(self, raw: str, now: datetime) -> None:
        """Note the token's use now."""
        ...

    def resolve_actor(self, who: str) -> Actor:
        """The actor a NIP (grouped or not) or an account login names (NotFoundError if none)."""
        ...

    # signing in and out

    def credentials(self, login: str) -> Credentials | None:
        """The account a login name, an official's email or an 18-digit NIP names."""
        ...

    def credentials_of(self, account_id: int) -> Credentials | None:
        """The account with this id, with its password hash."""
        ...

    def throttle(self, key: str) -> Throttle | None:
        """The failures counted for a throttle key (`engine.accounts.throttle_keys`)."""
        ...

    def count_failure(
        self, key: str, now: datetime, *, max_failures: int, lock: timedelta
    ) -> Throttle:
        """Count one more failure atomically (`engine.accounts.after_failure`'s rule): the
        throttle as it stands after it."""
        ...

    def forget_throttle(self, key: str) -> None:
        """Forget the failures of a key (a successful login)."""
        ...

    def delete_stale_throttles(self, now: datetime, *, idle: timedelta) -> int:
        """Delete the throttle rows untouched for `idle` and no longer locked; how many."""
        ...

    def set_password_hash(
        self, account_id: int, password_hash: str, *, changed_at: datetime | None
    ) -> None:
        """Store a new password hash (`changed_at` None: the same password, hashed anew)."""
        ...

    def start_session(
        self, account_id: int, now: datetime, expires_at: datetime, *, pending: bool = False
    ) -> str:
        """A new browser session: the raw token for the cookie (only its SHA-256 is kept).
        `pending`: it waits for the TOTP code and signs nobody in until `confirm_session`."""
        ...

    def pending_session(self, token: str, now: datetime) -> tuple[int, str] | None:
        """(account id, CSRF token) of a live session still waiting for its TOTP code."""
        ...

    def confirm_session(self, token: str) -> None:
        """The TOTP code was right: the pending session signs its account in."""
        ...

    def end_session(self, token: str) -> None:
        """Forget the session with this raw token."""
        ...

    def end_sessions(self, account_id: int, *, keep: str | None) -> int:
        """Forget every session of the account but the one with the raw token `keep`."""
        ...

    def delete_expired_sessions(self, now: datetime) -> int:
        """Delete the sessions that expired; how many."""
        ...

    # personal API tokens

    def add_token(
        self,
        account_id: int,
        name: str,
        now: datetime,
        *,
        expires_at: datetime | None = None,
        scope: TokenScope = TokenScope.WRITE,
    ) -> str:
        """A new token of the account: its raw value, shown once (only its SHA-256 is kept)."""
        ...

    def tokens(self, account_id: int) -> list[ApiTokenInfo]:
        """The account's tokens, newest first, revoked ones included."""
        ...

    def token(self, token_id: int) -> ApiTokenInfo | None:
        """A token by id, whoever owns it."""
        ...

    def revoke_token(self, token_id: int, now: datetime) -> None:
        """Mark a token revoked as of `now`."""
        ...

    def revoke_tokens(self, account_id: int, now: datetime) -> int:
        """Revoke every live token of the account; how many."""
        ...

    # the second factor

    def second_factor(self, account_id: int) -> SecondFactorInfo | None:
        """The account's TOTP second factor, on or awaiting its first code; None if none."""
        ...

    def start_second_factor(self, account_id: int, now: datetime) -> str:
        """A new random TOTP secret awaiting its first code (replacing any earlier one)."""
        ...

    def enable_second_factor(self, account_id: int, step: int, now: datetime) -> list[str]:
        """Switch it on (the first code, of time step `step`, was right): new recovery codes,
        returned raw to be shown once (only their SHA-256 is kept)."""
        ...

    def accept_step(self, account_id: int, step: int) -> bool:
        """Take a code of time step `step`, atomically, unless it or a later one was taken."""
        ...

    def use_recovery_code(self, account_id: int, code: str, now: datetime) -> bool:
        """Spend an unused recovery code; False if the account has none such."""
        ...

    def remove_second_factor(self, account_id: int) -> None:
        """Switch the second factor off and forget its secret and recovery codes."""
        ...

    # the administrator's

    def accounts(self) -> list[tuple[AccountInfo, Official | None]]:
        """Every account with its official (None for an administrator without one), by login."""
        ...

    def account_named(self, login: str) -> AccountInfo | None:
        """The account whose login is `login` (compared in lower case)."""
        ...

    def account_of(self, official_id: int) -> AccountInfo | None:
        """The account of an official, if any."""
        ...

    def officials_without_account(self) -> list[Official]:
        """The officials who have no account yet, by name."""
        ...

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
        ...

    def set_active(self, account_id: int, active: bool) -> None:
        """Let the account sign in, or stop it."""
        ...

    def locked_accounts(self, now: datetime) -> set[int]:
        """The accounts the login throttle holds locked at `now`."""
        ...

    # --- one-time set-password links ---------------------------------------------------------

    def add_link(
        self, account_id: int, purpose: LinkPurpose, now: datetime, expires_at: datetime
    ) -> str:
        """A new link's random secret (only its SHA-256 is stored); the account's earlier
        unused links end."""
        ...

    def link(self, secret: str) -> AccountLink | None:
        """The link with this raw secret, used or not."""
        ...

    def spend_link(self, link_id: int, now: datetime) -> bool:
        """Mark the link used unless it already was (one conditional update)."""
        ...


class PasswordHasher(Protocol):
    """Password hashing (argon2 in db/): slow by design, never reversible."""

    def hash(self, password: str) -> str:
        """A new hash of `password`."""
        ...

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches the hash (False for a malformed one).

        None (no such account) is checked against a dummy hash all the same and is False:
        an unknown login costs as much time as a known one.
        """
        ...

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than today's."""
        ...


# --- the administrator's: officials, assignments, position titles, holidays ----------------


class AdminRepository(Protocol):
    """Officials, their assignments and the positions' titles as the administrator keeps
    them, and the overview's counts."""

    def counts(self, today: date) -> AdminCounts:
        """The overview's counts as of `today` (the outbox's by `OutboxStatus`)."""
        ...

    def officials(self) -> list[Official]:
        """Every official, by name."""
        ...

    def official(self, official_id: int) -> Official | None:
        """The official with this id."""
        ...

    def official_with_nip(self, nip: str) -> Official | None:
        """The official with this NIP (18 bare digits)."""
        ...

    def official_with_email(self, email: str) -> Official | None:
        """An official with this email (compared in lower case)."""
        ...

    def add_official(self, *, nip: str, name: str, email: str) -> Official:
        """Store a new official."""
        ...

    def update_official(self, official: Official) -> None:
        """Store an official's name and email."""
        ...

    def position(self, position_id: int) -> Position | None:
        """The position with this id."""
        ...

    def rename_position(self, position_id: int, title: str) -> None:
        """Store a position's new title."""
        ...

    def set_position_role(self, position_id: int, role: PositionRole | None) -> None:
        """Store the duty the administrator gives a position (None: none)."""
        ...

    def assignment(self, assignment_id: int) -> AssignmentRecord | None:
        """The assignment with this id."""
        ...

    def assignments(
        self, *, official_id: int | None = None, position_id: int | None = None
    ) -> list[AssignmentLine]:
        """Assignments (of an official, of a position) with their official and position, in
        tree order then by start."""
        ...

    def same_assignment(
        self, official_id: int, position_id: int, status: str, valid_from: date
    ) -> AssignmentRecord | None:
        """The assignment with exactly these official, position, status and start."""
        ...

    def definitif_assignments(
        self, position_id: int, *, excluding: int | None
    ) -> list[AssignmentRecord]:
        """The position's definitif assignments (but `excluding`), after locking the position
        so that two administrators cannot both pass the one-definitif-holder check."""
        ...

    def capaian_rules(self, year: int) -> CapaianRules | None:
        """The capaian rules the regency set for `year`; None when it set none."""
        ...

    def put_capaian_rules(self, year: int, rules: CapaianRules, now: datetime) -> bool:
        """Store the rules of `year`, replacing any; False when there is no regency yet."""
        ...

    def add_assignment(
        self,
        *,
        official_id: int,
        position_id: int,
        status: str,
        valid_from: date,
        valid_to: date | None,
        decree: str | None,
    ) -> AssignmentRecord | None:
        """Store a new assignment; None when the database's one-open-definitif-holder index
        refused it (the transaction must then be rolled back)."""
        ...

    def set_assignment_end(self, assignment_id: int, valid_to: date) -> bool:
        """Store an assignment's last day; False when the one-open-definitif-holder index
        refused it (the transaction must then be rolled back)."""
        ...


class HolidayRepository(Protocol):
    """The holiday table, and the published Indonesian calendar it is seeded from."""

    def days(self, *, year: int | None, include_removed: bool) -> list[HolidayDay]:
        """Holidays in date order (of one year), removed ones too if asked."""
        ...

    def day(self, day: date) -> HolidayDay | None:
        """The row of a day, active or removed."""
        ...

    def put(self, holiday: HolidayDay, now: datetime) -> None:
        """Store a day (insert, or replace what the row says)."""
        ...

    def seed(self, years: Iterable[int], now: datetime) -> int:
        """Insert the published holidays and cuti bersama of `years` that the table has no
        row for (a day the admin removed or renamed stays as it is); how many were new."""
        ...

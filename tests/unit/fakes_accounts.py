"""In-memory accounts, officials, assignments and holidays for the use-case unit tests.

The officials and positions are the small agency of tests/unit/fakes.py; `FakePasswords`
"hashes" by prefixing, so a test reads which password a hash is of, and counts checks
(an unknown login must cost one all the same).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta

from engine.accounts import (
    NO_PASSWORD,
    AccountInfo,
    AccountLink,
    ApiTokenInfo,
    Credentials,
    LinkPurpose,
    SecondFactorInfo,
    Throttle,
    TokenScope,
    after_failure,
    login_key,
    token_live,
)
from engine.capaian import CapaianRules
from engine.holiday_table import SEED, HolidayDay
from engine.org import AssignmentStatus, Official, OrgTree, Position, PositionRole
from engine.ports import SignedIn
from engine.staff import AdminCounts, AssignmentLine, AssignmentRecord
from engine.workflow import Actor
from tests.unit.fakes import ASSIGNMENTS, OFFICIALS, POSITIONS, TREE, FakeUnitOfWork

CURRENT = "v2:"
"""The prefix of a hash made with today's parameters; any other needs rehashing."""


class FakePasswords:
    """engine.ports.PasswordHasher: readable "hashes", every check counted."""

    def __init__(self) -> None:
        self.checks: list[str | None] = []

    def hash(self, password: str) -> str:
        return CURRENT + password

    def verify(self, password_hash: str | None, password: str) -> bool:
        self.checks.append(password_hash)
        if password_hash is None or ":" not in password_hash:  # no account, or NO_PASSWORD
            return False
        return password_hash.partition(":")[2] == password

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(CURRENT)


class FakeAccounts:
    """engine.ports.AccountRepository in memory (the parts the account use cases call)."""

    def __init__(self, officials: Mapping[int, Official]) -> None:
        self.officials = officials
        self.rows: dict[int, Credentials] = {}
        self.throttles: dict[str, Throttle] = {}
        self.sessions: dict[str, tuple[int, datetime]] = {}
        self.pending: set[str] = set()
        self.api_tokens: dict[int, ApiTokenInfo] = {}
        self.factors: dict[int, SecondFactorInfo] = {}
        self.recovery: dict[int, dict[str, datetime | None]] = {}
        self.links: dict[str, AccountLink] = {}
        self.secrets = iter(
            ["JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"]
        )

    def add(self, login: str, password_hash: str, **fields: object) -> AccountInfo:
        account = AccountInfo(
            len(self.rows) + 1,
            login,
            fields.pop("official_id", None),  # type: ignore[arg-type]
            bool(fields.pop("is_admin", False)),
            bool(fields.pop("active", True)),
            has_password=password_hash != NO_PASSWORD,
        )
        self.rows[account.id] = Credentials(account, password_hash)
        return account

    def signed_in(self, token: str, now: datetime) -> SignedIn | None:
        if token in self.pending:
            return None
        account_id, expires_at = self.sessions.get(token, (0, now))
        return self._user(account_id, f"csrf-{token}") if expires_at > now else None

    def pending_session(self, token: str, now: datetime) -> tuple[int, str] | None:
        account_id, expires_at = self.sessions.get(token, (0, now))
        if token not in self.pending or expires_at <= now:
            return None
        return account_id, f"csrf-{token}"

    def confirm_session(self, token: str) -> None:
        self.pending.discard(token)

    def token_user(self, raw: str, now: datetime) -> SignedIn | None:
        token = self.api_tokens.get(int(raw.removeprefix("knj_rahasia") or 0))
        if token is None or not token_live(token.revoked_at, token.expires_at, now):
            return None
        user = self._user(token.account_id, "")
        due = token.last_used_at is None or now - token.last_used_at >= timedelta(minutes=1)
        read_only = token.scope is TokenScope.READ
        return None if user is None else replace(user, use_due=due, read_only=read_only)

    def note_token_use(self, raw: str, now: datetime) -> None:
        token = self.api_tokens[int(raw.removeprefix("knj_rahasia") or 0)]
        self.api_tokens[token.id] = replace(token, last_used_at=now)

    def _user(self, account_id: int, csrf: str) -> SignedIn | None:
        found = self.rows.get(account_id)
        if found is None or not found.account.active:
            return None
        account = found.account
        official = self.officials.get(account.official_id or 0)
        name = official.name if official else "Administrator"
        actor = Actor(
            account.official_id, name, official.nip if official else None, account.is_admin
        )
        return SignedIn(account.id, account.login, actor, csrf)

    def credentials(self, login: str) -> Credentials | None:
        key = login_key(login)
        if not key:
            return None
        for found in self.rows.values():
            if found.account.login.lower() == key:
                return found
        for official in self.officials.values():
            if key in (official.nip, official.email.lower()):
                return next(
                    (c for c in self.rows.values() if c.account.official_id == official.id), None
                )
        return None

    def credentials_of(self, account_id: int) -> Credentials | None:
        return self.rows.get(account_id)

    def throttle(self, key: str) -> Throttle | None:
        return self.throttles.get(key)

    def count_failure(
        self, key: str, now: datetime, *, max_failures: int, lock: timedelta
    ) -> Throttle:
        counted = after_failure(self.throttles.get(key), now, max_failures=max_failures, lock=lock)
        self.throttles[key] = counted
        return counted

    def forget_throttle(self, key: str) -> None:
        self.throttles.pop(key, None)

    def delete_stale_throttles(self, now: datetime, *, idle: timedelta) -> int:
        gone = [
            k for k, t in self.throttles.items() if t.locked_until is None or t.locked_until <= now
        ]
        for key in gone:
            del self.throttles[key]
        return len(gone)

    def delete_expired_sessions(self, now: datetime) -> int:
        gone = [t for t, (_, expires_at) in self.sessions.items() if expires_at <= now]
        for token in gone:
            del self.sessions[token]
        return len(gone)

    def set_password_hash(
        self, account_id: int, password_hash: str, *, changed_at: datetime | None
    ) -> None:
        account = replace(self.rows[account_id].account, has_password=password_hash != NO_PASSWORD)
        if changed_at is not None:
            account = replace(account, password_changed_at=changed_at)
        self.rows[account_id] = Credentials(account, password_hash)

    def start_session(
        self, account_id: int, now: datetime, expires_at: datetime, *, pending: bool = False
    ) -> str:
        token = f"sesi-{len(self.sessions) + 1}"
        self.sessions[token] = (account_id, expires_at)
        if pending:
            self.pending.add(token)
        return token

    def end_session(self, token: str) -> None:
        self.sessions.pop(token, None)

    def end_sessions(self, account_id: int, *, keep: str | None) -> int:
        gone = [t for t, (a, _) in self.sessions.items() if a == account_id and t != keep]
        for token in gone:
            del self.sessions[token]
        return len(gone)

    def add_token(
        self,
        account_id: int,
        name: str,
        now: datetime,
        *,
        expires_at: datetime | None = None,
        scope: TokenScope = TokenScope.WRITE,
    ) -> str:
        token_id = len(self.api_tokens) + 1
        self.api_tokens[token_id] = ApiTokenInfo(
            token_id, account_id, name, "knj_abc", now, expires_at=expires_at, scope=scope
        )
        return f"knj_rahasia{token_id}"

    def tokens(self, account_id: int) -> list[ApiTokenInfo]:
        mine = [t for t in self.api_tokens.values() if t.account_id == account_id]
        return sorted(mine, key=lambda t: -t.id)

    def token(self, token_id: int) -> ApiTokenInfo | None:
        return self.api_tokens.get(token_id)

    def revoke_token(self, token_id: int, now: datetime) -> None:
        self.api_tokens[token_id] = replace(self.api_tokens[token_id], revoked_at=now)

    def revoke_tokens(self, account_id: int, now: datetime) -> int:
        live = [
            t for t in self.api_tokens.values() if t.account_id == account_id and not t.revoked_at
        ]
        for token in live:
            self.revoke_token(token.id, now)
        return len(live)

    def second_factor(self, account_id: int) -> SecondFactorInfo | None:
        found = self.factors.get(account_id)
        if found is None:
            return None
        left = sum(1 for used in self.recovery.get(account_id, {}).values() if used is None)
        return replace(found, recovery_left=left)

    def start_second_factor(self, account_id: int, now: datetime) -> str:
        secret = next(self.secrets)
        self.remove_second_factor(account_id)
        self.factors[account_id] = SecondFactorInfo(secret, None, None, 0)
        return secret

    def enable_second_factor(self, account_id: int, step: int, now: datetime) -> list[str]:
        self.factors[account_id] = replace(self.factors[account_id], enabled_at=now, last_step=step)
        codes = [f"pulih-{account_id}-{n}" for n in range(10)]
        self.recovery[account_id] = dict.fromkeys(codes)
        return codes

    def accept_step(self, account_id: int, step: int) -> bool:
        factor = self.factors[account_id]
        if factor.last_step is not None and factor.last_step >= step:
            return False
        self.factors[account_id] = replace(factor, last_step=step)
        return True

    def use_recovery_code(self, account_id: int, code: str, now: datetime) -> bool:
        codes = self.recovery.get(account_id, {})
        if code.strip() not in codes or codes[code.strip()] is not None:
            return False
        codes[code.strip()] = now
        return True

    def remove_second_factor(self, account_id: int) -> None:
        self.factors.pop(account_id, None)
        self.recovery.pop(account_id, None)

    def accounts(self) -> list[tuple[AccountInfo, Official | None]]:
        rows = sorted((c.account for c in self.rows.values()), key=lambda a: a.login)
        return [(a, self.officials.get(a.official_id or 0)) for a in rows]

    def account_named(self, login: str) -> AccountInfo | None:
        return next(
            (c.account for c in self.rows.values() if c.account.login.lower() == login.lower()),
            None,
        )

    def account_of(self, official_id: int) -> AccountInfo | None:
        return next(
            (c.account for c in self.rows.values() if c.account.official_id == official_id), None
        )

    def officials_without_account(self) -> list[Official]:
        taken = {c.account.official_id for c in self.rows.values()}
        free = [o for o in self.officials.values() if o.id not in taken]
        return sorted(free, key=lambda o: o.name)

    def add_account(
        self,
        *,
        login: str,
        password_hash: str,
        official_id: int | None,
        is_admin: bool,
        now: datetime,
    ) -> AccountInfo:
        return self.add(login, password_hash, official_id=official_id, is_admin=is_admin)

    def set_active(self, account_id: int, active: bool) -> None:
        found = self.rows[account_id]
        self.rows[account_id] = replace(found, account=replace(found.account, active=active))

    def locked_accounts(self, now: datetime) -> set[int]:
        return {
            int(key.removeprefix("akun:"))
            for key, counted in self.throttles.items()
            if key.startswith("akun:") and counted.locked_until and counted.locked_until > now
        }

    def add_link(
        self, account_id: int, purpose: LinkPurpose, now: datetime, expires_at: datetime
    ) -> str:
        for secret, link in self.links.items():
            if link.account_id == account_id:
                self.links[secret] = replace(link, expires_at=now)
        secret = f"rahasia-{len(self.links) + 1}"
        self.links[secret] = AccountLink(
            len(self.links) + 1, account_id, purpose, now, expires_at, None
        )
        return secret

    def link(self, secret: str) -> AccountLink | None:
        return self.links.get(secret)

    def spend_link(self, link_id: int, now: datetime) -> bool:
        for secret, link in self.links.items():
            if link.id == link_id and link.used_at is None:
                self.links[secret] = replace(link, used_at=now)
                return True
        return False


class FakeAdmin:
    """engine.ports.AdminRepository in memory, over the small agency."""

    def __init__(self, counts: AdminCounts | None = None) -> None:
        self.officials_by_id = {o.id: o for o in OFFICIALS}
        self.positions = {p.id: p for p in POSITIONS}
        self.records = {
            n: AssignmentRecord(n, a.official_id, a.position_id, a.status, a.valid_from)
            for n, a in enumerate(ASSIGNMENTS, start=1)
        }
        self.locked: list[int] = []
        self.refuse_writes = False
        """Answer writes as the database's unique index would refuse them."""
        self.counted_on: list[date] = []
        self._counts = counts or AdminCounts(3, 3, 3, 2, 16, 1, 0)
        self.rules: dict[int, CapaianRules] = {}
        """The capaian rules per year; `has_regency` False answers writes as db/admin.py
        does before an organisation is imported."""
        self.has_regency = True

    def counts(self, today: date) -> AdminCounts:
        self.counted_on.append(today)
        return self._counts

    def officials(self) -> list[Official]:
        return sorted(self.officials_by_id.values(), key=lambda o: o.name)

    def official(self, official_id: int) -> Official | None:
        return self.officials_by_id.get(official_id)

    def official_with_nip(self, nip: str) -> Official | None:
        return next((o for o in self.officials_by_id.values() if o.nip == nip), None)

    def official_with_email(self, email: str) -> Official | None:
        found = (o for o in self.officials_by_id.values() if o.email.lower() == email.lower())
        return next(found, None)

    def add_official(self, *, nip: str, name: str, email: str) -> Official:
        official = Official(max(self.officials_by_id) + 1, nip, name, email)
        self.officials_by_id[official.id] = official
        return official

    def update_official(self, official: Official) -> None:
        self.officials_by_id[official.id] = official

    def position(self, position_id: int) -> Position | None:
        return self.positions.get(position_id)

    def rename_position(self, position_id: int, title: str) -> None:
        self.positions[position_id] = replace(self.positions[position_id], title=title)

    def set_position_role(self, position_id: int, role: PositionRole | None) -> None:
        self.positions[position_id] = replace(self.positions[position_id], role=role)

    def assignment(self, assignment_id: int) -> AssignmentRecord | None:
        return self.records.get(assignment_id)

    def assignments(
        self, *, official_id: int | None = None, position_id: int | None = None
    ) -> list[AssignmentLine]:
        return [
            (r, self.officials_by_id[r.official_id], self.positions[r.position_id])
            for r in sorted(self.records.values(), key=lambda r: (r.position_id, r.valid_from))
            if official_id in (None, r.official_id) and position_id in (None, r.position_id)
        ]

    def same_assignment(
        self, official_id: int, position_id: int, status: str, valid_from: date
    ) -> AssignmentRecord | None:
        key = (official_id, position_id, status, valid_from)
        found = (
            r
            for r in self.records.values()
            if (r.official_id, r.position_id, r.status.value, r.valid_from) == key
        )
        return next(found, None)

    def definitif_assignments(
        self, position_id: int, *, excluding: int | None
    ) -> list[AssignmentRecord]:
        self.locked.append(position_id)
        return [
            r
            for r in self.records.values()
            if r.position_id == position_id
            and r.status is AssignmentStatus.DEFINITIF
            and r.id != excluding
        ]

    def add_assignment(self, **fields: object) -> AssignmentRecord | None:
        if self.refuse_writes:
            return None
        record = AssignmentRecord(max(self.records) + 1, **fields)  # type: ignore[arg-type]
        record = replace(record, status=AssignmentStatus(record.status))
        self.records[record.id] = record
        return record

    def capaian_rules(self, year: int) -> CapaianRules | None:
        return self.rules.get(year)

    def put_capaian_rules(self, year: int, rules: CapaianRules, now: datetime) -> bool:
        if not self.has_regency:
            return False
        self.rules[year] = rules
        return True

    def set_assignment_end(self, assignment_id: int, valid_to: date) -> bool:
        if self.refuse_writes:
            return False
        self.records[assignment_id] = replace(self.records[assignment_id], valid_to=valid_to)
        return True


class FakeOrganisation:
    """The one thing the admin's use cases ask of the organisation: its tree."""

    def __init__(self, tree: OrgTree = TREE) -> None:
        self._tree = tree

    def tree(self) -> OrgTree:
        return self._tree


class FakeHolidays:
    """engine.ports.HolidayRepository in memory, with a published calendar of its own."""

    def __init__(self, published: Mapping[date, tuple[str, str]], *days: HolidayDay) -> None:
        self.published = published
        self.rows = {d.day: d for d in days}
        self.stamps: dict[date, datetime] = {}

    def days(self, *, year: int | None, include_removed: bool) -> list[HolidayDay]:
        return [
            d
            for day, d in sorted(self.rows.items())
            if (year is None or day.year == year) and (include_removed or d.active)
        ]

    def day(self, day: date) -> HolidayDay | None:
        return self.rows.get(day)

    def put(self, holiday: HolidayDay, now: datetime) -> None:
        self.rows[holiday.day] = holiday
        self.stamps[holiday.day] = now

    def seed(self, years: Iterable[int], now: datetime) -> int:
        wanted = {d: v for d, v in self.published.items() if d.year in set(years)}
        new = [d for d in wanted if d not in self.rows]
        for day in new:
            name, category = wanted[day]
            self.put(HolidayDay(day, name, category, SEED), now)
        return len(new)


def account_uow(**repositories: object) -> FakeUnitOfWork:
    """A unit of work with the accounts, the officials and the password hasher."""
    admin = repositories.pop("admin", None) or FakeAdmin()
    assert isinstance(admin, FakeAdmin)
    accounts = repositories.pop("accounts", None) or FakeAccounts(admin.officials_by_id)
    return FakeUnitOfWork(
        accounts=accounts,
        admin=admin,
        passwords=FakePasswords(),
        organisation=FakeOrganisation(),
        **repositories,
    )

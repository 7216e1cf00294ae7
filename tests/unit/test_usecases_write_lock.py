"""The slow work of a use case runs outside its write transaction.

A password hash (a third of a second), an evidence file written to disk: on SQLite the
write transaction holds the database's one write lock, so none of them may run inside
`uow.writing()`. A spy around the hasher and the file store records, for every call,
whether the unit of work was writing; the in-memory unit of work refuses a commit made
outside `writing()`, so every commit below is also proven to be inside one.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine.accounts import LoginRefusedError, Throttle, ThrottlePolicy
from engine.policy import Policy
from engine.usecases.accounts import change_password, create_token, sign_in, token_user
from engine.usecases.admin_accounts import create_official_account, reset_password
from engine.usecases.demo import create_demo_accounts
from engine.usecases.evidence import upload_evidence
from engine.workflow import Actor
from tests.unit.fakes import O_KABID, O_KASI, FakeUnitOfWork
from tests.unit.fakes_accounts import FakeAccounts, account_uow
from tests.unit.fakes_documents import DocumentsUnitOfWork, report, tables
from workflows.definitions import MACHINES

NOW = datetime(2021, 4, 1, 2, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(max_failures=3, lock_minutes=15)
LIFETIME = timedelta(hours=12)


class Spy:
    """Wraps a collaborator of the unit of work; records (method, writing?) per call."""

    def __init__(self, inner: Any, uow: FakeUnitOfWork) -> None:
        self.inner, self.uow = inner, uow
        self.calls: list[tuple[str, bool]] = []
        self.before: dict[str, Any] = {}  # method -> a function run before the real call

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, self.uow.in_write))
            if name in self.before:
                self.before[name]()
            return attr(*args, **kwargs)

        return call


def spied(uow: FakeUnitOfWork, name: str) -> Spy:
    spy = Spy(getattr(uow, name), uow)
    uow._repositories[name] = spy
    return spy


def kasi(password_hash: str = "v2:rahasia-dewi") -> tuple[FakeUnitOfWork, FakeAccounts, Spy]:
    uow = account_uow()
    accounts = uow.accounts
    assert isinstance(accounts, FakeAccounts)
    accounts.add("dewi", password_hash, official_id=O_KASI)
    return uow, accounts, spied(uow, "passwords")


def login(uow: FakeUnitOfWork, password: str) -> str:
    return sign_in(uow, "dewi", password, now=NOW, throttle=POLICY, lifetime=LIFETIME).token


def test_signing_in_checks_and_rehashes_the_password_before_taking_the_lock() -> None:
    uow, accounts, hasher = kasi("v1:rahasia-dewi")  # an old hash: renewed on sign-in
    token = login(uow, "rahasia-dewi")
    assert token in accounts.sessions and uow.commits == 1 and uow.writes == 1
    assert hasher.calls == [("verify", False), ("needs_rehash", False), ("hash", False)]
    assert uow.releases == 1  # the connection went back to the pool before the hashes
    assert accounts.rows[1].password_hash == "v2:rahasia-dewi"


def test_a_wrong_password_is_counted_inside_the_lock_and_hashed_outside() -> None:
    uow, accounts, hasher = kasi()
    with pytest.raises(LoginRefusedError):
        login(uow, "salah")
    assert hasher.calls == [("verify", False)]
    assert accounts.throttles["akun:1"] == Throttle(1, None)
    assert uow.commits == 1


def test_a_right_guess_that_finishes_after_the_lock_came_down_is_refused() -> None:
    """Parallel guesses: while this one was being hashed, others locked the login."""
    uow, accounts, hasher = kasi()
    locked = Throttle(0, NOW + timedelta(minutes=15))
    hasher.before["verify"] = lambda: accounts.throttles.__setitem__("akun:1", locked)
    with pytest.raises(LoginRefusedError, match="Terlalu banyak percobaan"):
        login(uow, "rahasia-dewi")
    assert accounts.sessions == {} and uow.commits == 0


def test_changing_ones_password_hashes_before_the_lock() -> None:
    uow, accounts, hasher = kasi()
    change_password(uow, 1, "rahasia-dewi", "kata-sandi-baru-2021", now=NOW, keep_session=None)
    assert uow.commits == 1
    assert hasher.calls and all(not writing for _name, writing in hasher.calls)
    assert accounts.rows[1].password_hash == "v2:kata-sandi-baru-2021"


def test_the_administrators_passwords_are_hashed_before_the_lock() -> None:
    uow, accounts, hasher = kasi()
    reset_password(uow, 1, password="sandi-baru-dari-admin", now=NOW)
    made = create_official_account(
        uow, official_id=O_KABID, login="citra", password="sandi-pertama-citra", now=NOW
    )
    assert made.login == "citra" and uow.commits == 2
    assert accounts.rows[1].password_hash == "v2:sandi-baru-dari-admin"
    assert [call for call in hasher.calls if call[0] == "hash"] == [("hash", False)] * 2


def test_demo_accounts_are_hashed_before_the_lock() -> None:
    uow = account_uow()
    hasher = spied(uow, "passwords")
    added = create_demo_accounts(
        uow, password="demo", admin_login="admin", admin_password="admin", now=NOW
    )
    assert added > 1 and uow.commits == 1
    assert hasher.calls == [("hash", False), ("hash", False)]


def test_an_api_call_only_reads_unless_the_tokens_use_is_due() -> None:
    uow, accounts, _hasher = kasi()
    raw = create_token(uow, 1, "skrip", now=NOW)
    assert uow.writes == 1
    assert token_user(uow, raw, now=NOW) is not None
    assert uow.writes == 2  # first use: noted, in a short write of its own
    assert token_user(uow, raw, now=NOW + timedelta(seconds=30)) is not None
    assert uow.writes == 2  # within the minute: a read, no write transaction at all
    assert token_user(uow, raw, now=NOW + timedelta(minutes=2)) is not None
    assert uow.writes == 3
    assert accounts.api_tokens[1].last_used_at == NOW + timedelta(minutes=2)


def test_an_evidence_file_is_written_before_the_lock_and_recorded_inside() -> None:
    pdf = b"%PDF-1.4\n%%EOF\n"
    db = tables(report(7))
    uow = DocumentsUnitOfWork(db)
    files = spied(uow, "evidence_files")
    kasi_actor = Actor(O_KASI, "Dewi Kasi", "198001012005012003")
    stored = upload_evidence(
        uow, 7, kasi_actor, filename="lap.pdf", data=pdf, now=NOW, policy=Policy(machines=MACHINES)
    )
    assert ("write", False) in files.calls and not any(w for _n, w in files.calls)
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest() and uow.commits == 1
    assert uow.documents.locked == [7]  # the report row held by the write transaction

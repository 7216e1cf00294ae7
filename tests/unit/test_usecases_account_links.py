"""Invitations, "lupa kata sandi", one-time set-password links, unlocking and the first
administrator (engine.usecases.accounts and admin_accounts) against the in-memory unit of
work: what is written, what is sent through the outbox, and what a dead link says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.accounts import NO_PASSWORD, LinkPurpose, LoginRefusedError, ThrottlePolicy
from engine.errors import FieldError, ValidationError
from engine.usecases.account_links import (
    password_link,
    request_password_reset,
    set_password_by_link,
)
from engine.usecases.accounts import sign_in
from engine.usecases.admin_accounts import (
    create_administrator,
    invite_official_account,
    locked_accounts,
    resend_invitation,
    unlock_account,
)
from tests.unit.fakes import O_KABID, O_KASI
from tests.unit.fakes_accounts import FakeAccounts, account_uow

NOW = datetime(2021, 4, 1, 2, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(max_failures=3, lock_minutes=15, address_max_failures=4)


def given() -> tuple:
    uow = account_uow()
    accounts = uow.accounts
    assert isinstance(accounts, FakeAccounts)
    return uow, accounts


def test_an_invitation_makes_an_account_without_password_and_queues_its_email() -> None:
    uow, accounts = given()
    account = invite_official_account(
        uow, official_id=O_KASI, login=" Dewi@Dinas.test ", now=NOW, days=7, actor="admin"
    )
    assert account.login == "dewi@dinas.test"
    assert not account.has_password
    assert accounts.rows[account.id].password_hash == NO_PASSWORD
    (message,) = uow.outbox.messages.values()
    assert message.kind == "account.invite"
    assert message.recipient_email == "dewi@dinas.test"
    assert message.payload["login"] == "dewi@dinas.test"
    assert message.payload["expires_at"] == (NOW + timedelta(days=7)).isoformat()
    secret = message.payload["secret"]
    assert accounts.links[secret].purpose is LinkPurpose.INVITE
    assert [row.action for row in uow.admin_log.rows()] == ["account.create", "account.invite"]
    # No password opens the invited account.
    with pytest.raises(LoginRefusedError):
        sign_in(uow, "dewi@dinas.test", "", now=NOW, throttle=POLICY, lifetime=timedelta(hours=1))
    assert password_link(uow, secret, now=NOW).login == "dewi@dinas.test"


def test_the_invitation_link_sets_the_password_once_and_the_user_signs_in() -> None:
    uow, accounts = given()
    account = invite_official_account(uow, official_id=O_KASI, login="dewi", now=NOW)
    secret = next(iter(uow.outbox.messages.values())).payload["secret"]
    with pytest.raises(FieldError, match="minimal 8") as short:
        set_password_by_link(uow, secret, "pendek", now=NOW)
    assert short.value.field == "password"
    assert set_password_by_link(uow, secret, "sandi-baru-dewi", now=NOW) == "dewi"
    assert accounts.rows[account.id].password_hash == "v2:sandi-baru-dewi"
    assert accounts.rows[account.id].account.has_password
    started = sign_in(
        uow, "dewi", "sandi-baru-dewi", now=NOW, throttle=POLICY, lifetime=timedelta(hours=1)
    )
    assert started.token
    with pytest.raises(ValidationError, match="sudah dipakai"):
        set_password_by_link(uow, secret, "sandi-lain-dewi", now=NOW)
    with pytest.raises(ValidationError, match="sudah dipakai"):
        password_link(uow, secret, now=NOW)
    with pytest.raises(ValidationError, match="tidak dikenal"):
        password_link(uow, "salah", now=NOW)


def test_an_expired_invitation_is_refused_and_a_resent_one_replaces_it() -> None:
    uow, _ = given()
    account = invite_official_account(uow, official_id=O_KASI, login="dewi", now=NOW, days=7)
    first = next(iter(uow.outbox.messages.values())).payload["secret"]
    later = NOW + timedelta(days=7)
    with pytest.raises(ValidationError, match="kedaluwarsa"):
        set_password_by_link(uow, first, "sandi-baru-dewi", now=later)
    resend_invitation(uow, account.id, now=later, days=7, actor="admin")
    assert len(uow.outbox.messages) == 2
    second = [m for m in uow.outbox.messages.values()][-1].payload["secret"]
    assert second != first
    set_password_by_link(uow, second, "sandi-baru-dewi", now=later)
    with pytest.raises(ValidationError, match="sudah memiliki kata sandi"):
        resend_invitation(uow, account.id, now=later)


def test_an_invitation_needs_an_email_and_a_free_login() -> None:
    uow, accounts = given()
    accounts.add("citra", "v2:lama", official_id=O_KABID)
    with pytest.raises(FieldError, match="sudah memiliki akun"):
        invite_official_account(uow, official_id=O_KABID, login="baru", now=NOW)
    with pytest.raises(FieldError, match="sudah dipakai"):
        invite_official_account(uow, official_id=O_KASI, login="citra", now=NOW)
    assert not uow.outbox.messages


def test_forgotten_password_sends_a_link_only_for_a_known_account_and_answers_the_same() -> None:
    uow, accounts = given()
    dewi = accounts.add("dewi", "v2:sandi-lama-dewi", official_id=O_KASI)
    request_password_reset(
        uow, "tidak-ada@dinas.test", now=NOW, throttle=POLICY, address="10.0.0.1"
    )
    assert not uow.outbox.messages
    request_password_reset(uow, "dewi@dinas.test", now=NOW, throttle=POLICY, address="10.0.0.1")
    (message,) = uow.outbox.messages.values()
    assert (message.kind, message.recipient_email) == ("account.reset", "dewi@dinas.test")
    assert message.payload["minutes"] == 60
    # A second request within five minutes sends nothing more (and says the same).
    request_password_reset(uow, "dewi", now=NOW + timedelta(minutes=1), throttle=POLICY)
    assert len(uow.outbox.messages) == 1
    # Each request counted against the address; the fourth locks it, as for signing in.
    request_password_reset(uow, "x", now=NOW, throttle=POLICY, address="10.0.0.1")
    request_password_reset(uow, "y", now=NOW, throttle=POLICY, address="10.0.0.1")
    with pytest.raises(LoginRefusedError, match="alamat ini"):
        request_password_reset(uow, "dewi", now=NOW, throttle=POLICY, address="10.0.0.1")
    # The link: new password, sessions ended, tokens revoked, lock cleared.
    session = accounts.start_session(dewi.id, NOW, NOW + timedelta(hours=1))
    accounts.add_token(dewi.id, "skrip", NOW)
    for _ in range(3):
        with pytest.raises(LoginRefusedError):
            sign_in(uow, "dewi", "salah", now=NOW, throttle=POLICY, lifetime=timedelta(hours=1))
    assert locked_accounts(uow, now=NOW) == {dewi.id}
    set_password_by_link(uow, message.payload["secret"], "sandi-baru-dewi", now=NOW)
    assert accounts.rows[dewi.id].password_hash == "v2:sandi-baru-dewi"
    assert session not in accounts.sessions
    assert all(t.revoked_at is not None for t in accounts.tokens(dewi.id))
    assert locked_accounts(uow, now=NOW) == set()
    sign_in(uow, "dewi", "sandi-baru-dewi", now=NOW, throttle=POLICY, lifetime=timedelta(hours=1))


def test_an_inactive_account_gets_no_reset_email() -> None:
    uow, accounts = given()
    accounts.add("dewi", "v2:lama", official_id=O_KASI, active=False)
    request_password_reset(uow, "dewi", now=NOW, throttle=POLICY)
    assert not uow.outbox.messages


def test_the_admin_unlocks_a_locked_account_and_the_log_says_so() -> None:
    uow, accounts = given()
    dewi = accounts.add("dewi", "v2:sandi-dewi", official_id=O_KASI)
    for _ in range(3):
        with pytest.raises(LoginRefusedError):
            sign_in(uow, "dewi", "salah", now=NOW, throttle=POLICY, lifetime=timedelta(hours=1))
    assert locked_accounts(uow, now=NOW) == {dewi.id}
    unlock_account(uow, dewi.id, now=NOW, actor="admin")
    assert locked_accounts(uow, now=NOW) == set()
    assert list(uow.admin_log.rows())[-1].action == "account.unlock"
    sign_in(uow, "dewi", "sandi-dewi", now=NOW, throttle=POLICY, lifetime=timedelta(hours=1))


def test_the_first_administrator_with_a_password_or_a_link() -> None:
    uow, _ = given()
    admin, secret = create_administrator(uow, login="Admin", password="rahasia-admin", now=NOW)
    assert (admin.login, admin.is_admin, admin.official_id, secret) == ("admin", True, None, None)
    sign_in(uow, "admin", "rahasia-admin", now=NOW, throttle=POLICY, lifetime=timedelta(hours=1))
    with pytest.raises(FieldError, match="sudah dipakai"):
        create_administrator(uow, login="admin", password=None, now=NOW)
    with pytest.raises(FieldError, match="minimal 8"):
        create_administrator(uow, login="kedua", password="pendek", now=NOW)
    second, secret = create_administrator(uow, login="kedua", password=None, now=NOW)
    assert secret is not None and not second.has_password
    assert password_link(uow, secret, now=NOW).purpose is LinkPurpose.INVITE
    set_password_by_link(uow, secret, "sandi-kedua-baru", now=NOW)
    sign_in(uow, "kedua", "sandi-kedua-baru", now=NOW, throttle=POLICY, lifetime=timedelta(hours=1))

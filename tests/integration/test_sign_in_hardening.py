"""Issue 15, items 1, 3 and 12 through the real app: the login throttle under parallel guesses
on both backends (B1), one count per account whichever identifier is typed and a limit per
client address behind trusted proxies only (B10), tokens that expire, have a scope and are
revoked on password change, admin reset and deactivation (B4), and the scheduler's deletion
of expired sessions and idle throttle rows (B14)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from db.accounts import PASSWORDS
from db.migrate import upgrade
from db.models import OfficialRow
from db.signin import Account, ApiToken, LoginThrottle, WebSession
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from kinerja.notify_app import cleanup_tick
from tests.conftest import FIXED_NOW
from tests.integration.conftest import WebClient, container_of, csrf_of, demo_copy
from tests.integration.test_web_pages import KASI
from web.app import create_app

WRONG = "NIP/email atau kata sandi salah"
LOCKED = "Terlalu banyak percobaan masuk yang gagal"
PASSWORD = "rahasia-dewi-2021"
PARALLEL = 20
WAIT = 60.0


def post_login(client: TestClient, login: str, password: str) -> object:
    token = csrf_of(client.get("/masuk").text)
    return client.post(
        "/masuk",
        data={"login": login, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


@pytest.fixture
def bare(database_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    """An empty migrated database (SQLite or PostgreSQL) with one account, "dewi"."""
    with container_of(database_url, tmp_path, clock) as built:
        upgrade(built.engine)
        with Session(built.engine) as session:
            hashed = PASSWORDS.hash(PASSWORD)
            session.add(Account(login="dewi", password_hash=hashed, created_at=FIXED_NOW))
            session.commit()
        yield built


def throttle_row(container: Container, key: str) -> LoginThrottle | None:
    with Session(container.engine) as session:
        return session.get(LoginThrottle, key)


def test_parallel_wrong_passwords_all_count_and_lock_the_account(bare: Container) -> None:
    """B1: on PostgreSQL, 20 parallel wrong logins gave 14 x 500 (a duplicate key on the
    throttle), counted 3 and locked nothing; the right password then signed in."""
    app = create_app(bare)
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []
    texts: list[str] = []

    def guess(n: int) -> None:
        with TestClient(app, client=(f"10.0.0.{n + 1}", 50000)) as client:
            token = csrf_of(client.get("/masuk").text)
            barrier.wait(WAIT)
            response = client.post(
                "/masuk",
                data={"login": "DEWI", "password": f"tebakan-{n}", "csrf_token": token},
                follow_redirects=False,
            )
            statuses.append(response.status_code)
            texts.append(response.text)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert len(statuses) == PARALLEL
    assert statuses == [401] * PARALLEL  # no 5xx, no sign-in
    assert any(LOCKED in text for text in texts) or all(WRONG in text for text in texts)
    with Session(bare.engine) as session:
        account_id = session.exec(select(Account.id).where(Account.login == "dewi")).one()
    row = throttle_row(bare, f"akun:{account_id}")
    assert row is not None and row.locked_until is not None
    with TestClient(app) as client:
        right = post_login(client, "dewi", PASSWORD)
        assert right.status_code == 401  # type: ignore[attr-defined]
        assert LOCKED in right.text  # type: ignore[attr-defined]
    bare.clock.advance(timedelta(minutes=15))  # type: ignore[attr-defined]
    with TestClient(app) as client:
        assert post_login(client, "dewi", PASSWORD).status_code == 303  # type: ignore[attr-defined]


def nip_and_email(container: Container, login: str) -> tuple[str, str]:
    with Session(container.engine) as session:
        official = session.exec(
            select(OfficialRow)
            .join(Account, Account.official_id == OfficialRow.id)  # type: ignore[arg-type]
            .where(Account.login == login)
        ).one()
    return official.nip or "", official.email


def test_the_login_email_and_nip_share_one_count(web: WebClient, web_container: Container) -> None:
    """B10: the email and the NIP each got 5 tries of their own."""
    nip, email = nip_and_email(web_container, KASI)
    for login in (KASI, email, nip, email.upper(), f"{nip[:8]} {nip[8:]}"):
        assert WRONG in post_login(web.client, login, "salah-sandi").text  # type: ignore[attr-defined]
    for login in (KASI, email, nip):
        assert LOCKED in post_login(web.client, login, "demo").text  # type: ignore[attr-defined]


@pytest.fixture
def proxied(demo_template: Path, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    """The demo behind a trusted proxy at 10.9.9.9, three failures per address."""
    with demo_copy(
        demo_template,
        tmp_path,
        clock,
        trusted_proxies="10.9.9.9, 192.168.0.0/16",
        login_address_max_failures="3",
    ) as built:
        yield built


def test_the_address_limit_reads_x_forwarded_for_only_from_a_trusted_proxy(
    proxied: Container,
) -> None:
    app = create_app(proxied)
    forged = {"X-Forwarded-For": "198.51.100.77"}
    with TestClient(app, client=("10.9.9.9", 443), headers=forged) as via_proxy:
        for n in range(3):
            assert WRONG in post_login(via_proxy, f"tamu{n}@luar.test", "x").text  # type: ignore[attr-defined]
        refused = post_login(via_proxy, KASI, "demo")
        assert "dari alamat ini" in refused.text  # type: ignore[attr-defined]
    assert throttle_row(proxied, "alamat:198.51.100.77") is not None
    other = {"X-Forwarded-For": "198.51.100.78, 192.168.1.2"}  # the proxy chain's own hop skipped
    with TestClient(app, client=("10.9.9.9", 443), headers=other) as next_client:
        assert post_login(next_client, KASI, "demo").status_code == 303  # type: ignore[attr-defined]
    # A client that is not a proxy cannot choose its address by sending the header.
    with TestClient(app, client=("203.0.113.5", 5000), headers=forged) as direct:
        assert post_login(direct, KASI, "demo").status_code == 303  # type: ignore[attr-defined]
    assert throttle_row(proxied, "alamat:203.0.113.5") is None


# --- API tokens (B4) ------------------------------------------------------------------


def new_token(web: WebClient, *, scope: str = "write", days: str = "90") -> str:
    response = web.submit("/akun/token", {"name": "Skrip uji", "scope": scope, "days": days})
    assert response.status_code == 200, response.text[-1500:]
    start = response.text.index('id="new-token">') + len('id="new-token">')
    return response.text[start : response.text.index("</code>", start)]


def me(web: WebClient, raw: str) -> int:
    return int(web.client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code)


def test_a_read_token_cannot_write_and_every_token_expires(
    web: WebClient, clock: FixedClock
) -> None:
    web.login(KASI)
    read = new_token(web, scope="read", days="30")
    write = new_token(web)
    page = web.get("/akun").text
    assert "baca saja" in page and "baca dan tulis" in page and "belum pernah" in page
    headers = {"Authorization": f"Bearer {read}"}
    assert web.client.get("/api/v1/tasks", headers=headers).status_code == 200
    refused = web.client.put(
        "/api/v1/reports/1/entries?expected_version=1", headers=headers, json={"entries": []}
    )
    assert refused.status_code == 403
    assert "hanya untuk membaca" in refused.json()["error"]["message"]
    assert "Terakhir dipakai" in web.get("/akun").text
    clock.advance(timedelta(days=30))
    assert me(web, read) == 401 and me(web, write) == 200
    web.login(KASI)  # the browser's session ended long ago
    assert "kedaluwarsa" in web.get("/akun").text
    clock.advance(timedelta(days=60))
    assert me(web, write) == 401


def test_tokens_are_revoked_by_a_password_change(web: WebClient) -> None:
    web.login(KASI)
    raw = new_token(web)
    assert me(web, raw) == 200
    changed = web.submit(
        "/akun/sandi", {"current": "demo", "new": "sandi-baru-2021", "repeat": "sandi-baru-2021"}
    )
    assert changed.status_code == 200
    assert me(web, raw) == 401
    assert "dicabut" in web.get("/akun").text


def account_id(container: Container, login: str) -> int:
    with Session(container.engine) as session:
        return int(session.exec(select(Account.id).where(Account.login == login)).one() or 0)


def test_an_admin_reset_and_a_deactivation_revoke_tokens_for_good(
    web_factory: Callable[[], WebClient], web_container: Container
) -> None:
    owner, admin = web_factory(), web_factory()
    owner.login(KASI)
    first = new_token(owner)
    admin.login("admin", "admin")
    target = account_id(web_container, KASI)
    reset = admin.submit(
        f"/admin/akun/{target}/sandi",
        {"password": "sandi-dari-admin", "repeat": "sandi-dari-admin"},
        page=f"/admin/akun/{target}/sandi",
    )
    assert reset.status_code == 303, reset.text[-1500:]
    assert me(owner, first) == 401
    owner.login(KASI, "sandi-dari-admin")
    second = new_token(owner)
    assert me(owner, second) == 200
    off = admin.submit(f"/admin/akun/{target}/nonaktifkan", {}, page="/admin/akun")
    on = admin.submit(f"/admin/akun/{target}/aktifkan", {}, page="/admin/akun")
    assert off.status_code == on.status_code == 303
    assert me(owner, second) == 401  # a reactivated account does not get its tokens back
    with Session(web_container.engine) as session:
        live = session.exec(
            select(func.count())
            .select_from(ApiToken)
            .where(ApiToken.account_id == target, ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
        ).one()
    assert live == 0


# --- retention (B14) ------------------------------------------------------------------


def test_the_cleanup_tick_deletes_expired_sessions_and_idle_throttle_rows(
    bare: Container,
) -> None:
    """B14: a 40 s login flood left 150 throttle rows and sessions were never deleted."""
    app = create_app(bare)
    with TestClient(app) as client:
        for n in range(20):
            post_login(client, f"tamu{n}@luar.test", "x")
        assert post_login(client, "dewi", PASSWORD).status_code == 303  # type: ignore[attr-defined]
    with Session(bare.engine) as session:
        # 20 unknown logins and the client's address
        assert session.exec(select(func.count()).select_from(LoginThrottle)).one() == 21
        assert session.exec(select(func.count()).select_from(WebSession)).one() == 1
    assert cleanup_tick(bare) == (0, 0)  # nothing expired or idle yet
    bare.clock.advance(timedelta(days=2))  # type: ignore[attr-defined]
    assert cleanup_tick(bare) == (1, 21)
    with Session(bare.engine) as session:
        assert session.exec(select(func.count()).select_from(LoginThrottle)).one() == 0
        assert session.exec(select(func.count()).select_from(WebSession)).one() == 0

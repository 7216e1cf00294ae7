"""Issue 15, item 2 through the real app: enrolling a TOTP second factor on the account page,
signing in with a code and with a recovery code (once), the setting that requires it of
administrators (enrolment before any page), and the administrator's reset. Codes are
computed with pyotp from the secret the page shows, at the fixed clock's time."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from db.signin import Account
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient, csrf_of, demo_copy
from tests.integration.test_web_pages import KABID, KASI
from web.app import create_app


def secret_on(html: str) -> str:
    match = re.search(r'id="totp-secret" class="secret">([A-Z2-7]+)<', html)
    assert match is not None, "no secret on the page"
    return match.group(1)


def codes_on(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9-]+)</code></li>", html)


def password_step(client: TestClient, login: str, password: str = "demo") -> str:
    """Post the login form; the redirect's target."""
    token = csrf_of(client.get("/masuk").text)
    response = client.post(
        "/masuk",
        data={"login": login, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[-1500:]
    return str(response.headers["location"])


def post_code(client: TestClient, code: str, path: str = "/masuk/kode") -> object:
    page = client.get("/masuk/kode?next=/tugas")
    return client.post(
        path,
        data={"code": code, "csrf_token": csrf_of(page.text), "next": "/tugas"},
        follow_redirects=False,
    )


def enrol(web: WebClient, clock: FixedClock) -> tuple[str, list[str]]:
    """Switch the second factor on from the account page: the secret and recovery codes."""
    page = web.get("/akun/dua-langkah")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text  # the QR code, an image the CSP allows
    secret = secret_on(page.text)
    done = web.client.post(
        "/akun/dua-langkah",
        data={"code": pyotp.TOTP(secret).at(clock.now()), "csrf_token": csrf_of(page.text)},
    )
    assert done.status_code == 200, done.text[-1500:]
    codes = codes_on(done.text)
    assert len(codes) == 10 and "hanya ditampilkan sekali" in done.text
    return secret, codes


def test_enrol_then_sign_in_with_a_code_and_with_a_recovery_code_once(
    web_factory: Callable[[], WebClient], clock: FixedClock
) -> None:
    owner = web_factory()
    owner.login(KASI)
    wrong = owner.submit("/akun/dua-langkah", {"code": "000000"}, page="/akun/dua-langkah")
    assert wrong.status_code == 422 and "Kode salah" in wrong.text
    secret, codes = enrol(owner, clock)
    assert (
        "aktif" in owner.get("/akun").text and 'id="recovery-left">10<' in owner.get("/akun").text
    )

    browser = web_factory()
    clock.advance(timedelta(minutes=1))
    assert password_step(browser.client, KASI) == "/masuk/kode?next=%2Ftugas"
    # The password alone signs nobody in.
    assert browser.client.get("/tugas", follow_redirects=False).status_code in (302, 303)
    assert post_code(browser.client, "123456").status_code == 401  # type: ignore[attr-defined]
    good = post_code(browser.client, pyotp.TOTP(secret).at(clock.now()))
    assert good.status_code == 303 and good.headers["location"] == "/tugas"  # type: ignore[attr-defined]
    assert browser.client.get("/tugas").status_code == 200

    other = web_factory()
    password_step(other.client, KASI)
    replay = post_code(other.client, pyotp.TOTP(secret).at(clock.now()))  # the same code again
    assert replay.status_code == 401  # type: ignore[attr-defined]
    recovered = post_code(other.client, codes[0].upper())
    assert recovered.status_code == 303  # type: ignore[attr-defined]
    assert "sisa 9 kode" in other.client.get(recovered.headers["location"]).text  # type: ignore[attr-defined]

    again = web_factory()
    password_step(again.client, KASI)
    assert post_code(again.client, codes[0]).status_code == 401  # type: ignore[attr-defined]


def test_switching_off_needs_the_password_and_a_code(web: WebClient, clock: FixedClock) -> None:
    web.login(KASI)
    secret, _ = enrol(web, clock)
    clock.advance(timedelta(minutes=1))
    code = pyotp.TOTP(secret).at(clock.now())
    refused = web.submit("/akun/dua-langkah/nonaktifkan", {"password": "salah", "code": code})
    assert "Kata sandi salah" in refused.text
    done = web.submit("/akun/dua-langkah/nonaktifkan", {"password": "demo", "code": code})
    assert "Verifikasi dua langkah dinonaktifkan" in done.text
    web.logout()
    web.login(KASI)  # asserts a plain 303 to the pages again
    assert web.client.get("/tugas").status_code == 200


@pytest.fixture
def required(demo_template: Path, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    """The demo with KINERJA_SECOND_FACTOR_REQUIRED=approver,admin."""
    with demo_copy(
        demo_template, tmp_path, clock, second_factor_required="approver, Admin"
    ) as built:
        yield built


def test_a_required_second_factor_is_enrolled_before_any_page(
    required: Container, clock: FixedClock
) -> None:
    app = create_app(required)
    with TestClient(app) as admin:
        assert password_step(admin, "admin", "admin").startswith("/masuk/kode")
        assert admin.get("/admin", follow_redirects=False).status_code in (302, 303)
        page = admin.get("/masuk/kode?next=/admin")
        assert "wajib memakai verifikasi dua langkah" in page.text
        secret = secret_on(page.text)
        done = admin.post(
            "/masuk/kode/daftar",
            data={
                "code": pyotp.TOTP(secret).at(clock.now()),
                "csrf_token": csrf_of(page.text),
                "next": "/admin",
            },
        )
        assert len(codes_on(done.text)) == 10
        assert admin.get("/admin").status_code == 200
        account = admin.get("/akun").text
        assert "Wajib untuk akun Anda" not in account and "wajib untuk akun Anda" in account
    with TestClient(app) as kabid:
        assert password_step(kabid, KABID).startswith("/masuk/kode")  # an approver
    with TestClient(app) as kasi:
        assert password_step(kasi, KASI) == "/tugas"  # neither admin nor approver


def test_the_administrator_resets_a_lost_second_factor(
    web_factory: Callable[[], WebClient], web_container: Container, clock: FixedClock
) -> None:
    owner, admin = web_factory(), web_factory()
    owner.login(KASI)
    enrol(owner, clock)
    admin.login("admin", "admin")
    listing = admin.get("/admin/akun").text
    assert "2 langkah" in listing and "Reset dua langkah" in listing
    with Session(web_container.engine) as session:
        target = session.exec(select(Account.id).where(Account.login == KASI)).one()
    reset = admin.submit(f"/admin/akun/{target}/dua-langkah/reset", {}, page="/admin/akun")
    assert reset.status_code == 303
    log = admin.get("/admin/log").text
    assert "Verifikasi dua langkah direset admin" in log and KASI in log
    assert owner.client.get("/tugas", follow_redirects=False).status_code in (302, 303)
    owner.login(KASI)  # the password alone again

"""Accounts without handing over passwords, in Chromium, through the demo mailbox: the
admin invites a new official, the invitation email arrives, its link sets the password and
the official signs in; "lupa kata sandi" sends a link that sets a new password once; a used
link says so and offers a new one; a locked account is unlocked by the admin."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, kinerja, running_server

pytestmark = pytest.mark.browser

SHOTS = Path("var/screenshots")
LINK = re.compile(r"/masuk/sandi/[A-Za-z0-9_-]+")
EMAIL = "rina.uji@gresikkab.go.id"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("links")) as served:
        yield served


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, server: LiveServer, login: str, password: str) -> None:
    page.goto(server.url + "/masuk")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")


def deliver_and_open(page: Page, server: LiveServer, subject: str) -> str:
    """Send what the outbox holds to the demo's catcher; the path of the newest link in
    the email with this subject."""
    sent = kinerja("outbox", "send", env=server.env)
    assert "gagal: 0" in sent.stdout or "0 gagal" in sent.stdout or sent.returncode == 0
    page.goto(server.url + "/demo/kotak-surat")
    page.locator("#mailbox a", has_text=subject).first.click()
    found = LINK.search(page.content())
    assert found is not None, f"no set-password link in the email {subject!r}"
    return found.group(0)


def test_invitation_then_forgotten_password(browser: Browser, server: LiveServer) -> None:
    admin = browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(admin, server, "admin", "admin")
    admin.goto(server.url + "/admin/pegawai/baru")
    admin.fill("#f-nip", "199001012015012001")
    admin.fill("#f-name", "Rina Uji, S.E.")
    admin.fill("#f-email", EMAIL)
    admin.click("#official-form button[type=submit]")
    admin.goto(server.url + "/admin/akun/baru")
    admin.select_option("#f-official_id", label=f"Rina Uji, S.E. ({EMAIL})")
    admin.fill("#f-login", EMAIL)
    expect(admin.locator("#invite-note")).to_contain_text("email undangan")
    shoot(admin, "akun-undangan-form")
    admin.click("#account-form button[type=submit]")
    expect(admin.locator("main")).to_contain_text("Undangan dibuat")
    row = admin.locator(f'tr[data-account="{EMAIL}"]')
    expect(row).to_contain_text("undangan belum dipakai")
    expect(row.locator("[data-reinvite]")).to_be_visible()

    # The email arrives; its link sets the password; the official signs in.
    user = browser.new_page(viewport={"width": 375, "height": 800})
    invite = deliver_and_open(user, server, "Undangan Kinerja")
    user.goto(server.url + invite)
    expect(user.locator("h1")).to_have_text("Buat kata sandi akun Anda")
    expect(user.locator("#link-login")).to_have_text(EMAIL)
    user.fill("#password", "pendek")
    user.fill("#repeat", "pendek")
    user.locator("#password").evaluate("e => e.removeAttribute('minlength')")
    user.locator("#repeat").evaluate("e => e.removeAttribute('minlength')")
    user.click("#set-password-form button[type=submit]")
    expect(user.locator("#password-error")).to_contain_text("minimal 8 karakter")
    user.fill("#password", "Rina-sandi-2021")
    user.fill("#repeat", "Rina-sandi-2021")
    shoot(user, "akun-buat-sandi-375")
    user.click("#set-password-form button[type=submit]")
    expect(user.locator("#login-notice")).to_contain_text("Kata sandi Anda telah disimpan")
    sign_in(user, server, "199001012015012001", "Rina-sandi-2021")
    expect(user.locator("header")).to_contain_text("Rina Uji")
    user.context.clear_cookies()

    # The invitation link is spent.
    user.goto(server.url + invite)
    expect(user.locator("#link-dead")).to_contain_text("sudah dipakai")
    expect(user.locator("#request-new")).to_be_visible()

    # "Lupa kata sandi": the same answer for a known and an unknown account.
    answers = []
    for who in ("tidak.ada@gresikkab.go.id", EMAIL):
        user.goto(server.url + "/masuk")
        user.click("#forgot-link")
        user.fill("#login", who)
        user.click("#forgot-form button[type=submit]")
        answers.append(user.locator("#forgot-sent").inner_text())
    assert answers[0] == answers[1]
    assert answers[0].startswith("Bila akun terdaftar")
    shoot(user, "akun-lupa-sandi-375")
    reset = deliver_and_open(user, server, "tautan untuk membuat kata sandi baru")
    assert reset != invite
    user.goto(server.url + reset)
    expect(user.locator("h1")).to_have_text("Buat kata sandi baru")
    user.fill("#password", "Rina-sandi-baru-2021")
    user.fill("#repeat", "Rina-sandi-baru-2021")
    user.click("#set-password-form button[type=submit]")
    expect(user.locator("#login-notice")).to_be_visible()
    sign_in(user, server, EMAIL, "Rina-sandi-2021")
    expect(user.locator("#login-error")).to_contain_text("salah")
    sign_in(user, server, EMAIL, "Rina-sandi-baru-2021")
    expect(user.locator("header")).to_contain_text("Rina Uji")
    user.context.clear_cookies()
    user.goto(server.url + reset)
    expect(user.locator("#link-dead")).to_contain_text("sudah dipakai")
    shoot(user, "akun-tautan-terpakai-375")
    user.close()

    # Five wrong passwords lock the account (the sixth try is refused as locked); the admin
    # sees it and unlocks it.
    stranger = browser.new_page()
    for _ in range(6):
        sign_in(stranger, server, EMAIL, "bukan-sandinya")
    expect(stranger.locator("#login-error")).to_contain_text("Terlalu banyak percobaan")
    admin.goto(server.url + "/admin/akun")
    expect(admin.locator("#locked-summary")).to_contain_text("1 akun terkunci")
    expect(row).to_contain_text("terkunci")
    shoot(admin, "akun-terkunci")
    row.locator("[data-unlock]").click()
    expect(admin.locator("main")).to_contain_text("Kunci akun dibuka")
    expect(admin.locator("#locked-summary")).to_have_count(0)
    sign_in(stranger, server, EMAIL, "Rina-sandi-baru-2021")
    expect(stranger.locator("header")).to_contain_text("Rina Uji")
    admin.goto(server.url + "/admin/log")
    expect(admin.locator("main")).to_contain_text("Kunci akun dibuka")
    expect(admin.locator("main")).to_contain_text("Undangan akun dikirim")
    stranger.close()
    admin.close()

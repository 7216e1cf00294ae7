"""The second factor in real Chromium (issue 15, item 2): an administrator who must have one
enrols right after the password (the QR code is an image the Content-Security-Policy
allows), keeps the recovery codes, and signs in again with the app's code.

The server's clock is frozen, so the codes are computed for its moment; the second sign-in
uses the next 30-second step (within the drift allowed), because a code is accepted once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect

from tests.e2e.conftest import LiveServer, running_server

pytestmark = pytest.mark.browser

FROZEN = "2021-04-05T09:00:00+07:00"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(
        tmp_path_factory.mktemp("dua-langkah"),
        seed=("--quarters", "0"),
        extra_env={"KINERJA_FIXED_NOW": FROZEN, "KINERJA_SECOND_FACTOR_REQUIRED": "admin"},
    ) as live:
        yield live


def test_an_administrator_enrols_then_signs_in_with_the_apps_code(
    browser: Browser, server: LiveServer
) -> None:
    moment = datetime.fromisoformat(FROZEN)
    page = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    messages: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        messages.append(message.text)

    page.on("console", keep)

    def password_step() -> None:
        page.goto(server.url + "/masuk")
        page.fill("#login", "admin")
        page.fill("#password", "admin")
        page.click("#login-form button[type=submit]")

    password_step()
    expect(page.locator("h1")).to_have_text("Aktifkan verifikasi dua langkah")
    qr = page.locator("#totp-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 100  # drawn, not blocked
    secret = page.locator("#totp-secret").inner_text()
    page.fill("#code", pyotp.TOTP(secret).at(moment))
    page.click("#code-form button[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.click("text=Saya sudah menyimpannya, lanjutkan")
    expect(page.locator("h1")).to_have_text("Tugas Saya")

    page.click("text=Keluar")
    password_step()
    expect(page.locator("h1")).to_have_text("Verifikasi dua langkah")
    page.fill("#code", pyotp.TOTP(secret).at(moment + timedelta(seconds=30)))
    page.click("#code-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tugas Saya")
    page.goto(server.url + "/akun")
    expect(page.locator("#recovery-left")).to_have_text("10")
    assert not [m for m in messages if "Content Security Policy" in m]

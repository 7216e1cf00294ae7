"""The pages work under the Content-Security-Policy, and another origin cannot frame them.

Real Chromium against a real `kinerja serve --demo`: every console message is collected and
none may be a Content-Security-Policy violation; the report page's live preview (a static
file now, web/static/report.js) must still compute as the user types.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.e2e.conftest import LiveServer, running_server

pytestmark = pytest.mark.browser

KASI = "yusuf.hidayat@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Usaha Mikro
OTHER_ORIGIN = "http://pihak-lain.test/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(
        tmp_path_factory.mktemp("csp"),
        seed=("--quarters", "0"),
        extra_env={"KINERJA_FIXED_NOW": "2021-04-05T09:00:00+07:00"},
    ) as live:
        yield live


def watched(browser: Browser) -> tuple[Page, list[str]]:
    """A new page and the list its console messages and page errors are written to."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    messages: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        messages.append(message.text)

    page.on("console", keep)
    page.on("pageerror", lambda error: messages.append(str(error)))
    return page, messages


def csp_violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or "Content-Security" in m]


def sign_in(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/masuk")
    page.fill("#login", KASI)
    page.fill("#password", "demo")
    page.click("#login-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tugas Saya")


def test_no_csp_violation_and_the_live_preview_works(browser: Browser, server: LiveServer) -> None:
    page, messages = watched(browser)
    sign_in(page, server)
    page.locator("table.tasks tr[data-ref^='LAP-'] a").first.click()
    expect(page.locator("h1")).to_have_text("Laporan Realisasi TW I 2021")
    # The preview (web/static/report.js) computes the capaian as she types.
    inputs = page.locator("#report-form input[name^='v.']")
    inputs.first.fill("12x")
    box = page.locator("section.indicator").first
    expect(box.locator(".field-error").first).to_contain_text("bukan angka")
    for index in range(inputs.count()):
        inputs.nth(index).fill("40")
    expect(box.locator('[data-result="capaian"]')).to_contain_text("%")
    # Each input says how it was read (issue 16, item 5), as she types, before any save.
    first = inputs.first.get_attribute("name")
    read = page.locator(f'[data-read-for="{first}"]')
    expect(read).to_have_text("Terbaca: 40")
    badge = box.locator('[data-result="capaian"] .badge')
    expect(badge).not_to_be_empty()
    colour = badge.evaluate("element => element.style.background")
    assert colour, "the category colour from the JSON block was not applied"
    for path in ("/tugas", "/dasbor", "/akun", "/organisasi", "/demo/kotak-surat"):
        page.goto(server.url + path)
        expect(page.locator("main")).to_be_visible()
    assert csp_violations(messages) == [], messages
    page.close()


def test_another_origin_cannot_frame_a_signed_in_report_page(
    browser: Browser, server: LiveServer
) -> None:
    page, _ = watched(browser)
    sign_in(page, server)
    page.locator("table.tasks tr[data-ref^='LAP-'] a").first.click()
    expect(page.locator("h1")).to_contain_text("Laporan Realisasi")
    report = page.url
    # A page of another origin frames the report page; the browser must refuse to show it.
    page.route(
        OTHER_ORIGIN,
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<!doctype html><iframe id="victim" src="{report}"></iframe>',
        ),
    )
    page.goto(OTHER_ORIGIN)
    expect(page.frame_locator("#victim").locator("h1")).to_contain_text("blocked")
    framed = [frame.url for frame in page.frames if frame != page.main_frame]
    # Chromium shows its own error page in the frame instead of ours (signed in or not).
    assert framed == ["chrome-error://chromewebdata/"], framed
    for frame in page.frames:
        assert frame.locator("#report-form, #login-form").count() == 0
    page.close()

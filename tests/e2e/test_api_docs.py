"""/api/v1/docs: Swagger UI from the packaged files, under the Content-Security-Policy.

Real Chromium against a real `kinerja serve --demo`, with every request to another origin
refused: the page must list the endpoints from /api/v1/openapi.json with no CSP violation
and no error in the console, and "Try it out" with a personal token must answer.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Route, expect

from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

KASI = "yusuf.hidayat@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Usaha Mikro


def test_the_api_docs_list_the_endpoints_offline_and_try_one(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    outside: list[str] = []

    def offline(route: Route) -> None:
        outside.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(live_server.url), offline)
    page = context.new_page()
    messages: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        messages.append(f"{message.type}: {message.text}")

    page.on("console", keep)
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))

    # A token from the account page, as a developer would make one.
    page.goto(live_server.url + "/masuk")
    page.fill("#login", KASI)
    page.fill("#password", "demo")
    page.click("#login-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tugas Saya")
    page.goto(live_server.url + "/akun")
    page.fill("#token-name", "dokumentasi API")
    page.click("#token-form button[type=submit]")
    token = page.locator("#new-token").inner_text().strip()
    assert token

    page.goto(live_server.url + "/api/v1/docs")
    expect(page).to_have_title("Dokumentasi API Kinerja")
    expect(page.locator(".info .title")).to_contain_text("Kinerja API")
    paths = page.locator(".opblock-summary-path")
    expect(paths.first).to_be_visible()
    listed = set(paths.all_inner_texts())
    for endpoint in ("/me", "/tasks", "/reports/{report_id}/entries", "/pks/{pk_id}"):
        assert any(text.replace("\u200b", "") == endpoint for text in listed), listed
    assert paths.count() >= 15

    page.click("button.authorize")
    page.locator(".auth-container input").fill(token)
    page.locator(".auth-btn-wrapper button.authorize").click()
    page.locator(".auth-btn-wrapper button.btn-done").click()
    me = page.locator(".opblock", has=page.locator(".opblock-summary-path[data-path='/me']"))
    me.locator(".opblock-summary").click()
    me.locator("button.try-out__btn").click()
    me.locator("button.execute").click()
    live = me.locator(".live-responses-table tbody tr.response").first
    expect(live.locator("td.response-col_status")).to_have_text("200")
    expect(live.locator(".response-col_description")).to_contain_text("Yusuf Hidayat")
    expect(me.locator(".request-url")).to_contain_text(live_server.url + "/api/v1/me")

    assert outside == []  # nothing from a CDN: the files are the package's
    violations = [m for m in messages if "Content Security Policy" in m or "Content-Security" in m]
    assert violations == [], messages
    assert not [m for m in messages if m.startswith(("error", "pageerror"))], messages
    context.close()

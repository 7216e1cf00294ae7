"""The demo's mail catcher: reminders sent by `kinerja demo advance` show up in the mailbox page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveServer, kinerja

pytestmark = pytest.mark.browser


def test_reminders_arrive_in_the_demo_mailbox(browser: Browser, live_server: LiveServer) -> None:
    result = kinerja(
        "demo", "advance", "--from", "2021-10-11", "--to", "2021-10-11", env=live_server.env
    )
    assert "2021-10-11:" in result.stdout
    assert "Email terkirim:" in result.stdout
    assert "gagal: 0" in result.stdout
    page = browser.new_page()
    page.goto(live_server.url + "/demo/kotak-surat")
    rows = page.locator("#mailbox tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    subjects = [s.strip() for s in rows.locator("td:nth-child(3)").all_inner_texts()]
    assert any(s.startswith(("Ringkasan Kinerja:", "Pengingat", "Terlambat:")) for s in subjects)
    rows.first.locator("a").click()
    body = page.frame_locator("iframe").locator("body")
    expect(body).to_contain_text("Email ini dikirim otomatis oleh Kinerja; jangan dibalas.")
    expect(body).to_contain_text("Yth.")
    page.close()


def test_document_page_from_an_email_link(browser: Browser, live_server: LiveServer) -> None:
    page = browser.new_page()
    # Signed out, the link leads to the login and then back to the document.
    page.goto(live_server.url + "/dokumen/LAP-1")
    expect(page.locator("h1")).to_have_text("Masuk ke Kinerja")
    page.fill("#login", "admin")
    page.fill("#password", "admin")
    page.click("#login-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Laporan Realisasi TW I 2021")
    assert page.url.endswith("/laporan/1")
    expect(page.locator("#history tbody tr").first).to_contain_text("ajukan")
    response = page.goto(live_server.url + "/dokumen/LAP-99999")
    assert response is not None and response.status == 404
    expect(page.locator("main")).to_contain_text("tidak ditemukan")
    page.close()

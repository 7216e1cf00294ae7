"""The home page in a real browser, served by a real `kinerja serve --demo`."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser


def test_home_page_shows_the_gresik_tree(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    response = page.goto(live_server.url + "/organisasi")
    assert response is not None
    assert response.status == 200
    expect(page).to_have_title("Kinerja · Pemerintah Kabupaten Gresik")
    expect(page.locator("h1")).to_have_text(
        "Dinas Koperasi, Usaha Mikro, Perindustrian dan Perdagangan Kabupaten Gresik"
    )
    rows = page.locator("table.org tbody tr")
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("Kepala Dinas Koperasi")
    plt_row = page.locator('tr[data-position="kabid-perindustrian"]')
    expect(plt_row.locator(".acting")).to_have_text("Plt. Sri Rahayuningsih, S.E., M.Si.")
    # Staff sit three levels below the head: their cell is indented further.
    head_pad = page.locator('tr[data-position="kepala-dinas"] td').first.evaluate(
        "el => parseFloat(getComputedStyle(el).paddingLeft)"
    )
    staff_pad = page.locator('tr[data-position="pengelola-data"] td').first.evaluate(
        "el => parseFloat(getComputedStyle(el).paddingLeft)"
    )
    assert staff_pad > head_pad
    page.goto(live_server.url + "/masuk")
    expect(page.locator("#demo-accounts")).to_be_visible()
    expect(page.locator("#demo-accounts tbody tr")).to_have_count(26)
    shot = tmp_path / "home.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.close()


def test_home_page_fits_a_phone(browser: Browser, live_server: LiveServer) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(live_server.url + "/organisasi")
    expect(page.locator("th.nip")).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1
    page.close()


def test_unknown_page_in_the_browser(browser: Browser, live_server: LiveServer) -> None:
    page = browser.new_page()
    response = page.goto(live_server.url + "/tidak-ada")
    assert response is not None
    assert response.status == 404
    expect(page.locator("main")).to_contain_text("Halaman atau data tidak ditemukan")
    page.close()


def test_dashboard_of_a_finished_quarter(browser: Browser, live_server: LiveServer) -> None:
    from tests.e2e.test_report_flow import shot

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/masuk")
    page.fill("#login", "admin")
    page.fill("#password", "admin")
    page.click("#login-form button[type=submit]")
    page.goto(live_server.url + "/dasbor?year=2021&quarter=2")
    expect(page.locator("h1")).to_contain_text("TW II 2021")
    page.click("#rincian-capaian > summary")  # the detail tables are collapsed
    charts = page.locator("svg.chart")
    assert charts.count() >= 4  # one chart per bidang and the Sekretariat
    expect(charts.first).to_be_visible()
    shot(page, "dasbor", full_page=False)
    page.close()

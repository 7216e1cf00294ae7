"""The Manual IK and the pohon kinerja of the Gresik 2021 catalogue in a real Chromium.

A Kepala Seksi signs in on the demo (TW I and II approved), follows the header's link to
the pohon kinerja of TW II, sees the cascade from the Kepala Dinas's IKU with a capaian at
each node, opens the Manual IK from there, downloads both Word files, and reads the "Cara
mengukur" panel of his TW II report; no page may break the Content-Security-Policy.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, running_server

pytestmark = pytest.mark.browser

KASI = "yusuf.hidayat@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Usaha Mikro
SHOTS = Path(os.environ.get("KINERJA_SCREENSHOT_DIR", "var/screenshots"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(
        tmp_path_factory.mktemp("manual"),
        seed=("--quarters", "2"),
        extra_env={"KINERJA_FIXED_NOW": "2021-07-05T09:00:00+07:00"},
    ) as live:
        yield live


def signed_in(browser: Browser, server: LiveServer) -> tuple[Page, list[str]]:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = page.new_page()
    messages: list[str] = []
    tab.on("console", lambda message: messages.append(message.text))
    tab.on("pageerror", lambda error: messages.append(str(error)))
    tab.goto(server.url + "/masuk")
    tab.fill("#login", KASI)
    tab.fill("#password", "demo")
    tab.click("#login-form button[type=submit]")
    expect(tab.locator("h1")).to_have_text("Tugas Saya")
    return tab, messages


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_tree_and_the_manual_open_print_and_download(
    browser: Browser, server: LiveServer, tmp_path: Path
) -> None:
    page, messages = signed_in(browser, server)
    page.click("header nav >> text=Pohon Kinerja")
    page.fill("#f-year", "2021")
    page.select_option("#f-quarter", "2")
    page.click("form.filters button[type=submit]")
    expect(page.locator("h1")).to_have_text("Pohon Kinerja · TW II 2021")
    rows = page.locator("#pohon tbody tr")
    expect(rows).to_have_count(51)
    top = rows.first
    expect(top).to_have_attribute("data-depth", "0")
    expect(top).to_have_attribute("data-indicator", "kepala-dinas-1")
    expect(page.locator('#pohon tr[data-depth="2"]').first).to_be_visible()
    expect(page.locator("#pohon td[data-capaian]").first).to_contain_text("%")
    shot(page, "pohon-kinerja")
    with page.expect_download() as tree_download:
        page.click("#unduh-pohon")
    tree_file = tmp_path / tree_download.value.suggested_filename
    tree_download.value.save_as(tree_file)
    assert tree_file.name == "pohon-kinerja-2021-tw2.docx"
    assert tree_file.read_bytes()[:2] == b"PK"  # a zip: the .docx

    page.click("text=Manual IK")
    expect(page.locator("h1")).to_have_text("Manual Indikator Kinerja · 2021")
    expect(page.locator("section.manual-item")).to_have_count(51)
    page.click("nav[aria-label=Jabatan] >> text=Kepala Bidang Perdagangan")
    items = page.locator("section.manual-item")
    expect(items).to_have_count(3)
    expect(items.nth(2)).to_contain_text("penerbitan Surat Keterangan Asal (SKA)")
    expect(items.first.locator("td.silent").first).to_contain_text("tidak dimuat")
    shot(page, "manual-ik")
    with page.expect_download() as manual_download:
        page.click("#unduh-manual")
    assert manual_download.value.suggested_filename == "manual-ik-2021-kabid-perdagangan.docx"

    page.goto(server.url + "/dasbor?year=2021&quarter=2")
    page.click("#rincian-laporan > summary")  # the list of reports is collapsed
    page.locator("a[aria-label^='Buka laporan Kepala Seksi Pembiayaan Usaha Mikro']").click()
    expect(page.locator("h1")).to_contain_text("TW II 2021")
    guide = page.locator("details.cara-mengukur").first
    guide.locator("summary").click()
    expect(guide).to_contain_text("Bukti dukung yang diharapkan")
    expect(guide).to_contain_text("Formula")
    assert [m for m in messages if "Content Security Policy" in m] == [], messages
    page.close()

"""The head's dashboard in real Chromium, on the demo at today's date (issue 18's "Done when"):
the demo of the current year seeded and served on a clock fixed at 7 December 2026, 09.00
WIB (`kinerja demo seed` as `make demo` runs it), and the 2021 demo on the system clock.

At 1366x900 the headline, the red list and the progress per bidang are above the fold; at
375 px wide (a phone) the page is under 3,000 px tall and never scrolls sideways. Measured
with element bounding boxes and the document's height, signed in as the Kepala Dinas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, running_server
from tests.e2e.test_report_flow import KADIS, shot

pytestmark = pytest.mark.browser

TOP = ("#ringkasan", "#daftar-merah", "#kemajuan-bidang")
PHONE_MAX_HEIGHT = 3000
TODAY = "2026-12-07T09:00:00+07:00"


@pytest.fixture(scope="module")
def today_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The current year's demo (no --year), seeded and served on a fixed clock."""
    folder: Path = tmp_path_factory.mktemp("today")
    with running_server(folder, year=None, extra_env={"KINERJA_FIXED_NOW": TODAY}) as server:
        yield server


@pytest.fixture(params=["today", "2021"])
def demo_server(request: pytest.FixtureRequest, live_server: LiveServer) -> LiveServer:
    """Both demos: the current year's on today's date, and the 2021 one."""
    if request.param == "today":
        server: LiveServer = request.getfixturevalue("today_server")
        return server
    return live_server


def open_dashboard(browser: Browser, server: LiveServer, width: int, height: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(server.url + "/masuk")
    page.fill("#login", KADIS)
    page.fill("#password", "demo")
    page.click("#login-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tugas Saya")
    page.goto(server.url + "/dasbor")
    expect(page.locator("h1")).to_contain_text("Dasbor Kinerja · TW")
    return page


def test_the_top_is_above_the_fold_on_a_desktop(browser: Browser, demo_server: LiveServer) -> None:
    page = open_dashboard(browser, demo_server, 1366, 900)
    headline = page.locator("#ringkasan [data-headline]")
    expect(headline).to_have_text(re.compile(r"^\d+,\d\d%$"))  # a non-empty headline
    assert page.locator("#daftar-merah li[data-indicator]").count() > 0
    assert page.locator("#kemajuan-bidang li[data-unit]").count() > 1
    for selector in TOP:
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= 900, (selector, box)
    shot(page, "dasbor-1366", full_page=False)
    page.close()


def test_the_phone_layout_is_compact(browser: Browser, demo_server: LiveServer) -> None:
    page = open_dashboard(browser, demo_server, 375, 812)
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert height < PHONE_MAX_HEIGHT, height
    assert width <= 375, width
    for selector in TOP:
        expect(page.locator(selector)).to_be_visible()
    # The trends and the detail tables open on demand.
    page.click("#tren-semua > summary")
    expect(page.locator("#tren-semua svg.spark").first).to_be_visible()
    shot(page, "dasbor-375", full_page=True)
    page.close()

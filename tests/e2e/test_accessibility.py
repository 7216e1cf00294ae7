"""Accessibility and phone fit of the main pages, checked by axe-core in real Chromium.

axe-core (the copy pinned by axe-playwright-python in pyproject.toml/constraints.txt) runs in
each page at 1366 px and 375 px; a "serious" or "critical" violation fails the test with the
rule ids and the elements it names. At 375 px no page may scroll sideways: tables stack or
scroll inside their own box. Adding a page is one line in PAGES.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, running_server

pytestmark = pytest.mark.browser

HOLDER = "rudi.hartono@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Koperasi
KADIS = "hendra.wibisono@diskoperindag-gresik.test"  # Kepala Dinas
ADMIN = "admin"
PLANNER = "agus.prasetyo@diskoperindag-gresik.test"  # Kepala Sub Bagian Program (perencanaan)
WIDTHS = (1366, 375)
BLOCKING = {"serious", "critical"}


@dataclass(frozen=True)
class Checked:
    """A page to check: who reads it (None: signed out) and its path ({report}, {pk} filled)."""

    name: str
    who: str | None
    path: str


PAGES = [
    Checked("masuk", None, "/masuk"),
    Checked("tugas-saya", HOLDER, "/tugas"),
    Checked("dokumen-saya", HOLDER, "/dokumen-saya"),
    Checked("laporan", HOLDER, "/laporan/{report}"),
    Checked("pk", HOLDER, "/pk/{pk}"),
    Checked("dasbor", KADIS, "/dasbor"),
    Checked("admin", ADMIN, "/admin"),
    Checked("admin-penugasan", ADMIN, "/admin/penugasan"),  # its filter once overflowed at 375 px
    Checked("admin-jabatan", ADMIN, "/admin/jabatan"),
    Checked("admin-jabatan-baru", ADMIN, "/admin/jabatan/baru"),
    Checked("akun", HOLDER, "/akun"),
    Checked("lupa-sandi", None, "/masuk/lupa-sandi"),
    Checked("admin-akun", ADMIN, "/admin/akun"),
    Checked("admin-akun-baru", ADMIN, "/admin/akun/baru"),
    Checked("admin-peran", ADMIN, "/admin/peran"),
    Checked("tahun-kerja", PLANNER, "/tahun"),
]


@pytest.fixture(scope="module")
def october(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo year with TW III in flight: the holder's TW III report is a draft."""
    with running_server(
        tmp_path_factory.mktemp("a11y"),
        extra_env={"KINERJA_FIXED_NOW": "2021-10-08T09:00:00+07:00"},
    ) as server:
        yield server


def _holder_documents(server: LiveServer) -> dict[str, int]:
    """The holder's latest report and her PK of 2021, read from the demo database."""
    path = server.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        report = db.execute(
            "SELECT r.id FROM report r JOIN position p ON p.id = r.position_id "
            "WHERE p.code = 'kasi-pembiayaan-koperasi' AND r.year = 2021 "
            "ORDER BY r.quarter DESC LIMIT 1"
        ).fetchone()
        pk = db.execute(
            "SELECT k.id FROM pk k JOIN position p ON p.id = k.position_id "
            "WHERE p.code = 'kasi-pembiayaan-koperasi' AND k.year = 2021 "
            "ORDER BY k.id DESC LIMIT 1"
        ).fetchone()
    return {"report": report[0], "pk": pk[0]}


def _open(browser: Browser, server: LiveServer, checked: Checked, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    if checked.who is not None:
        page.goto(server.url + "/masuk")
        page.fill("#login", checked.who)
        page.fill("#password", "admin" if checked.who == ADMIN else "demo")
        page.click("#login-form button[type=submit]")
        expect(page.locator("h1")).not_to_have_text("Masuk ke Kinerja")
    response = page.goto(server.url + checked.path.format(**_holder_documents(server)))
    assert response is not None
    assert response.status == 200, f"{checked.path}: HTTP {response.status}"
    return page


def _blocking(checked: Checked, violations: list[dict[str, Any]]) -> list[str]:
    found = []
    for v in violations:
        if v["impact"] not in BLOCKING:
            continue
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]][:8]
        found.append(f"{v['impact']} {v['id']} ({v['help']}): {targets}")
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("checked", PAGES, ids=[c.name for c in PAGES])
def test_no_serious_axe_violation_and_nothing_scrolls_sideways(
    browser: Browser, october: LiveServer, checked: Checked, width: int, tmp_path: Path
) -> None:
    """axe-core finds nothing serious or critical; at 375 px the page is not wider than the
    phone (tables stack or scroll inside their own box)."""
    page = _open(browser, october, checked, width)
    found = _blocking(checked, Axe().run(page).response["violations"])
    wide = page.evaluate("document.scrollingElement.scrollWidth")
    if width < 1000 and wide > width + 1:
        found.append(f"the page is {wide} px wide on a {width} px phone")
        page.screenshot(path=str(tmp_path / f"{checked.name}-{width}.png"), full_page=True)
    page.context.close()
    assert not found, f"{checked.path} at {width} px:\n" + "\n".join(found)


def test_skip_link_leads_to_the_main_content(browser: Browser, october: LiveServer) -> None:
    page = _open(browser, october, PAGES[1], 375)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Lewati ke isi utama")
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#isi")).to_be_focused()
    page.context.close()


def test_demo_accounts_fit_a_phone(browser: Browser, october: LiveServer) -> None:
    """The demo accounts table stacks at 375 px: every login and password is on screen."""
    page = _open(browser, october, PAGES[0], 375)
    cells = page.locator("#demo-accounts tbody td")
    assert cells.count() > 0
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('#demo-accounts td')]"
        ".map(td => td.getBoundingClientRect().right))"
    )
    page.context.close()
    assert right <= 375 + 1

"""Dokumen saya in Chromium: a Kepala Seksi opens it from the menu, filters and opens a report.

At 1366 px and 375 px (a phone): the list shows her PK and reports with state and
period, the filters narrow it, the search finds a report by its reference, and the
link opens the report. Screenshots go with the others (tests/e2e/test_report_flow.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.test_report_flow import login, shot

pytestmark = pytest.mark.browser

KASI = "fitri.handayani@diskoperindag-gresik.test"  # Kepala Seksi Produksi dan Pemasaran UM


@pytest.mark.parametrize("width", [1366, 375])
def test_a_kasi_opens_dokumen_saya_and_filters(
    browser: Browser, live_server: LiveServer, width: int
) -> None:
    page = login(browser, live_server, KASI, width=width)
    page.get_by_role("link", name="Dokumen saya").click()
    expect(page.locator("h1")).to_have_text("Dokumen saya")
    rows = page.locator("#tabel-dokumen-saya tbody tr[data-ref]")
    expect(rows.first).to_be_visible()
    total = rows.count()
    assert page.locator('tr[data-kind="pk"]').count() >= 1  # her PK
    assert page.locator('tr[data-kind="report"]').count() >= 3  # her quarters
    shot(page, f"dokumen-saya-{width}")
    # Only the PK.
    page.select_option("#f-period", "pk")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page).to_have_url(re.compile(r"period=pk"))
    expect(rows).to_have_count(page.locator('tr[data-kind="pk"]').count())
    assert 0 < rows.count() < total
    # Back to everything, then search one report by its reference and open it.
    page.select_option("#f-period", "")
    page.get_by_role("button", name="Tampilkan").click()
    ref = rows.nth(0).get_attribute("data-ref")
    assert ref is not None and ref.startswith("LAP-")
    page.fill("#f-q", ref.lower())
    page.get_by_role("button", name="Tampilkan").click()
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/laporan/{ref.removeprefix('LAP-')}$"))
    page.context.close()

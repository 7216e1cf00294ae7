"""Organisation changes in real Chromium (issue 18, item 3): the administrator renames a
position and changes its definitif holder on the organisation pages, is asked to confirm a
Plt beside the new holder, and finds every change in the admin log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, running_server

pytestmark = pytest.mark.browser

FROZEN = "2021-04-07T09:00:00+07:00"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(
        tmp_path_factory.mktemp("sotk"),
        seed=("--quarters", "0"),
        extra_env={"KINERJA_FIXED_NOW": FROZEN},
    ) as live:
        yield live


def sign_in(page: Page, url: str) -> None:
    page.goto(url + "/masuk")
    page.fill("#login", "admin")
    page.fill("#password", "admin")
    page.click("#login-form button[type=submit]")


def test_a_rename_and_a_change_of_holder_in_the_browser(
    browser: Browser, server: LiveServer
) -> None:
    page = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    sign_in(page, server.url)

    # A rename (nomenclature change) with its effective date.
    page.goto(server.url + "/admin/jabatan")
    row = page.locator('tr[data-position="kasi-ikm"]')
    row.get_by_role("link", name="Ubah nama/atasan").click()
    page.fill("#f-title", "Kepala Seksi Industri Kecil, Menengah dan Sentra")
    page.fill("#f-effective", "2021-04-01")
    page.click("#position-form button[type=submit]")
    expect(page.locator(".flash")).to_have_text("Perubahan jabatan disimpan")
    expect(row).to_contain_text("Kepala Seksi Industri Kecil, Menengah dan Sentra")

    # The definitif holder leaves at the end of April ...
    row.get_by_role("link", name="Penugasan").click()
    page.get_by_role("link", name="Akhiri").first.click()
    page.fill("#f-valid_to", "2021-04-30")
    page.click("#end-form button[type=submit]")
    expect(page.locator(".flash")).to_have_text("Tanggal selesai penugasan disimpan")
    leaving = page.locator("#assignments tbody tr").first.inner_text()

    # ... and a new definitif holder follows from 1 May.
    page.get_by_role("link", name="Tambah penugasan").click()
    joko = page.locator("#f-official_id option", has_text="Joko Santoso").get_attribute("value")
    page.select_option("#f-official_id", joko)
    page.select_option("#f-status", "definitif")
    page.fill("#f-valid_from", "2021-05-01")
    page.fill("#f-decree", "SK Bupati 821.2/45/2021")
    page.click("#assignment-form button[type=submit]")
    expect(page.locator(".flash")).to_have_text("Penugasan ditambahkan")
    table = page.locator("#assignments")
    expect(table).to_contain_text("Joko Santoso, S.H.")
    expect(table).to_contain_text("SK Bupati 821.2/45/2021")
    assert "30 April 2021" in leaving

    # A Plt beside the new holder is not accepted silently: the overlap is explained.
    page.get_by_role("link", name="Tambah penugasan").click()
    page.select_option("#f-official_id", index=1)
    page.select_option("#f-status", "plt")
    page.fill("#f-valid_from", "2021-05-10")
    page.fill("#f-valid_to", "2021-05-31")
    page.click("#assignment-form button[type=submit]")
    warning = page.locator("#overlap-warnings")
    expect(warning).to_contain_text("punya pemegang definitif, Joko Santoso, S.H.")
    expect(warning).to_contain_text("bersamaan 10 Mei 2021 s.d. 31 Mei 2021")
    page.click("#confirm-overlap")
    expect(page.locator(".flash")).to_have_text("Penugasan ditambahkan")

    page.goto(server.url + "/admin/log")
    log = page.locator("main")
    for words in ("Nama jabatan diubah", "Penugasan diakhiri", "Penugasan ditambahkan"):
        expect(log).to_contain_text(words)
    page.context.close()

"""Discussion, notifications and an email's action link in real Chromium (issue 17, 6-8).

Before: the Kepala Bidang could ask a question only by returning the whole report, nobody
saw anything in the app, and an email's link opened the document without the action.
Here the Kepala Bidang asks on one indicator of a draft, the Kepala Seksi's bell counts one
more, she opens it from /notifikasi and answers in the thread, and the report's state never
moves; the Kepala Dinas follows an approval link, signs in, and lands on the report with one
banner pointing at the approve form, which nothing has pressed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, running_server
from tests.e2e.test_report_flow import shot

pytestmark = pytest.mark.browser

KASI = "fitri.handayani@diskoperindag-gresik.test"  # Kepala Seksi Produksi dan Pemasaran UM
KABID = "rina.kusumawati@diskoperindag-gresik.test"  # Kepala Bidang Usaha Mikro
KADIS = "hendra.wibisono@diskoperindag-gresik.test"  # Kepala Dinas
QUESTION = "Mengapa realisasi turun dibanding TW II? Mohon lampirkan daftar hadir."
ANSWER = "Data TW III masih menunggu rekap kecamatan; daftar hadir sudah saya unggah."


@pytest.fixture(scope="module")
def october(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo year with TW III in flight, the clock frozen on 8 October 2021."""
    with running_server(
        tmp_path_factory.mktemp("threads"),
        extra_env={"KINERJA_FIXED_NOW": "2021-10-08T09:00:00+07:00"},
    ) as server:
        yield server


def sign_in(page: Page, who: str) -> None:
    page.fill("#login", who)
    page.fill("#password", "demo")
    page.click("#login-form button[type=submit]")


def login(browser: Browser, server: LiveServer, who: str, width: int = 1366) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(server.url + "/masuk")
    sign_in(page, who)
    expect(page.locator("h1")).to_have_text("Tugas Saya")
    return page


def bell(page: Page) -> int:
    count = page.locator("#bell-count")
    return int(count.inner_text()) if count.count() else 0


def test_a_question_on_an_indicator_is_answered_in_the_thread(
    browser: Browser, october: LiveServer
) -> None:
    kasi = login(browser, october, KASI)
    before = bell(kasi)
    kabid = login(browser, october, KABID)
    kabid.goto(october.url + "/dokumen/LAP-58")
    expect(kabid.locator("h1")).to_contain_text("Laporan Realisasi TW III 2021")
    state = kabid.locator("#state").inner_text()
    kabid.locator(".indicator-discussion a").first.click()
    thread = kabid.locator("details.indicator-thread").first
    thread.locator("summary").click()
    thread.locator("textarea").fill(QUESTION)
    thread.locator("button[type=submit]").click()
    expect(kabid).to_have_url(re.compile(r"/laporan/58#komentar-\d+$"))
    expect(kabid.locator(".comment:target")).to_contain_text(QUESTION)
    expect(kabid.locator("#state")).to_have_text(state)

    kasi.reload()
    assert bell(kasi) == before + 1
    kasi.locator("#bell").click()
    expect(kasi.locator("h1")).to_have_text("Notifikasi")
    first = kasi.locator("#notices li").first
    expect(first).to_contain_text("Komentar dari Rina Kusumawati")
    shot(kasi, "notifikasi")
    first.locator("a").click()
    expect(kasi.locator(".comment:target")).to_contain_text(QUESTION)
    answer = kasi.locator("details.indicator-thread[open]").first
    answer.locator("textarea").fill(ANSWER)
    answer.locator("button[type=submit]").click()
    expect(kasi.locator(".comment:target")).to_contain_text(ANSWER)
    expect(kasi.locator("#state")).to_have_text(state)
    shot(kasi, "diskusi")

    kabid.goto(october.url + "/tugas")
    assert bell(kabid) >= 1
    kasi.goto(october.url + "/notifikasi")
    kasi.locator("#mark-read").click()
    assert bell(kasi) == 0


def test_an_approval_link_leads_through_the_login_to_one_confirmation(
    browser: Browser, october: LiveServer
) -> None:
    page = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    page.goto(october.url + "/dokumen/LAP-57?aksi=approve")
    expect(page.locator("h1")).to_have_text("Masuk ke Kinerja")
    sign_in(page, KADIS)
    expect(page).to_have_url(re.compile(r"/laporan/57\?aksi=approve$"))
    expect(page.locator("#action-link")).to_contain_text("menyetujui")
    expect(page.locator("#state")).to_have_text("Diverifikasi")  # the link acted on nothing
    expect(page.locator('#actions form[data-action="approve"]')).to_have_count(1)
    shot(page, "tautan-aksi-375", full_page=False)

"""A whole quarter played only through the browser (issue 17, "Done when").

The demo agency on 7 April 2021 09.00 WIB, TW I reports empty. Two Kepala Seksi of the
Bidang Usaha Mikro fill their reports, upload evidence, preview it and replace it with a
reason. One asks nothing and submits with "Simpan dan ajukan"; the other submits too, is
asked a question on one indicator by the Kepala Bidang, answers it in the thread, is then
returned with a reason, fixes a value and submits again in one click. The Kepala Bidang
verifies both at once from Tugas Saya. The scheduler's sweep sends the Kepala Dinas a
digest; he opens it in the demo mailbox, follows its link for each report, signs in and
approves each after one confirmation. Afterwards each of the four finds the reports in
Dokumen saya. The command line is used only for what the scheduler does (the sweep and the
dispatcher). Screenshots go to $KINERJA_SCREENSHOT_DIR (the README shows some of them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, kinerja, running_server
from tests.e2e.test_evidence_page import pdf_file, png_file
from tests.e2e.test_report_flow import KABID, KADIS, act, login, save_and_submit, shot

pytestmark = pytest.mark.browser

YUSUF = "yusuf.hidayat@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Usaha Mikro
FITRI = "fitri.handayani@diskoperindag-gresik.test"  # Kepala Seksi Produksi dan Pemasaran UM
QUESTION = "Angka TW I ini dari rekap kecamatan atau dari daftar hadir pelatihan?"
ANSWER = "Dari daftar hadir pelatihan; rekap kecamatan baru masuk bulan depan."
REASON = "Mohon sesuaikan jumlah UM dengan daftar hadir yang dilampirkan."


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(
        tmp_path_factory.mktemp("quarter"),
        seed=("--quarters", "0"),
        extra_env={"KINERJA_FIXED_NOW": "2021-04-07T09:00:00+07:00"},
    ) as server:
        yield server


def open_own_report(page: Page) -> str:
    """From Tugas Saya to the holder's TW I report; its reference."""
    row = page.locator("table.tasks tr[data-ref^='LAP-']").first
    expect(row).to_contain_text("TW I 2021")
    row.locator("a").first.click()
    expect(page.locator("h1")).to_have_text("Laporan Realisasi TW I 2021")
    return "LAP-" + re.search(r"/laporan/(\d+)", page.url).group(1)  # type: ignore[union-attr]


def fill_and_save(page: Page) -> None:
    """Every input typed: counts of the same order as the demo's targets (a part of about
    twelve in a whole of 4.800 gives the 0,24 % the first indicator aims at)."""
    inputs = page.locator("#report-form input[name^='v.']")
    for index in range(inputs.count()):
        inputs.nth(index).fill("12" if index % 2 == 0 else "4.800")
    page.click("#save")
    expect(page.locator("#flash")).to_have_text("Isian disimpan")


def evidence_previewed_and_replaced(page: Page, who: str) -> None:
    """Upload a PDF for the first indicator, preview it, replace it with a signed one (with a
    reason), and add a photo for the whole report."""
    report_url = page.url.split("?")[0].split("#")[0]
    first = page.locator("#indikator option").nth(1)
    page.set_input_files(
        "#berkas",
        files=[{"name": "daftar-hadir.pdf", "mimeType": "application/pdf",
                "buffer": pdf_file(f"Daftar hadir TW I {who}")}],
    )  # fmt: skip
    page.select_option("#indikator", value=first.get_attribute("value") or "")
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#flash")).to_have_text("Bukti dukung diunggah")
    page.get_by_label("Lihat daftar-hadir.pdf").first.click()
    expect(page.locator("h1")).to_have_text("Pratinjau bukti dukung")
    expect(page.locator("#preview-frame")).to_be_visible()
    page.goto(report_url)
    change = page.locator("#evidence-change li", has_text="daftar-hadir.pdf")
    change.locator("summary").click()
    change.locator(".ev-replace input[type=file]").set_input_files(
        files=[{"name": "daftar-hadir-ttd.pdf", "mimeType": "application/pdf",
                "buffer": pdf_file(f"Daftar hadir TW I {who} (ditandatangani)")}],
    )  # fmt: skip
    change.locator(".ev-replace input[name=alasan]").fill("Versi yang sudah ditandatangani")
    change.locator(".ev-replace button").click()
    expect(page.locator("#flash")).to_contain_text("Bukti dukung diganti")
    expect(page.locator("#evidence-history")).to_contain_text("daftar-hadir.pdf")
    page.set_input_files(
        "#berkas", files=[{"name": "foto.png", "mimeType": "image/png", "buffer": png_file()}]
    )
    page.select_option("#indikator", value="")
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#bukti-laporan")).to_contain_text("foto.png")


def ask(page: Page, text: str) -> None:
    """Write in the first indicator's thread (opened from the indicator's link)."""
    page.locator(".indicator-discussion a").first.click()
    thread = page.locator("details.indicator-thread").first
    if thread.get_attribute("open") is None:
        thread.locator("summary").click()
    thread.locator("textarea").fill(text)
    thread.locator("button[type=submit]").click()
    expect(page.locator(".comment:target")).to_contain_text(text)


def my_documents(page: Page, server: LiveServer) -> dict[str, str]:
    """Reference -> state of each row of Dokumen saya for TW I."""
    page.goto(server.url + "/dokumen-saya?year=2021&period=1")
    expect(page.locator("h1")).to_have_text("Dokumen saya")
    rows = page.locator("tr[data-ref]")
    return {
        rows.nth(i).get_attribute("data-ref") or "": rows.nth(i).get_attribute("data-state") or ""
        for i in range(rows.count())
    }


def test_a_whole_quarter_through_the_browser(browser: Browser, quarter: LiveServer) -> None:
    server = quarter
    # Two Kepala Seksi fill, attach, preview and replace their evidence, and submit.
    yusuf = login(browser, server, YUSUF, width=1366)
    yusuf_ref = open_own_report(yusuf)
    fill_and_save(yusuf)
    evidence_previewed_and_replaced(yusuf, "Yusuf")
    shot(yusuf, "laporan-bukti")
    save_and_submit(yusuf)
    expect(yusuf.locator("#state")).to_have_text("Diajukan")

    fitri = login(browser, server, FITRI, width=1366)
    fitri_ref = open_own_report(fitri)
    fitri_url = fitri.url
    fill_and_save(fitri)
    evidence_previewed_and_replaced(fitri, "Fitri")
    save_and_submit(fitri)
    expect(fitri.locator("#state")).to_have_text("Diajukan")

    # The Kepala Bidang asks a question on one of Fitri's indicators: nothing changes state.
    kabid = login(browser, server, KABID, width=1366)
    kabid.goto(fitri_url)
    ask(kabid, QUESTION)
    expect(kabid.locator("#state")).to_have_text("Diajukan")
    # Fitri sees it in the app (the bell) and answers in the same thread.
    fitri.goto(server.url + "/notifikasi")
    notice = fitri.locator("#notices li", has_text="Komentar dari Rina Kusumawati").first
    notice.locator("a").click()
    expect(fitri.locator(".comment:target")).to_contain_text(QUESTION)
    answer = fitri.locator("details.indicator-thread[open]").first
    answer.locator("textarea").fill(ANSWER)
    answer.locator("button[type=submit]").click()
    expect(fitri.locator(".comment:target")).to_contain_text(ANSWER)
    shot(fitri, "diskusi-indikator")
    # The answer shows the figures need fixing: the Kepala Bidang returns the report.
    kabid.goto(fitri_url)
    expect(kabid.locator(".indicator-thread").first).to_contain_text(ANSWER)
    act(kabid, "return", REASON)
    expect(kabid.locator("#state")).to_have_text("Draf")
    # Fitri fixes one value and saves and submits in one click.
    fitri.goto(fitri_url)
    expect(fitri.locator("#returned")).to_contain_text(REASON)
    fitri.locator("#report-form input[name^='v.']").first.fill("13")
    save_and_submit(fitri)
    expect(fitri.locator("#state")).to_have_text("Diajukan")

    # The Kepala Bidang verifies both at once from Tugas Saya, after a confirmation.
    kabid.goto(server.url + "/tugas")
    listed = kabid.locator("form.bulk[data-step=verify]")
    for ref in (yusuf_ref, fitri_ref):
        listed.locator(f'tr[data-ref="{ref}"] input[name=pilih]').check()
    shot(kabid, "tugas-saya-verifikasi-bersama")
    listed.locator("button[data-bulk=verify]").click()
    expect(kabid.locator("h1")).to_have_text("Pastikan verifikasi 2 dokumen")
    kabid.locator("#confirm-bulk").click()
    for ref in (yusuf_ref, fitri_ref):
        expect(kabid.locator(f'#bulk-done li[data-ref="{ref}"]')).to_contain_text("diverifikasi")
    expect(kabid.locator("#bulk-refused")).to_have_count(0)

    # The scheduler's sweep and dispatcher: the Kepala Dinas's digest reaches the mailbox.
    kinerja("outbox", "send", env=server.env)
    kinerja("sweep", env=server.env)
    sent = kinerja("outbox", "send", env=server.env)
    assert sent.stdout.rstrip().endswith("gagal 0."), sent.stdout
    kadis = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    kadis.goto(server.url + "/demo/kotak-surat")
    digest = kadis.locator("#mailbox tbody tr", has_text="hendra.wibisono").filter(
        has_text="Ringkasan Kinerja"
    )
    expect(digest.first).to_be_visible()
    digest.first.locator("a").click()
    body = kadis.frame_locator("iframe").locator("body")
    expect(body).to_contain_text("Persetujuan, tenggat 16 April 2021")
    shot(kadis, "email-ringkasan")
    links = {}
    for ref in (yusuf_ref, fitri_ref):
        link = body.locator(f'a[href*="/dokumen/{ref}?aksi=approve"]').first
        links[ref] = urlsplit(link.get_attribute("href") or "")
    # He follows the first link: the login, then the report with the approve form pointed
    # at; the link itself changed nothing.
    first = links[yusuf_ref]
    kadis.goto(f"{server.url}{first.path}?{first.query}")
    expect(kadis.locator("h1")).to_have_text("Masuk ke Kinerja")
    kadis.fill("#login", KADIS)
    kadis.fill("#password", "demo")
    kadis.click("#login-form button[type=submit]")
    expect(kadis.locator("#action-link")).to_contain_text("menyetujui")
    expect(kadis.locator("#state")).to_have_text("Diverifikasi")
    shot(kadis, "tautan-setujui", full_page=False)
    act(kadis, "approve")
    expect(kadis.locator("#state")).to_have_text("Disetujui")
    second = links[fitri_ref]
    kadis.goto(f"{server.url}{second.path}?{second.query}")
    expect(kadis.locator("#action-link")).to_contain_text("menyetujui")
    act(kadis, "approve")
    expect(kadis.locator("#state")).to_have_text("Disetujui")

    # Each finds the reports again in Dokumen saya.
    assert my_documents(yusuf, server).get(yusuf_ref) == "approved"
    assert my_documents(fitri, server).get(fitri_ref) == "approved"
    shot(fitri, "dokumen-saya")
    for page in (kabid, kadis):
        found = my_documents(page, server)
        assert (found.get(yusuf_ref), found.get(fitri_ref)) == ("approved", "approved"), found

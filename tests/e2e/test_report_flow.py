"""The whole quarterly cycle in real Chromium against a real `kinerja serve --demo`.

The server starts at the beginning of the demo year (PKs signed, TW I reports empty)
with its clock frozen on 5 April 2021 09.00 WIB. A Kepala Seksi fills TW I and sees
the capaian computed as she types, uploads evidence and submits; the Kepala Bidang
returns it with a reason; she fixes and resubmits; the Kepala Bidang verifies; the
Kepala Dinas approves; the dashboard shows it and the mailbox holds the emails.
Screenshots of the main pages go to $KINERJA_SCREENSHOT_DIR (default var/screenshots).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, kinerja, running_server

pytestmark = pytest.mark.browser

KASI = "yusuf.hidayat@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Usaha Mikro
KABID = "rina.kusumawati@diskoperindag-gresik.test"  # Kepala Bidang Usaha Mikro
KADIS = "hendra.wibisono@diskoperindag-gresik.test"  # Kepala Dinas
REASON = "Jumlah UM yang difasilitasi belum sesuai daftar hadir; mohon dicek ulang."
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
SHOTS = Path(os.environ.get("KINERJA_SCREENSHOT_DIR", "var/screenshots"))


@pytest.fixture(scope="module")
def start_of_year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(
        tmp_path_factory.mktemp("flow"),
        seed=("--quarters", "0"),
        extra_env={"KINERJA_FIXED_NOW": "2021-04-05T09:00:00+07:00"},
    ) as server:
        yield server


def login(browser: Browser, server: LiveServer, who: str, *, width: int = 1280) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(server.url + "/")
    expect(page.locator("h1")).to_have_text("Masuk ke Kinerja")
    page.fill("#login", who)
    page.fill("#password", "demo")
    page.click("#login-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tugas Saya")
    return page


def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def act(page: Page, action: str, comment: str | None = None) -> None:
    form = page.locator(f'#actions form[data-action="{action}"]')
    if comment is not None:
        form.locator("textarea").fill(comment)
    form.locator("button[type=submit]").click()
    expect(page.locator("#flash")).to_contain_text("berhasil")


def save_and_submit(page: Page) -> None:
    """The holder's submit: "Simpan dan ajukan" (issue 17), with kendala and upaya written
    for every indicator whose result is low enough to need them."""
    page.evaluate("document.querySelectorAll('#report-form details').forEach(d => d.open = true)")
    needed = page.locator(".narrative-needed:not(:empty)")
    for index in range(needed.count()):
        note = needed.nth(index)
        part, code = note.get_attribute("data-part"), note.get_attribute("data-need-for")
        page.fill(f'[name="{part}.{code}"]', "Data kecamatan terlambat; rapat koordinasi")
    page.click("#save-submit")
    expect(page.locator("#flash")).to_contain_text("berhasil")


def test_a_quarter_from_draft_to_approved(browser: Browser, start_of_year: LiveServer) -> None:
    server = start_of_year
    kasi = login(browser, server, KASI)
    task = kasi.locator("table.tasks tr[data-ref^='LAP-']").first
    expect(task).to_contain_text("TW I 2021")
    shot(kasi, "tugas-saya")
    task.locator("a").click()
    expect(kasi.locator("h1")).to_have_text("Laporan Realisasi TW I 2021")
    report_url = kasi.url
    report_id = int(re.search(r"/laporan/(\d+)", report_url).group(1))  # type: ignore[union-attr]

    # Typing a letter shows the error next to the field, computed by the server.
    inputs = kasi.locator("#report-form input[name^='v.']")
    first = inputs.first
    first.fill("12x")
    first_box = kasi.locator("section.indicator").first
    expect(first_box.locator(".field-error").first).to_contain_text("bukan angka")
    # Good numbers: the capaian and its category appear as she types.
    for index in range(inputs.count()):
        inputs.nth(index).fill("40")
    expect(first_box.locator('[data-result="capaian"]')).to_contain_text("%")
    expect(first_box.locator('[data-result="capaian"] .badge')).not_to_be_empty()
    expect(first_box.locator(".field-error").first).to_be_empty()
    shot(kasi, "laporan")
    kasi.click("#save")
    expect(kasi.locator("#flash")).to_have_text("Isian disimpan")
    # Evidence.
    kasi.set_input_files(
        "#berkas", files=[{"name": "daftar-hadir.png", "mimeType": "image/png", "buffer": PNG}]
    )
    kasi.click("#upload-form button[type=submit]")
    expect(kasi.locator("#evidence")).to_contain_text("daftar-hadir.png")
    save_and_submit(kasi)
    expect(kasi.locator("#state")).to_have_text("Diajukan")

    # The Kepala Bidang returns it with a reason (an empty one is refused first).
    kabid = login(browser, server, KABID)
    expect(kabid.locator(f'tr[data-ref="LAP-{report_id}"]')).to_be_visible()
    kabid.goto(report_url)
    kabid.locator('#actions form[data-action="return"] button').click()
    expect(kabid.locator("#action-error")).to_contain_text("Alasan wajib diisi")
    act(kabid, "return", REASON)
    expect(kabid.locator("#state")).to_have_text("Draf")

    # She sees the reason, fixes one value, saves and resubmits.
    kasi.goto(report_url)
    expect(kasi.locator("#returned")).to_contain_text(REASON)
    kasi.locator("#report-form input[name^='v.']").first.fill("45")
    kasi.click("#save")
    expect(kasi.locator("#flash")).to_have_text("Isian disimpan")
    save_and_submit(kasi)

    kabid.goto(report_url)
    act(kabid, "verify")
    expect(kabid.locator("#state")).to_have_text("Diverifikasi")

    kadis = login(browser, server, KADIS)
    kadis.goto(report_url)
    act(kadis, "approve")
    expect(kadis.locator("#state")).to_have_text("Disetujui")
    history = kadis.locator("#history tbody tr")
    expect(history).to_have_count(5)
    expect(history.nth(1)).to_contain_text(REASON)

    # The dashboard shows it approved, with its capaian.
    kadis.goto(server.url + "/dasbor?year=2021&quarter=1")
    link = kadis.locator(f'a[href="/laporan/{report_id}"]').first
    expect(link).to_be_visible()
    shot(kadis, "dasbor-tw1", full_page=False)

    # The emails: the dispatcher sends what the actions queued; the mailbox shows them.
    sent = kinerja("outbox", "send", env=server.env)
    assert sent.stdout.rstrip().endswith("gagal 0."), sent.stdout
    kadis.goto(server.url + "/demo/kotak-surat")
    subjects = kadis.locator("#mailbox tbody tr td:nth-child(3)").all_inner_texts()
    assert any("dikembalikan" in s.lower() for s in subjects), subjects
    assert any("disetujui" in s.lower() for s in subjects), subjects
    shot(kadis, "kotak-surat")

    # The printable PK of the Kepala Seksi, with both signature blocks.
    kasi.goto(server.url + "/tugas")
    kasi.goto(report_url)
    kasi.locator("p.muted a[href^='/pk/']").first.click()
    kasi.locator("#print-link").click()
    expect(kasi.locator("h1").first).to_have_text("PERJANJIAN KINERJA TAHUN 2021")
    titles = kasi.locator("#signatures tr.title td")
    expect(titles.first).to_have_text("Kepala Bidang Usaha Mikro")  # pihak kedua, on the left
    expect(kasi.locator("#signatures tr.nip td[data-party='first']")).to_contain_text("NIP.")
    shot(kasi, "pk-cetak")


def test_tugas_saya_fits_a_phone(browser: Browser, start_of_year: LiveServer) -> None:
    page = login(browser, start_of_year, KABID, width=375)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1
    shot(page, "tugas-saya-ponsel")

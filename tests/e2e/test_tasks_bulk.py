"""Tugas Saya in real Chromium: a Kepala Bidang verifies two reports at once.

Two Kepala Seksi of the Bidang Usaha Mikro fill and submit TW I through their report pages;
the Kepala Bidang sees both under "Untuk diverifikasi" with their holder, capaian and how
long they have waited, ticks both, is shown a confirmation listing them, confirms, and
both are verified, each with its own history row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import LiveServer, running_server
from tests.e2e.test_report_flow import KABID, PNG, login, save_and_submit, shot

pytestmark = pytest.mark.browser

HOLDERS = (
    "yusuf.hidayat@diskoperindag-gresik.test",  # Kepala Seksi Pembiayaan Usaha Mikro
    "fitri.handayani@diskoperindag-gresik.test",  # Kepala Seksi Produksi Usaha Mikro
)


@pytest.fixture(scope="module")
def start_of_year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(
        tmp_path_factory.mktemp("bulk"),
        seed=("--quarters", "0"),
        extra_env={"KINERJA_FIXED_NOW": "2021-04-06T09:00:00+07:00"},
    ) as server:
        yield server


def submit_tw1(browser: Browser, server: LiveServer, who: str) -> str:
    """The holder fills every input of her TW I report, attaches evidence and submits."""
    page = login(browser, server, who)
    page.locator("table.tasks tr[data-ref^='LAP-'] a").first.click()
    ref = "LAP-" + re.search(r"/laporan/(\d+)", page.url).group(1)  # type: ignore[union-attr]
    inputs = page.locator("#report-form input[name^='v.']")
    for index in range(inputs.count()):
        inputs.nth(index).fill("40")
    page.click("#save")
    expect(page.locator("#flash")).to_have_text("Isian disimpan")
    page.set_input_files(
        "#berkas", files=[{"name": "daftar-hadir.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#evidence")).to_contain_text("daftar-hadir.png")
    save_and_submit(page)
    page.context.close()
    return ref


def history(server: LiveServer, refs: list[str]) -> dict[str, tuple[str, int]]:
    engine = create_engine(server.database_url)
    found = {}
    try:
        with engine.connect() as connection:
            for ref in refs:
                doc_id = int(ref.removeprefix("LAP-"))
                state = connection.execute(
                    text("SELECT state FROM report WHERE id = :id"), {"id": doc_id}
                ).scalar_one()
                verified = connection.execute(
                    text(
                        "SELECT count(*) FROM transition_log WHERE doc_type = 'report'"
                        " AND doc_id = :id AND action = 'verify'"
                    ),
                    {"id": doc_id},
                ).scalar_one()
                found[ref] = (state, verified)
    finally:
        engine.dispose()
    return found


def test_a_head_of_bidang_verifies_two_reports_at_once(
    browser: Browser, start_of_year: LiveServer
) -> None:
    refs = [submit_tw1(browser, start_of_year, who) for who in HOLDERS]
    kabid = login(browser, start_of_year, KABID, width=1366)
    listed = kabid.locator("form.bulk[data-step=verify]")
    for ref in refs:
        row = listed.locator(f'tr[data-ref="{ref}"]')
        expect(row.locator("[data-capaian]")).to_contain_text("%")
        expect(row.locator("[data-holder]")).not_to_be_empty()
        expect(row.locator("[data-waiting]")).to_contain_text("sejak")
    # Only these two wait for verification: "pilih semua" (tasks.js) ticks both.
    expect(listed.locator("input[name=pilih]")).to_have_count(2)
    listed.locator("input.select-all").check()
    for ref in refs:
        expect(listed.locator(f'tr[data-ref="{ref}"] input[name=pilih]')).to_be_checked()
    expect(listed.locator("button[data-bulk=verify]")).to_have_text("Verifikasi yang dipilih (2)")
    shot(kabid, "tugas-saya-pilih")
    listed.locator("button[data-bulk=verify]").click()
    expect(kabid.locator("h1")).to_have_text("Pastikan verifikasi 2 dokumen")
    for ref in refs:
        expect(kabid.locator(f'#bulk-confirm tr[data-ref="{ref}"]')).to_be_visible()
    assert {s for s, _ in history(start_of_year, refs).values()} == {"submitted"}  # not yet
    shot(kabid, "tugas-saya-konfirmasi")
    kabid.click("#confirm-bulk")
    expect(kabid.locator("h1")).to_have_text("Hasil verifikasi")
    expect(kabid.locator("[role=status]")).to_have_text("2 dokumen berhasil diverifikasi.")
    for ref in refs:
        expect(kabid.locator(f'#bulk-done li[data-ref="{ref}"]')).to_contain_text("diverifikasi")
    shot(kabid, "tugas-saya-hasil")
    assert history(start_of_year, refs) == dict.fromkeys(refs, ("verified", 1))
    # At 375 px the list stacks and nothing is clipped.
    phone = login(browser, start_of_year, KABID, width=375)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 376

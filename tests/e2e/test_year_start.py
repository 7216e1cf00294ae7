"""A new year started in real Chromium (issue 18, first "Done when").

On 10 January 2022 the demo agency's planning holder (Kepala Sub Bagian Program) opens
2022 from the 2021 catalogue on /tahun, sets the DPA date and creates every position's
PK; two Kepala Seksi of the Bidang Usaha Mikro sign theirs through the workflow (submit,
verify by the Kepala Bidang, approve by the Kepala Dinas). On 1 March 2022 (the server
restarted on the same database with the later clock) the administrator ends one Kepala
Seksi's assignment and appoints a Plt on /admin/penugasan; the Plt finds "Buat PK
Perubahan" in Tugas Saya with the reason prefilled, makes it, and finds the new draft in
Tugas Saya and Dokumen saya while the signed PK stays readable. The audit verifies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, free_port, kinerja, running_server
from tests.e2e.test_report_flow import KABID, KADIS, act, login, shot
from tests.servers import serve

pytestmark = pytest.mark.browser

PLANNER = "agus.prasetyo@diskoperindag-gresik.test"  # Kepala Sub Bagian Program (perencanaan)
KASI_OUT = "yusuf.hidayat@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Usaha Mikro
KASI_TWO = "fitri.handayani@diskoperindag-gresik.test"  # Kepala Seksi Produksi Usaha Mikro
PLT = "joko.santoso@diskoperindag-gresik.test"  # Kepala Seksi Kelembagaan Usaha Mikro
KASI_OUT_TITLE = "Kepala Seksi Pembiayaan Usaha Mikro"
JANUARY = "2022-01-10T09:00:00+07:00"
MARCH = "2022-03-01T09:00:00+07:00"


@pytest.fixture(scope="module")
def january(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    folder = tmp_path_factory.mktemp("year")
    with running_server(folder, extra_env={"KINERJA_FIXED_NOW": JANUARY}) as server:
        yield server, folder


def admin_login(browser: Browser, server: LiveServer) -> Page:
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(server.url + "/masuk")
    page.fill("#login", "admin")
    page.fill("#password", "admin")
    page.click("#login-form button[type=submit]")
    expect(page.locator("header")).to_contain_text("Admin")
    return page


def sign(browser: Browser, server: LiveServer, holder: str) -> int:
    """The holder submits their 2022 PK from Tugas Saya; the Kepala Bidang verifies and the
    Kepala Dinas approves it, each on the PK's page."""
    page = login(browser, server, holder)
    task = page.locator("table.tasks tr[data-ref^='PK-']", has_text="Tahun 2022").first
    task.locator("a").first.click()
    pk_id = int(re.search(r"/pk/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    expect(page.locator("h1")).to_have_text("Perjanjian Kinerja 2022")
    act(page, "submit")
    page.context.close()
    for who, action in ((KABID, "verify"), (KADIS, "approve")):
        page = login(browser, server, who)
        page.goto(f"{server.url}/pk/{pk_id}")
        act(page, action)
        page.context.close()
    return pk_id


def test_a_year_started_signed_and_revised_in_the_browser(
    browser: Browser, january: tuple[LiveServer, Path]
) -> None:
    server, folder = january
    # A Kepala Seksi has no planning role: the page says why.
    kasi = login(browser, server, KASI_TWO)
    expect(kasi.locator("header nav")).not_to_contain_text("Tahun kerja")
    response = kasi.goto(server.url + "/tahun")
    assert response is not None and response.status == 403
    expect(kasi.locator("main")).to_contain_text("pemegang jabatan perencanaan")
    kasi.context.close()

    planner = login(browser, server, PLANNER, width=1366)
    planner.click("header nav >> text=Tahun kerja")
    expect(planner.locator("h1")).to_have_text("Tahun kerja 2022")
    expect(planner.locator("#catalogue-state")).to_contain_text("Belum dibuka")
    planner.click("#open-year")
    expect(planner.locator("#catalogue-state")).to_contain_text("51 indikator tahun 2022")
    planner.fill("#f-dpa", "2021-12-30")
    planner.click("#save-dpa")
    expect(planner.locator("#year-error")).to_have_text("Tanggal DPA harus di tahun 2022")
    planner.fill("#f-dpa", "2022-01-07")
    planner.click("#save-dpa")
    expect(planner.locator("#dpa-state")).to_contain_text("7 Februari 2022")
    planner.click("#create-pks")
    expect(planner.locator("#pk-result")).to_contain_text("25 PK dibuat sebagai draf")
    expect(planner.locator("#created-pks tbody tr")).to_have_count(25)
    shot(planner, "tahun-kerja-dibuat")
    planner.set_viewport_size({"width": 375, "height": 800})
    shot(planner, "tahun-kerja-dibuat-375")
    planner.context.close()

    signed = sign(browser, server, KASI_OUT)
    sign(browser, server, KASI_TWO)
    planner = login(browser, server, PLANNER)
    planner.goto(server.url + "/tahun?tahun=2022")
    row = planner.locator("#progress tbody tr", has_text="Bidang Usaha Mikro")
    expect(row.locator("td").nth(4)).to_have_text("2")  # disetujui
    expect(planner.locator("#create-pks")).to_have_count(0)  # nothing left to create
    shot(planner, "tahun-kerja-progres")
    planner.context.close()

    # 1 March: the Kepala Seksi leaves the post on 28 February; a Plt takes it over.
    env = {**server.env, "KINERJA_FIXED_NOW": MARCH, "KINERJA_SMTP_PORT": str(free_port())}
    with serve(env, folder / "serve-march.log", "--demo", "--no-scheduler") as march:
        later = LiveServer(march.url, server.database_url, env)
        admin = admin_login(browser, later)
        admin.goto(later.url + "/admin/penugasan")
        row = admin.locator("tr", has_text="Yusuf Hidayat").filter(has_text=KASI_OUT_TITLE)
        row.locator("a", has_text="Akhiri").first.click()
        admin.fill("#f-valid_to", "2022-02-28")
        admin.click("#end-form button[type=submit]")
        admin.goto(later.url + "/admin/penugasan/baru")
        for field, text in (("official_id", "Joko Santoso"), ("position_id", KASI_OUT_TITLE)):
            option = admin.locator(f"#f-{field} option", has_text=text).first
            admin.select_option(f"#f-{field}", option.get_attribute("value"))
        admin.select_option("#f-status", "plt")
        admin.fill("#f-valid_from", "2022-03-01")
        admin.click("#assignment-form button[type=submit]")
        expect(admin.locator("main")).not_to_contain_text("perlu diperbaiki")
        admin.context.close()

        plt = login(browser, later, PLT)
        prompt = plt.locator("#revision-prompts")
        expect(prompt).to_contain_text(f"PK-{signed}")
        expect(prompt).to_contain_text("PermenPAN-RB 53/2014")
        shot(plt, "tugas-prompt-pk-perubahan")
        prompt.locator("a.prompt-link").first.click()
        expect(plt.locator("#perubahan")).to_have_attribute("open", "")
        expect(plt.locator("input[name=jenis][value=pejabat]")).to_be_checked()
        expect(plt.locator("#f-alasan-perubahan")).to_have_value(re.compile("Plt. Joko Santoso"))
        expect(plt.locator("#locked-quarters")).to_contain_text("Belum ada triwulan")
        plt.click("#start-revision")
        expect(plt.locator("h1")).to_have_text("Perjanjian Kinerja 2022 (Perubahan 1)")
        expect(plt.locator("#flash")).to_contain_text("PK Perubahan dibuat")
        revision = int(re.search(r"/pk/(\d+)", plt.url).group(1))  # type: ignore[union-attr]
        shot(plt, "pk-perubahan")
        plt.goto(later.url + "/tugas")
        expect(plt.locator("#revision-prompts")).to_have_count(0)
        expect(plt.locator(f"table.tasks tr[data-ref='PK-{revision}']")).to_have_count(1)
        plt.goto(later.url + "/dokumen-saya?period=pk")
        expect(plt.locator("main")).to_contain_text("Tahun 2022 (Perubahan 1)")
        plt.goto(f"{later.url}/pk/{signed}")  # the signed PK stays readable
        expect(plt.locator("#state")).to_have_text("Disetujui")
        plt.context.close()

    verified = kinerja("audit", "verify", env=server.env)
    assert "Rantai audit utuh." in verified.stdout

"""Two sessions save the same report: the second is refused, never a silent overwrite.

The holder of a TW III draft opens her report in two browser sessions (two tabs on two
machines, say). She saves a value in the first; the second, still showing the page as it
was, saves another value: the server answers 409, the page names who saved and when, keeps
what was typed and shows what is stored now, and the first value stays. The API refuses
the same stale save with its error shape (409 with the current version and the last
change), and a save without `expected_version` with 428.
"""

from __future__ import annotations

import re

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import LiveServer
from tests.e2e.test_report_flow import login, shot

pytestmark = pytest.mark.browser

HOLDER = "fitri.handayani@diskoperindag-gresik.test"  # Kasi Produksi Usaha Mikro
POSITION = "kasi-produksi-usaha-mikro"
FIELD = "v.kasi-produksi-usaha-mikro-1.um_difasilitasi"


def tw3_report(server: LiveServer) -> int:
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text(
                    "SELECT report.id FROM report JOIN position ON position.id = report.position_id"
                    " WHERE position.code = :code AND report.year = 2021 AND report.quarter = 3"
                    " AND report.state = 'draft'"
                ),
                {"code": POSITION},
            ).scalar_one()
    finally:
        engine.dispose()
    return int(found)


def stored(server: LiveServer, rid: int) -> str:
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            inputs = connection.execute(
                text(
                    "SELECT inputs FROM report_entry JOIN indicator"
                    " ON indicator.id = report_entry.indicator_id"
                    " WHERE report_entry.report_id = :rid AND indicator.code = :code"
                ),
                {"rid": rid, "code": "kasi-produksi-usaha-mikro-1"},
            ).scalar_one()
    finally:
        engine.dispose()
    return str(re.search(r'"um_difasilitasi":\s*"([^"]*)"', str(inputs)).group(1))  # type: ignore[union-attr]


def save(page: Page, value: str) -> int:
    page.fill(f'[name="{FIELD}"]', value)
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/hitung" not in r.url
    ) as answer:
        page.click("#save")
    page.wait_for_load_state()
    return answer.value.status


def test_the_second_of_two_sessions_saving_the_same_report_is_refused(
    browser: Browser, live_server: LiveServer
) -> None:
    rid = tw3_report(live_server)
    first = login(browser, live_server, HOLDER)
    second = login(browser, live_server, HOLDER)
    for page in (first, second):
        page.goto(f"{live_server.url}/laporan/{rid}")
        expect(page.locator("#save")).to_be_visible()

    assert save(first, "111") == 303
    expect(first.locator("#flash")).to_have_text("Isian disimpan")

    assert save(second, "222") == 409
    conflict = second.locator("#conflict")
    expect(conflict).to_contain_text(f"LAP-{rid}: dokumen sudah disimpan oleh Fitri Handayani")
    expect(conflict).to_contain_text(re.compile(r"pada \d{1,2} \w+ \d{4} pukul \d\d\.\d\d"))
    expect(second.locator(f'[name="{FIELD}"]')).to_have_value("222")  # what she typed stays
    expect(second.locator(f'[data-stored-for="{FIELD}"]')).to_have_text("Tersimpan sekarang: 111")
    shot(second, "stale-save-refused")
    assert stored(live_server, rid) == "111"  # the first save stands

    # The API: the same stale version answers 409 with the current version and the last change.
    first.goto(f"{live_server.url}/akun")
    first.fill("#token-name", "uji simpan ganda")
    first.select_option("#token-scope", "write")  # the form offers a read-only token first
    first.click("#token-form button[type=submit]")
    token = first.locator("#new-token").inner_text()
    auth = {"Authorization": f"Bearer {token}"}
    body = {"kasi-produksi-usaha-mikro-1": {"values": {"um_difasilitasi": "333"}}}
    url = f"{live_server.url}/api/v1/reports/{rid}/entries"
    current = httpx.get(f"{live_server.url}/api/v1/reports/{rid}", headers=auth).json()["version"]
    missing = httpx.put(url, json=body, headers=auth)
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"
    stale = httpx.put(url, params={"expected_version": current - 1}, json=body, headers=auth)
    assert stale.status_code == 409, stale.text
    error = stale.json()["error"]
    assert error["code"] == "conflict" and error["version"] == current
    assert error["changed_by"].startswith("Fitri Handayani") and error["changed_at"]
    assert "disimpan oleh Fitri Handayani" in error["message"]
    assert stored(live_server, rid) == "111"
    fresh = httpx.put(url, params={"expected_version": current}, json=body, headers=auth)
    assert fresh.status_code == 200 and fresh.json()["version"] == current + 1
    assert stored(live_server, rid) == "333"

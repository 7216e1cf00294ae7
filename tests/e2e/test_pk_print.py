"""The printable PK in Chromium at A4 with print media: what a civil servant gets on paper.

For the Kepala Dinas's PK (the longest amounts), the Kepala Bidang with the biggest budget and
a staff member: the two signature names sit at the same height although the titles have
different lengths, no amount, unit or column header wraps, nothing is wider than the page,
and the browser's own PDF embeds a Times-metric font when one is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, col, create_engine, select

from db.models import PerjanjianKinerja, PositionRow
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

POSITIONS = ("kepala-dinas", "kabid-perdagangan", "fasilitator-perdagangan")
A4_TEXT_WIDTH_PX = round(16.5 / 2.54 * 96)  # 21 cm less the margins of 2,5 and 2 cm
A4_HEIGHT_PX = round(29.7 / 2.54 * 96)


def latest_pk(database_url: str, position: str) -> int:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            row = session.exec(
                select(PerjanjianKinerja)
                .join(PositionRow, PositionRow.id == PerjanjianKinerja.position_id)  # type: ignore[arg-type]
                .where(PositionRow.code == position)
                .order_by(
                    col(PerjanjianKinerja.year).desc(), col(PerjanjianKinerja.revision).desc()
                )
            ).first()
            assert row is not None and row.id is not None
            return row.id
    finally:
        engine.dispose()


def lines(page: Page, selector: str) -> list[int]:
    """How many lines the text of each matching element is laid out on."""
    return page.eval_on_selector_all(
        selector,
        """cells => cells.map(cell => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return tops.size;
        })""",
    )


@pytest.mark.parametrize("position", POSITIONS)
def test_the_printed_pk_aligns_the_names_and_wraps_no_number(
    browser: Browser, live_server: LiveServer, position: str, tmp_path: Path
) -> None:
    pk_id = latest_pk(live_server.database_url, position)
    # The viewport of the printed text: A4 less the page margins, as the printer lays it out.
    context = browser.new_context(viewport={"width": A4_TEXT_WIDTH_PX, "height": A4_HEIGHT_PX})
    page = context.new_page()
    page.goto(live_server.url + "/masuk")
    page.fill("#login", "admin")
    page.fill("#password", "admin")
    page.click("#login-form button[type=submit]")
    page.goto(f"{live_server.url}/pk/{pk_id}/cetak")
    page.emulate_media(media="print")
    expect(page.locator("#print-button")).to_be_hidden()
    expect(page.locator("#print-targets th").nth(1)).to_have_text("Sasaran")

    for table in ("#signatures", "#signatures-attachment"):
        names = page.locator(f"{table} tr.name td")
        expect(names).to_have_count(2)
        left, right = names.nth(0).bounding_box(), names.nth(1).bounding_box()
        assert left is not None and right is not None
        assert left["y"] == right["y"], (table, left, right)
        titles = page.locator(f"{table} tr.title td")
        space = page.locator(f"{table} tr.space td").first.bounding_box()
        assert space is not None and space["height"] >= 90  # 2,5 cm for signature and stamp
        assert titles.count() == 2

    # Numbers, units and the narrow headers on one line each.
    assert set(lines(page, "#print-targets td.num, #print-budget .num")) == {1}
    assert set(lines(page, "#print-targets td.unit")) == {1}
    assert set(lines(page, "th.nowrap")) == {1}
    for table in ("#print-targets", "#print-budget"):
        box = page.locator(table).bounding_box()
        assert box is not None and box["width"] <= A4_TEXT_WIDTH_PX + 1

    pdf = tmp_path / f"{position}.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    context.close()
    if shutil.which("pdffonts") is None:
        return
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    if (
        "Liberation Serif"
        in subprocess.run(
            ["fc-match", "-f", "%{family}", "Times New Roman"], capture_output=True, text=True
        ).stdout
    ):
        assert re.search(r"LiberationSerif", fonts.stdout), fonts.stdout
    if position == "kepala-dinas" and shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "29.705.000.000,00" in text.split()

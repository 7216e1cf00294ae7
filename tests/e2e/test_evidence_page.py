"""Evidence on the report page in real Chromium (issue 17 item 3): the form says what it
accepts, a file whose content is not its extension is refused, evidence per indicator with
its checklist, the sandboxed preview really shows a PDF and an image, replace and withdraw
with a reason, and the withdrawn files in the evidence history.
Screenshots go to $KINERJA_SCREENSHOT_DIR (default var/screenshots)."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, running_server
from tests.e2e.test_report_flow import KASI, login, shot

pytestmark = pytest.mark.browser


def pdf_file(text: str) -> bytes:
    """A small valid one-page PDF showing `text` (cross-reference offsets computed)."""
    stream = f"BT /F1 28 Tf 60 700 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref,
    )  # fmt: skip
    return bytes(out)


def png_file(width: int = 120, height: int = 80) -> bytes:
    """A valid RGB PNG: a blue rectangle."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x0b\x5c\xab" * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b"")
    )  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(
        tmp_path_factory.mktemp("evidence"),
        seed=("--quarters", "0"),
        extra_env={"KINERJA_FIXED_NOW": "2021-04-05T09:00:00+07:00"},
    ) as live:
        yield live


def upload(page: Page, name: str, mime: str, data: bytes, indicator: str = "") -> None:
    page.set_input_files("#berkas", files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.select_option("#indikator", value=indicator)
    page.click("#upload-form button[type=submit]")


def test_evidence_per_indicator_preview_replace_withdraw(
    browser: Browser, server: LiveServer
) -> None:
    kasi = login(browser, server, KASI, width=1366)
    kasi.locator("table.tasks tr[data-ref^='LAP-'] a").first.click()
    report_url = kasi.url
    assert re.search(r"/laporan/\d+$", report_url)

    # The form says exactly what is accepted, and the browser's picker offers only that.
    expect(kasi.locator("label[for=berkas]")).to_contain_text("PDF, PNG, JPG, XLSX, DOCX, CSV, TXT")
    accept = kasi.locator("#berkas").get_attribute("accept") or ""
    assert accept.split(",") == [".pdf", ".png", ".jpg", ".jpeg", ".xlsx", ".docx", ".csv", ".txt"]

    # A .pdf that is text is refused, with a clear message and nothing stored.
    upload(kasi, "palsu.pdf", "application/pdf", b"ini teks biasa, bukan PDF\n")
    expect(kasi.locator("#upload-error")).to_contain_text("bukan PDF yang sah")
    expect(kasi.locator("#evidence")).not_to_contain_text("palsu.pdf")

    # Evidence for the first indicator: its checklist is ticked, its size in Indonesian units.
    first = kasi.locator("#indikator option").nth(1)
    indicator_id = first.get_attribute("value") or ""
    block = kasi.locator(".ev-group", has_text=first.text_content() or "-").locator(".ev-indicator")
    expect(block.locator(".checklist li.open").first).to_be_visible()
    surat = pdf_file("Daftar hadir TW I")
    upload(kasi, "daftar-hadir.pdf", "application/pdf", surat, indicator_id)
    expect(kasi.locator("#flash")).to_have_text("Bukti dukung diunggah")
    expect(block).to_contain_text("daftar-hadir.pdf")
    expect(block).to_contain_text(f"({len(surat)} bita)")
    expect(block.locator(".checklist li.ticked").first).to_be_visible()
    expect(block.locator(".checklist li.open")).to_have_count(0)
    upload(kasi, "foto-kegiatan.png", "image/png", png_file())
    expect(kasi.locator("#bukti-laporan")).to_contain_text("foto-kegiatan.png")
    shot(kasi, "bukti-per-indikator")

    # The preview: the PDF inline, sandboxed, and Chromium draws it.
    with kasi.expect_response(re.compile(r"/bukti/\d+/isi$")) as inline:
        block.get_by_label("Lihat daftar-hadir.pdf").click()
    expect(kasi.locator("h1")).to_have_text("Pratinjau bukti dukung")
    response = inline.value
    headers = response.all_headers()
    assert response.status == 200
    assert headers["content-type"] == "application/pdf"
    assert headers["content-security-policy"].startswith("sandbox")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-disposition"].startswith("inline")
    # The header sandboxes the PDF; an <iframe sandbox> would stop Chromium's viewer.
    assert kasi.locator("#preview-frame").get_attribute("sandbox") is None
    # Chromium's "blocked" page in the frame is flat grey with a small icon (about 4 KB as
    # PNG at this size); the viewer with its toolbar, thumbnail and page is about 15 KB. The
    # viewer draws after the load event (no event to wait for): poll for the drawing, up to
    # 10 s, instead of sleeping a fixed time.
    drawn = 0
    for _ in range(40):
        drawn = len(kasi.locator("#preview-frame").screenshot())
        if drawn > 8_000:
            break
        kasi.wait_for_timeout(250)
    assert drawn > 8_000, f"the PDF viewer drew nothing ({drawn} bytes of screenshot)"
    shot(kasi, "bukti-pratinjau-pdf", full_page=False)

    # The image preview shows the picture.
    kasi.goto(report_url)
    kasi.locator("#bukti-laporan").get_by_label("Lihat foto-kegiatan.png").click()
    assert kasi.locator("#preview-frame").get_attribute("sandbox") == ""
    image = kasi.frame_locator("#preview-frame").locator("img")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 120
    shot(kasi, "bukti-pratinjau-gambar", full_page=False)

    # Replace the PDF (a reason is required), then withdraw the image.
    kasi.goto(report_url)
    changes = kasi.locator("#evidence-change li", has_text="daftar-hadir.pdf")
    changes.locator("summary").click()
    changes.locator(".ev-replace input[type=file]").set_input_files(
        files=[{"name": "daftar-hadir-ttd.pdf", "mimeType": "application/pdf",
                "buffer": pdf_file("Daftar hadir bertanda tangan")}]
    )  # fmt: skip
    changes.locator(".ev-replace input[name=alasan]").fill("Versi yang sudah ditandatangani")
    changes.locator(".ev-replace button").click()
    expect(kasi.locator("#flash")).to_contain_text("Bukti dukung diganti")
    expect(block).to_contain_text("daftar-hadir-ttd.pdf")
    expect(block).not_to_contain_text("daftar-hadir.pdf ")
    history = kasi.locator("#evidence-history")
    expect(history).to_contain_text("daftar-hadir.pdf")
    expect(history).to_contain_text("diganti dengan daftar-hadir-ttd.pdf")
    expect(history).to_contain_text("Versi yang sudah ditandatangani")

    foto = kasi.locator("#evidence-change li", has_text="foto-kegiatan.png")
    foto.locator("summary").click()
    foto.locator(".ev-withdraw input[name=alasan]").fill("Foto bukan dari kegiatan TW I")
    foto.locator(".ev-withdraw button").click()
    expect(kasi.locator("#flash")).to_contain_text("Bukti dukung ditarik")
    expect(kasi.locator("#bukti-laporan")).not_to_contain_text("foto-kegiatan.png")
    expect(history).to_contain_text("ditarik oleh")
    expect(history).to_contain_text("Foto bukan dari kegiatan TW I")
    expect(history).to_contain_text("5 April 2021")
    shot(kasi, "bukti-riwayat")

    # A withdrawn file stays downloadable by readers.
    href = history.get_by_role("link", name="foto-kegiatan.png", exact=True).get_attribute("href")
    download = kasi.request.get(f"{server.url}{href}")
    assert download.status == 200 and download.body() == png_file()

    # On a phone the evidence section fits the screen.
    phone = browser.new_context(
        viewport={"width": 375, "height": 800}, storage_state=kasi.context.storage_state()
    ).new_page()
    phone.goto(report_url + "#bukti")
    expect(phone.locator("#evidence")).to_be_visible()
    overflow = phone.evaluate("document.documentElement.scrollWidth")
    shot(phone, "bukti-375")
    assert overflow <= 375 + 1

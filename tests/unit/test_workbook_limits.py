"""The checks an uploaded workbook passes before anything parses it (issue 15, item 5: B5, B6):
documents/xlsx/sandbox.py `check_archive`, on small workbooks built here and rewritten
member by member. Nothing here starts a child process (tests/integration/
test_workbook_sandbox.py does)."""

from __future__ import annotations

import time
import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook

from documents.xlsx.sandbox import CHUNK, Limits, WorkbookRefused, check_archive

SHEET = "xl/worksheets/sheet1.xml"


def workbook() -> bytes:
    """A small valid workbook: one sheet 'Jabatan' with a header and two rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Jabatan"
    sheet.append(["Kode jabatan", "Tugas (satu butir per baris)", "Fungsi (satu butir per baris)"])
    sheet.append(["kadis", "Memimpin dinas", "Perumusan kebijakan"])
    sheet.append(["sekretaris", "Membantu kepala dinas", "Koordinasi"])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def member(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(BytesIO(data)).read(name)


def rewrite(data: bytes, replaced: dict[str, bytes]) -> bytes:
    """`data` with the members of `replaced` replaced or added (deflated)."""
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in replaced:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in replaced.items():
            target.writestr(name, content)
    return out.getvalue()


def with_rows(data: bytes, rows: bytes) -> bytes:
    sheet = member(data, SHEET)
    return rewrite(data, {SHEET: sheet.replace(b"</sheetData>", rows + b"</sheetData>")})


def refused(data: bytes, limits: Limits | None = None) -> WorkbookRefused:
    with pytest.raises(WorkbookRefused) as caught:
        check_archive(data, limits)
    return caught.value


def test_a_plain_workbook_passes() -> None:
    check_archive(workbook())


@pytest.mark.parametrize("data", [b"", b"a,b\n1,2", b"PK\x03\x04 not really", b"\x00" * 100])
def test_what_is_not_a_zip_is_unreadable(data: bytes) -> None:
    assert refused(data).message == "bukan buku kerja Excel (.xlsx) yang dapat dibaca"


def test_too_many_members_are_refused_naming_the_limit() -> None:
    data = rewrite(workbook(), {f"xl/media/image{n}.png": b"x" for n in range(201)})
    refusal = refused(data)
    assert refusal.message.startswith("berkas berisi terlalu banyak bagian (")
    assert "paling banyak 200" in refusal.message
    assert "over the limit of 200" in refusal.reason


def test_a_zip_bomb_is_refused_by_its_total_before_anything_is_inflated() -> None:
    bomb = rewrite(workbook(), {"xl/sharedStrings.xml": b"\0" * (21 * 1024 * 1024)})
    assert len(bomb) < 100_000  # 21 MiB in a few tens of kilobytes
    started = time.perf_counter()
    refusal = refused(bomb)
    assert time.perf_counter() - started < 1.0  # the central directory only
    assert refusal.message.startswith("isi berkas terlalu besar setelah dibuka (21 MB;")
    assert "paling besar 20 MB" in refusal.message


def test_a_member_inflating_like_a_bomb_is_refused_under_the_total() -> None:
    data = rewrite(workbook(), {"xl/sharedStrings.xml": b" " * (2 * 1024 * 1024)})
    refusal = refused(data)
    assert "mengembang" in refusal.message
    assert "paling banyak 200 kali" in refusal.message
    assert "zip bomb" in refusal.reason
    check_archive(data, Limits(max_ratio=10_000))  # the ratio was the only problem


def test_more_rows_than_the_limit_are_refused_naming_the_sheet() -> None:
    # B5: 6,000 rows in a few kilobytes.
    data = with_rows(workbook(), b"<row/>" * 6000)
    assert len(data) < 20_000
    refusal = refused(data)
    assert refusal.message == (
        "lembar 'Jabatan' berisi lebih dari 5.001 baris (paling banyak 5.000 baris di bawah judul)"
    )
    check_archive(data, Limits(max_rows=10_000))


def test_rows_with_a_namespace_prefix_count_too() -> None:
    data = with_rows(workbook(), b'<x:row xmlns:x="urn:x"/>' * 30)
    assert "berisi lebih dari 11 baris" in refused(data, Limits(max_rows=11)).message


def test_a_dimension_claiming_a_million_rows_is_refused() -> None:
    # B5: openpyxl would produce every row the <dimension> claims.
    sheet = member(workbook(), SHEET)
    start = sheet.index(b"<dimension")
    end = sheet.index(b">", start) + 1
    claimed = sheet[:start] + b'<dimension ref="A1:XFD1048576"/>' + sheet[end:]
    refusal = refused(rewrite(workbook(), {SHEET: claimed}))
    assert refusal.message == (
        "lembar 'Jabatan' menyatakan 1.048.576 baris (paling banyak 5.000 baris di bawah judul)"
    )


def test_more_cells_than_the_limit_are_refused() -> None:
    data = with_rows(workbook(), b'<row r="9">' + b'<c t="n"><v>1</v></c>' * 300 + b"</row>")
    assert refused(data, Limits(max_cells=200)).message == (
        "lembar 'Jabatan' berisi lebih dari 200 sel"
    )


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<si><t>&x;</t></si></sst>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]><lolz>&lol9;</lolz>"
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("xl/sharedStrings.xml", XXE),
        (SHEET, LAUGHS),
        ("xl/workbook.xml", b'<?xml version="1.0"?><!doctype x SYSTEM "http://x.test/x.dtd"><x/>'),
        ("[Content_Types].xml", b"<?xml version='1.0'?><!ENTITY % p SYSTEM 'x'>"),
    ],
)
def test_dtd_and_entity_declarations_are_refused_before_parsing(name: str, content: bytes) -> None:
    # B6: XXE and entity expansion never reach a parser.
    refusal = refused(rewrite(workbook(), {name: content}))
    assert (
        refusal.message == f"bagian '{name}' memuat deklarasi DTD/ENTITY XML, yang tidak diizinkan"
    )


def test_a_declaration_across_two_chunks_is_seen() -> None:
    padding = b"<!-- " + b"x" * (CHUNK - 34) + b" -->"
    content = b"<?xml version='1.0'?>" + padding + b"<!DOCTYPE x>"
    assert len(content) > CHUNK
    doctype = content.index(b"<!DOCTYPE")
    assert doctype < CHUNK < doctype + 9  # straddles the boundary
    data = rewrite(workbook(), {"xl/styles.xml": content})
    assert "DTD/ENTITY" in refused(data, Limits(max_ratio=10_000)).message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_xml_that_is_not_utf8_is_refused(encoding: str) -> None:
    content = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'.encode(encoding)
    refusal = refused(rewrite(workbook(), {"xl/styles.xml": content}))
    assert (
        refusal.message == "bagian 'xl/styles.xml' tidak ditulis dalam UTF-8 seperti buatan Excel"
    )


def test_a_broken_member_is_unreadable() -> None:
    data = bytearray(workbook())
    info = zipfile.ZipFile(BytesIO(bytes(data))).getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 8] = b"\xff" * 8  # garbage in the deflated stream
    assert refused(bytes(data)).message == "bukan buku kerja Excel (.xlsx) yang dapat dibaca"

"""Evidence that could run or that is two files at once is refused (issue 15, item 8: B12).

Office files with a macro project, ActiveX, an OLE package or an embedded program; a PDF that
is also a web page; a PDF or an image with a zip archive appended. Clean files of every type
still pass. Only the zip's directory is read for Office files (nothing is decompressed).
"""

from __future__ import annotations

import io
import zipfile

import pytest

from engine.errors import ValidationError
from engine.evidence import check_upload

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def office(top: str, *extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{top}document.xml", "<w:document/>")
        archive.writestr(f"{top}media/image1.png", PNG)
        archive.writestr(f"{top}embeddings/Microsoft_Excel_Worksheet.xlsx", b"PK")  # a chart's data
        for name in extra:
            archive.writestr(name, b"MZ\x90\x00")
    return buffer.getvalue()


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ\x90\x00")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("laporan.docx", office("word/")),
        ("rekap.xlsx", office("xl/")),
        ("bukti.pdf", PDF),
        ("foto.png", PNG),
        ("data.csv", b"kecamatan;jumlah\nKebomas;12\n"),
    ],
)
def test_clean_files_of_every_type_pass(filename: str, data: bytes) -> None:
    assert check_upload(filename, data)[0] == filename


@pytest.mark.parametrize(
    ("filename", "data", "part"),
    [
        ("makro.docx", office("word/", "word/vbaProject.bin"), "word/vbaProject.bin"),
        ("makro.xlsx", office("xl/", "xl/vbaProject.bin"), "xl/vbaProject.bin"),
        ("kontrol.xlsx", office("xl/", "xl/activeX/activeX1.bin"), "xl/activeX/activeX1.bin"),
        ("ole.docx", office("word/", "word/embeddings/oleObject1.bin"), "oleObject1.bin"),
        ("program.docx", office("word/", "word/media/setup.exe"), "setup.exe"),
    ],
)
def test_office_files_carrying_code_are_refused(filename: str, data: bytes, part: str) -> None:
    with pytest.raises(ValidationError, match="berisi makro, objek tersemat atau program") as no:
        check_upload(filename, data)
    assert part in no.value.message


@pytest.mark.parametrize(
    ("filename", "data", "other"),
    [
        ("poliglot.pdf", PDF + b"<html><script>alert(1)</script></html>", "halaman web"),
        ("poliglot2.pdf", b"%PDF-1.4\n<!DOCTYPE html><p>x</p>", "halaman web"),
        ("arsip.pdf", PDF + zipped(), "arsip ZIP"),
        ("arsip.png", PNG + zipped(), "arsip ZIP"),
        ("halaman.txt", b"<SCRIPT src=//x></SCRIPT>", "halaman web"),
    ],
)
def test_files_that_are_two_types_at_once_are_refused(
    filename: str, data: bytes, other: str
) -> None:
    with pytest.raises(ValidationError, match=f"bukan hanya .*: juga {other}"):
        check_upload(filename, data)

"""Uploaded workbooks are checked before parsing and parsed in a child process with limits
(issue 15, item 5): B5 (a small workbook with a huge number of rows, a zip bomb) and B6
(malformed XML, XXE, entity expansion) get the normal error page with a message on
/admin/katalog and a clear error in the CLI; a child past its wall-clock or CPU limit is
killed; the web answers other requests while a workbook is being parsed; the real
catalogue still goes through the child unchanged."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from datetime import date, datetime
from datetime import time as day_time
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from documents.xlsx import sandbox
from documents.xlsx.catalogue_cells import Cells
from documents.xlsx.catalogue_import import open_workbook
from documents.xlsx.catalogue_layout import MEDIA_TYPE
from documents.xlsx.sandbox import Limits, WorkbookRefused, read_sheets
from tests.integration.conftest import Cli, WebClient
from tests.unit.test_workbook_limits import LAUGHS, SHEET, XXE, member, rewrite, workbook

JABATAN = "xl/worksheets/sheet2.xml"
INDICATORS = "xl/worksheets/sheet3.xml"
"""The Jabatan and Indikator sheets of an exported catalogue workbook."""
TOO_BIG = "Berkas terlalu besar/rumit untuk diproses"
BROKEN_XML = (
    "bukan buku kerja Excel (.xlsx) yang dapat dibaca: XML di dalamnya rusak "
    "(simpan ulang berkas dari Excel)"
)
ROOMY = {"max_rows": 10**7, "max_cells": 10**8, "max_ratio": 10**6}
"""Limits that let a pathological workbook through the checks to the child."""


def a_million_rows(data: bytes, sheet: str = SHEET) -> bytes:
    """B5: `data` with a million empty rows added to `sheet` (a few kilobytes)."""
    rows = b"<row/>" * 10**6
    return rewrite(
        data, {sheet: member(data, sheet).replace(b"</sheetData>", rows + b"</sheetData>")}
    )


def many_rows(data: bytes, sheet: str, count: int) -> bytes:
    """B5: `data` with `count` numbered rows of one number each added to `sheet`."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(600, 600 + count)
    )
    return rewrite(
        data, {sheet: member(data, sheet).replace(b"</sheetData>", rows + b"</sheetData>")}
    )


@pytest.fixture
def admin(web: WebClient) -> WebClient:
    web.login("admin", "admin")
    return web


@pytest.fixture
def exported(admin: WebClient) -> bytes:
    """The demo's 2021 catalogue workbook (the whole Gresik catalogue)."""
    return bytes(admin.get("/admin/katalog/ekspor.xlsx?tahun=2021").content)


def upload(admin: WebClient, data: bytes, name: str = "katalog.xlsx") -> Any:
    return admin.submit(
        "/admin/katalog",
        {"tahun": "2021"},
        page="/admin/katalog",
        files={"berkas": (name, data, MEDIA_TYPE)},
    )


def problem_on_the_page(html: str) -> str:
    """The one problem listed on a refused upload's page."""
    assert '<tr data-cell="berkas">' in html, html[-3000:]
    assert "1 masalah ditemukan; tidak ada yang disimpan" in html
    return html


# --- the child ------------------------------------------------------------------------------


def test_the_child_answers_what_a_parse_in_this_process_gives() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Jabatan"
    sheet.append(["Kode jabatan", "Tugas (satu butir per baris)", "Fungsi (satu butir per baris)"])
    values = ["kadis", 1027733750.37, 12, True, datetime(2021, 3, 31, 8, 30), day_time(7, 15)]
    sheet.append(values)
    sheet.append(["sekretaris", "=1+1", date(2021, 1, 4), None, "Ñoño\tx", -0.5])
    buffer = BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    expected = Cells()
    direct = expected.load(data)
    sheets, cells = read_sheets(data)
    assert direct is not None and sheets is not None
    assert sheets == direct
    assert cells.problems == expected.problems
    assert next(row.values for row in sheets.rows["Jabatan"])["position"] == "kadis"


def test_the_child_gets_none_of_the_servers_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINERJA_SECRET_KEY", "not-for-the-child")
    started: list[tuple[Any, dict[str, str]]] = []
    real_popen = subprocess.Popen

    def popen(command: Any, **kwargs: Any) -> Any:
        started.append((command, kwargs["env"]))
        return real_popen(command, **kwargs)

    monkeypatch.setattr(sandbox.subprocess, "Popen", popen)
    sheets, _ = read_sheets(workbook())
    assert sheets is not None
    ((command, environment),) = started
    assert command[1:4] == ["-I", "-m", "documents.xlsx.sandbox"]
    assert environment["OPENPYXL_LXML"] == "False"
    assert not any(key.startswith("KINERJA") for key in environment)


@pytest.mark.parametrize(
    "answer",
    [{"problems": []}, {"sheets": {"guide": 5}, "problems": []}, {"sheets": None, "problems": [1]}],
)
def test_an_answer_of_the_wrong_shape_is_refused_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, answer: dict[str, Any]
) -> None:
    monkeypatch.setattr(sandbox, "_run_child", lambda data, limits: answer)
    with pytest.raises(WorkbookRefused) as refused:
        read_sheets(workbook())
    assert refused.value.message == "bukan buku kerja Excel (.xlsx) yang dapat dibaca"
    assert "bad shape" in refused.value.reason


def test_a_cpu_bound_child_is_killed_at_the_wall_clock_limit() -> None:
    data = a_million_rows(workbook())
    assert len(data) < 20_000
    started = time.perf_counter()
    with pytest.raises(WorkbookRefused) as refused:
        read_sheets(data, Limits(**ROOMY, wall_seconds=1))
    elapsed = time.perf_counter() - started
    assert refused.value.message.startswith(f"{TOO_BIG} (batas 20 detik CPU, 1 detik dan 512 MB")
    assert "killed at the 1 s wall clock" in refused.value.reason
    assert elapsed < 5  # parsed whole, it takes several seconds of CPU


def test_a_child_over_its_cpu_time_is_stopped_by_the_kernel() -> None:
    with pytest.raises(WorkbookRefused) as refused:
        read_sheets(a_million_rows(workbook()), Limits(**ROOMY, cpu_seconds=1, wall_seconds=60))
    assert refused.value.message.startswith(f"{TOO_BIG} (batas 1 detik CPU")
    assert "ended with status -24" in refused.value.reason  # SIGXCPU


def test_a_child_out_of_memory_is_refused_the_same_way() -> None:
    cell = (
        b'<row r="9"><c r="A9" t="inlineStr"><is><t>' + b"x" * 40_000_000 + b"</t></is></c></row>"
    )
    data = rewrite(
        workbook(),
        {SHEET: member(workbook(), SHEET).replace(b"</sheetData>", cell + b"</sheetData>")},
    )
    limits = Limits(**ROOMY, max_uncompressed=10**9, memory_bytes=64 * 1024 * 1024)
    with pytest.raises(WorkbookRefused) as refused:
        read_sheets(data, limits)
    assert refused.value.message.startswith(f"{TOO_BIG} (batas 20 detik CPU, 30 detik dan 64 MB")
    assert "MemoryError" in refused.value.reason


def test_malformed_xml_is_a_message_not_an_exception() -> None:
    broken = rewrite(workbook(), {SHEET: member(workbook(), SHEET)[:-40]})
    with pytest.raises(WorkbookRefused) as refused:
        read_sheets(broken)
    assert refused.value.message == BROKEN_XML
    assert "ParseError" in refused.value.reason


def test_uploads_beyond_the_concurrent_children_wait_then_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limits = Limits(concurrent=1, wall_seconds=0.5)
    slots = sandbox._slots(limits)
    assert slots.acquire(timeout=0)  # another upload holds the only slot
    try:
        with pytest.raises(WorkbookRefused) as refused:
            read_sheets(workbook(), limits)
    finally:
        slots.release()
    assert (
        refused.value.message == "server sedang memproses buku kerja lain; coba lagi sebentar lagi"
    )


# --- the admin page ---------------------------------------------------------------------------


def test_b5_a_million_rows_are_refused_at_once_on_the_page(
    admin: WebClient, exported: bytes
) -> None:
    started = time.perf_counter()
    response = upload(admin, a_million_rows(exported, JABATAN))
    assert response.status_code == 422
    assert "kali saat dibuka (paling banyak 200 kali)" in problem_on_the_page(response.text)
    response = upload(admin, many_rows(exported, INDICATORS, 6000))
    assert response.status_code == 422
    assert "lembar &#39;Indikator&#39; berisi lebih dari 5.001 baris" in problem_on_the_page(
        response.text
    )
    assert time.perf_counter() - started < 5  # B5's 20 KB workbook took 47 s of CPU


def test_b5_a_dimension_claiming_every_row_and_column_is_refused(
    admin: WebClient, exported: bytes
) -> None:
    sheet = member(exported, INDICATORS)
    start = sheet.index(b"<dimension")
    end = sheet.index(b">", start) + 1
    claimed = sheet[:start] + b'<dimension ref="A1:XFD1048576"/>' + sheet[end:]
    response = upload(admin, rewrite(exported, {INDICATORS: claimed}))
    assert response.status_code == 422
    assert "lembar &#39;Indikator&#39; menyatakan 1.048.576 baris" in problem_on_the_page(
        response.text
    )


def test_b5_a_zip_bomb_is_refused_on_the_page(admin: WebClient, exported: bytes) -> None:
    bomb = rewrite(exported, {"xl/sharedStrings.xml": b"\0" * (64 * 1024 * 1024)})
    assert len(bomb) < len(exported) + 100_000
    response = upload(admin, bomb)
    assert response.status_code == 422
    page = problem_on_the_page(response.text)
    assert re.search(
        r"isi berkas terlalu besar setelah dibuka \(64,\d MB; paling besar 20 MB\)", page
    )


@pytest.mark.parametrize(
    ("replaced", "message"),
    [
        ("broken", BROKEN_XML),
        ("xxe", "memuat deklarasi DTD/ENTITY XML, yang tidak diizinkan"),
        ("laughs", "memuat deklarasi DTD/ENTITY XML, yang tidak diizinkan"),
    ],
)
def test_b6_bad_xml_gets_the_error_page_with_a_message(
    admin: WebClient,
    exported: bytes,
    replaced: str,
    message: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    changed = {
        "broken": {INDICATORS: member(exported, INDICATORS)[:-100]},
        "xxe": {"xl/sharedStrings.xml": XXE},
        "laughs": {INDICATORS: LAUGHS},
    }[replaced]
    response = upload(admin, rewrite(exported, changed))
    assert response.status_code == 422
    assert message.replace("'", "&#39;") in problem_on_the_page(response.text)
    assert 'name="berkas"' in response.text  # the normal page, its upload form included
    reason = {"broken": "ParseError", "xxe": "DTD or entity", "laughs": "DTD or entity"}[replaced]
    assert "workbook katalog.xlsx refused: " in caplog.text and reason in caplog.text


def test_the_page_answers_while_a_workbook_is_parsed(
    admin: WebClient, exported: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upload waits for its child in the thread pool: the event loop serves another page
    meanwhile, and the upload ends in the error page when the child is killed."""
    monkeypatch.setattr(sandbox, "LIMITS", Limits(**ROOMY, wall_seconds=4))
    started = threading.Event()
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> Any:
        child = real_popen(*args, **kwargs)
        started.set()
        return child

    monkeypatch.setattr(sandbox.subprocess, "Popen", popen)
    answers: list[Any] = []
    uploading = threading.Thread(
        target=lambda: answers.append(upload(admin, a_million_rows(exported, JABATAN)))
    )
    uploading.start()
    try:
        assert started.wait(timeout=30)
        page = admin.get("/admin/katalog")
        during = uploading.is_alive()
    finally:
        uploading.join(timeout=60)
    assert page.status_code == 200
    assert during  # the page came back while the import was still running
    assert answers[0].status_code == 422
    assert TOO_BIG in problem_on_the_page(answers[0].text)


def test_the_real_catalogue_goes_through_the_child_unchanged(exported: bytes) -> None:
    reader = open_workbook(exported, "katalog.xlsx")
    direct = Cells().load(exported)
    assert reader.sheets == direct
    assert {name: len(rows) for name, rows in reader.sheets.rows.items()} == {
        "Jabatan": 25, "Indikator": 51, "Variabel": 107, "Target": 51, "Anggaran": 48,
        "Manual IK": 51,
    }  # fmt: skip


# --- the CLI ---------------------------------------------------------------------------------


@pytest.fixture
def saved(demo_cli: Cli, tmp_path: Path) -> Path:
    out = tmp_path / "katalog.xlsx"
    demo_cli.ok("catalog", "export", "--year", "2021", "--out", str(out))
    return out


@pytest.mark.parametrize(
    ("replaced", "message"),
    [
        ("broken", BROKEN_XML),
        ("xxe", "bagian 'xl/sharedStrings.xml' memuat deklarasi DTD/ENTITY XML"),
        ("rows", "lembar 'Indikator' berisi lebih dari 5.001 baris"),
    ],
)
def test_the_cli_says_what_is_wrong(
    demo_cli: Cli, saved: Path, tmp_path: Path, replaced: str, message: str
) -> None:
    data = saved.read_bytes()
    changed = {
        "broken": rewrite(data, {INDICATORS: member(data, INDICATORS)[:-100]}),
        "xxe": rewrite(data, {"xl/sharedStrings.xml": XXE}),
        "rows": many_rows(data, INDICATORS, 6000),
    }[replaced]
    bad = tmp_path / "salah.xlsx"
    bad.write_bytes(changed)
    code, _out, err = demo_cli("catalog", "import", str(bad))
    assert code == 1
    assert f"{bad}: 1 masalah ditemukan, tidak ada yang disimpan:" in err
    assert f"berkas: {message}" in err
    assert "Traceback" not in err and "Galat tak terduga" not in err

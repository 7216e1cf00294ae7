"""Reading an uploaded workbook safely: checked before parsing, parsed in a child process.

An .xlsx is a zip of XML, and openpyxl trusts what it says: a 20 KB file declaring a
million rows kept a web worker busy for minutes (issue 15, B5), and broken XML or an
entity declaration ended in a bare 500 (B6). So every workbook a user uploads goes
through `read_sheets`:

1. `check_archive`, in this process and without parsing anything: the upload must be a
   zip with few members, a bounded total of uncompressed bytes (the sizes of the zip's
   central directory, which `zipfile` never reads past), no member inflating like a zip
   bomb; then every member is streamed once (bounded by that total) to refuse DTD and
   entity declarations, XML that is not UTF-8, and sheets with more `<row>` or `<c>`
   elements than a catalogue can have.
2. The parse itself (`documents.xlsx.catalogue_cells.Cells.load`) runs in a child
   interpreter (`python -I -m documents.xlsx.sandbox`, none of the server's environment)
   that limits its own CPU time, address space, file writes and processes
   (`resource.setrlimit`) before reading the bytes from its stdin; the parent kills it at
   a wall-clock limit. The child answers plain JSON (the rows' cell
   values and the problems found), never a pickle; the parent then runs the import use
   case as before. A killed or failed child is one problem for the user ("Berkas terlalu
   besar/rumit untuk diproses ..."), and the log says why in English.

At most `Limits.concurrent` children run at once in a process; the web handler calls this
from the thread pool, so the event loop keeps answering while a workbook is parsed.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import re
import subprocess
import sys
import threading
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any

from documents.xlsx.catalogue_cells import CellProblem, Cells, SheetRow, WorkbookSheets
from documents.xlsx.catalogue_layout import MAX_COLUMNS, MAX_ROWS

__all__ = ["LIMITS", "Limits", "WorkbookRefused", "check_archive", "read_sheets"]

log = logging.getLogger("kinerja.documents.sandbox")

MIB = 1024 * 1024
WHOLE = "berkas"
"""The problem's place when it is about the whole file."""
UNREADABLE = "bukan buku kerja Excel (.xlsx) yang dapat dibaca"
BROKEN_XML = f"{UNREADABLE}: XML di dalamnya rusak (simpan ulang berkas dari Excel)"


@dataclass(frozen=True)
class Limits:
    """What an uploaded workbook may cost; tests pass smaller ones."""

    max_members: int = 200
    """Members of the zip (a catalogue workbook has 14)."""
    max_uncompressed: int = 20 * MIB
    """The sum of the members' uncompressed sizes."""
    max_ratio: int = 200
    """Uncompressed over compressed size of a member of at least `ratio_floor` bytes."""
    ratio_floor: int = MIB
    max_rows: int = MAX_ROWS + 1
    """`<row>` elements in one sheet (the header and MAX_ROWS rows)."""
    max_cells: int = (MAX_ROWS + 1) * 40
    """`<c>` elements in one sheet."""
    max_columns: int = MAX_COLUMNS
    """Columns read per row (the widest sheet has 15; more are ignored)."""
    cpu_seconds: int = 20
    memory_bytes: int = 512 * MIB
    """The child's address space (RLIMIT_AS)."""
    wall_seconds: float = 30.0
    concurrent: int = 2
    """Children at once in this process; a further upload waits up to `wall_seconds`."""


LIMITS = Limits()


class WorkbookRefused(Exception):  # noqa: N818  (a refusal, not a bug)
    """The workbook was refused before or while parsing: `message` for the user (Bahasa
    Indonesia, naming the limit), `reason` for the log (English)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason


def _mb(size: int) -> str:
    return f"{size / MIB:.1f}".replace(".", ",").removesuffix(",0")


def _count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


# --- before parsing ------------------------------------------------------------------------

CHUNK = 1024 * 1024
OVERLAP = 64
_TAG = rb"<(?:[A-Za-z_][\w.-]{0,30}:)?"
ROW = re.compile(_TAG + rb"row[\s/>]")
CELL = re.compile(_TAG + rb"c[\s/>]")
DIMENSION = re.compile(
    _TAG + rb"dimension\s[^>]{0,200}?\bref\s*=\s*[\"'][A-Za-z$]{0,4}\$?(\d{1,9})"
    rb"(?::[A-Za-z$]{0,4}\$?(\d{1,9}))?"
)
DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)
WIDE_STARTS = (
    b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00\x00<",
    b"\x2b\x2f\x76", b"\x4c\x6f\xa7\x94",
)  # fmt: skip
"""UTF-16/32 (with or without a BOM), UTF-7 and EBCDIC starts: Excel writes UTF-8 only, and
a declaration in another encoding would slip past the byte scan."""
SHEET_PATH = re.compile(r"(?:^|/)worksheets/[^/]+$")
ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(["'])(.*?)\2""", re.DOTALL)


def check_archive(data: bytes, limits: Limits | None = None) -> None:
    """Refuse (`WorkbookRefused`) what must not be parsed; nothing is parsed here.

    `limits` default to the module's `LIMITS`, read at each call."""
    limits = limits or LIMITS
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
        raise WorkbookRefused(UNREADABLE, f"not a zip: {exc}") from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise WorkbookRefused(
                f"berkas berisi terlalu banyak bagian ({_count(len(members))}; "
                f"paling banyak {_count(limits.max_members)})",
                f"{len(members)} zip members over the limit of {limits.max_members}",
            )
        total = sum(member.file_size for member in members)
        if total > limits.max_uncompressed:
            raise WorkbookRefused(
                f"isi berkas terlalu besar setelah dibuka ({_mb(total)} MB; paling besar "
                f"{_mb(limits.max_uncompressed)} MB)",
                f"{total} uncompressed bytes over the limit of {limits.max_uncompressed}",
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size >= limits.ratio_floor and ratio > limits.max_ratio:
                raise WorkbookRefused(
                    f"bagian '{member.filename}' mengembang {_count(int(ratio))} kali saat "
                    f"dibuka (paling banyak {_count(limits.max_ratio)} kali): bukan buku "
                    "kerja yang wajar",
                    f"member {member.filename!r} inflates {ratio:.0f}:1 (zip bomb?)",
                )
        titles = _titles(archive)
        for member in members:
            title = None
            if SHEET_PATH.search(member.filename):
                title = titles.get(member.filename, member.filename)
            _scan(archive, member, limits, title)


def _attributes(tag: str) -> dict[str, str]:
    return {key.split(":")[-1]: html.unescape(value) for key, _, value in ATTRIBUTE.findall(tag)}


def _titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet titles by member name, best effort, for the messages ("lembar 'Indikator'")."""
    try:
        book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    targets = {}
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        found = _attributes(tag)
        if "Id" in found and "Target" in found:
            target = found["Target"].lstrip("/")
            targets[found["Id"]] = target if target.startswith("xl/") else f"xl/{target}"
    titles = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
        found = _attributes(tag)
        if "name" in found and found.get("id") in targets:
            titles[targets[found["id"]]] = found["name"]
    return titles


def _scan(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits, sheet: str | None
) -> None:
    """Stream one member: no DTD or entity declaration, UTF-8; a sheet's rows counted."""
    name = member.filename
    rows = cells = 0
    declared = False
    carry = b""
    first = True
    try:
        with archive.open(member) as stream:
            while True:
                block = stream.read(CHUNK)
                if first:
                    first = False
                    if block.lstrip(b" \t\r\n").startswith(WIDE_STARTS):
                        raise WorkbookRefused(
                            f"bagian '{name}' tidak ditulis dalam UTF-8 seperti buatan Excel",
                            f"member {name!r} is not UTF-8 XML",
                        )
                text = carry + block
                cut = len(text) if not block else max(len(text) - OVERLAP, 0)
                if DECLARATION.search(text):
                    raise WorkbookRefused(
                        f"bagian '{name}' memuat deklarasi DTD/ENTITY XML, yang tidak diizinkan",
                        f"member {name!r} holds a DTD or entity declaration (XXE, entity "
                        "expansion)",
                    )
                if sheet is not None:
                    if not declared and (found := DIMENSION.search(text)):
                        declared = True
                        _check_dimension(sheet, found, limits)
                    rows += sum(1 for m in ROW.finditer(text) if m.start() < cut)
                    cells += sum(1 for m in CELL.finditer(text) if m.start() < cut)
                    _check_counts(sheet, rows, cells, limits)
                if not block:
                    return
                carry = text[cut:]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as exc:
        # RuntimeError: an encrypted member, or an unknown compression (NotImplementedError).
        raise WorkbookRefused(UNREADABLE, f"member {name!r} unreadable: {exc}") from None


def _check_dimension(name: str, found: re.Match[bytes], limits: Limits) -> None:
    """The rows the sheet's <dimension> claims (openpyxl would produce them all)."""
    first, last = int(found.group(1)), int(found.group(2) or found.group(1))
    if last - first + 1 > limits.max_rows:
        raise WorkbookRefused(
            f"lembar '{name}' menyatakan {_count(last - first + 1)} baris (paling banyak "
            f"{_count(limits.max_rows - 1)} baris di bawah judul)",
            f"sheet {name!r} declares {last - first + 1} rows in its <dimension>",
        )


def _check_counts(name: str, rows: int, cells: int, limits: Limits) -> None:
    if rows > limits.max_rows:
        raise WorkbookRefused(
            f"lembar '{name}' berisi lebih dari {_count(limits.max_rows)} baris (paling "
            f"banyak {_count(limits.max_rows - 1)} baris di bawah judul)",
            f"sheet {name!r} has more than {limits.max_rows} <row> elements",
        )
    if cells > limits.max_cells:
        raise WorkbookRefused(
            f"lembar '{name}' berisi lebih dari {_count(limits.max_cells)} sel",
            f"sheet {name!r} has more than {limits.max_cells} <c> elements",
        )


# --- the child -----------------------------------------------------------------------------

_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _slots(limits: Limits) -> threading.BoundedSemaphore:
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(limits.concurrent, threading.BoundedSemaphore(limits.concurrent))


def read_sheets(data: bytes, limits: Limits | None = None) -> tuple[WorkbookSheets | None, Cells]:
    """The workbook's sheets and the problems found reading them (None: unreadable), parsed
    in a child process under `limits` (default `LIMITS`, read at each call);
    `WorkbookRefused` when it must not or could not be."""
    limits = limits or LIMITS
    check_archive(data, limits)
    slots = _slots(limits)
    if not slots.acquire(timeout=limits.wall_seconds):
        raise WorkbookRefused(
            "server sedang memproses buku kerja lain; coba lagi sebentar lagi",
            f"no sandbox slot free within {limits.wall_seconds} s",
        )
    try:
        answer = _run_child(data, limits)
    finally:
        slots.release()
    try:
        return _decode(answer)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise WorkbookRefused(
            UNREADABLE, f"workbook parse child answered a bad shape: {exc!r}"
        ) from None


def _too_big(limits: Limits) -> str:
    return (
        "Berkas terlalu besar/rumit untuk diproses (batas "
        f"{_count(limits.cpu_seconds)} detik CPU, {_count(int(limits.wall_seconds))} detik dan "
        f"{_mb(limits.memory_bytes)} MB memori); kurangi isinya atau bagi menjadi beberapa berkas"
    )


def _run_child(data: bytes, limits: Limits) -> dict[str, Any]:
    settings = json.dumps(
        {
            "cpu": limits.cpu_seconds,
            "memory": limits.memory_bytes,
            "rows": limits.max_rows,
            "columns": limits.max_columns,
        }
    )
    command = [sys.executable, "-I", "-m", "documents.xlsx.sandbox", settings]
    # openpyxl then parses with the standard library's expat (no external entities, a
    # guard against entity expansion) rather than lxml, which resolves entities. Nothing
    # else of the server's environment (its secret key, the database's URL) is passed on.
    environment = {"OPENPYXL_LXML": "False", "LC_ALL": "C.UTF-8"}
    if "PATH" in os.environ:
        environment["PATH"] = os.environ["PATH"]
    child = subprocess.Popen(  # noqa: S603  (our interpreter, our module, no shell)
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    try:
        out, err = child.communicate(data, timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise WorkbookRefused(
            _too_big(limits), f"workbook parse killed at the {limits.wall_seconds} s wall clock"
        ) from None
    if child.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise WorkbookRefused(
            _too_big(limits),
            f"workbook parse child ended with status {child.returncode} (CPU limit "
            f"{limits.cpu_seconds} s, memory {limits.memory_bytes} bytes): {tail[0][:200]}",
        )
    try:
        answer = json.loads(out)
    except ValueError:
        raise WorkbookRefused(_too_big(limits), "workbook parse child answered no JSON") from None
    if not isinstance(answer, dict):
        raise WorkbookRefused(_too_big(limits), "workbook parse child answered no object")
    failed = answer.get("failed")
    if failed:
        message = {"unreadable": UNREADABLE, "xml": BROKEN_XML}.get(failed, _too_big(limits))
        raise WorkbookRefused(
            message, f"workbook parse failed in the child: {str(answer.get('reason'))[:300]}"
        )
    return answer


# --- plain data between the two processes --------------------------------------------------


def _value_out(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, time):
        return {"time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"timedelta": value.total_seconds()}
    return str(value)


def _value_in(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((kind, raw),) = value.items()
    if kind == "datetime":
        return datetime.fromisoformat(raw)
    if kind == "date":
        return date.fromisoformat(raw)
    if kind == "time":
        return time.fromisoformat(raw)
    return timedelta(seconds=raw)


def _encode(sheets: WorkbookSheets | None, cells: Cells) -> dict[str, Any]:
    problems = [[p.sheet, p.row, p.column, p.message] for p in cells.problems]
    if sheets is None:
        return {"sheets": None, "problems": problems}
    return {
        "sheets": {
            "guide": {key: _value_out(value) for key, value in sheets.guide.items()},
            "present": sorted(sheets.present),
            "rows": {
                name: [
                    [row.number, {k: _value_out(v) for k, v in row.values.items()}, row.columns]
                    for row in rows
                ]
                for name, rows in sheets.rows.items()
            },
        },
        "problems": problems,
    }


def _decode(answer: dict[str, Any]) -> tuple[WorkbookSheets | None, Cells]:
    cells = Cells()
    for sheet, row, column, message in answer["problems"]:
        cells.problems.append(CellProblem(str(sheet), int(row), int(column), str(message)))
    raw = answer["sheets"]
    if raw is None:
        return None, cells
    sheets = WorkbookSheets(
        guide={key: _value_in(value) for key, value in raw["guide"].items()},
        present=set(raw["present"]),
    )
    for name, rows in raw["rows"].items():
        sheets.rows[name] = [
            SheetRow(name, int(number), {k: _value_in(v) for k, v in values.items()}, columns)
            for number, values, columns in rows
        ]
    return sheets, cells


def _child(argv: list[str]) -> int:
    """The child: limit itself, read the workbook from stdin, answer JSON on stdout."""
    import resource
    from xml.etree.ElementTree import ParseError

    settings = json.loads(argv[0])
    cpu = int(settings["cpu"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = int(settings["memory"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it writes no file
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # not even a core dump when killed
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))  # and starts no process
    data = sys.stdin.buffer.read()
    cells = Cells()
    try:
        sheets = cells.load(data, max_rows=int(settings["rows"]), max_columns=settings["columns"])
        answer = _encode(sheets, cells)
    except MemoryError:
        answer = {"failed": "memory", "reason": "MemoryError"}
    except RecursionError:
        answer = {"failed": "memory", "reason": "RecursionError"}
    except ParseError as exc:
        answer = {"failed": "xml", "reason": f"{type(exc).__name__}: {exc}"}
    except Exception as exc:  # whatever else openpyxl raises on bad input
        answer = {"failed": "unreadable", "reason": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))

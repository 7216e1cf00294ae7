"""What an evidence file is (its type, checked by content), how large it may be, and what it
may be called on disk."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from engine.errors import ValidationError
from engine.formatting import format_number_id

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_FILENAME_LENGTH = 255
_FALLBACK_STEM = "bukti"
_UNSAFE_CHARS = re.compile(r"[^\w .()+-]+")
_SPACES = re.compile(r"\s+")
_MAX_NAME_ATTEMPTS = 100
_MIB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    """What an extension promises: its name for users, its MIME type, a check of the bytes."""

    label: str
    content_type: str
    matches: Callable[[bytes], bool]


def _starts_with(magic: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(magic)


def _zip_with(folder: str) -> Callable[[bytes], bool]:
    """An Office Open XML file is a zip with its own top folder (xl/, word/); a bare zip is not."""

    def matches(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                # Only the central directory is read: nothing is decompressed.
                return any(name.startswith(folder) for name in archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            return False

    return matches


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_PDF = FileType("PDF", "application/pdf", _starts_with(b"%PDF-"))
_JPEG = FileType("JPEG", "image/jpeg", _starts_with(b"\xff\xd8\xff"))
FILE_TYPES: dict[str, FileType] = {
    ".pdf": _PDF,
    ".png": FileType("PNG", "image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".xlsx": FileType(
        "Excel (XLSX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_with("xl/"),
    ),
    ".docx": FileType(
        "Word (DOCX)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_with("word/"),
    ),
    ".csv": FileType("CSV (teks UTF-8)", "text/csv", _is_text),
    ".txt": FileType("teks UTF-8", "text/plain", _is_text),
}
# For the upload form's `accept` attribute and help text.
ALLOWED_EXTENSIONS: tuple[str, ...] = tuple(FILE_TYPES)
ALLOWED_LABEL = ", ".join(ext.lstrip(".").upper() for ext in ALLOWED_EXTENSIONS if ext != ".jpeg")
"""What the form says is accepted: "PDF, PNG, JPG, XLSX, DOCX, CSV, TXT" (JPEG is JPG)."""
PREVIEWABLE = frozenset({"application/pdf", "image/png", "image/jpeg"})
"""Types a browser shows inline in the sandboxed viewer; the others are downloaded."""


@dataclass(frozen=True)
class EvidenceQuota:
    """How much evidence may be stored (settings): per report, counting the files that are
    evidence (not withdrawn or replaced), and per person per local day, counting every
    upload (withdrawn ones too)."""

    report_files: int = 30
    report_bytes: int = 100 * 1024 * 1024
    daily_bytes: int = 200 * 1024 * 1024


def expected_evidence(data_source: str, inputs: list[str]) -> list[str]:
    """What a verifier expects as an indicator's bukti dukung, one checklist line each: the
    data source's document, then the figure of every input (engine.manual's `evidence`)."""
    return [f"Dokumen dari sumber data: {data_source}", *(f"Angka {i}" for i in inputs)]


def format_size(size: int) -> str:
    """A size as people read it: "612 bita", "1,2 KB", "3,4 MB", "10 MB" (1 KB = 1024 bita)."""
    if size < 1024:
        return f"{size} bita"
    amount, unit = (Decimal(size) / 1024, "KB") if size < _MIB else (Decimal(size) / _MIB, "MB")
    return f"{format_number_id(amount, 1).removesuffix(',0')} {unit}"


_ACTIVE_PARTS = re.compile(
    r"(^|/)(vbaproject\.bin|vbadata\.xml|activex/|embeddings/oleobject[^/]*\.bin$)"
    r"|\.(exe|dll|com|scr|bat|cmd|msi|ps1|vbs|js|jar|hta|lnk)$",
    re.IGNORECASE,
)
"""Parts of an Office file that run code: a macro project, ActiveX, an OLE package, a program."""
_MARKUP = re.compile(rb"<\s*(?:html|script|svg|iframe|object|embed|!doctype\s+html)\b", re.I)
_ZIP_DIRECTORY = b"PK\x05\x06"


def _active_parts(data: bytes) -> list[str]:
    """Names of the parts of an Office (zip) file that carry code (central directory only)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [name for name in archive.namelist() if _ACTIVE_PARTS.search(name)]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return []


def _second_type(extension: str, data: bytes) -> str | None:
    """What else the bytes are besides their declared type: a web page or a zip archive."""
    if _MARKUP.search(data):
        return "halaman web (HTML/skrip)"
    # A zip ends with its directory record, at most 64 KiB of comment before the end.
    if extension not in (".xlsx", ".docx") and _ZIP_DIRECTORY in data[-(22 + 65535) :]:
        return "arsip ZIP"
    return None


def check_upload(filename: str, data: bytes) -> tuple[str, FileType]:
    """The safe display name and the type, once size, extension and content agree
    (ValidationError in Bahasa Indonesia otherwise). Office files carrying code (macros,
    ActiveX, embedded objects or programs) and files that are also another type (a PDF that
    is a web page too, an image with a zip inside) are refused."""
    check_size(data)
    name = safe_filename(filename)
    extension = extension_of(name)
    file_type = FILE_TYPES.get(extension)
    if file_type is None:
        allowed = ", ".join(sorted({ext.lstrip(".").upper() for ext in FILE_TYPES}))
        shown = extension or "(tanpa ekstensi)"
        raise ValidationError(
            f"Jenis berkas {shown} tidak diizinkan sebagai bukti dukung; yang diizinkan: {allowed}",
            log_message=f"evidence type {extension!r} refused",
        )
    if not file_type.matches(data):
        raise ValidationError(
            f"Isi berkas '{name}' bukan {file_type.label} yang sah; "
            "pastikan ekstensi sesuai dengan isi berkas",
            log_message=f"evidence {name!r}: content does not match {extension}",
        )
    if extension in (".xlsx", ".docx") and (active := _active_parts(data)):
        raise ValidationError(
            f"Berkas '{name}' berisi makro, objek tersemat atau program ({active[0]}); "
            "simpan ulang tanpa makro dan tanpa objek tersemat (misalnya sebagai PDF), lalu unggah",
            log_message=f"evidence {name!r}: active parts {active[:5]}",
        )
    if (other := _second_type(extension, data)) is not None:
        raise ValidationError(
            f"Isi berkas '{name}' bukan hanya {file_type.label}: juga {other}; berkas seperti "
            "ini tidak diterima. Cetak ulang atau simpan ulang dokumennya, lalu unggah",
            log_message=f"evidence {name!r}: {extension} that is also {other}",
        )
    return name, file_type


def check_size(data: bytes) -> None:
    """Neither empty nor over MAX_EVIDENCE_BYTES."""
    if not data:
        raise ValidationError("Berkas bukti kosong", log_message="empty evidence refused")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            f"Berkas bukti terlalu besar ({format_size(len(data))}); "
            f"batasnya {format_size(MAX_EVIDENCE_BYTES)}",
            log_message=f"evidence of {len(data)} bytes refused",
        )


# File names -------------------------------------------------------------------------------


def safe_filename(filename: str) -> str:
    """A display name that is also a safe single path component.

    Browsers and Windows clients may send a full path; only the last component
    counts, whatever the separator, so ``../../etc/passwd.pdf`` becomes
    ``passwd.pdf``. Control characters and anything outside letters, digits and
    ``space . ( ) + - _`` become ``_``; leading dots go (no hidden files, no
    ``..``); the result fits in 255 characters and 255 UTF-8 bytes (the limit
    of a file name on disk), keeping the extension.
    """
    base = re.split(r"[/\\]", filename)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if not unicodedata.category(ch).startswith("C"))
    dot = base.rfind(".")
    stem, extension = (base[:dot], base[dot:]) if dot > 0 else (base, "")
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,10}", extension):
        stem, extension = base, ""
    return _fit(_clean_stem(stem), extension)


def _clean_stem(stem: str) -> str:
    stem = _UNSAFE_CHARS.sub("_", stem)
    stem = _SPACES.sub(" ", stem).strip(" .")
    return stem or _FALLBACK_STEM


def _fit(stem: str, extension: str, suffix: str = "") -> str:
    """``stem + suffix + extension`` cut at the stem to fit a file name on disk."""
    room = MAX_FILENAME_LENGTH - len((suffix + extension).encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(" .")
    return f"{cut or _FALLBACK_STEM}{suffix}{extension}"


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def candidate_names(name: str) -> Iterator[str]:
    """The name, then ``name-2.ext``, ``name-3.ext``... for when a path is taken."""
    yield name
    dot = name.rfind(".")
    stem, extension = (name[:dot], name[dot:]) if dot > 0 else (name, "")
    for number in range(2, _MAX_NAME_ATTEMPTS + 1):
        yield _fit(stem, extension, f"-{number}")

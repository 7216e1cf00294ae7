"""Reading files given by an admin, with errors they can act on."""

from __future__ import annotations

from pathlib import Path

from engine.errors import ValidationError

_REASONS: dict[type[OSError], str] = {
    FileNotFoundError: "tidak ditemukan",
    PermissionError: "tidak boleh dibaca (izin ditolak)",
    IsADirectoryError: "adalah folder, bukan berkas",
}


def read_text(path: Path) -> str:
    """The UTF-8 text of `path`, or a `ValidationError` in Bahasa Indonesia."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValidationError(
            f"Berkas {path} bukan teks UTF-8", log_message=f"{path} is not UTF-8"
        ) from None
    except OSError as exc:
        reason = _REASONS.get(type(exc), "tidak dapat dibaca")
        raise ValidationError(
            f"Berkas {path} {reason}", log_message=f"cannot read {path}: {exc}"
        ) from None


def read_bytes(path: Path) -> bytes:
    """The bytes of `path`, or a `ValidationError` in Bahasa Indonesia."""
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = _REASONS.get(type(exc), "tidak dapat dibaca")
        raise ValidationError(
            f"Berkas {path} {reason}", log_message=f"cannot read {path}: {exc}"
        ) from None

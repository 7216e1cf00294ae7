"""PDF from a .docx through LibreOffice, when it is installed; optional at runtime.

`soffice --headless --convert-to pdf` with a private user profile per run (two
conversions at once would otherwise fight over one profile and the second would exit
silently without output), in its own process group so that a timeout kills the whole
office process tree, not just the launcher script. Without LibreOffice the answer is a
clear Indonesian error pointing to the printable page, which browsers save as PDF.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from engine.errors import KinerjaError

PDF_MEDIA_TYPE = "application/pdf"
DEFAULT_TIMEOUT = 120.0
"""Seconds; the first run on a fresh profile takes a few seconds, later ones about one."""
SOFFICE_ENV = "KINERJA_SOFFICE"
"""Environment variable naming the soffice binary when it is not on PATH."""
CANDIDATES = ("soffice", "libreoffice")


class PdfUnavailableError(KinerjaError):
    """LibreOffice is not installed: no PDF from this server."""


class PdfConversionError(KinerjaError):
    """LibreOffice ran but produced no PDF (timeout, crash, unreadable input)."""


def find_soffice(environ: Mapping[str, str] | None = None) -> str | None:
    """The soffice binary to run, or None when LibreOffice is not installed."""
    env = os.environ if environ is None else environ
    configured = env.get(SOFFICE_ENV)
    if configured:
        return shutil.which(configured)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _unavailable(pk_id: int | None) -> PdfUnavailableError:
    if pk_id is not None:
        message = f"LibreOffice tidak terpasang; gunakan halaman cetak /pk/{pk_id}/cetak untuk PDF"
    else:
        message = (
            "LibreOffice tidak terpasang; PDF tidak dapat dibuat di server ini, "
            "gunakan berkas .docx"
        )
    return PdfUnavailableError(
        message,
        log_message="soffice not found on PATH (set KINERJA_SOFFICE or install LibreOffice)",
    )


def require_soffice(environ: Mapping[str, str] | None = None, *, pk_id: int | None = None) -> str:
    """The soffice binary, or PdfUnavailableError (pointing to /pk/`pk_id`/cetak when given)."""
    binary = find_soffice(environ)
    if binary is None:
        raise _unavailable(pk_id)
    return binary


def docx_file_to_pdf(
    source: Path,
    outdir: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    soffice: str | None = None,
    pk_id: int | None = None,
) -> Path:
    """Convert `source` into `outdir`/<stem>.pdf and return that path.

    `pk_id` only improves the message when LibreOffice is missing.
    """
    binary = soffice or require_soffice(pk_id=pk_id)
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"{source.stem}.pdf"
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="kinerja-lo-") as profile:
        command = [
            binary,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(source),
        ]
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "HOME": profile},
        )
        try:
            _, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise PdfConversionError(
                f"Konversi ke PDF melebihi batas waktu {timeout:g} detik",
                log_message=f"soffice timed out after {timeout}s on {source}",
            ) from None
    if process.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        detail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise PdfConversionError(
            "LibreOffice gagal mengubah dokumen menjadi PDF",
            log_message=f"soffice exit {process.returncode} on {source}: {detail[0]}",
        )
    return target


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def docx_to_pdf(
    data: bytes,
    *,
    name: str = "dokumen",
    timeout: float = DEFAULT_TIMEOUT,
    soffice: str | None = None,
    pk_id: int | None = None,
) -> bytes:
    """The PDF bytes of a .docx given as bytes (work files in a private temporary directory)."""
    binary = soffice or require_soffice(pk_id=pk_id)
    with tempfile.TemporaryDirectory(prefix="kinerja-pdf-") as work:
        source = Path(work) / f"{name}.docx"
        source.write_bytes(data)
        pdf = docx_file_to_pdf(
            source, Path(work) / "out", timeout=timeout, soffice=binary, pk_id=pk_id
        )
        return pdf.read_bytes()

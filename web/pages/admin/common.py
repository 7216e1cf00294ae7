"""Helpers every admin page shares: form types, parsing typed values, rendering, redirects."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from engine.errors import FieldError
from engine.formatting import format_date_id
from engine.nip import format_nip
from engine.org import AssignmentStatus
from engine.usecases.audit import admin_actor
from web.auth import CurrentUser
from web.deps import Web
from web.render import page

log = logging.getLogger("kinerja.web.admin")

Text = Annotated[str, Form(max_length=400)]

NOTICES = {
    "pegawai-dibuat": "Pegawai ditambahkan",
    "pegawai-diubah": "Data pegawai disimpan",
    "penugasan-dibuat": "Penugasan ditambahkan",
    "penugasan-diakhiri": "Tanggal selesai penugasan disimpan",
    "jabatan-diubah": "Perubahan jabatan disimpan",
    "jabatan-dibuat": "Jabatan ditambahkan",
    "jabatan-ditutup": "Jabatan ditutup; riwayatnya tetap tersimpan",
    "libur-ditambah": "Hari libur disimpan",
    "libur-dihapus": "Hari libur dihapus; tanggal itu kembali menjadi hari kerja",
    "aturan-capaian-disimpan": "Aturan capaian disimpan",
    "akun-dibuat": "Akun dibuat",
    "undangan-dikirim": "Undangan dibuat: email berisi tautan untuk membuat kata sandi "
    "dikirim dari kotak keluar dalam satu-dua menit",
    "akun-dibuka": "Kunci akun dibuka: pegawai dapat mencoba masuk lagi",
    "akun-nonaktif": "Akun dinonaktifkan; semua sesinya diakhiri dan token API-nya dicabut",
    "akun-aktif": "Akun diaktifkan kembali",
    "sandi-diganti": "Kata sandi baru disimpan; sesi lain akun itu diakhiri dan token API-nya "
    "dicabut",
    "dua-langkah-direset": "Verifikasi dua langkah akun itu dimatikan dan sesinya diakhiri; "
    "bila wajib, pemiliknya mendaftar ulang saat masuk berikutnya",
    "kirim-ulang": "Pesan gagal dijadwalkan untuk dikirim ulang",
    "tidak-ada": "Tidak ada pesan gagal yang perlu dikirim ulang",
}
STATUS_LABELS = {
    AssignmentStatus.DEFINITIF: "Definitif",
    AssignmentStatus.PLT: "Plt. (Pelaksana Tugas)",
    AssignmentStatus.PLH: "Plh. (Pelaksana Harian)",
    AssignmentStatus.PJ: "Pj. (Penjabat)",
}


def render(
    request: Request,
    user: CurrentUser,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """An admin page, with the notice named by `?ok=...` and the defaults every template uses."""
    notice = NOTICES.get(request.query_params.get("ok", ""))
    full = {
        "notice": notice,
        "errors": {},
        "form": {},
        "nip": format_nip,
        "status_labels": STATUS_LABELS,
        **context,
    }
    return page(request, name, full, user, status_code=status_code)


def clock_args(web: Web) -> dict[str, Any]:
    """The keyword arguments of a use case that reads "today"."""
    return {"now": web.now(), "policy": web.deps.policy}


def who(user: CurrentUser) -> str:
    """The signed-in administrator as the admin log names them."""
    return admin_actor(user.login, user.actor)


def done(path: str, code: str) -> RedirectResponse:
    """Redirect (303) to `path` with the notice `code` in `?ok=...`."""
    joiner = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{joiner}ok={code}", status_code=303)


def refused(request: Request, user: CurrentUser, exc: FieldError) -> dict[str, str]:
    """Log a refused form post (English, for operators) and place its message by the field."""
    log.info(
        "%s %s by %s refused: %s", request.method, request.url.path, user.login, exc.log_message
    )
    return {exc.field: exc.message}


def parse_int(raw: str) -> int | None:
    """A typed id or number (digits only, under ten of them), else None."""
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def parse_day(raw: str, field: str, errors: dict[str, str], *, required: bool) -> date | None:
    """A date typed as YYYY-MM-DD (what <input type=date> sends); errors go to `errors`."""
    raw = raw.strip()
    if not raw:
        if required:
            errors[field] = "Tanggal wajib diisi"
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[field] = f"Tanggal '{raw}' tidak sah (tulis TTTT-BB-HH, mis. 2021-04-01)"
        return None


def moment_format(web: Web) -> Callable[[datetime | None], str]:
    """Show a stored UTC moment in the regency's time zone ("1 April 2021 09.00 WIB")."""

    def show(moment: datetime | None) -> str:
        if moment is None:
            return "-"
        local = moment.astimezone(web.deps.zone)
        return f"{format_date_id(local.date())} {local:%H.%M} {local.tzname()}"

    return show

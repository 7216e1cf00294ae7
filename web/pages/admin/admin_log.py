"""The admin page of the admin log: who changed what, from what to what, and the chain's check.

Rows come newest first from `engine.usecases.audit.admin_log`, filtered by action kind,
a text and local days; each shows its changes as "field: old -> new" lines, and the
page says whether the whole chain holds (utuh) or where it breaks (rusak).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from engine.audit import AdminLogRow
from engine.formatting import format_date_id
from engine.usecases.audit import admin_log
from web.auth import AdminUser
from web.deps import UowDep, web_of
from web.pages.admin.common import moment_format, parse_int, render

router = APIRouter()

ACTION_LABELS = {
    "assignment.add": "Penugasan ditambahkan",
    "assignment.end": "Penugasan diakhiri",
    "official.add": "Pegawai ditambahkan",
    "official.change": "Data pegawai diubah",
    "position.rename": "Nama jabatan diubah",
    "holiday.add": "Hari libur ditambahkan",
    "holiday.remove": "Hari libur dihapus",
    "holiday.seed": "Hari libur resmi diisi",
    "capaian_rules.set": "Aturan capaian diubah",
    "account.create": "Akun dibuat",
    "account.activate": "Akun diaktifkan",
    "account.deactivate": "Akun dinonaktifkan",
    "account.password_reset": "Kata sandi diganti admin",
    "account.invite": "Undangan akun dikirim",
    "account.unlock": "Kunci akun dibuka",
    "account.second_factor_reset": "Verifikasi dua langkah direset admin",
    "organisation.import": "Impor organisasi",
    "catalogue.import": "Impor katalog",
    "catalogue.workbook": "Impor buku kerja katalog",
    "catalogue.confirm": "Indikator turunan dikonfirmasi",
    "outbox.retry": "Email gagal dikirim ulang",
}
KINDS = {
    "assignment": "Penugasan",
    "official": "Pegawai",
    "position": "Jabatan",
    "holiday": "Hari libur",
    "capaian_rules": "Aturan capaian",
    "account": "Akun",
    "organisation": "Impor organisasi",
    "catalogue": "Katalog",
    "outbox": "Kotak keluar",
}
FIELD_LABELS = {
    "status": "Status",
    "valid_from": "Mulai",
    "valid_to": "Selesai",
    "decree": "Dasar penugasan",
    "nip": "NIP",
    "name": "Nama",
    "email": "Email",
    "title": "Nama jabatan",
    "category": "Jenis",
    "login": "Login",
    "active": "Aktif",
    "admin": "Administrator",
    "sessions": "Sesi lain",
    "tokens": "Token API",
    "second_factor": "Verifikasi dua langkah",
    "messages": "Pesan",
    "added": "Ditambahkan",
    "scale": "Skala capaian",
    "categories": "Kategori",
    "cap": "Batas atas capaian",
    "negative_zero_target_met": "Target 0 (polaritas negatif), realisasi 0",
    "negative_zero_target_missed": "Target 0 (polaritas negatif), realisasi di atas 0",
    "negative_target": "Target negatif",
    "baru": "Baru",
    "diubah": "Diubah",
    "tetap": "Tidak berubah",
}
VALUE_LABELS = {
    "status": {"definitif": "Definitif", "plt": "Plt.", "plh": "Plh.", "pj": "Pj."},
    "category": {"public": "Libur nasional", "government": "Cuti bersama", "local": "Libur daerah"},
    "negative_target": {
        "relative": "(1 ± (R - T) / |T|) x 100",
        "not_computable": "tidak dihitung",
    },
}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ORDER = {key: n for n, key in enumerate(FIELD_LABELS)}


def _shown(key: str, value: Any) -> str:
    """A stored value as people read it: dates in Indonesian, codes named, counts listed,
    none as "-"."""
    if isinstance(value, str) and value in VALUE_LABELS.get(key, {}):
        return VALUE_LABELS[key][value]
    if value is None or value == "" or value == {}:
        return "-"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, dict):
        return ", ".join(f"{count} {kind}" for kind, count in sorted(value.items()))
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return format_date_id(date.fromisoformat(value))
    return str(value)


def changes(row: AdminLogRow) -> list[dict[str, str]]:
    """The row's changes, one per field: its label, the value before and after."""
    before, after = row.values("before"), row.values("after")
    keys = sorted({*before, *after}, key=lambda key: (_ORDER.get(key, len(_ORDER)), key))
    return [
        {
            "field": FIELD_LABELS.get(key, key),
            "before": _shown(key, before.get(key)) if row.before is not None else "",
            "after": _shown(key, after.get(key)) if row.after is not None else "",
        }
        for key in keys
    ]


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip()) if raw.strip() else None
    except ValueError:
        return None


@router.get("/admin/log", response_class=HTMLResponse)
def admin_log_page(
    request: Request,
    user: AdminUser,
    uow: UowDep,
    aksi: str = "",
    cari: str = "",
    dari: str = "",
    sampai: str = "",
    halaman: str = "",
) -> HTMLResponse:
    """The admin log, newest first, with filters, pages and the chain's check."""
    web = web_of(request)
    page_no = parse_int(halaman) or 1
    since, until = _day(dari), _day(sampai)
    found = admin_log(
        uow,
        action=aksi or None,
        text=cari[:100] or None,
        since=since,
        until=until,
        page=page_no,
        policy=web.deps.policy,
    )
    filters = {
        "aksi": aksi,
        "cari": cari[:100],
        "dari": since.isoformat() if since else "",
        "sampai": until.isoformat() if until else "",
    }
    kept = {key: value for key, value in filters.items() if value}

    def page_link(number: int) -> str:
        return "/admin/log?" + urlencode({**kept, "halaman": number})

    rows = [
        {
            "row": row,
            "label": ACTION_LABELS.get(row.action, row.action),
            "changes": changes(row),
        }
        for row in found.rows
    ]
    kinds = dict(KINDS)
    for action in found.actions:  # codes recorded by later issues get their own choice
        if action.split(".")[0] not in kinds:
            kinds[action] = ACTION_LABELS.get(action, action)
    context = {
        "rows": rows,
        "found": found,
        "filters": filters,
        "kinds": kinds,
        "newer": page_link(page_no - 1) if page_no > 1 else None,
        "older": page_link(page_no + 1) if found.has_next else None,
        "moment": moment_format(web),
    }
    return render(request, user, "admin_log.html", context)

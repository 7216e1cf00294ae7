"""The administrator's pages: officials, assignments, positions, holidays, accounts, outbox.

Each form post is checked by `db.admin_repo` inside one transaction. A refused
post shows the form again (HTTP 422) with the Indonesian message next to the
field and what was typed kept; an accepted one redirects (303) to a page that
shows the result, with a short notice chosen by a fixed code (`?ok=...`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func
from sqlmodel import Session, col, select

from db.admin_repo import (
    FieldError,
    create_assignment,
    create_official,
    create_official_account,
    end_assignment,
    get_account,
    get_assignment,
    get_official,
    get_position,
    list_accounts,
    list_assignments,
    list_officials,
    rename_position,
    reset_password,
    set_account_active,
    update_official,
)
from db.database import transaction
from db.holidays_repo import GOVERNMENT, LOCAL, PUBLIC, add_holiday, list_holidays, remove_holiday
from db.models import Account, AssignmentRow, OfficialRow, PositionRow
from db.org_repo import load_org
from db.workflow_models import OutboxMessage
from engine.errors import NotFoundError
from engine.formatting import format_date_id
from engine.nip import format_nip
from engine.org import AssignmentStatus, Holding, Position
from notifications.dispatcher import OUTBOX_STATUSES, list_outbox, retry_dead
from web.auth import AdminFormUser, AdminUser, CurrentUser
from web.deps import Web, web_of
from web.render import page

router = APIRouter()
log = logging.getLogger("kinerja.web.admin")

Text = Annotated[str, Form(max_length=400)]
Secret = Annotated[str, Form(max_length=1000)]

NOTICES = {
    "pegawai-dibuat": "Pegawai ditambahkan",
    "pegawai-diubah": "Data pegawai disimpan",
    "penugasan-dibuat": "Penugasan ditambahkan",
    "penugasan-diakhiri": "Tanggal selesai penugasan disimpan",
    "jabatan-diubah": "Nama jabatan disimpan",
    "libur-ditambah": "Hari libur disimpan",
    "libur-dihapus": "Hari libur dihapus; tanggal itu kembali menjadi hari kerja",
    "akun-dibuat": "Akun dibuat",
    "akun-nonaktif": "Akun dinonaktifkan; semua sesinya diakhiri",
    "akun-aktif": "Akun diaktifkan kembali",
    "sandi-diganti": "Kata sandi baru disimpan; sesi lain akun itu diakhiri",
    "kirim-ulang": "Pesan gagal dijadwalkan untuk dikirim ulang",
    "tidak-ada": "Tidak ada pesan gagal yang perlu dikirim ulang",
}
STATUS_LABELS = {
    AssignmentStatus.DEFINITIF: "Definitif",
    AssignmentStatus.PLT: "Plt. (Pelaksana Tugas)",
    AssignmentStatus.PLH: "Plh. (Pelaksana Harian)",
    AssignmentStatus.PJ: "Pj. (Penjabat)",
}
HOLIDAY_KINDS = {PUBLIC: "Libur nasional", GOVERNMENT: "Cuti bersama", LOCAL: "Libur daerah"}
OUTBOX_LABELS = {"pending": "menunggu", "sent": "terkirim", "dead": "gagal"}


@dataclass(frozen=True)
class TreeRow:
    """A position in tree order with its holders today."""

    depth: int
    position: Position
    holders: list[Holding]


def _render(
    request: Request,
    user: CurrentUser,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
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


def _done(path: str, code: str) -> RedirectResponse:
    joiner = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{joiner}ok={code}", status_code=303)


def _refused(request: Request, user: CurrentUser, exc: FieldError) -> dict[str, str]:
    """Log a refused form post (English, for operators) and place its message by the field."""
    log.info(
        "%s %s by %s refused: %s", request.method, request.url.path, user.login, exc.log_message
    )
    return {exc.field: exc.message}


def _int(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _day(raw: str, field: str, errors: dict[str, str], *, required: bool) -> date | None:
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


def _moment(web: Web) -> Callable[[datetime | None], str]:
    """Show a stored UTC moment in the regency's time zone ("1 April 2021 09.00 WIB")."""

    def show(moment: datetime | None) -> str:
        if moment is None:
            return "-"
        local = moment.astimezone(web.deps.zone)
        return f"{format_date_id(local.date())} {local:%H.%M} {local.tzname()}"

    return show


def _tree_rows(session: Session, today: date) -> list[TreeRow]:
    tree = load_org(session).tree
    return [
        TreeRow(depth, position, tree.holders(position.id, today))
        for root in tree.roots()
        for depth, position in tree.walk(root.id)
    ]


# -- overview and settings ------------------------------------------------------------------


@router.get("/admin", response_class=HTMLResponse)
def overview(request: Request, user: AdminUser) -> HTMLResponse:
    """What an administrator looks after, with counts and links."""
    web = web_of(request)
    today = web.today()

    def count(model: Any, *where: Any) -> int:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())

    with Session(web.deps.engine) as session:
        counts = {
            "officials": count(OfficialRow),
            "positions": count(PositionRow),
            "assignments": count(
                AssignmentRow,
                col(AssignmentRow.valid_from) <= today,
                (col(AssignmentRow.valid_to).is_(None)) | (col(AssignmentRow.valid_to) >= today),
            ),
            "accounts": count(Account, col(Account.active).is_(True)),
            "holidays": len(list_holidays(session, year=today.year)),
            "pending": count(OutboxMessage, col(OutboxMessage.status) == "pending"),
            "dead": count(OutboxMessage, col(OutboxMessage.status) == "dead"),
        }
    return _render(request, user, "admin_index.html", {"counts": counts})


@router.get("/admin/pengaturan", response_class=HTMLResponse)
def settings_page(request: Request, user: AdminUser) -> HTMLResponse:
    """The settings in force (secrets masked), to check a deployment."""
    overview_rows = web_of(request).settings.overview
    return _render(request, user, "admin_settings.html", {"settings": overview_rows})


# -- officials ------------------------------------------------------------------------------


@router.get("/admin/pegawai", response_class=HTMLResponse)
def officials(request: Request, user: AdminUser) -> HTMLResponse:
    """Every official with today's positions."""
    web = web_of(request)
    with Session(web.deps.engine) as session:
        tree = load_org(session).tree
        rows = [(o, tree.holdings_of(o.id or 0, web.today())) for o in list_officials(session)]
    return _render(request, user, "admin_officials.html", {"officials": rows})


def _official_form(
    request: Request,
    user: CurrentUser,
    official_id: int | None,
    form: dict[str, str],
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    web = web_of(request)
    context: dict[str, Any] = {"form": form, "errors": errors or {}, "official": None}
    if official_id is not None:
        with Session(web.deps.engine) as session:
            context["official"] = get_official(session, official_id)
            context["assignments"] = list_assignments(session, official_id=official_id)
            context["account"] = session.exec(
                select(Account).where(Account.official_id == official_id)
            ).first()
    status = 422 if errors else 200
    return _render(request, user, "admin_official_form.html", context, status_code=status)


@router.get("/admin/pegawai/baru", response_class=HTMLResponse)
def official_new(request: Request, user: AdminUser) -> HTMLResponse:
    """The form for a new official."""
    return _official_form(request, user, None, {"nip": "", "name": "", "email": ""})


@router.post("/admin/pegawai/baru", response_class=HTMLResponse, response_model=None)
def official_create(
    request: Request, user: AdminFormUser, nip: Text = "", name: Text = "", email: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Register an official."""
    form = {"nip": nip, "name": name, "email": email}
    try:
        with transaction(web_of(request).deps.engine) as session:
            row = create_official(session, nip=nip, name=name, email=email)
    except FieldError as exc:
        return _official_form(request, user, None, form, _refused(request, user, exc))
    log.info("%s created official %s", user.login, row.id)
    return _done(f"/admin/pegawai/{row.id}", "pegawai-dibuat")


@router.get("/admin/pegawai/{official_id}", response_class=HTMLResponse)
def official_edit(request: Request, user: AdminUser, official_id: int) -> HTMLResponse:
    """An official: name and email to edit, their assignments and account."""
    with Session(web_of(request).deps.engine) as session:
        row = get_official(session, official_id)
    return _official_form(request, user, official_id, {"name": row.name, "email": row.email})


@router.post("/admin/pegawai/{official_id}", response_class=HTMLResponse, response_model=None)
def official_update(
    request: Request, user: AdminFormUser, official_id: int, name: Text = "", email: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Save an official's name and email."""
    try:
        with transaction(web_of(request).deps.engine) as session:
            update_official(session, official_id=official_id, name=name, email=email)
    except FieldError as exc:
        form = {"name": name, "email": email}
        return _official_form(request, user, official_id, form, _refused(request, user, exc))
    log.info("%s updated official %s", user.login, official_id)
    return _done(f"/admin/pegawai/{official_id}", "pegawai-diubah")


# -- assignments ----------------------------------------------------------------------------


def _choices(session: Session, today: date) -> dict[str, Any]:
    return {
        "official_choices": list_officials(session),
        "position_choices": _tree_rows(session, today),
        "statuses": STATUS_LABELS,
    }


@router.get("/admin/penugasan", response_class=HTMLResponse)
def assignments(
    request: Request, user: AdminUser, jabatan: str = "", pegawai: str = ""
) -> HTMLResponse:
    """Assignments, all or of one position or one official."""
    web = web_of(request)
    position_id, official_id = _int(jabatan), _int(pegawai)
    with Session(web.deps.engine) as session:
        rows = list_assignments(session, official_id=official_id, position_id=position_id)
        context = _choices(session, web.today())
    context |= {
        "rows": rows,
        "position_id": position_id,
        "official_id": official_id,
    }
    return _render(request, user, "admin_assignments.html", context)


def _assignment_form(
    request: Request, user: CurrentUser, form: dict[str, str], errors: dict[str, str]
) -> HTMLResponse:
    web = web_of(request)
    with Session(web.deps.engine) as session:
        context = _choices(session, web.today())
    context |= {"form": form, "errors": errors}
    status = 422 if errors else 200
    return _render(request, user, "admin_assignment_form.html", context, status_code=status)


@router.get("/admin/penugasan/baru", response_class=HTMLResponse)
def assignment_new(
    request: Request, user: AdminUser, jabatan: str = "", pegawai: str = ""
) -> HTMLResponse:
    """The form for a new assignment (position or official chosen beforehand if given)."""
    form = {
        "official_id": pegawai,
        "position_id": jabatan,
        "status": AssignmentStatus.DEFINITIF.value,
        "valid_from": web_of(request).today().isoformat(),
        "valid_to": "",
        "decree": "",
    }
    return _assignment_form(request, user, form, {})


@router.post("/admin/penugasan/baru", response_class=HTMLResponse, response_model=None)
def assignment_create(
    request: Request,
    user: AdminFormUser,
    official_id: Text = "",
    position_id: Text = "",
    status: Text = "",
    valid_from: Text = "",
    valid_to: Text = "",
    decree: Text = "",
) -> HTMLResponse | RedirectResponse:
    """Assign an official to a position over a date window."""
    form = {
        "official_id": official_id,
        "position_id": position_id,
        "status": status,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "decree": decree,
    }
    errors: dict[str, str] = {}
    official, position = _int(official_id), _int(position_id)
    if official is None:
        errors["official_id"] = "Pilih pegawai"
    if position is None:
        errors["position_id"] = "Pilih jabatan"
    start = _day(valid_from, "valid_from", errors, required=True)
    end = _day(valid_to, "valid_to", errors, required=False)
    if errors or official is None or position is None or start is None:
        return _assignment_form(request, user, form, errors)
    try:
        with transaction(web_of(request).deps.engine) as session:
            row = create_assignment(
                session,
                official_id=official,
                position_id=position,
                status=status,
                valid_from=start,
                valid_to=end,
                decree=decree,
            )
    except FieldError as exc:
        return _assignment_form(request, user, form, _refused(request, user, exc))
    log.info("%s created assignment %s", user.login, row.id)
    return _done(f"/admin/penugasan?jabatan={position}", "penugasan-dibuat")


def _end_form(
    request: Request,
    user: CurrentUser,
    assignment_id: int,
    form: dict[str, str],
    errors: dict[str, str],
) -> HTMLResponse:
    with Session(web_of(request).deps.engine) as session:
        row = get_assignment(session, assignment_id)
        context = {
            "assignment": row,
            "official": session.get(OfficialRow, row.official_id),
            "position": session.get(PositionRow, row.position_id),
            "form": form,
            "errors": errors,
        }
    status = 422 if errors else 200
    return _render(request, user, "admin_assignment_end.html", context, status_code=status)


@router.get("/admin/penugasan/{assignment_id}/akhiri", response_class=HTMLResponse)
def assignment_end_form(request: Request, user: AdminUser, assignment_id: int) -> HTMLResponse:
    """The form to set an assignment's last day."""
    with Session(web_of(request).deps.engine) as session:
        row = get_assignment(session, assignment_id)
    last = row.valid_to or web_of(request).today()
    return _end_form(request, user, assignment_id, {"valid_to": last.isoformat()}, {})


@router.post(
    "/admin/penugasan/{assignment_id}/akhiri", response_class=HTMLResponse, response_model=None
)
def assignment_end(
    request: Request, user: AdminFormUser, assignment_id: int, valid_to: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Set an assignment's last day (inclusive)."""
    errors: dict[str, str] = {}
    end = _day(valid_to, "valid_to", errors, required=True)
    form = {"valid_to": valid_to}
    if end is None:
        return _end_form(request, user, assignment_id, form, errors)
    try:
        with transaction(web_of(request).deps.engine) as session:
            row = end_assignment(session, assignment_id=assignment_id, valid_to=end)
    except FieldError as exc:
        return _end_form(request, user, assignment_id, form, _refused(request, user, exc))
    log.info("%s ended assignment %s on %s", user.login, assignment_id, end)
    return _done(f"/admin/penugasan?jabatan={row.position_id}", "penugasan-diakhiri")


# -- positions ------------------------------------------------------------------------------


@router.get("/admin/jabatan", response_class=HTMLResponse)
def positions(request: Request, user: AdminUser) -> HTMLResponse:
    """Positions in tree order, with level and today's holders."""
    web = web_of(request)
    with Session(web.deps.engine) as session:
        rows = _tree_rows(session, web.today())
    return _render(request, user, "admin_positions.html", {"rows": rows})


def _position_form(
    request: Request,
    user: CurrentUser,
    position_id: int,
    form: dict[str, str],
    errors: dict[str, str],
) -> HTMLResponse:
    with Session(web_of(request).deps.engine) as session:
        position = get_position(session, position_id)
    context = {"position": position, "form": form, "errors": errors}
    status = 422 if errors else 200
    return _render(request, user, "admin_position_form.html", context, status_code=status)


@router.get("/admin/jabatan/{position_id}", response_class=HTMLResponse)
def position_edit(request: Request, user: AdminUser, position_id: int) -> HTMLResponse:
    """The form to rename a position."""
    with Session(web_of(request).deps.engine) as session:
        title = get_position(session, position_id).title
    return _position_form(request, user, position_id, {"title": title}, {})


@router.post("/admin/jabatan/{position_id}", response_class=HTMLResponse, response_model=None)
def position_update(
    request: Request, user: AdminFormUser, position_id: int, title: Text = ""
) -> HTMLResponse | RedirectResponse:
    """Save a position's title."""
    try:
        with transaction(web_of(request).deps.engine) as session:
            rename_position(session, position_id=position_id, title=title)
    except FieldError as exc:
        form = {"title": title}
        return _position_form(request, user, position_id, form, _refused(request, user, exc))
    log.info("%s renamed position %s", user.login, position_id)
    return _done("/admin/jabatan", "jabatan-diubah")


# -- holidays -------------------------------------------------------------------------------


def _year(raw: str, today: date) -> int:
    year = _int(raw)
    return year if year is not None and 1900 <= year <= 2200 else today.year


def _holidays_page(
    request: Request,
    user: CurrentUser,
    year: int,
    form: dict[str, str],
    errors: dict[str, str],
) -> HTMLResponse:
    with Session(web_of(request).deps.engine) as session:
        days = list_holidays(session, year=year, include_removed=True)
    context = {
        "year": year,
        "holidays": [d for d in days if d.active],
        "removed": [d for d in days if not d.active],
        "kinds": HOLIDAY_KINDS,
        "form": form,
        "errors": errors,
    }
    status = 422 if errors else 200
    return _render(request, user, "admin_holidays.html", context, status_code=status)


@router.get("/admin/hari-libur", response_class=HTMLResponse)
def holidays(request: Request, user: AdminUser, tahun: str = "") -> HTMLResponse:
    """The holidays of a year, and the form to add one."""
    year = _year(tahun, web_of(request).today())
    form = {"day": "", "name": "", "category": LOCAL}
    return _holidays_page(request, user, year, form, {})


@router.post("/admin/hari-libur", response_class=HTMLResponse, response_model=None)
def holiday_add(
    request: Request,
    user: AdminFormUser,
    day: Text = "",
    name: Text = "",
    category: Text = LOCAL,
    tahun: Text = "",
) -> HTMLResponse | RedirectResponse:
    """Add a holiday (or bring back a removed one)."""
    web = web_of(request)
    form = {"day": day, "name": name, "category": category}
    errors: dict[str, str] = {}
    when = _day(day, "day", errors, required=True)
    if not name.strip():
        errors["name"] = "Nama hari libur wajib diisi"
    if category not in HOLIDAY_KINDS:
        errors["category"] = "Pilih jenis hari libur"
    year = when.year if when is not None else _year(tahun, web.today())
    if errors or when is None:
        return _holidays_page(request, user, year, form, errors)
    with transaction(web.deps.engine) as session:
        add_holiday(session, when, name, web.now(), category=category)
    log.info("%s added holiday %s", user.login, when)
    return _done(f"/admin/hari-libur?tahun={when.year}", "libur-ditambah")


@router.post("/admin/hari-libur/{day}/hapus", response_model=None)
def holiday_remove(request: Request, user: AdminFormUser, day: str) -> RedirectResponse:
    """Make a holiday a working day again (kept as removed, so a re-seed leaves it out)."""
    web = web_of(request)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise NotFoundError("Tanggal tidak dikenal", log_message=f"bad day {day!r}") from None
    with transaction(web.deps.engine) as session:
        remove_holiday(session, when, web.now())
    log.info("%s removed holiday %s", user.login, when)
    return _done(f"/admin/hari-libur?tahun={when.year}", "libur-dihapus")


# -- accounts -------------------------------------------------------------------------------


@router.get("/admin/akun", response_class=HTMLResponse)
def accounts(request: Request, user: AdminUser) -> HTMLResponse:
    """Every account with its official, state and last password change."""
    web = web_of(request)
    with Session(web.deps.engine) as session:
        rows = list_accounts(session)
    context = {"accounts": rows, "moment": _moment(web)}
    return _render(request, user, "admin_accounts.html", context)


def _account_form(
    request: Request, user: CurrentUser, form: dict[str, str], errors: dict[str, str]
) -> HTMLResponse:
    with Session(web_of(request).deps.engine) as session:
        taken = select(Account.official_id).where(col(Account.official_id).is_not(None))
        free = session.exec(
            select(OfficialRow)
            .where(col(OfficialRow.id).not_in(taken))
            .order_by(col(OfficialRow.name))
        ).all()
    context = {"form": form, "errors": errors, "free": free}
    status = 422 if errors else 200
    return _render(request, user, "admin_account_form.html", context, status_code=status)


@router.get("/admin/akun/baru", response_class=HTMLResponse)
def account_new(request: Request, user: AdminUser, pegawai: str = "") -> HTMLResponse:
    """The form for a new account (login defaults to the official's email)."""
    login = ""
    if (official_id := _int(pegawai)) is not None:
        with Session(web_of(request).deps.engine) as session:
            official = session.get(OfficialRow, official_id)
            login = official.email if official is not None else ""
    return _account_form(request, user, {"official_id": pegawai, "login": login}, {})


@router.post("/admin/akun/baru", response_class=HTMLResponse, response_model=None)
def account_create(
    request: Request,
    user: AdminFormUser,
    official_id: Text = "",
    login: Text = "",
    password: Secret = "",
) -> HTMLResponse | RedirectResponse:
    """Create an account for an official with a first password typed by the admin."""
    web = web_of(request)
    form = {"official_id": official_id, "login": login}
    official = _int(official_id)
    if official is None:
        return _account_form(request, user, form, {"official_id": "Pilih pegawai"})
    try:
        with transaction(web.deps.engine) as session:
            row = create_official_account(
                session, official_id=official, login=login, password=password, now=web.now()
            )
    except FieldError as exc:
        return _account_form(request, user, form, _refused(request, user, exc))
    log.info("%s created account %s for official %s", user.login, row.id, official)
    return _done("/admin/akun", "akun-dibuat")


@router.post("/admin/akun/{account_id}/nonaktifkan", response_model=None)
def account_deactivate(request: Request, user: AdminFormUser, account_id: int) -> RedirectResponse:
    """Stop an account from signing in (its sessions end at once)."""
    with transaction(web_of(request).deps.engine) as session:
        set_account_active(
            session, account_id=account_id, active=False, by_account_id=user.account_id
        )
    log.info("%s deactivated account %s", user.login, account_id)
    return _done("/admin/akun", "akun-nonaktif")


@router.post("/admin/akun/{account_id}/aktifkan", response_model=None)
def account_activate(request: Request, user: AdminFormUser, account_id: int) -> RedirectResponse:
    """Let a deactivated account sign in again."""
    with transaction(web_of(request).deps.engine) as session:
        set_account_active(
            session, account_id=account_id, active=True, by_account_id=user.account_id
        )
    log.info("%s reactivated account %s", user.login, account_id)
    return _done("/admin/akun", "akun-aktif")


def _password_form(
    request: Request, user: CurrentUser, account_id: int, errors: dict[str, str]
) -> HTMLResponse:
    with Session(web_of(request).deps.engine) as session:
        account = get_account(session, account_id)
    status = 422 if errors else 200
    context = {"account": account, "errors": errors}
    return _render(request, user, "admin_password.html", context, status_code=status)


@router.get("/admin/akun/{account_id}/sandi", response_class=HTMLResponse)
def password_form(request: Request, user: AdminUser, account_id: int) -> HTMLResponse:
    """The form to set a new password for an account."""
    return _password_form(request, user, account_id, {})


@router.post("/admin/akun/{account_id}/sandi", response_class=HTMLResponse, response_model=None)
def password_reset(
    request: Request,
    user: AdminFormUser,
    account_id: int,
    password: Secret = "",
    repeat: Secret = "",
) -> HTMLResponse | RedirectResponse:
    """Set a new password typed by the admin; the account's other browsers are signed out."""
    web = web_of(request)
    if password != repeat:
        errors = {"repeat": "Ulangan kata sandi tidak sama"}
        return _password_form(request, user, account_id, errors)
    keep = user.session_token if account_id == user.account_id else None
    try:
        with transaction(web.deps.engine) as session:
            reset_password(
                session, account_id=account_id, password=password, now=web.now(), keep_session=keep
            )
    except FieldError as exc:
        return _password_form(request, user, account_id, _refused(request, user, exc))
    log.info("%s reset the password of account %s", user.login, account_id)
    return _done("/admin/akun", "sandi-diganti")


# -- outbox ---------------------------------------------------------------------------------


@router.get("/admin/kotak-keluar", response_class=HTMLResponse)
def outbox(request: Request, user: AdminUser, status: str = "") -> HTMLResponse:
    """The newest outgoing emails, optionally of one status."""
    web = web_of(request)
    chosen = status if status in OUTBOX_STATUSES else ""
    with Session(web.deps.engine) as session:
        rows = list_outbox(session, chosen or None, limit=100)
        dead = session.exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "dead")
        ).one()
    context = {
        "rows": rows,
        "status": chosen,
        "labels": OUTBOX_LABELS,
        "dead": int(dead),
        "moment": _moment(web),
    }
    return _render(request, user, "admin_outbox.html", context)


def _retry(request: Request, user: CurrentUser, ids: list[int] | None) -> RedirectResponse:
    web = web_of(request)
    with transaction(web.deps.engine) as session:
        revived = retry_dead(session, ids, web.now())
    log.info("%s requeued dead outbox messages %s", user.login, revived)
    return _done("/admin/kotak-keluar?status=dead", "kirim-ulang" if revived else "tidak-ada")


@router.post("/admin/kotak-keluar/kirim-ulang", response_model=None)
def outbox_retry_all(request: Request, user: AdminFormUser) -> RedirectResponse:
    """Give every dead letter a fresh start."""
    return _retry(request, user, None)


@router.post("/admin/kotak-keluar/{message_id}/kirim-ulang", response_model=None)
def outbox_retry_one(request: Request, user: AdminFormUser, message_id: int) -> RedirectResponse:
    """Give one dead letter a fresh start."""
    return _retry(request, user, [message_id])

"""The administrator's writes: officials, assignments, position titles and accounts.

Every function checks its input before writing and raises `FieldError` (a
`ValidationError` naming the form field at fault) so that a page can show the
Indonesian message next to that field; a row named by the address that does
not exist is a `NotFoundError`. Callers run each function inside
`db.database.transaction`, so a refused change writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.accounts import check_new_password, create_account, end_other_sessions, hash_password
from db.models import Account, AssignmentRow, OfficialRow, PositionRow
from db.org_repo import to_assignment
from engine.errors import FieldError, NotFoundError, ValidationError
from engine.formatting import format_date_id
from engine.nip import format_nip, normalise_nip
from engine.org import AssignmentStatus, find_overlapping_definitif

MAX_NAME = 200
MAX_EMAIL = 254
MAX_TITLE = 300
MAX_DECREE = 200


def _text(field: str, value: str, what: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise FieldError(field, f"{what} wajib diisi", log_message=f"{field} missing")
    if len(value) > limit:
        raise FieldError(
            field,
            f"{what} paling banyak {limit} karakter",
            log_message=f"{field} longer than {limit}",
        )
    return value


def _email(session: Session, value: str, *, official_id: int | None) -> str:
    """A plausible, unused email: officials sign in with it, so two may not share one."""
    email = _text("email", value, "Email", MAX_EMAIL)
    local, at, domain = email.partition("@")
    if not at or not local or not domain or "@" in domain or any(c.isspace() for c in email):
        raise FieldError(
            "email", f"'{email}' bukan alamat email yang sah", log_message="malformed email"
        )
    query = select(OfficialRow).where(func.lower(OfficialRow.email) == email.lower())
    other = session.exec(query).first()
    if other is not None and other.id != official_id:
        raise FieldError(
            "email",
            f"Email {email} sudah dipakai oleh {other.name}",
            log_message=f"email already used by official {other.id}",
        )
    return email


def get_official(session: Session, official_id: int) -> OfficialRow:
    """The official with this id, or `NotFoundError`."""
    row = session.get(OfficialRow, official_id)
    if row is None:
        raise NotFoundError(
            "Pegawai tidak ditemukan", log_message=f"official {official_id} not found"
        )
    return row


def create_official(session: Session, *, nip: str, name: str, email: str) -> OfficialRow:
    """Register an official (pegawai); the NIP is stored as its 18 bare digits."""
    try:
        digits = normalise_nip(nip)
    except ValidationError as exc:
        raise FieldError("nip", exc.message, log_message=exc.log_message) from None
    existing = session.exec(select(OfficialRow).where(OfficialRow.nip == digits)).first()
    if existing is not None:
        raise FieldError(
            "nip",
            f"NIP {format_nip(digits)} sudah terdaftar atas nama {existing.name}",
            log_message=f"duplicate NIP of official {existing.id}",
        )
    row = OfficialRow(
        nip=digits,
        name=_text("name", name, "Nama", MAX_NAME),
        email=_email(session, email, official_id=None),
    )
    session.add(row)
    session.flush()
    return row


def update_official(session: Session, *, official_id: int, name: str, email: str) -> OfficialRow:
    """Change an official's name and email (the NIP never changes)."""
    row = get_official(session, official_id)
    row.name = _text("name", name, "Nama", MAX_NAME)
    row.email = _email(session, email, official_id=official_id)
    session.add(row)
    session.flush()
    return row


def get_position(session: Session, position_id: int) -> PositionRow:
    """The position with this id, or `NotFoundError`."""
    row = session.get(PositionRow, position_id)
    if row is None:
        raise NotFoundError(
            "Jabatan tidak ditemukan", log_message=f"position {position_id} not found"
        )
    return row


def rename_position(session: Session, *, position_id: int, title: str) -> PositionRow:
    """Change a position's title (nomenclature changes by regional regulation)."""
    row = get_position(session, position_id)
    row.title = _text("title", title, "Nama jabatan", MAX_TITLE)
    session.add(row)
    session.flush()
    return row


def _check_definitif(session: Session, candidate: AssignmentRow) -> None:
    """Refuse a definitif window that overlaps another definitif holder of the position."""
    if candidate.status != AssignmentStatus.DEFINITIF:
        return
    # Lock the position row (PostgreSQL) so two admins cannot both pass this check;
    # SQLite already serialises writers with BEGIN IMMEDIATE.
    session.exec(
        select(PositionRow).where(PositionRow.id == candidate.position_id).with_for_update()
    ).first()
    others = session.exec(
        select(AssignmentRow).where(
            AssignmentRow.position_id == candidate.position_id,
            AssignmentRow.status == AssignmentStatus.DEFINITIF.value,
            col(AssignmentRow.id) != (candidate.id or -1),
        )
    ).all()
    mine = to_assignment(candidate)
    by_value = {to_assignment(row): row for row in others}
    for first, second in find_overlapping_definitif([mine, *by_value]):
        if mine not in (first, second):
            continue
        clash = by_value[second if first is mine else first]
        holder = session.get(OfficialRow, clash.official_id)
        end = "seterusnya" if clash.valid_to is None else format_date_id(clash.valid_to)
        raise FieldError(
            "valid_to" if candidate.id is not None else "valid_from",
            f"Bertumpang tindih dengan pemegang definitif {holder.name if holder else '?'} "
            f"({format_date_id(clash.valid_from)} s.d. {end}): sebuah jabatan hanya boleh punya "
            "satu pemegang definitif pada satu waktu. Akhiri penugasan itu lebih dulu.",
            log_message=f"definitif overlaps assignment {clash.id}",
        )


def _check_window(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise FieldError(
            "valid_to",
            f"Tanggal selesai tidak boleh sebelum tanggal mulai ({format_date_id(valid_from)})",
            log_message="valid_to before valid_from",
        )


def create_assignment(
    session: Session,
    *,
    official_id: int,
    position_id: int,
    status: str,
    valid_from: date,
    valid_to: date | None,
    decree: str = "",
) -> AssignmentRow:
    """Assign an official to a position (definitif, Plt, Plh or Pj) over a date window."""
    if session.get(OfficialRow, official_id) is None:
        raise FieldError(
            "official_id", "Pegawai tidak dikenal", log_message=f"unknown official {official_id}"
        )
    if session.get(PositionRow, position_id) is None:
        raise FieldError(
            "position_id", "Jabatan tidak dikenal", log_message=f"unknown position {position_id}"
        )
    try:
        kind = AssignmentStatus(status)
    except ValueError:
        raise FieldError(
            "status",
            "Status penugasan harus definitif, Plt, Plh atau Pj",
            log_message=f"unknown status {status!r}",
        ) from None
    _check_window(valid_from, valid_to)
    decree = decree.strip()
    if len(decree) > MAX_DECREE:
        raise FieldError(
            "decree",
            f"Dasar penugasan paling banyak {MAX_DECREE} karakter",
            log_message="decree too long",
        )
    same = session.exec(
        select(AssignmentRow).where(
            AssignmentRow.official_id == official_id,
            AssignmentRow.position_id == position_id,
            AssignmentRow.status == kind.value,
            AssignmentRow.valid_from == valid_from,
        )
    ).first()
    if same is not None:
        raise FieldError(
            "valid_from",
            "Penugasan yang sama (pegawai, jabatan, status, tanggal mulai) sudah ada",
            log_message=f"duplicate of assignment {same.id}",
        )
    row = AssignmentRow(
        official_id=official_id,
        position_id=position_id,
        status=kind.value,
        valid_from=valid_from,
        valid_to=valid_to,
        decree=decree or None,
    )
    _check_definitif(session, row)
    session.add(row)
    _flush_assignment(session)
    return row


def _flush_assignment(session: Session) -> None:
    """Flush, turning the open-definitif unique index into the same message as the check."""
    try:
        session.flush()
    except IntegrityError:
        raise FieldError(
            "valid_from",
            "Jabatan ini sudah punya pemegang definitif tanpa tanggal selesai",
            log_message="open definitif unique index refused the row",
        ) from None


def get_assignment(session: Session, assignment_id: int) -> AssignmentRow:
    """The assignment with this id, or `NotFoundError`."""
    row = session.get(AssignmentRow, assignment_id)
    if row is None:
        raise NotFoundError(
            "Penugasan tidak ditemukan", log_message=f"assignment {assignment_id} not found"
        )
    return row


def end_assignment(session: Session, *, assignment_id: int, valid_to: date) -> AssignmentRow:
    """Set the last day of an assignment (inclusive); history stays, nothing is deleted."""
    row = get_assignment(session, assignment_id)
    _check_window(row.valid_from, valid_to)
    row.valid_to = valid_to
    _check_definitif(session, row)
    session.add(row)
    _flush_assignment(session)
    return row


def create_official_account(
    session: Session, *, official_id: int, login: str, password: str, now: datetime
) -> Account:
    """An account for an official, checked field by field before `create_account`."""
    official = session.get(OfficialRow, official_id)
    if official is None:
        raise FieldError(
            "official_id", "Pegawai tidak dikenal", log_message=f"unknown official {official_id}"
        )
    if session.exec(select(Account).where(Account.official_id == official_id)).first():
        raise FieldError(
            "official_id",
            f"{official.name} sudah memiliki akun",
            log_message="official already has an account",
        )
    key = login.strip().lower()
    if not key:
        raise FieldError("login", "Login wajib diisi", log_message="empty login")
    if len(key) > MAX_EMAIL or any(c.isspace() for c in key):
        raise FieldError(
            "login",
            f"Login tidak boleh berisi spasi dan paling banyak {MAX_EMAIL} karakter",
            log_message="malformed login",
        )
    if session.exec(select(Account).where(func.lower(Account.login) == key)).first():
        raise FieldError("login", f"Login '{key}' sudah dipakai", log_message="duplicate login")
    try:
        check_new_password(password, login=key)
    except ValidationError as exc:
        raise FieldError("password", exc.message, log_message=exc.log_message) from None
    return create_account(session, login=key, password=password, now=now, official_id=official_id)


def get_account(session: Session, account_id: int) -> Account:
    """The account with this id, or `NotFoundError`."""
    row = session.get(Account, account_id)
    if row is None:
        raise NotFoundError("Akun tidak ditemukan", log_message=f"account {account_id} not found")
    return row


def set_account_active(
    session: Session, *, account_id: int, active: bool, by_account_id: int
) -> Account:
    """Deactivate (signing it out everywhere) or reactivate an account; never one's own."""
    row = get_account(session, account_id)
    if account_id == by_account_id and not active:
        raise ValidationError(
            "Anda tidak dapat menonaktifkan akun Anda sendiri",
            log_message="admin tried to deactivate own account",
        )
    row.active = active
    session.add(row)
    if not active:
        end_other_sessions(session, account_id, keep=None)
    session.flush()
    return row


def reset_password(
    session: Session,
    *,
    account_id: int,
    password: str,
    now: datetime,
    keep_session: str | None = None,
) -> Account:
    """Set a password typed by the admin and sign the account out of its other browsers."""
    row = get_account(session, account_id)
    try:
        check_new_password(password, login=row.login)
    except ValidationError as exc:
        raise FieldError("password", exc.message, log_message=exc.log_message) from None
    row.password_hash = hash_password(password)
    row.password_changed_at = now
    session.add(row)
    end_other_sessions(session, account_id, keep=keep_session)
    session.flush()
    return row


def list_officials(session: Session) -> Sequence[OfficialRow]:
    """Every official, by name."""
    return session.exec(select(OfficialRow).order_by(col(OfficialRow.name))).all()


def list_accounts(session: Session) -> list[tuple[Account, OfficialRow | None]]:
    """Every account with its official (None for an administrator without one), by login."""
    rows = session.exec(
        select(Account, OfficialRow)
        .join(OfficialRow, col(Account.official_id) == col(OfficialRow.id), isouter=True)
        .order_by(col(Account.login))
    )
    return [(account, official) for account, official in rows]


def list_assignments(
    session: Session, *, official_id: int | None = None, position_id: int | None = None
) -> list[tuple[AssignmentRow, OfficialRow, PositionRow]]:
    """Assignments with their official and position, in tree order then by start date."""
    query = (
        select(AssignmentRow, OfficialRow, PositionRow)
        .join(OfficialRow, col(AssignmentRow.official_id) == col(OfficialRow.id))
        .join(PositionRow, col(AssignmentRow.position_id) == col(PositionRow.id))
        .order_by(
            col(PositionRow.sort_order),
            col(PositionRow.id),
            col(AssignmentRow.valid_from),
            col(AssignmentRow.id),
        )
    )
    if official_id is not None:
        query = query.where(AssignmentRow.official_id == official_id)
    if position_id is not None:
        query = query.where(AssignmentRow.position_id == position_id)
    return [(a, o, p) for a, o, p in session.exec(query)]

"""The administrator's officials and positions, and the overview of what they look after.

Every write checks its input before writing and raises `FieldError` naming the form
field at fault, so a refused form writes nothing and shows the Indonesian message next
to that field; a row named by the address that does not exist is a `NotFoundError`.
Each accepted write is recorded in the admin log (who, what before, what after) in its
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from engine.accounts import AccountInfo
from engine.clock import local_date
from engine.errors import FieldError, NotFoundError, ValidationError
from engine.nip import format_nip, normalise_nip
from engine.org import Holding, Official, Position
from engine.policy import Policy
from engine.ports import UnitOfWork, writes
from engine.staff import AdminCounts, AssignmentLine, PositionHolders, tree_rows
from engine.text import single_line
from engine.usecases.audit import record_admin

__all__ = [
    "MAX_EMAIL",
    "MAX_NAME",
    "MAX_TITLE",
    "OfficialDetails",
    "admin_overview",
    "create_official",
    "get_position",
    "list_officials",
    "list_positions",
    "official_details",
    "rename_position",
    "update_official",
]

MAX_NAME = 200
MAX_EMAIL = 254
MAX_TITLE = 300


@dataclass(frozen=True)
class OfficialDetails:
    """An official with their assignments (any date) and account."""

    official: Official
    assignments: list[AssignmentLine]
    account: AccountInfo | None


def _text(field: str, value: str, what: str, limit: int) -> str:
    """`value` stripped; FieldError when it is empty, longer than `limit` or not one line."""
    value = single_line(value, what, field=field).strip()
    if not value:
        raise FieldError(field, f"{what} wajib diisi", log_message=f"{field} missing")
    if len(value) > limit:
        raise FieldError(
            field,
            f"{what} paling banyak {limit} karakter",
            log_message=f"{field} longer than {limit}",
        )
    return value


def _email(uow: UnitOfWork, value: str, *, official_id: int | None) -> str:
    """A plausible, unused email: officials sign in with it, so two may not share one."""
    email = _text("email", value, "Email", MAX_EMAIL)
    local, at, domain = email.partition("@")
    if not at or not local or not domain or "@" in domain or any(c.isspace() for c in email):
        raise FieldError(
            "email", f"'{email}' bukan alamat email yang sah", log_message="malformed email"
        )
    other = uow.admin.official_with_email(email)
    if other is not None and other.id != official_id:
        raise FieldError(
            "email",
            f"Email {email} sudah dipakai oleh {other.name}",
            log_message=f"email already used by official {other.id}",
        )
    return email


def admin_overview(uow: UnitOfWork, *, now: datetime, policy: Policy) -> AdminCounts:
    """What an administrator looks after, counted as of today."""
    return uow.admin.counts(local_date(now, policy.zone))


def list_officials(
    uow: UnitOfWork, *, now: datetime, policy: Policy
) -> list[tuple[Official, list[Holding]]]:
    """Every official, by name, with the positions they hold today."""
    today = local_date(now, policy.zone)
    tree = uow.organisation.tree()
    return [(o, tree.holdings_of(o.id, today)) for o in uow.admin.officials()]


def _official(uow: UnitOfWork, official_id: int) -> Official:
    found = uow.admin.official(official_id)
    if found is None:
        raise NotFoundError(
            "Pegawai tidak ditemukan", log_message=f"official {official_id} not found"
        )
    return found


def official_details(uow: UnitOfWork, official_id: int) -> OfficialDetails:
    """An official with their assignments and account, or NotFoundError."""
    official = _official(uow, official_id)
    return OfficialDetails(
        official,
        uow.admin.assignments(official_id=official_id),
        uow.accounts.account_of(official_id),
    )


def _official_subject(official: Official) -> str:
    return f"Pegawai #{official.id}: {official.name} ({official.nip_display})"


@writes
def create_official(
    uow: UnitOfWork, *, nip: str, name: str, email: str, actor: str, now: datetime
) -> Official:
    """Register an official (pegawai); the NIP is stored as its 18 bare digits."""
    try:
        digits = normalise_nip(single_line(nip, "NIP", field="nip"))
    except ValidationError as exc:
        raise FieldError("nip", exc.message, log_message=exc.log_message) from None
    existing = uow.admin.official_with_nip(digits)
    if existing is not None:
        raise FieldError(
            "nip",
            f"NIP {format_nip(digits)} sudah terdaftar atas nama {existing.name}",
            log_message=f"duplicate NIP of official {existing.id}",
        )
    name = _text("name", name, "Nama", MAX_NAME)
    email = _email(uow, email, official_id=None)
    official = uow.admin.add_official(nip=digits, name=name, email=email)
    after = {"nip": digits, "name": name, "email": email}
    record_admin(uow, actor, "official.add", _official_subject(official), None, after, now=now)
    uow.commit()
    return official


@writes
def update_official(
    uow: UnitOfWork, official_id: int, *, name: str, email: str, actor: str, now: datetime
) -> Official:
    """Change an official's name and email (the NIP never changes)."""
    official = _official(uow, official_id)
    changed = replace(
        official,
        name=_text("name", name, "Nama", MAX_NAME),
        email=_email(uow, email, official_id=official_id),
    )
    uow.admin.update_official(changed)
    before = {
        k: getattr(official, k)
        for k in ("name", "email")
        if getattr(official, k) != getattr(changed, k)
    }
    if before:
        after = {k: getattr(changed, k) for k in before}
        subject = _official_subject(official)
        record_admin(uow, actor, "official.change", subject, before, after, now=now)
    uow.commit()
    return changed


def list_positions(uow: UnitOfWork, *, now: datetime, policy: Policy) -> list[PositionHolders]:
    """Every position in tree order with its holders today."""
    return tree_rows(uow.organisation.tree(), local_date(now, policy.zone))


def get_position(uow: UnitOfWork, position_id: int) -> Position:
    """The position with this id, or NotFoundError."""
    found = uow.admin.position(position_id)
    if found is None:
        raise NotFoundError(
            "Jabatan tidak ditemukan", log_message=f"position {position_id} not found"
        )
    return found


@writes
def rename_position(
    uow: UnitOfWork, position_id: int, *, title: str, actor: str, now: datetime
) -> Position:
    """Change a position's title (nomenclature changes by regional regulation)."""
    position = get_position(uow, position_id)
    renamed = replace(position, title=_text("title", title, "Nama jabatan", MAX_TITLE))
    uow.admin.update_position(position_id, title=renamed.title)
    if renamed.title != position.title:
        record_admin(
            uow,
            actor,
            "position.rename",
            f"Jabatan #{position.id} ({position.code}): {position.title}",
            {"title": position.title},
            {"title": renamed.title},
            now=now,
        )
    uow.commit()
    return renamed

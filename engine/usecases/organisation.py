"""The organisation: import an organisation file, show who holds which position.

Changes made one at a time by the administrator (add, rename, move, close a position) each
take an effective date, are checked before anything is written and are recorded in the
admin log with that date. A rename or a move applies to the position itself from the
moment it is saved, so its date may not lie in the future; documents signed before keep
the titles they were signed with (the PK stores its parties' titles at approval). A closed
position keeps its rows and history; after its last day (`Position.closed_on`) it gets no
PK of a later year, no report of a later quarter, no new holder, and leaves the pickers.

An import is checked whole before anything is written. The file's own problems and
those only the database can tell (an assignment naming an official stored earlier, a
second definitif holder overlapping one already stored, another regency) are reported
together: the parser the adapter hands in (`OrgParser`, from documents.yaml.org) gets
the database's facts, read here in the same transaction. Only a clean file is written,
with one commit; a second import of the same file changes nothing. An import run by a
person (`actor`) is recorded in the admin log with its counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from engine.clock import local_date
from engine.errors import FieldError, NotFoundError, Problem
from engine.formatting import format_date_id
from engine.imports import ImportReport
from engine.org import Level, OrgTree, Position
from engine.orgspec import OrgFileError, OrgParser
from engine.policy import Policy
from engine.ports import AgencyInfo, RegencyInfo, UnitOfWork, writes
from engine.text import single_line
from engine.usecases.audit import record_admin, record_import

__all__ = [
    "MAX_CODE",
    "MAX_POSITION_TEXT",
    "OrgOverview",
    "add_position",
    "change_position",
    "close_position",
    "closed_positions",
    "import_organisation",
    "list_agencies",
    "show_organisation",
]

MAX_CODE = 80
MAX_POSITION_TEXT = 300


@dataclass(frozen=True)
class OrgOverview:
    """The organisation with its holders as of `day`."""

    day: date
    regency: RegencyInfo | None
    agencies: tuple[AgencyInfo, ...]
    tree: OrgTree


@writes
def import_organisation(
    uow: UnitOfWork,
    parse: OrgParser,
    *,
    source: str,
    actor: str | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Check the file against the database, then write it and commit; OrgFileError otherwise.

    One installation serves one regency: a file of another regency is refused.
    """
    repo = uow.organisation
    document = parse(repo.facts())
    other = [code for code in repo.regency_codes() if code != document.regency.code]
    if other:
        raise OrgFileError(
            source,
            [
                Problem(
                    None,
                    "regency.code",
                    f"instalasi ini melayani '{other[0]}'; "
                    "satu instalasi hanya untuk satu pemerintah daerah",
                )
            ],
        )
    report = repo.write(document)
    subject = f"Organisasi {document.agency.code} ({document.regency.code}) dari {source}"
    record_import(uow, actor, "organisation.import", subject, report, now=now)
    uow.commit()
    return report


def show_organisation(
    uow: UnitOfWork, on: date | None = None, *, now: datetime, policy: Policy
) -> OrgOverview:
    """The organisation and who holds what on `on` (default: today in the regency)."""
    day = on if on is not None else local_date(now, policy.zone)
    found = uow.organisation.organisation()
    return OrgOverview(day, found.regency, found.agencies, found.tree)


def list_agencies(uow: UnitOfWork) -> list[AgencyInfo]:
    """Every agency, by code (to choose the one a workbook is for)."""
    return uow.organisation.agencies()


# --- changes by the administrator ----------------------------------------------------------


def closed_positions(positions: Iterable[Position], day: date) -> frozenset[int]:
    """The ids of the positions closed before `day` (no new document of a period from then)."""
    return frozenset(position.id for position in positions if not position.is_open_on(day))


def _position(uow: UnitOfWork, position_id: int) -> Position:
    found = uow.admin.position(position_id)
    if found is None:
        raise NotFoundError(
            "Jabatan tidak ditemukan", log_message=f"position {position_id} not found"
        )
    return found


def _text(field: str, value: str, what: str, limit: int) -> str:
    value = single_line(value, what, field=field).strip()
    if not value:
        raise FieldError(field, f"{what} wajib diisi", log_message=f"{field} missing")
    if len(value) > limit:
        raise FieldError(
            field, f"{what} paling banyak {limit} karakter", log_message=f"{field} too long"
        )
    return value


def _subject(position: Position) -> str:
    return f"Jabatan #{position.id} ({position.code}): {position.title}"


def _superior(uow: UnitOfWork, parent_id: int | None, effective: date) -> Position:
    """The superior chosen for a position: it exists and is open on `effective`."""
    parent = None if parent_id is None else uow.admin.position(parent_id)
    if parent is None:
        raise FieldError("parent_id", "Pilih atasan jabatan", log_message="no parent chosen")
    if parent.closed_on is not None and not parent.is_open_on(effective):
        raise FieldError(
            "parent_id",
            f"Atasan {parent.title} sudah ditutup sejak {format_date_id(parent.closed_on)}",
            log_message=f"parent {parent.id} closed",
        )
    return parent


@writes
def add_position(
    uow: UnitOfWork,
    *,
    parent_id: int | None,
    code: str,
    title: str,
    unit_name: str,
    level: str,
    effective: date,
    actor: str,
    now: datetime,
) -> Position:
    """Add a position under `parent_id` (same agency), in force from `effective`."""
    parent = _superior(uow, parent_id, effective)
    try:
        kind = Level(level)
    except ValueError:
        raise FieldError(
            "level", "Pilih jenjang jabatan", log_message=f"unknown level {level!r}"
        ) from None
    new = Position(
        0,
        parent.agency_id,
        _text("code", code, "Kode jabatan", MAX_CODE),
        _text("title", title, "Nama jabatan", MAX_POSITION_TEXT),
        _text("unit_name", unit_name, "Nama unit", MAX_POSITION_TEXT),
        kind,
        parent.id,
    )
    added = uow.admin.add_position(new)
    if added is None:
        uow.rollback()
        raise FieldError(
            "code",
            f"Kode jabatan {new.code} sudah dipakai di perangkat daerah ini",
            log_message=f"position code {new.code} taken",
        )
    after = {
        "code": added.code, "title": added.title, "unit_name": added.unit_name,
        "level": kind.value, "parent": parent.title, "effective": effective,
    }  # fmt: skip
    record_admin(uow, actor, "position.add", _subject(added), None, after, now=now)
    uow.commit()
    return added


def _cycle(tree: OrgTree, position: Position, parent: Position) -> None:
    """Refuse a superior that lies below the position (the tree would have a cycle)."""
    if parent.id == position.id:
        raise FieldError(
            "parent_id",
            "Jabatan tidak bisa menjadi atasannya sendiri",
            log_message="position as its own parent",
        )
    chain = [parent, *tree.ancestors(parent.id)]
    ids = [item.id for item in chain]
    if position.id in ids:
        path = " → ".join(item.title for item in reversed(chain[: ids.index(position.id) + 1]))
        raise FieldError(
            "parent_id",
            f"{parent.title} berada di bawah {position.title} ({path}); jabatan tidak bisa "
            "dipindah ke bawah bawahannya sendiri. Pindahkan bawahan itu lebih dulu.",
            log_message=f"moving position {position.id} under {parent.id} makes a cycle",
        )


@writes
def change_position(
    uow: UnitOfWork,
    position_id: int,
    *,
    title: str,
    parent_id: int | None,
    effective: date,
    actor: str,
    now: datetime,
    policy: Policy,
) -> Position:
    """Rename a position and/or move it under another superior, in force from `effective`
    (not after today: the change applies when saved). The head of an agency keeps no
    superior (`parent_id` None)."""
    position = _position(uow, position_id)
    today = local_date(now, policy.zone)
    if effective > today:
        raise FieldError(
            "effective",
            "Perubahan berlaku saat disimpan: tanggal berlaku tidak boleh setelah hari ini "
            f"({format_date_id(today)}). Simpan perubahan pada tanggal berlakunya.",
            log_message="rename or move dated in the future",
        )
    if not position.is_open_on(today):
        raise FieldError(
            "title", "Jabatan ini sudah ditutup", log_message=f"position {position.id} closed"
        )
    changed = replace(position, title=_text("title", title, "Nama jabatan", MAX_POSITION_TEXT))
    if position.parent_id is not None and parent_id != position.parent_id:
        parent = _superior(uow, parent_id, effective)
        if parent.agency_id != position.agency_id:
            raise FieldError(
                "parent_id",
                "Atasan harus dari perangkat daerah yang sama",
                log_message="parent in another agency",
            )
        _cycle(uow.organisation.tree(), position, parent)
        changed = replace(changed, parent_id=parent.id)
    if changed == position:
        return position
    uow.admin.update_position(position.id, title=changed.title, parent_id=changed.parent_id)
    if changed.title != position.title:
        renamed: dict[str, object] = {"title": changed.title, "effective": effective}
        before: dict[str, object] = {"title": position.title}
        record_admin(uow, actor, "position.rename", _subject(position), before, renamed, now=now)
    if changed.parent_id != position.parent_id:
        old = uow.admin.position(position.parent_id) if position.parent_id else None
        new = uow.admin.position(changed.parent_id) if changed.parent_id else None
        moved: dict[str, object] = {"parent": new.title if new else None, "effective": effective}
        before = {"parent": old.title if old else None}
        record_admin(uow, actor, "position.move", _subject(changed), before, moved, now=now)
    uow.commit()
    return changed


@writes
def close_position(
    uow: UnitOfWork, position_id: int, *, last_day: date, actor: str, now: datetime
) -> Position:
    """Close a position after `last_day`; refused (naming them) while a subordinate position
    stays open after that day or a holder's assignment runs past it."""
    position = _position(uow, position_id)
    if position.parent_id is None:
        raise FieldError(
            "last_day",
            "Kepala perangkat daerah tidak bisa ditutup di sini (ubah lewat berkas organisasi)",
            log_message="closing the head of an agency",
        )
    tree = uow.organisation.tree()
    children = [
        c.title for c in tree.children(position.id) if c.is_open_on(last_day + timedelta(days=1))
    ]
    if children:
        raise FieldError(
            "last_day",
            f"Masih ada jabatan bawahan yang belum ditutup: {', '.join(children)}. "
            "Tutup atau pindahkan jabatan itu lebih dulu.",
            log_message=f"position {position.id} has open children",
        )
    holders = [
        f"{record.status.prefix or 'Definitif'} {official.name} "
        f"({format_date_id(record.valid_from)} s.d. "
        f"{'seterusnya' if record.valid_to is None else format_date_id(record.valid_to)})"
        for record, official, _ in uow.admin.assignments(position_id=position.id)
        if record.valid_to is None or record.valid_to > last_day
    ]
    if holders:
        raise FieldError(
            "last_day",
            f"Jabatan masih dijabat setelah {format_date_id(last_day)}: {'; '.join(holders)}. "
            "Akhiri penugasan itu paling lambat tanggal tersebut lebih dulu.",
            log_message=f"position {position.id} still held",
        )
    uow.admin.update_position(position.id, closed_on=last_day)
    before, after = {"closed_on": position.closed_on}, {"closed_on": last_day}
    record_admin(uow, actor, "position.close", _subject(position), before, after, now=now)
    uow.commit()
    return replace(position, closed_on=last_day)

"""The administrator's assignments: who holds which position, how, and from when to when.

A position has one definitif holder at a time (acting ones, Plt, Plh and Pj, may overlap
anything): a new or changed definitif window that overlaps another is refused with the
holder and dates named, before anything is written. The check runs with the position
locked (`AdminRepository.definitif_assignments`); the database's unique index on an open
definitif window is the last guard, and its refusal reads the same way. History is never
deleted: an assignment ends by getting its last day. Each change is recorded in the
admin log (who, the assignment before and after) in the same transaction.

Some windows are allowed but rarely meant: a Plt or Pj added while a definitif holder is in
post, or any two holders of one position on the same days. Those are not refused and not
silently accepted: `create_assignment` raises `ConfirmationNeededError` with each overlap
said in words (who, from when to when) until it is called again with `confirmed=True`. A
closed position takes no assignment that runs past its last day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from engine.clock import local_date
from engine.errors import FieldError, NotFoundError, ValidationError
from engine.formatting import format_date_id
from engine.org import AssignmentStatus, Official, Position, find_overlapping_definitif
from engine.policy import Policy
from engine.ports import UnitOfWork, writes
from engine.staff import AssignmentLine, AssignmentRecord, PositionHolders, tree_rows
from engine.usecases.audit import record_admin

__all__ = [
    "MAX_DECREE",
    "AssignmentChoices",
    "AssignmentDetails",
    "AssignmentListing",
    "ConfirmationNeededError",
    "assignment_choices",
    "assignment_details",
    "create_assignment",
    "end_assignment",
    "list_assignments",
    "overlap_warnings",
]

MAX_DECREE = 200


class ConfirmationNeededError(ValidationError):
    """The assignment overlaps other holders of the position; `warnings` say how, in words.
    Nothing was written: the administrator confirms, and the call is made again."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(" ".join(warnings), log_message=f"{len(warnings)} overlap warnings")
        self.warnings = warnings


@dataclass(frozen=True)
class AssignmentChoices:
    """What an assignment form offers: officials by name, positions in tree order."""

    officials: list[Official]
    positions: list[PositionHolders]


@dataclass(frozen=True)
class AssignmentListing:
    """Assignments (of a position, of an official, or all) and the filter's choices."""

    rows: list[AssignmentLine]
    choices: AssignmentChoices


@dataclass(frozen=True)
class AssignmentDetails:
    """An assignment with its official and position."""

    assignment: AssignmentRecord
    official: Official | None
    position: Position | None


def assignment_choices(uow: UnitOfWork, *, now: datetime, policy: Policy) -> AssignmentChoices:
    """Officials by name and positions in tree order with today's holders."""
    today = local_date(now, policy.zone)
    rows = tree_rows(uow.organisation.tree(), today)
    return AssignmentChoices(
        uow.admin.officials(), [r for r in rows if r.position.is_open_on(today)]
    )


def list_assignments(
    uow: UnitOfWork,
    *,
    official_id: int | None = None,
    position_id: int | None = None,
    now: datetime,
    policy: Policy,
) -> AssignmentListing:
    """Assignments of an official or a position (or all), in tree order then by start."""
    rows = uow.admin.assignments(official_id=official_id, position_id=position_id)
    return AssignmentListing(rows, assignment_choices(uow, now=now, policy=policy))


def _assignment(uow: UnitOfWork, assignment_id: int) -> AssignmentRecord:
    found = uow.admin.assignment(assignment_id)
    if found is None:
        raise NotFoundError(
            "Penugasan tidak ditemukan", log_message=f"assignment {assignment_id} not found"
        )
    return found


def assignment_details(uow: UnitOfWork, assignment_id: int) -> AssignmentDetails:
    """An assignment with its official and position, or NotFoundError."""
    found = _assignment(uow, assignment_id)
    return AssignmentDetails(
        found, uow.admin.official(found.official_id), uow.admin.position(found.position_id)
    )


def _check_window(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise FieldError(
            "valid_to",
            f"Tanggal selesai tidak boleh sebelum tanggal mulai ({format_date_id(valid_from)})",
            log_message="valid_to before valid_from",
        )


def _check_definitif(uow: UnitOfWork, candidate: AssignmentRecord, *, new: bool) -> None:
    """Refuse a definitif window that overlaps another definitif holder of the position."""
    if candidate.status is not AssignmentStatus.DEFINITIF:
        return
    others = uow.admin.definitif_assignments(
        candidate.position_id, excluding=None if new else candidate.id
    )
    mine = candidate.as_assignment()
    by_value = {record.as_assignment(): record for record in others}
    for first, second in find_overlapping_definitif([mine, *by_value]):
        if mine not in (first, second):
            continue
        clash = by_value[second if first is mine else first]
        holder = uow.admin.official(clash.official_id)
        end = "seterusnya" if clash.valid_to is None else format_date_id(clash.valid_to)
        raise FieldError(
            "valid_from" if new else "valid_to",
            f"Bertumpang tindih dengan pemegang definitif {holder.name if holder else '?'} "
            f"({format_date_id(clash.valid_from)} s.d. {end}): sebuah jabatan hanya boleh punya "
            "satu pemegang definitif pada satu waktu. Akhiri penugasan itu lebih dulu.",
            log_message=f"definitif overlaps assignment {clash.id}",
        )


def _until(day: date | None) -> str:
    return "seterusnya" if day is None else format_date_id(day)


def overlap_warnings(uow: UnitOfWork, candidate: AssignmentRecord) -> list[str]:
    """How `candidate` overlaps the position's other holders, one sentence each: a Plt or Pj
    beside a definitif holder, or any two holders on the same days (but a Plh beside the
    definitif holder: a Plh stands in while that holder is away)."""
    warnings = []
    mine = candidate.as_assignment()
    for record, official, _ in uow.admin.assignments(position_id=candidate.position_id):
        if record.id == candidate.id or not mine.overlaps(record.as_assignment()):
            continue
        if {record.status, candidate.status} == {AssignmentStatus.DEFINITIF, AssignmentStatus.PLH}:
            continue  # a Plh acts while the definitif holder is away: that is its purpose
        start = max(record.valid_from, candidate.valid_from)
        ends = [day for day in (record.valid_to, candidate.valid_to) if day is not None]
        holder = f"{record.status.prefix or 'definitif'} {official.name}".strip()
        held = f"{format_date_id(record.valid_from)} s.d. {_until(record.valid_to)}"
        both = f"{format_date_id(start)} s.d. {_until(min(ends) if ends else None)}"
        if record.status is AssignmentStatus.DEFINITIF and candidate.status in _VACANCY:
            warnings.append(
                f"Jabatan ini punya pemegang definitif, {official.name} ({held}); "
                f"{candidate.status.prefix[:-1]} biasanya ditunjuk untuk jabatan yang kosong. "
                f"Keduanya menjabat bersamaan {both}."
            )
        else:
            warnings.append(
                f"Bertumpang tindih dengan {holder} ({held}): dua pemegang jabatan "
                f"bersamaan {both}."
            )
    return warnings


_VACANCY = (AssignmentStatus.PLT, AssignmentStatus.PJ)


def _check_open(position: Position, valid_from: date, valid_to: date | None) -> None:
    """Refuse a window that runs past the last day of a closed position."""
    last = position.closed_on
    if last is not None and (valid_to is None or valid_to > last or valid_from > last):
        raise FieldError(
            "valid_to",
            f"Jabatan {position.title} ditutup setelah {format_date_id(last)}: penugasan harus "
            "berakhir paling lambat tanggal itu",
            log_message=f"position {position.id} closed on {last}",
        )


def _refused_by_index(uow: UnitOfWork) -> FieldError:
    """The database refused a second open definitif holder: undo, and say it like the check."""
    uow.rollback()
    return FieldError(
        "valid_from",
        "Jabatan ini sudah punya pemegang definitif tanpa tanggal selesai",
        log_message="open definitif unique index refused the row",
    )


def _subject(uow: UnitOfWork, record: AssignmentRecord) -> str:
    """The assignment as the admin log names it: "Penugasan #12: Plt. Kepala ..., Budi (NIP)"."""
    official = uow.admin.official(record.official_id)
    position = uow.admin.position(record.position_id)
    title = position.title if position else f"jabatan #{record.position_id}"
    holder = (
        f"{official.name} ({official.nip_display})"
        if official
        else f"pegawai #{record.official_id}"
    )
    prefix = record.status.prefix or "Definitif"
    return f"Penugasan #{record.id}: {prefix} {title}, {holder}"


def _values(record: AssignmentRecord) -> dict[str, object]:
    return {
        "status": record.status.value,
        "valid_from": record.valid_from,
        "valid_to": record.valid_to,
        "decree": record.decree,
    }


@writes
def create_assignment(
    uow: UnitOfWork,
    *,
    official_id: int,
    position_id: int,
    status: str,
    valid_from: date,
    valid_to: date | None,
    decree: str = "",
    actor: str,
    now: datetime,
    confirmed: bool = False,
) -> AssignmentRecord:
    """Assign an official to a position (definitif, Plt, Plh or Pj) over a date window;
    `actor` (who, as the admin log names them) is recorded with it. ConfirmationNeededError
    when it overlaps other holders and `confirmed` is False."""
    repo = uow.admin
    if repo.official(official_id) is None:
        raise FieldError(
            "official_id", "Pegawai tidak dikenal", log_message=f"unknown official {official_id}"
        )
    position = repo.position(position_id)
    if position is None:
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
    _check_open(position, valid_from, valid_to)
    decree = decree.strip()
    if len(decree) > MAX_DECREE:
        raise FieldError(
            "decree",
            f"Dasar penugasan paling banyak {MAX_DECREE} karakter",
            log_message="decree too long",
        )
    same = repo.same_assignment(official_id, position_id, kind.value, valid_from)
    if same is not None:
        raise FieldError(
            "valid_from",
            "Penugasan yang sama (pegawai, jabatan, status, tanggal mulai) sudah ada",
            log_message=f"duplicate of assignment {same.id}",
        )
    candidate = AssignmentRecord(
        0, official_id, position_id, kind, valid_from, valid_to, decree or None
    )
    _check_definitif(uow, candidate, new=True)
    warnings = overlap_warnings(uow, candidate)
    if warnings and not confirmed:
        raise ConfirmationNeededError(warnings)
    added = repo.add_assignment(
        official_id=official_id,
        position_id=position_id,
        status=kind.value,
        valid_from=valid_from,
        valid_to=valid_to,
        decree=decree or None,
    )
    if added is None:
        raise _refused_by_index(uow)
    after = _values(added) | ({"overlaps": warnings} if warnings else {})
    record_admin(uow, actor, "assignment.add", _subject(uow, added), None, after, now=now)
    uow.commit()
    return added


@writes
def end_assignment(
    uow: UnitOfWork, assignment_id: int, *, valid_to: date, actor: str, now: datetime
) -> AssignmentRecord:
    """Set the last day of an assignment (inclusive); history stays, nothing is deleted."""
    found = _assignment(uow, assignment_id)
    _check_window(found.valid_from, valid_to)
    ended = replace(found, valid_to=valid_to)
    _check_definitif(uow, ended, new=False)
    if not uow.admin.set_assignment_end(assignment_id, valid_to):
        raise _refused_by_index(uow)
    record_admin(
        uow,
        actor,
        "assignment.end",
        _subject(uow, ended),
        {"valid_to": found.valid_to},
        {"valid_to": ended.valid_to},
        now=now,
    )
    uow.commit()
    return ended

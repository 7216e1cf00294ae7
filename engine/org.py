"""The organisation: positions as a tree, officials, and who holds what on a date.

The workflow rules are phrased in terms of the tree ("the holder submits, the
nearest Administrator-level superior verifies, the head of the agency approves"),
never in terms of echelon numbers or a fixed depth, so that any agency shape
works. Everything here is computed from plain values handed in by a repository;
the tree is immutable once built so it can be shared between requests.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from engine.errors import NotFoundError, ValidationError
from engine.nip import format_nip

K = TypeVar("K", bound=Hashable)


class Level(StrEnum):
    """Level tag of a position (jenjang jabatan); the tree, not the tag, gives depth."""

    JPT_PRATAMA = "jpt_pratama"
    ADMINISTRATOR = "administrator"
    PENGAWAS = "pengawas"
    PELAKSANA = "pelaksana"

    @property
    def label(self) -> str:
        """How the level is named in Indonesian documents."""
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {
    Level.JPT_PRATAMA: "JPT Pratama (Eselon II)",
    Level.ADMINISTRATOR: "Administrator (Eselon III)",
    Level.PENGAWAS: "Pengawas (Eselon IV)",
    Level.PELAKSANA: "Pelaksana",
}


class PositionRole(StrEnum):
    """A duty beyond the tree that the administrator gives a position (issue 18).

    Whoever holds the position that day (definitif or acting) has the role. The planning
    role (Sub Bagian Perencanaan / Program) works for its own agency: it starts the year,
    keeps the catalogue and drafts the annual report. The regency roles (Bupati, Sekretaris
    Daerah, Bappeda, Inspektorat) read every agency of the regency and its regency view.
    """

    PERENCANAAN = "perencanaan"
    BUPATI = "bupati"
    SEKDA = "sekda"
    BAPPEDA = "bappeda"
    INSPEKTORAT = "inspektorat"

    @property
    def label(self) -> str:
        """The role's name on pages."""
        return _ROLE_LABELS[self]

    @property
    def regency_wide(self) -> bool:
        """True for the roles that read every agency (all but the planning role)."""
        return self is not PositionRole.PERENCANAAN


_ROLE_LABELS = {
    PositionRole.PERENCANAAN: "Perencanaan perangkat daerah",
    PositionRole.BUPATI: "Bupati / Wakil Bupati",
    PositionRole.SEKDA: "Sekretaris Daerah",
    PositionRole.BAPPEDA: "Bappeda",
    PositionRole.INSPEKTORAT: "Inspektorat (APIP)",
}


class AssignmentStatus(StrEnum):
    """How an official holds a position.

    definitif: appointed holder; Plt (Pelaksana Tugas): acting for a vacancy;
    Plh (Pelaksana Harian): acting while the holder is temporarily absent;
    Pj (Penjabat): acting head appointed by a higher authority.
    """

    DEFINITIF = "definitif"
    PLT = "plt"
    PLH = "plh"
    PJ = "pj"

    @property
    def prefix(self) -> str:
        """The prefix printed before the title ("Plt. Kepala Dinas ...")."""
        return _PREFIXES[self]

    @property
    def is_acting(self) -> bool:
        """True for every status other than definitif."""
        return self is not AssignmentStatus.DEFINITIF


_PREFIXES = {
    AssignmentStatus.DEFINITIF: "",
    AssignmentStatus.PLT: "Plt.",
    AssignmentStatus.PLH: "Plh.",
    AssignmentStatus.PJ: "Pj.",
}

# Who acts for a position when several assignments are valid on the same day: an
# acting assignment exists precisely because the definitif holder cannot act then
# (Plh: temporary absence; Plt/Pj: vacancy or inability), so it takes precedence.
_PRECEDENCE = {
    AssignmentStatus.PLH: 0,
    AssignmentStatus.PLT: 1,
    AssignmentStatus.PJ: 2,
    AssignmentStatus.DEFINITIF: 3,
}


@dataclass(frozen=True, slots=True)
class Position:
    """A position (jabatan) in an agency; `parent_id` is its direct superior. A position
    closed by an organisation change keeps its history; `closed_on` is its last day."""

    id: int
    agency_id: int
    code: str
    title: str
    unit_name: str
    level: Level
    parent_id: int | None
    role: PositionRole | None = None
    """A duty the administrator gave the position (planning, a regency role), if any."""
    closed_on: date | None = None

    def is_open_on(self, day: date) -> bool:
        """True unless the position was closed before `day`."""
        return self.closed_on is None or day <= self.closed_on


@dataclass(frozen=True, slots=True)
class Official:
    """A civil servant (pegawai)."""

    id: int
    nip: str
    name: str
    email: str

    @property
    def nip_display(self) -> str:
        """The NIP grouped as printed on documents."""
        return format_nip(self.nip)


@dataclass(frozen=True, slots=True)
class Assignment:
    """An official holding a position with a status over an inclusive date window."""

    official_id: int
    position_id: int
    status: AssignmentStatus
    valid_from: date
    valid_to: date | None = None

    def is_valid_on(self, day: date) -> bool:
        """True when `day` lies in the window (both ends inclusive, open end allowed)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def overlaps(self, other: Assignment) -> bool:
        """True when both windows share at least one day."""
        self_end = self.valid_to or date.max
        other_end = other.valid_to or date.max
        return self.valid_from <= other_end and other.valid_from <= self_end


@dataclass(frozen=True, slots=True)
class Holding:
    """An official holding a position on a given day, and how they hold it."""

    official: Official
    position: Position
    status: AssignmentStatus

    @property
    def display_title(self) -> str:
        """The title as documents show it, with the acting prefix where it applies."""
        prefix = self.status.prefix
        return f"{prefix} {self.position.title}" if prefix else self.position.title


@dataclass(frozen=True, slots=True)
class RegencyHead:
    """Who heads the regency (the Bupati) over an inclusive date window.

    Pihak kedua of a head of agency's PK: the PK prints the name of whoever held the
    office on the day it was signed, so a new Bupati mid-year prints right. `status`
    gives the prefix of an acting head ("Pj. Bupati Gresik", "Plt. Bupati Gresik").
    """

    name: str
    valid_from: date
    valid_to: date | None = None
    status: AssignmentStatus = AssignmentStatus.DEFINITIF

    def is_valid_on(self, day: date) -> bool:
        """True when `day` lies in the window (both ends inclusive, open end allowed)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def display_title(self, title: str) -> str:
        """The regency head's title with the acting prefix where it applies."""
        prefix = self.status.prefix
        return f"{prefix} {title}" if prefix else title


def regency_head_on(heads: Iterable[RegencyHead], on: date) -> RegencyHead | None:
    """The regency head on `on`: an acting head (Plt, Pj) before the definitif one."""
    valid = [h for h in heads if h.is_valid_on(on)]
    valid.sort(key=lambda h: (_PRECEDENCE[h.status], h.valid_from))
    return valid[0] if valid else None


def find_cycles(parent_of: Mapping[K, K | None]) -> list[list[K]]:
    """Return each cycle in a parent map once, as the list of its members.

    Keys whose parent is missing from the map are treated as roots (an unknown
    superior is reported by the caller, not here).
    """
    state: dict[K, int] = {}  # 1: on the current path, 2: finished
    cycles: list[list[K]] = []
    for start in parent_of:
        path: list[K] = []
        node: K | None = start
        while node is not None and node in parent_of and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent_of[node]
        if node is not None and state.get(node) == 1:
            cycles.append(path[path.index(node) :])
        for member in path:
            state[member] = 2
    return cycles


def find_overlapping_definitif(
    assignments: Iterable[Assignment],
) -> list[tuple[Assignment, Assignment]]:
    """Pairs of definitif assignments of one position whose windows overlap.

    A position has at most one definitif holder at a time; acting assignments
    (Plt, Plh, Pj) may overlap anything.
    """
    by_position: dict[int, list[Assignment]] = {}
    for item in assignments:
        if item.status is AssignmentStatus.DEFINITIF:
            by_position.setdefault(item.position_id, []).append(item)
    clashes: list[tuple[Assignment, Assignment]] = []
    for items in by_position.values():
        items.sort(key=lambda a: a.valid_from)
        for i, first in enumerate(items):
            clashes.extend((first, second) for second in items[i + 1 :] if first.overlaps(second))
    return clashes


class OrgTree:
    """An immutable view of positions, officials and assignments, answering who is who.

    Build it from what a repository loaded; it validates that every superior
    exists and that the tree has no cycle.
    """

    def __init__(
        self,
        positions: Iterable[Position],
        officials: Iterable[Official] = (),
        assignments: Iterable[Assignment] = (),
    ) -> None:
        self._positions = {p.id: p for p in positions}
        self._officials = {o.id: o for o in officials}
        self._children: dict[int, list[Position]] = {}
        for position in self._positions.values():
            if position.parent_id is None:
                continue
            if position.parent_id not in self._positions:
                raise ValidationError(
                    f"Atasan jabatan '{position.code}' tidak ditemukan",
                    log_message=f"position {position.id} has unknown parent {position.parent_id}",
                )
            self._children.setdefault(position.parent_id, []).append(position)
        if cycles := find_cycles({p.id: p.parent_id for p in self._positions.values()}):
            codes = " -> ".join(self._positions[i].code for i in cycles[0])
            raise ValidationError(
                f"Struktur jabatan berputar: {codes}",
                log_message=f"position tree has a cycle: {codes}",
            )
        self._by_position: dict[int, list[Assignment]] = {}
        self._by_official: dict[int, list[Assignment]] = {}
        for item in assignments:
            self._by_position.setdefault(item.position_id, []).append(item)
            self._by_official.setdefault(item.official_id, []).append(item)

    # -- positions ---------------------------------------------------------------------------

    @property
    def positions(self) -> list[Position]:
        """All positions, in insertion order."""
        return list(self._positions.values())

    def position(self, position_id: int) -> Position:
        """The position with this id, or `NotFoundError`."""
        try:
            return self._positions[position_id]
        except KeyError:
            raise NotFoundError(
                f"Jabatan #{position_id} tidak ditemukan",
                log_message=f"unknown position {position_id}",
            ) from None

    def official(self, official_id: int) -> Official:
        """The official with this id, or `NotFoundError`."""
        try:
            return self._officials[official_id]
        except KeyError:
            raise NotFoundError(
                f"Pegawai #{official_id} tidak ditemukan",
                log_message=f"unknown official {official_id}",
            ) from None

    def children(self, position_id: int) -> list[Position]:
        """Direct subordinates of a position."""
        return list(self._children.get(position_id, ()))

    def roots(self) -> list[Position]:
        """Positions without a superior: the heads of the agencies."""
        return [p for p in self._positions.values() if p.parent_id is None]

    def ancestors(self, position_id: int) -> list[Position]:
        """Superiors from the direct one up to the head of the agency."""
        chain: list[Position] = []
        parent_id = self.position(position_id).parent_id
        while parent_id is not None:
            parent = self._positions[parent_id]
            chain.append(parent)
            parent_id = parent.parent_id
        return chain

    def superior(self, position_id: int) -> Position | None:
        """The direct superior (atasan langsung); None for the head of the agency."""
        parent_id = self.position(position_id).parent_id
        return None if parent_id is None else self._positions[parent_id]

    def nearest_administrator(self, position_id: int) -> Position | None:
        """The nearest Administrator-level ancestor (Kepala Bidang or Sekretaris).

        None when there is none above the position (the head of the agency, or
        a Kepala Bidang, whose superior is already the head).
        """
        for ancestor in self.ancestors(position_id):
            if ancestor.level is Level.ADMINISTRATOR:
                return ancestor
        return None

    def head_of_agency(self, position_id: int) -> Position:
        """The root of the position's tree: the Kepala Dinas / Kepala Badan."""
        chain = self.ancestors(position_id)
        return chain[-1] if chain else self.position(position_id)

    def walk(self, root_id: int) -> Iterable[tuple[int, Position]]:
        """Depth-first (depth, position) pairs below and including `root_id`."""
        stack = [(0, self.position(root_id))]
        while stack:
            depth, node = stack.pop()
            yield depth, node
            stack.extend((depth + 1, child) for child in reversed(self.children(node.id)))

    # -- holders -----------------------------------------------------------------------------

    def holders(self, position_id: int, on: date) -> list[Holding]:
        """Everyone holding the position on `on`, the one who acts first.

        Acting holders (Plh, Plt, Pj) come before the definitif holder: an acting
        assignment is made precisely for the days the holder cannot act.
        """
        position = self.position(position_id)
        valid = [a for a in self._by_position.get(position_id, ()) if a.is_valid_on(on)]
        valid.sort(key=lambda a: (_PRECEDENCE[a.status], a.valid_from))
        return [Holding(self.official(a.official_id), position, a.status) for a in valid]

    def acting_holder(self, position_id: int, on: date) -> Holding | None:
        """The one official who acts for the position on `on`, if anyone does."""
        holders = self.holders(position_id, on)
        return holders[0] if holders else None

    def holdings_of(self, official_id: int, on: date) -> list[Holding]:
        """Every position an official holds on `on` (definitif and acting)."""
        official = self.official(official_id)
        valid = [a for a in self._by_official.get(official_id, ()) if a.is_valid_on(on)]
        valid.sort(key=lambda a: (a.status.is_acting, a.position_id))
        return [Holding(official, self.position(a.position_id), a.status) for a in valid]

    def assignments_of(self, official_id: int) -> list[Assignment]:
        """Every assignment of an official, past, present and future (any status)."""
        return list(self._by_official.get(official_id, ()))

    def held_between(self, official_id: int, position_id: int, start: date, end: date) -> bool:
        """True when the official held the position (any status) on some day of [start, end]."""
        return any(
            a.official_id == official_id and a.valid_from <= end and (a.valid_to or end) >= start
            for a in self._by_position.get(position_id, ())
        )

    def nearest_held_superior(self, position_id: int, on: date) -> Holding | None:
        """The first superior up the tree that somebody holds on `on`.

        Escalation goes here: an empty position passes its work to the next
        holder up rather than to nobody.
        """
        for ancestor in self.ancestors(position_id):
            holder = self.acting_holder(ancestor.id, on)
            if holder is not None:
                return holder
        return None

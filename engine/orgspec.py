"""An organisation file's content, checked: what an organisation import writes.

documents.yaml.org parses the file (``format: kinerja-org/1``) into these values; the
import use case writes them. Nothing here reads a file or a database.

A file is checked against the database too (assignments may name officials stored
earlier; a definitif holder must not overlap one already stored), and every problem is
reported at once. So the import use case reads `OrgFacts` in its transaction and gives
them to the parser the adapter handed it (`OrgParser`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from engine.errors import FileProblemsError
from engine.org import AssignmentStatus, Level, PositionRole, RegencyHead


class OrgFileError(FileProblemsError):
    """The organisation file has problems; nothing was written."""


@dataclass(frozen=True, slots=True)
class RegencySpec:
    code: str
    name: str
    head_title: str
    heads: tuple[RegencyHead, ...] = ()
    """Who headed the regency when (the Bupati's name on the Kepala Dinas's PK); an import
    replaces the stored list with the file's when the file has one."""


@dataclass(frozen=True, slots=True)
class AgencySpec:
    code: str
    name: str
    short_name: str
    place: str


@dataclass(frozen=True, slots=True)
class PositionSpec:
    code: str
    title: str
    unit: str
    level: Level
    superior: str | None
    role: PositionRole | None = None  # absent in the file: the stored role stays


@dataclass(frozen=True, slots=True)
class OfficialSpec:
    nip: str
    name: str
    email: str


AssignmentKey = tuple[str, str, str, date]
"""(NIP, position code, status, start): what identifies an assignment."""


@dataclass(frozen=True, slots=True)
class AssignmentSpec:
    nip: str
    position: str
    status: AssignmentStatus
    valid_from: date
    valid_to: date | None
    decree: str | None
    line: int | None = field(default=None, compare=False)

    @property
    def key(self) -> AssignmentKey:
        """What identifies an assignment across imports."""
        return (self.nip, self.position, self.status.value, self.valid_from)


@dataclass(frozen=True)
class OrgDocument:
    """A validated organisation file: one agency of one regency."""

    regency: RegencySpec
    agency: AgencySpec
    positions: list[PositionSpec]
    officials: list[OfficialSpec] = field(default_factory=list)
    assignments: list[AssignmentSpec] = field(default_factory=list)


@dataclass(frozen=True)
class OrgFacts:
    """What the database holds that an organisation file is checked against."""

    nips: frozenset[str] = frozenset()
    """NIPs of the officials already stored (assignments may name them without repeating)."""
    assignments: Mapping[AssignmentKey, date | None] = field(default_factory=dict)
    """Every stored assignment and its end, for the one-definitif-holder check."""


OrgParser = Callable[[OrgFacts], OrgDocument]
"""Parses one file against the facts: a clean `OrgDocument`, or `OrgFileError` listing all."""

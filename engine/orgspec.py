"""An organisation file's content, checked: what an organisation import writes.

documents.yaml.org parses the file (``format: kinerja-org/1``) into these values; the
import use case writes them. Nothing here reads a file or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from engine.errors import FileProblemsError
from engine.org import AssignmentStatus, Level


class OrgFileError(FileProblemsError):
    """The organisation file has problems; nothing was written."""


@dataclass(frozen=True, slots=True)
class RegencySpec:
    code: str
    name: str
    head_title: str


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

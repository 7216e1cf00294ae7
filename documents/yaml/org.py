"""The organisation file (``format: kinerja-org/1``): parse and validate, all problems at once.

The format is documented in docs/organisation.md. Validation is complete before
anything is written: the caller gets either a clean `OrgDocument` or an
`OrgFileError` listing every problem with its line, never half an import.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from itertools import pairwise

from documents.yaml.checks import Checker
from documents.yaml.lines import LineDict, load_yaml
from engine.errors import ValidationError
from engine.nip import normalise_nip
from engine.org import (
    Assignment,
    AssignmentStatus,
    Level,
    PositionRole,
    RegencyHead,
    find_cycles,
    find_overlapping_definitif,
)
from engine.orgspec import (
    AgencySpec,
    AssignmentKey,
    AssignmentSpec,
    OfficialSpec,
    OrgDocument,
    OrgFacts,
    OrgFileError,
    OrgParser,
    PositionSpec,
    RegencySpec,
)
from engine.text import SINGLE_LINE_PROBLEM, bad_character

FORMAT = "kinerja-org/1"


def parse_org_file(
    text: str,
    source: str,
    *,
    known_nips: frozenset[str] = frozenset(),
    existing_assignments: Mapping[AssignmentKey, date | None] | None = None,
) -> OrgDocument:
    """Validate an organisation file completely; raise `OrgFileError` listing every problem.

    `known_nips` are officials already in the database that assignments may name
    without repeating them; `existing_assignments` (keyed by NIP, position code,
    status, start; value: end) take part in the one-definitif-holder check.
    """
    root = load_yaml(text, source)
    check = Checker()
    doc = check.mapping(root, 1, "berkas")
    if doc is None:
        raise OrgFileError(source, check.problems)
    if doc.get("format") != FORMAT:
        check.add(doc.key_lines.get("format", 1), "format", f"harus '{FORMAT}'")
    regency = _section(check, doc, "regency", ("code", "name", "head_title"))
    heads = _regency_heads(check, doc)
    agency = _section(check, doc, "agency", ("code", "name", "short_name", "place"))
    positions = _positions(check, doc)
    officials = _officials(check, doc)
    nips = known_nips | {o.nip for o in officials}
    assignments = _assignments(check, doc, {p.code for p in positions}, nips)
    _check_definitif(check, assignments, existing_assignments or {})
    if check.problems or regency is None or agency is None:
        raise OrgFileError(source, check.problems)
    return OrgDocument(
        regency=RegencySpec(**regency, heads=heads),
        agency=AgencySpec(**agency),
        positions=positions,
        officials=officials,
        assignments=assignments,
    )


def org_parser(text: str, source: str) -> OrgParser:
    """The parser of this file for the import use case, which gives it the database's facts."""

    def parse(facts: OrgFacts) -> OrgDocument:
        return parse_org_file(
            text, source, known_nips=facts.nips, existing_assignments=facts.assignments
        )

    return parse


def _line(
    check: Checker, item: LineDict, key: str, where: str, *, required: bool = True
) -> str | None:
    """`check.text`, and a problem (None) when the text holds a line break or control character:
    every text of this file is one line (a name with a newline would break email headers)."""
    value = check.text(item, key, where, required=required)
    if value is not None and bad_character(value) is not None:
        check.add(item.key_lines.get(key, item.line), f"{where}.{key}", SINGLE_LINE_PROBLEM)
        return None
    return value


def _section(
    check: Checker, doc: LineDict, key: str, fields: tuple[str, ...]
) -> dict[str, str] | None:
    item = check.mapping(doc.get(key), doc.key_lines.get(key, doc.line), key)
    if item is None:
        return None
    values = {name: _line(check, item, name, key) for name in fields}
    if any(v is None for v in values.values()):
        return None
    return {k: v for k, v in values.items() if v is not None}


def _regency_heads(check: Checker, doc: LineDict) -> tuple[RegencyHead, ...]:
    """`regency.heads`: who headed the regency when (name, from, to, status), optional."""
    section = doc.get("regency")
    if not isinstance(section, LineDict):
        return ()
    heads: list[RegencyHead] = []
    for index, item in check.items(section, "heads", required=False):
        where = f"regency.heads[{index + 1}]"
        name = _line(check, item, "name", where)
        valid_from = check.day(item, "from", where, required=True)
        valid_to = check.day(item, "to", where, required=False)
        status = check.choice(
            item, "status", where, AssignmentStatus, ", ".join(AssignmentStatus),
            default=AssignmentStatus.DEFINITIF,
        )  # fmt: skip
        if valid_from and valid_to and valid_to < valid_from:
            line = item.key_lines.get("to")
            check.add(line, f"{where}.to", "tanggal akhir sebelum tanggal mulai")
            continue
        if name is None or valid_from is None or status is None:
            continue
        heads.append(RegencyHead(name, valid_from, valid_to, status))
    definitif = sorted(
        (h for h in heads if h.status is AssignmentStatus.DEFINITIF), key=lambda h: h.valid_from
    )
    for before, after in pairwise(definitif):
        if before.valid_to is None or before.valid_to >= after.valid_from:
            check.add(
                section.key_lines.get("heads"),
                "regency.heads",
                f"masa jabatan {before.name} dan {after.name} bertumpang tindih: isi 'to' "
                "kepala daerah sebelumnya sebelum tanggal mulai penggantinya",
            )
    return tuple(heads)


def _role(check: Checker, item: LineDict, where: str) -> PositionRole | None:
    """The position's optional `role` (engine.org.PositionRole); absent keeps the stored one."""
    if "role" not in item:
        return None
    return check.choice(item, "role", where, PositionRole, ", ".join(PositionRole))


def _positions(check: Checker, doc: LineDict) -> list[PositionSpec]:
    specs: list[PositionSpec] = []
    lines: dict[str, int] = {}
    superior_lines: dict[str, int | None] = {}
    for index, item in check.items(doc, "positions", required=True):
        where = f"positions[{index + 1}]"
        code = _line(check, item, "code", where)
        title = _line(check, item, "title", where)
        unit = _line(check, item, "unit", where)
        level = check.choice(item, "level", where, Level, ", ".join(Level))
        superior = _line(check, item, "superior", where, required=False)
        role = _role(check, item, where)
        if code is None or title is None or unit is None or level is None:
            continue
        if code in lines:
            check.add(
                item.line,
                f"{where}.code",
                f"jabatan '{code}' ganda (pertama di baris {lines[code]})",
            )
            continue
        lines[code] = item.line
        superior_lines[code] = item.key_lines.get("superior", item.line)
        specs.append(PositionSpec(code, title, unit, level, superior, role))
    codes = {p.code for p in specs}
    for spec in specs:
        if spec.superior is not None and spec.superior not in codes:
            check.add(
                superior_lines[spec.code],
                f"jabatan '{spec.code}'.superior",
                f"atasan '{spec.superior}' tidak dikenal",
            )
    parent_of = {p.code: p.superior for p in specs if p.superior in codes or p.superior is None}
    for cycle in find_cycles(parent_of):
        first = min(cycle, key=lambda c: lines[c])
        check.add(
            lines[first],
            f"jabatan '{first}'",
            "atasan berputar: " + " -> ".join([*cycle, cycle[0]]),
        )
    heads = [p.code for p in specs if p.superior is None]
    if specs and len(heads) != 1:
        check.add(
            doc.key_lines.get("positions"),
            "positions",
            f"harus tepat satu jabatan tanpa atasan (kepala perangkat daerah), ada {len(heads)}",
        )
    return specs


def _nip(check: Checker, item: LineDict, where: str) -> str | None:
    """The item's NIP as 18 bare digits, or None with the problem recorded."""
    raw = _line(check, item, "nip", where)
    if raw is None:
        return None
    try:
        return normalise_nip(raw)
    except ValidationError as exc:
        check.add(item.key_lines.get("nip"), f"{where}.nip", exc.message)
        return None


def _officials(check: Checker, doc: LineDict) -> list[OfficialSpec]:
    specs: list[OfficialSpec] = []
    seen: dict[str, int] = {}
    for index, item in check.items(doc, "officials", required=False):
        where = f"officials[{index + 1}]"
        nip = _nip(check, item, where)
        name = _line(check, item, "name", where)
        email = _line(check, item, "email", where)
        if email is not None and ("@" not in email or email.startswith("@") or " " in email):
            check.add(
                item.key_lines.get("email"),
                f"{where}.email",
                f"'{email}' bukan alamat email",
            )
            email = None
        if nip is None or name is None or email is None:
            continue
        if nip in seen:
            check.add(
                item.line,
                f"{where}.nip",
                f"NIP {nip} ganda (pertama di baris {seen[nip]})",
            )
            continue
        seen[nip] = item.line
        specs.append(OfficialSpec(nip, name, email))
    return specs


def _assignments(
    check: Checker, doc: LineDict, positions: set[str], nips: frozenset[str]
) -> list[AssignmentSpec]:
    specs: list[AssignmentSpec] = []
    for index, item in check.items(doc, "assignments", required=False):
        where = f"assignments[{index + 1}]"
        nip = _nip(check, item, where)
        position = _line(check, item, "position", where)
        status = check.choice(item, "status", where, AssignmentStatus, ", ".join(AssignmentStatus))
        valid_from = check.day(item, "from", where, required=True)
        valid_to = check.day(item, "to", where, required=False)
        decree = _line(check, item, "decree", where, required=False)
        if nip is not None and nip not in nips:
            line = item.key_lines.get("nip")
            check.add(line, f"{where}.nip", f"pegawai dengan NIP {nip} tidak dikenal")
            nip = None
        if position is not None and position not in positions:
            check.add(
                item.key_lines.get("position"),
                f"{where}.position",
                f"jabatan '{position}' tidak dikenal",
            )
            position = None
        if valid_from and valid_to and valid_to < valid_from:
            check.add(
                item.key_lines.get("to"),
                f"{where}.to",
                "tanggal akhir sebelum tanggal mulai",
            )
            continue
        if nip is None or position is None or status is None or valid_from is None:
            continue
        specs.append(AssignmentSpec(nip, position, status, valid_from, valid_to, decree, item.line))
    return specs


def _check_definitif(
    check: Checker,
    specs: list[AssignmentSpec],
    existing: Mapping[AssignmentKey, date | None],
) -> None:
    """At most one definitif holder per position at any time, file and database together."""
    ends: dict[AssignmentKey, date | None] = dict(existing)
    ends.update((spec.key, spec.valid_to) for spec in specs)
    lines = {spec.key: spec.line for spec in specs}
    codes = sorted({key[1] for key in ends})
    position_ids = {code: number for number, code in enumerate(codes)}
    by_assignment: dict[Assignment, AssignmentKey] = {}
    for key, end in ends.items():
        status = AssignmentStatus(key[2])
        by_assignment[Assignment(int(key[0]), position_ids[key[1]], status, key[3], end)] = key
    for first, second in find_overlapping_definitif(by_assignment):
        first_key, second_key = by_assignment[first], by_assignment[second]
        key = second_key if second_key in lines else first_key
        if key not in lines:
            continue  # both already in the database: not this file's doing
        check.add(
            lines[key],
            f"jabatan '{key[1]}'",
            f"pemegang definitif kedua (NIP {key[0]} mulai {key[3].isoformat()}) bertumpang "
            f"tindih dengan NIP {first_key[0] if key is second_key else second_key[0]}: "
            "sebuah jabatan hanya boleh punya satu pemegang definitif pada satu waktu",
        )

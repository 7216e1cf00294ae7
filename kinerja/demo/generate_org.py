"""The generated regency's organisation: agencies, position trees, officials, assignments.

Each agency is shaped as a real Dinas or Badan is: the head (JPT Pratama), a
Sekretariat with three Sub Bagian, three to five Bidang with two or three Seksi
each, and pelaksana staff under the Seksi and Sub Bagian, up to the requested
number of positions. A few posts are held by a Plt. (a Kepala Bidang who retired
mid-year, the Sekretaris acting) or a Plh. (a Kepala Seksi on leave during the
last reporting round). The same rows also build an `OrgTree`, so the workflow
history is written by exactly the officials the gate would accept.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine.org import Assignment, AssignmentStatus, Level, Official, OrgTree, Position
from kinerja.demo.generate_names import (
    AGENCIES,
    DEGREES,
    EMAIL_DOMAIN,
    FEMALE_FIRST,
    LAST_NAMES,
    MALE_FIRST,
    MASTERS,
    REGENCY_PLACE,
    SEKSI_PATTERNS,
    STAFF_TITLES,
    SUBBAG,
)

MIN_POSITIONS = 15
Row = dict[str, Any]


class Ids:
    """Primary keys handed out in memory, continuing after what the tables hold."""

    def __init__(self, start: dict[str, int]) -> None:
        self._next = dict(start)

    def take(self, table: str) -> int:
        """The next id of `table`."""
        value = self._next.get(table, 1)
        self._next[table] = value + 1
        return value


@dataclass
class Org:
    """The organisation rows and the tree built from them."""

    agencies: list[Row] = field(default_factory=list)
    positions: list[Row] = field(default_factory=list)
    officials: list[Row] = field(default_factory=list)
    assignments: list[Row] = field(default_factory=list)
    tree: OrgTree | None = None

    def built(self) -> OrgTree:
        """The tree (after `plan_org`)."""
        assert self.tree is not None
        return self.tree


@dataclass(frozen=True)
class OrgPlan:
    """What to build: sizes, the first year, existing keys to avoid, where changes happen."""

    agencies: int
    positions_per_agency: int
    first_year: int
    last_year: int
    regency_id: int
    plt_from: date
    plh_window: tuple[date, date]
    taken_codes: frozenset[str] = frozenset()
    taken_nips: frozenset[str] = frozenset()
    taken_emails: frozenset[str] = frozenset()


def plan_org(plan: OrgPlan, ids: Ids, rng: random.Random) -> Org:
    """Agencies, positions (parents first), one official per position and their assignments."""
    org = Org()
    people = _People(plan, ids, rng)
    for index in range(plan.agencies):
        agency = _agency_row(index, plan, ids)
        org.agencies.append(agency)
        shape = _shape(plan.positions_per_agency, rng)
        positions = _positions(agency, index, shape, plan.positions_per_agency, ids, rng)
        org.positions.extend(positions)
        holder: dict[str, Row] = {}
        for position in positions:
            official = people.new(position["level"])
            org.officials.append(official)
            holder[position["code"]] = official
            org.assignments.append(
                _assignment(ids, official, position, "definitif", date(plan.first_year, 1, 2))
            )
        _acting(org, plan, ids, index, positions, holder)
    org.tree = OrgTree(
        [_position(p) for p in org.positions],
        [Official(o["id"], o["nip"], o["name"], o["email"]) for o in org.officials],
        [
            Assignment(
                a["official_id"],
                a["position_id"],
                AssignmentStatus(a["status"]),
                a["valid_from"],
                a["valid_to"],
            )
            for a in org.assignments
        ],
    )
    return org


def _position(row: Row) -> Position:
    return Position(
        row["id"],
        row["agency_id"],
        row["code"],
        row["title"],
        row["unit_name"],
        Level(row["level"]),
        row["parent_id"],
    )


def _agency_row(index: int, plan: OrgPlan, ids: Ids) -> Row:
    code, kind, subject, short, _themes = AGENCIES[index % len(AGENCIES)]
    round_ = index // len(AGENCIES)
    if round_:
        code, short = f"{code}-{round_ + 1}", f"{short} {round_ + 1}"
    base, n = code, 2
    while code in plan.taken_codes:
        code, n = f"{base}-{n}", n + 1
    own_name = subject.startswith(("Satuan", "Inspektorat", "Rumah Sakit"))
    full = f"{subject if own_name else f'{kind} {subject}'} Kabupaten {REGENCY_PLACE}"
    return {
        "id": ids.take("agency"),
        "regency_id": plan.regency_id,
        "code": code,
        "name": full,
        "short_name": short,
        "place": REGENCY_PLACE,
    }


def _shape(total: int, rng: random.Random) -> list[int]:
    """Seksi per Bidang, trimmed so that at least a quarter of the posts are staff."""
    shape = [rng.choice((2, 3)) for _ in range(rng.randint(3, 5))]
    staff_floor = max(1, total // 4)
    while 5 + len(shape) + sum(shape) > total - staff_floor:
        if any(n > 2 for n in shape):
            shape[shape.index(max(shape))] -= 1
        elif len(shape) > 3:
            shape.pop()
        else:
            break
    return shape


def _positions(
    agency: Row, index: int, shape: list[int], total: int, ids: Ids, rng: random.Random
) -> list[Row]:
    """The tree of one agency, parents before children, filled with staff up to `total`."""
    _code, _kind, subject, _short, themes = AGENCIES[index % len(AGENCIES)]
    rows: list[Row] = []

    def add(code: str, title: str, unit: str, level: Level, parent: Row | None) -> Row:
        row = {
            "id": ids.take("position"),
            "agency_id": agency["id"],
            "code": code,
            "title": title,
            "unit_name": unit,
            "level": level.value,
            "parent_id": None if parent is None else parent["id"],
            "sort_order": len(rows),
        }
        rows.append(row)
        return row

    office = agency["name"].replace(f" Kabupaten {REGENCY_PLACE}", "")
    head_title = f"Kepala {office}" if not office.startswith("Inspektorat") else "Inspektur"
    head = add("kepala", head_title, office, Level.JPT_PRATAMA, None)
    sekretaris = add("sekretaris", "Sekretaris", "Sekretariat", Level.ADMINISTRATOR, head)
    leaves = [
        add(f"kasubag-{key}", f"Kepala {unit}", unit, Level.PENGAWAS, sekretaris)
        for key, unit in SUBBAG
    ]
    theme_list = list(themes) + [f"{subject} {n}" for n in range(2, 6)]
    for b, seksi_count in enumerate(shape, start=1):
        theme = theme_list[b - 1]
        kabid = add(
            f"kabid-{b}", f"Kepala Bidang {theme}", f"Bidang {theme}", Level.ADMINISTRATOR, head
        )
        # A seksi's subject is not repeated from its bidang's ("Pembinaan Pembinaan SMP").
        patterns = [p for p in SEKSI_PATTERNS if p.split()[0] not in theme.split()]
        for s in range(1, seksi_count + 1):
            unit = f"Seksi {patterns[s - 1]} {theme}"
            leaves.append(add(f"kasi-{b}-{s}", f"Kepala {unit}", unit, Level.PENGAWAS, kabid))
    staff = 0
    while len(rows) < total:
        parent = leaves[staff % len(leaves)]
        staff += 1
        title = STAFF_TITLES[rng.randrange(len(STAFF_TITLES))]
        add(f"staf-{staff:03d}", title, parent["unit_name"], Level.PELAKSANA, parent)
    return rows


class _People:
    """Fictional officials with unique NIPs and emails, titled by level."""

    def __init__(self, plan: OrgPlan, ids: Ids, rng: random.Random) -> None:
        self.plan, self.ids, self.rng = plan, ids, rng
        self.nips = set(plan.taken_nips)
        self.emails = set(plan.taken_emails)
        self.count = 0

    def new(self, level: str) -> Row:
        rng = self.rng
        female = rng.random() < 0.45
        first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
        last = rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        if level != Level.PELAKSANA.value or rng.random() < 0.5:
            name += f", {rng.choice(DEGREES)}"
            if level in (Level.JPT_PRATAMA.value, Level.ADMINISTRATOR.value):
                name += f", {rng.choice(MASTERS)}"
        self.count += 1
        return {
            "id": self.ids.take("official"),
            "nip": self._nip(female),
            "name": name,
            "email": self._email(first, last),
        }

    def _nip(self, female: bool) -> str:
        index = self.count
        while True:
            birth = date(1965 + index % 30, 1 + (index // 30) % 12, 1 + (index // 360) % 28)
            start_year = min(birth.year + self.rng.randint(22, 30), self.plan.first_year - 1)
            nip = (
                f"{birth:%Y%m%d}{start_year}{self.rng.randint(1, 12):02d}"
                f"{2 if female else 1}{self.rng.randint(1, 999):03d}"
            )
            if nip not in self.nips:
                self.nips.add(nip)
                return nip
            index += 10_080  # another birth date cycle

    def _email(self, first: str, last: str) -> str:
        base = f"{first}.{last}".lower()
        email, n = f"{base}@{EMAIL_DOMAIN}", 2
        while email in self.emails:
            email, n = f"{base}{n}@{EMAIL_DOMAIN}", n + 1
        self.emails.add(email)
        return email


def _assignment(
    ids: Ids,
    official: Row,
    position: Row,
    status: str,
    valid_from: date,
    valid_to: date | None = None,
    decree: str | None = None,
) -> Row:
    return {
        "id": ids.take("assignment"),
        "official_id": official["id"],
        "position_id": position["id"],
        "status": status,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "decree": decree,
    }


def _acting(
    org: Org, plan: OrgPlan, ids: Ids, index: int, positions: list[Row], holder: dict[str, Row]
) -> None:
    """Every fifth agency: its first Kepala Bidang retires, the Sekretaris acts (Plt.);
    every third: a Kepala Seksi is on leave in the last reporting round (Plh.)."""
    by_code = {p["code"]: p for p in positions}
    if index % 5 == 2 and "kabid-1" in by_code:
        kabid = by_code["kabid-1"]
        retiring = next(a for a in org.assignments if a["position_id"] == kabid["id"])
        retiring["valid_to"] = plan.plt_from.fromordinal(plan.plt_from.toordinal() - 1)
        org.assignments.append(
            _assignment(ids, holder["sekretaris"], kabid, "plt", plan.plt_from,
                        decree="Surat Perintah Plt. Bupati (fiktif)")
        )  # fmt: skip
    if index % 3 == 1 and "kasi-2-1" in by_code and "kasi-2-2" in by_code:
        start, end = plan.plh_window
        org.assignments.append(
            _assignment(ids, holder["kasi-2-2"], by_code["kasi-2-1"], "plh", start, end,
                        decree="Surat Perintah Plh. Kepala Dinas (fiktif)")
        )  # fmt: skip


def account_rows(org: Org, ids: Ids, password_hash: str, now: datetime) -> list[Row]:
    """One login per official (the email), all sharing one hash of the demo password."""
    return [
        {
            "id": ids.take("account"),
            "login": o["email"],
            "official_id": o["id"],
            "password_hash": password_hash,
            "is_admin": False,
            "active": True,
            "created_at": now,
            "password_changed_at": None,
        }
        for o in org.officials
    ]

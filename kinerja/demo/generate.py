"""`kinerja demo generate`: a whole fictional regency, for load tests and for training.

The small demo (kinerja.demo.seed) walks every step through the gate; a regency of
1,600 positions would take many minutes that way. Here every row is planned in
memory first (organisation, catalogue, PKs, reports, the hash-chained log; see
the kinerja/generate_*.py modules) with primary keys handed out in memory, then
written with bulk INSERTs (executemany in batches) in one transaction, and the
PostgreSQL sequences are moved past the keys used. Seeded, so the same options
give the same regency.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine, func, insert, select
from sqlmodel import Session

from db.admin import seed_holidays
from db.database import refresh_statistics, transaction
from db.models import Agency, OfficialRow, Regency, metadata
from db.signin import Account
from engine.errors import ValidationError
from engine.periods import Quarter
from kinerja.demo.generate_catalog import plan_catalogue
from kinerja.demo.generate_names import REGENCY_CODE, REGENCY_HEAD, REGENCY_NAME, REGENCY_PLACE
from kinerja.demo.generate_org import Ids, Org, OrgPlan, account_rows, plan_org
from kinerja.demo.generate_workflow import Documents, YearPlan, plan_year_documents
from kinerja.demo.seed import ADMIN_LOGIN, ADMIN_PASSWORD, DEMO_PASSWORD

BATCH = 2000
DEFAULT_YEAR = 2021
# Tables in foreign-key order, each with an integer `id` the generator hands out.
ID_TABLES = (
    "regency", "agency", "position", "official", "assignment", "account", "indicator",
    "indicator_variable", "pk", "pk_target", "pk_budget_line", "report", "report_entry",
    "transition_log",
)  # fmt: skip
Progress = Callable[[str, int, int], None]
"""Told (table, rows written so far, rows in all) after each batch."""


@dataclass(frozen=True)
class GenerateOptions:
    """The size and shape of the regency to generate."""

    agencies: int = 40
    positions_per_agency: int = 40
    years: int = 1
    year: int = DEFAULT_YEAR
    as_of: date | None = None
    seed: int = 1
    force: bool = False

    @property
    def first_year(self) -> int:
        """The first generated year (the last one is `year`)."""
        return self.year - self.years + 1

    @property
    def as_of_day(self) -> date:
        """The day the data stands at (default: 15 October, TW III being reported)."""
        return self.as_of or default_as_of(self.year)


def default_as_of(year: int) -> date:
    """Two weeks after TW III closed: its reports caught mid-flight, the rest approved."""
    return date(year, 10, 15)


@dataclass
class GenerateResult:
    """What went in: rows per table, how long it took, and some logins to try."""

    counts: dict[str, int] = field(default_factory=dict)
    states: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0
    plan_seconds: float = 0.0
    sample_logins: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """The report printed by the CLI, in Bahasa Indonesia."""
        lines = [
            f"Kabupaten fiktif dibuat dalam {self.seconds:.1f} detik "
            f"(menyusun {self.plan_seconds:.1f}, menulis {self.seconds - self.plan_seconds:.1f}):"
        ]
        lines += [f"  {table}: {count:,}".replace(",", ".") for table, count in self.counts.items()]
        for kind, states in self.states.items():
            shown = ", ".join(f"{state} {n}" for state, n in sorted(states.items()))
            lines.append(f"  status {kind}: {shown}")
        lines.append(f"Akun: email pegawai dengan sandi '{DEMO_PASSWORD}', misalnya:")
        lines += [f"  {login} ({who})" for login, who in self.sample_logins]
        lines.append(f"Admin: '{ADMIN_LOGIN}' / '{ADMIN_PASSWORD}'.")
        return "\n".join(lines)


def check_options(options: GenerateOptions) -> None:
    """Refuse sizes and dates the generator cannot honour, in the user's words."""
    if not 1 <= options.agencies <= 100:
        raise ValidationError("jumlah perangkat daerah harus 1 sampai 100")
    if not 15 <= options.positions_per_agency <= 500:
        raise ValidationError("jumlah jabatan per perangkat daerah harus 15 sampai 500")
    if not 1 <= options.years <= 10:
        raise ValidationError("jumlah tahun harus 1 sampai 10")
    low, high = date(options.year, 2, 1), date(options.year + 1, 3, 31)
    if not low <= options.as_of_day <= high:
        raise ValidationError(
            f"tanggal --as-of harus antara {low.isoformat()} dan {high.isoformat()} "
            f"(tahun terakhir {options.year})"
        )


def generate(
    engine: Engine, options: GenerateOptions, now: datetime, progress: Progress | None = None
) -> GenerateResult:
    """Plan the regency in memory and write it in one transaction.

    Refused when the database already holds an agency, unless `force` (then the
    regency is added beside what is there, with codes, NIPs and logins that do not
    clash).
    """
    check_options(options)
    started = time.perf_counter()
    rng = random.Random(options.seed)  # noqa: S311 (reproducible fiction, not secrets)
    # Hash once: argon2 is slow by design, and the demo password is public anyway.
    official_hash = PasswordHasher().hash(DEMO_PASSWORD)
    with transaction(engine) as session:
        existing = _existing(session)
        if existing["agencies"] and not options.force:
            raise ValidationError(
                "basis data sudah berisi perangkat daerah; pakai --force untuk menambah "
                "kabupaten fiktif di sampingnya"
            )
        ids = Ids(existing["next_ids"])
        rows = _plan(options, existing, ids, rng, official_hash, now)
        result = GenerateResult(counts={t: len(r) for t, r in rows.items() if r})
        result.plan_seconds = time.perf_counter() - started
        total, written = sum(len(r) for r in rows.values()), 0
        for name, table_rows in rows.items():
            for batch in _batches(table_rows):
                session.execute(insert(metadata.tables[name]), batch)
                written += len(batch)
                if progress is not None:
                    progress(name, written, total)
        if session.get_bind().dialect.name == "postgresql":
            _move_sequences(session)
        years = range(options.first_year - 1, options.year + 2)
        result.counts["holiday"] = seed_holidays(session, years, now)
    refresh_statistics(engine)  # tens of thousands of rows: the planner must know at once
    result.states = {
        "pk": _states(rows["pk"]),
        "report": _states(rows["report"]),
    }
    result.sample_logins = _sample_logins(rows)
    result.seconds = time.perf_counter() - started
    return result


def _existing(session: Session) -> dict[str, Any]:
    """Keys already used, so that added rows never clash (and whether any agency exists)."""
    next_ids = {}
    for name in ID_TABLES:
        table = metadata.tables[name]
        next_ids[name] = int(session.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    regency = session.execute(select(Regency.id, Regency.head_title)).first()  # type: ignore[call-overload]
    return {
        "agencies": session.execute(select(func.count()).select_from(Agency)).scalar(),
        "next_ids": next_ids,
        "regency": None if regency is None else (int(regency[0]), str(regency[1])),
        "agency_codes": frozenset(session.execute(select(Agency.code)).scalars()),  # type: ignore[call-overload]
        "nips": frozenset(session.execute(select(OfficialRow.nip)).scalars()),  # type: ignore[call-overload]
        "logins": frozenset(session.execute(select(Account.login)).scalars()),  # type: ignore[call-overload]
    }


def _plan(
    options: GenerateOptions,
    existing: dict[str, Any],
    ids: Ids,
    rng: random.Random,
    official_hash: str,
    now: datetime,
) -> dict[str, list[dict[str, Any]]]:
    """Every row to write, per table, in foreign-key order."""
    regency_rows = []
    if existing["regency"] is None:
        regency_id, regency_head = ids.take("regency"), REGENCY_HEAD
        regency_rows.append(
            {
                "id": regency_id,
                "code": REGENCY_CODE,
                "name": REGENCY_NAME,
                "head_title": regency_head,
            }
        )
    else:
        regency_id, regency_head = existing["regency"]
    as_of = options.as_of_day
    last_year = options.year
    org = plan_org(
        OrgPlan(
            agencies=options.agencies,
            positions_per_agency=options.positions_per_agency,
            first_year=options.first_year,
            last_year=last_year,
            regency_id=regency_id,
            plt_from=date(last_year, 7, 1),
            plh_window=_plh_window(as_of),
            taken_codes=existing["agency_codes"],
            taken_nips=existing["nips"],
            taken_emails=existing["logins"],
        ),
        ids,
        rng,
    )
    accounts = account_rows(org, ids, official_hash, now)
    if ADMIN_LOGIN not in existing["logins"]:
        accounts.append(_admin(ids, now))
    tree = org.built()
    offices = {a["id"]: a["name"].removesuffix(f" Kabupaten {REGENCY_PLACE}") for a in org.agencies}
    indicators: list[dict[str, Any]] = []
    variables: list[dict[str, Any]] = []
    docs = Documents()
    for year in range(options.first_year, last_year + 1):
        catalogue = plan_catalogue(tree, offices, year, ids, rng)
        indicators += catalogue.indicators
        variables += catalogue.variables
        plan = YearPlan(
            year=year,
            quarters=_quarters_done(year, last_year, as_of),
            current=year == last_year,
            as_of=as_of if year == last_year else date(year + 1, 3, 31),
            regency_head=regency_head,
        )
        plan_year_documents(docs, tree, catalogue, plan, ids, rng)
    return _ordered(regency_rows, org, accounts, indicators, variables, docs)


def _ordered(
    regency_rows: list[dict[str, Any]],
    org: Org,
    accounts: list[dict[str, Any]],
    indicators: list[dict[str, Any]],
    variables: list[dict[str, Any]],
    docs: Documents,
) -> dict[str, list[dict[str, Any]]]:
    return {
        "regency": regency_rows,
        "agency": org.agencies,
        "position": org.positions,
        "official": org.officials,
        "assignment": org.assignments,
        "account": accounts,
        "agency_year": docs.agency_years,
        "indicator": indicators,
        "indicator_variable": variables,
        "pk": docs.pks,
        "pk_target": docs.targets,
        "pk_budget_line": docs.budget_lines,
        "report": docs.reports,
        "report_entry": docs.entries,
        "transition_log": docs.log,
    }


def _plh_window(as_of: date) -> tuple[date, date]:
    """A Kepala Seksi's leave covering the last reporting round."""
    last_closed = Quarter.of(as_of - timedelta(days=1))
    if last_closed.last_day >= as_of:
        last_closed = Quarter.of(last_closed.first_day - timedelta(days=1))
    start = last_closed.last_day - timedelta(days=3)
    return start, as_of + timedelta(days=10)


def _quarters_done(year: int, last_year: int, as_of: date) -> int:
    """Quarters whose reports exist: those that ended before `as_of` (all four in past years)."""
    if year < last_year:
        return 4
    return sum(1 for n in range(1, 5) if Quarter(year, n).last_day < as_of)


def _admin(ids: Ids, now: datetime) -> dict[str, Any]:
    return {
        "id": ids.take("account"),
        "login": ADMIN_LOGIN,
        "official_id": None,
        "password_hash": PasswordHasher().hash(ADMIN_PASSWORD),
        "is_admin": True,
        "active": True,
        "created_at": now,
        "password_changed_at": None,
    }


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _move_sequences(session: Session) -> None:
    """Explicit keys do not advance PostgreSQL's sequences: move them past the keys used."""
    for name in ID_TABLES:
        table = metadata.tables[name]
        following = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
        sequence = func.pg_get_serial_sequence(f'"{name}"', "id")
        session.execute(select(func.setval(sequence, following, False)))


def _states(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    return counts


def _sample_logins(rows: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str]]:
    """One login of each kind of position in the first agency, for trying the pages."""
    holder = {a["position_id"]: a["official_id"] for a in reversed(rows["assignment"])
              if a["status"] == "definitif"}  # fmt: skip
    email = {o["id"]: o["email"] for o in rows["official"]}
    samples = []
    for code in ("kepala", "sekretaris", "kabid-2", "kasi-2-2", "staf-001"):
        position = next((p for p in rows["position"] if p["code"] == code), None)
        if position is not None and position["id"] in holder:
            samples.append((email[holder[position["id"]]], position["title"]))
    return samples

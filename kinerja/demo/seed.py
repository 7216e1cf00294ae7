"""Demo data: the Gresik Diskoperindag organisation with fictional officials.

The decree names real officials; the demo never copies them. Names here are
invented, NIPs are generated (well-formed, meaningless) and emails use the
reserved ``.test`` domain, so a demo can never mail a real person.
"""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources

import yaml
from sqlalchemy import Engine

from db.uow import SqlUnitOfWork
from documents.yaml.catalogue import catalogue_parser
from documents.yaml.org import org_parser
from engine.clock import JAKARTA, local_date
from engine.errors import ValidationError
from engine.imports import ImportReport
from engine.periods import Quarter
from engine.usecases.admin_accounts import list_accounts
from engine.usecases.catalogue import import_catalogue
from engine.usecases.demo import create_demo_accounts
from engine.usecases.holidays import seed_holidays
from engine.usecases.organisation import import_organisation, list_agencies
from kinerja.demo.live import seed_live_year
from kinerja.demo.performance import seed_performance

GRESIK_FILE = "gresik-diskoperindag.yaml"
GRESIK_CATALOG_FILE = "gresik-diskoperindag-2021-catalog.yaml"
DEMO_PASSWORD = "demo"  # noqa: S105 (public demo credentials, shown on the demo page)
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "admin"  # noqa: S105
DEMO_EMAIL_DOMAIN = "diskoperindag-gresik.test"
DEMO_HOLIDAY_YEARS = range(2020, 2031)
DEMO_START = date(2021, 1, 4)
CATALOGUE_YEAR = 2021
"""The year of the catalogue the demo ships (the decree's); a demo of another year carries it."""

# (position code, name) — every name is invented.
DEMO_OFFICIALS: tuple[tuple[str, str], ...] = (
    ("kepala-dinas", "Dr. Hendra Wibisono, M.M."),
    ("sekretaris", "Sri Rahayuningsih, S.E., M.Si."),
    ("kasubag-program", "Agus Prasetyo, S.T."),
    ("kasubag-keuangan", "Dewi Lestari, S.E."),
    ("kasubag-umum", "Bambang Sutrisno, S.Sos."),
    ("kabid-usaha-mikro", "Rina Kusumawati, S.E., M.M."),
    ("kasi-kelembagaan-usaha-mikro", "Joko Santoso, S.H."),
    ("kasi-produksi-usaha-mikro", "Fitri Handayani, S.P."),
    ("kasi-pembiayaan-usaha-mikro", "Yusuf Hidayat, S.E."),
    ("kabid-koperasi", "Teguh Wicaksono, S.H., M.H."),
    ("kasi-kelembagaan-koperasi", "Nur Aini, S.Kom."),
    ("kasi-pembiayaan-koperasi", "Rudi Hartono, S.E."),
    ("kasi-produksi-koperasi", "Siti Maesaroh, S.Pd."),
    ("kabid-perdagangan", "Eko Purnomo, S.T., M.T."),
    ("kasi-promosi-luar-negeri", "Lina Marlina, S.I.Kom."),
    ("fasilitator-perdagangan", "Andi Firmansyah"),
    ("pengelola-ekspor", "Wulan Sari, A.Md."),
    ("kasi-pengendalian-perdagangan-kecil", "Hadi Susilo, S.E."),
    ("pengelola-data", "Putri Ayuningtyas, S.Kom."),
    ("pengelola-distribusi", "Dimas Saputra"),
    ("kasi-perdagangan-dalam-negeri", "Indah Permatasari, S.E."),
    ("kabid-perindustrian", "Slamet Riyadi, S.T."),
    ("kasi-ikm", "Ratna Dewi, S.Si."),
    ("kasi-industri-mikro", "Arif Setiawan, S.T."),
    ("kasi-promosi-permodalan", "Maya Anggraini, S.E."),
)
# The demo's acting official: the Kepala Bidang Perindustrian retires at the end of
# September 2021 and the Sekretaris acts as Plt. until a successor is appointed.
RETIRING = ("kabid-perindustrian", date(2021, 9, 30))
PLT = ("sekretaris", "kabid-perindustrian", date(2021, 10, 1))


def demo_nip(index: int, female: bool) -> str:
    """A well-formed, fictional 18-digit NIP (birth date, start YYYYMM, gender, sequence)."""
    birth = date(1966 + index % 25, 1 + index % 12, 1 + (index * 7) % 28)
    start = (1990 + index % 25, 1 + (index * 5) % 12)
    return f"{birth:%Y%m%d}{start[0]}{start[1]:02d}{2 if female else 1}{index + 1:03d}"


def _email(name: str) -> str:
    words = [w for w in name.split(",")[0].replace("Dr. ", "").split() if w.isalpha()]
    return f"{'.'.join(w.lower() for w in words[:2])}@{DEMO_EMAIL_DOMAIN}"


def demo_people() -> list[tuple[str, str, str, str]]:
    """(position code, NIP, name, email) of every demo official."""
    female_names = {"Sri", "Dewi", "Rina", "Fitri", "Nur", "Siti", "Lina", "Wulan", "Putri",
                    "Indah", "Ratna", "Maya"}  # fmt: skip
    people = []
    for index, (position, name) in enumerate(DEMO_OFFICIALS):
        first = name.replace("Dr. ", "").split()[0]
        people.append((position, demo_nip(index, first in female_names), name, _email(name)))
    return people


def shifted(day: date, year: int) -> date:
    """A date of the 2021 demo story moved to the same day of `year` (28 February for a
    29th in a year that has none)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def holiday_years(year: int) -> range:
    """The years whose holidays the demo seeds: 2020-2030, widened to the demo year's
    neighbours (deadlines of a year's TW IV run into the next)."""
    return range(min(DEMO_HOLIDAY_YEARS.start, year - 1), max(DEMO_HOLIDAY_YEARS.stop, year + 2))


def demo_catalogue_text(year: int = CATALOGUE_YEAR) -> str:
    """The shipped 2021 catalogue, carried into `year` (its indicators and formulas unchanged)."""
    text = resources.files("kinerja.data").joinpath(GRESIK_CATALOG_FILE).read_text("utf-8")
    line = f"\nyear: {CATALOGUE_YEAR}\n"
    assert text.count(line) == 1, "the demo catalogue names its year once"
    return text.replace(line, f"\nyear: {year}\n")


def demo_org_text(year: int = CATALOGUE_YEAR) -> str:
    """The Gresik organisation file plus the fictional officials and their assignments, the
    demo story's dates (appointments, the retirement, the Plt) moved into `year`."""
    base = resources.files("kinerja.data").joinpath(GRESIK_FILE).read_text(encoding="utf-8")
    people = demo_people()
    by_position = {position: nip for position, nip, _name, _email in people}
    assignments: list[dict[str, object]] = []
    for position, nip, _name, _email_address in people:
        item: dict[str, object] = {
            "nip": nip,
            "position": position,
            "status": "definitif",
            "from": shifted(DEMO_START, year).isoformat(),
        }
        if position == RETIRING[0]:
            item["to"] = shifted(RETIRING[1], year).isoformat()
        assignments.append(item)
    acting_from, acting_for, acting_since = PLT
    assignments.append(
        {
            "nip": by_position[acting_from],
            "position": acting_for,
            "status": "plt",
            "from": shifted(acting_since, year).isoformat(),
            "decree": "Surat Perintah Plt. (demo)",
        }
    )
    extra = {
        "officials": [{"nip": n, "name": name, "email": e} for _p, n, name, e in people],
        "assignments": assignments,
    }
    return (
        base
        + "\n# --- demo officials (fictional) ---\n"
        + yaml.safe_dump(extra, allow_unicode=True, sort_keys=False)
    )


def has_data(engine: Engine) -> bool:
    """True when any agency is loaded (the demo seed then leaves the database alone)."""
    with SqlUnitOfWork(engine) as uow:
        return bool(list_agencies(uow))


def seed_demo(
    engine: Engine, now: datetime, *, year: int | None = None, quarters: int | None = None
) -> ImportReport:
    """Load the demo organisation, catalogue, holidays, logins and performance; safe to run
    twice.

    Without `year`, the demo year is the clock's and lives in today (kinerja.demo.live): the
    quarters closed before today walked and approved, the current quarter's reports open,
    the workflow's emails recorded as sent when they were. With `year` (e.g. 2021, as the
    tests ask), the year as it stood in mid-October: TW III in flight (`quarters` 3, the
    default) or the PKs just signed (0). Each step is a use case in its own unit of work,
    as an administrator's would be.
    """
    live = year is None
    year = local_date(now, JAKARTA).year if year is None else year
    check_demo_year(year, now, quarters, live=live)
    org_source = f"demo:{GRESIK_FILE}"
    with SqlUnitOfWork(engine, write=True) as uow:
        report = import_organisation(
            uow, org_parser(demo_org_text(year), org_source), source=org_source
        )
    catalog = demo_catalogue_text(year)
    with SqlUnitOfWork(engine, write=True) as uow:
        catalog_report = import_catalogue(
            uow, catalogue_parser(catalog, f"demo:{GRESIK_CATALOG_FILE}")
        )
    for outcome in ("created", "updated"):
        getattr(report, outcome).update(getattr(catalog_report, outcome))
    with SqlUnitOfWork(engine, write=True) as uow:
        seed_holidays(uow, holiday_years(year), now=now)
    with SqlUnitOfWork(engine, write=True) as uow:
        create_demo_accounts(
            uow,
            password=DEMO_PASSWORD,
            admin_login=ADMIN_LOGIN,
            admin_password=ADMIN_PASSWORD,
            now=now,
        )
    if live:
        pks = seed_live_year(engine, year=year, now=now, quarters=quarters)
    else:
        pks = seed_performance(engine, year=year, quarters=3 if quarters is None else quarters)
    if pks:
        report.created["perjanjian kinerja demo"] = pks
    return report


def check_demo_year(year: int, now: datetime, quarters: int | None, *, live: bool) -> None:
    """ValidationError (in Indonesian) for a demo year after the clock's, or for more
    quarters than have closed by today in the clock's year."""
    today = local_date(now, JAKARTA)
    if year > today.year:
        raise ValidationError(
            f"Tahun demo {year} belum tiba (hari ini {today:%d-%m-%Y})",
            log_message=f"demo year {year} after {today}",
        )
    closed = Quarter.of(today).number - 1
    if live and quarters is not None and quarters > closed:
        raise ValidationError(
            f"Hari ini ({today:%d-%m-%Y}) baru {closed} triwulan tahun {year} yang berakhir; "
            f"--quarters paling banyak {closed} (atau pakai --year untuk tahun yang lalu)",
            log_message=f"demo quarters {quarters} > {closed} closed on {today}",
        )


def demo_accounts(engine: Engine, today: date) -> list[tuple[str, str, str, str]]:
    """(login, password, who, the posts they hold on `today`) of the demo accounts, for the
    demo login page (in the order they were made), so a visitor picks a role, not a name."""
    with SqlUnitOfWork(engine) as uow:
        accounts = list_accounts(uow)
        tree = uow.organisation.tree()
    rows = []
    for account, official in sorted(accounts, key=lambda pair: pair[0].id):
        posts = (
            "Administrator"
            if official is None
            else ", ".join(h.display_title for h in tree.holdings_of(official.id, today))
        )
        who = "Administrator" if official is None else official.name
        rows.append((account.login, ADMIN_PASSWORD if account.is_admin else DEMO_PASSWORD,
                     who, posts or "Tidak memegang jabatan hari ini"))  # fmt: skip
    return rows

"""A generated regency served by a real `kinerja serve`, for the page and memory benchmarks.

`regency(backend, options)` makes a scratch database (a SQLite file in a temporary folder, or
a PostgreSQL database on the --pg-url server, named by --pg-db or uniquely, created here and
dropped afterwards), runs `kinerja db upgrade` and `kinerja demo generate` with the documented
defaults (40 agencies x 40 positions, one year, as of 15 October 2021), and picks the
officials who will sign in. `serve(...)` starts `kinerja serve --no-scheduler` on --port (0: a
free port) as a child process (output to a file, working folder and evidence folder in the
temporary folder, never the checkout) and polls /healthz (tests/servers.py, as the tests do).
`RssSampler` samples the server's resident set size (psutil) in a thread while the load runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil
from sqlalchemy import create_engine, text
from sqlmodel import Session

from bench._options import Options, free_port, scratch_database, scratch_name
from db.signin import create_token
from tests import servers

FIXED_NOW = "2021-10-15T09:00:00+07:00"  # the generator's default as-of, 09:00 WIB
SECRET = "bench-pages-secret-key-0123456789abcdef"
# Officials who sign in: Kepala Seksi, Kepala Bidang and Kepala Dinas of different agencies.
KASI, KABID, KEPALA = 8, 8, 4


@dataclass(frozen=True)
class Official:
    """An official who signs in, the report they open and their API token."""

    login: str
    title: str
    report_id: int
    token: str


@dataclass(frozen=True)
class Regency:
    """A generated regency in a scratch database."""

    backend: str
    url: str
    officials: list[Official]
    generate_s: float
    folder: Path


def _env(url: str, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KINERJA_DATABASE_URL": url,
        "KINERJA_SECRET_KEY": SECRET,
        "KINERJA_FIXED_NOW": FIXED_NOW,
        "KINERJA_EVIDENCE_DIR": str(folder / "evidence"),
        # No scheduler runs (`--no-scheduler`), so nothing is mailed; a port nobody answers.
        "KINERJA_SMTP_PORT": str(free_port()),
    }


def kinerja(*argv: str, url: str, folder: Path) -> None:
    """Run the real CLI in a child process, in `folder`."""
    subprocess.run(
        [sys.executable, "-m", "kinerja", *argv],
        env=_env(url, folder),
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )


@contextmanager
def regency(backend: str, options: Options, what: str) -> Iterator[Regency]:
    """A freshly generated regency on `backend` ("sqlite" or "postgresql"), removed on exit;
    `what` names the benchmark in the scratch database's name."""
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as name:
        folder = Path(name)
        with _database(backend, options, what, folder) as url:
            began = time.perf_counter()
            kinerja("db", "upgrade", url=url, folder=folder)
            kinerja("demo", "generate", url=url, folder=folder)
            generated = time.perf_counter() - began
            yield Regency(backend, url, _officials(url), generated, folder)


@contextmanager
def _database(backend: str, options: Options, what: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder}/kinerja.db"
        return
    with scratch_database(options, scratch_name(options, what)) as url:
        yield url


_PICK = text(
    """
    select a.id, a.login, p.title, p.id, p.agency_id, p.code
    from account a
    join assignment s on s.official_id = a.official_id and s.status = 'definitif'
      and s.valid_to is null
    join position p on p.id = s.position_id
    where p.code = :code
    order by p.agency_id
    """
)
_REPORT = text(
    "select id from report where position_id = :position and year = 2021 and quarter = 3"
)
_CHILD = text("select id from position where parent_id = :parent order by sort_order, id")


def _officials(url: str) -> list[Official]:
    """Kepala Seksi open their own TW III report, Kepala Bidang a Seksi's, heads a Bidang's."""
    engine = create_engine(url)
    chosen: list[Official] = []
    now = datetime.now(UTC)
    try:
        with Session(engine) as session:
            plan = (("kasi-1-1", KASI, 0), ("kabid-1", KABID, 1), ("kepala", KEPALA, 2))
            for code, count, offset in plan:
                rows = session.execute(_PICK, {"code": code}).all()
                # Different agencies per group (offset: not the same agencies for every group).
                for account_id, login, title, position_id, _, _ in rows[offset::3][:count]:
                    target = position_id
                    if code != "kasi-1-1":
                        children = session.execute(_CHILD, {"parent": position_id}).scalars()
                        target = next(iter(children), position_id)
                    report_id = session.execute(_REPORT, {"position": target}).scalar()
                    if report_id is None:  # a PK still in draft: the own report, or skip
                        report_id = session.execute(_REPORT, {"position": position_id}).scalar()
                    if report_id is None:
                        continue
                    token, _ = create_token(session, account_id, "bench", now)
                    chosen.append(Official(login, title, int(report_id), token))
            session.commit()
    finally:
        engine.dispose()
    return chosen


@dataclass(frozen=True)
class Server:
    """A running `kinerja serve`."""

    url: str
    pid: int
    log: Path


@contextmanager
def serve(url: str, folder: Path, port: int = 0) -> Iterator[Server]:
    """`kinerja serve --no-scheduler` on `port` (0: a free one) against `url`, in `folder`,
    stopped on exit (tests/servers.py, as the tests start theirs)."""
    options = ("--no-scheduler",)
    with servers.serve(
        _env(url, folder), folder / "serve.log", *options, port=free_port(port), cwd=folder
    ) as served:
        yield Server(served.url, served.pid, served.log)


class RssSampler:
    """Samples a process's resident set size every `interval` seconds, keeping the peak."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self._process = psutil.Process(pid)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak = self.now()

    def now(self) -> int:
        """The resident set size now, in bytes."""
        return int(self._process.memory_info().rss)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.peak = max(self.peak, self.now())
            except psutil.Error:
                return

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())

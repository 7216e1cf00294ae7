"""Saves, previews and logins at once against a real `kinerja serve` on SQLite (issue 14).

Twenty signed-in clients (four browser sessions for each of five holders of a TW III draft)
each open their report, ask for the live preview and save, again and again, each save
carrying the version its page was built on; eight anonymous clients post logins with wrong
passwords meanwhile (a password hash each). Every answer is counted by kind and status, and
timed. Shared by the load test (tests/integration/test_load.py: only the statuses are
asserted) and by `python -m bench bench_load` (the p95s go to bench/results.md).

What must hold: every save answers 200 (after its redirect) or 409 (the other session of
the same holder saved first), every preview 200, every login 401; none 503 (the write lock
waited for too long) and none 500.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import create_engine, text

from tests.servers import free_port, kinerja, serve

FIXED_NOW = "2021-10-08T09:00:00+07:00"  # TW III reports in flight in the demo
DAY = "2021-10-08"
HOLDERS = 5
SESSIONS_PER_HOLDER = 4  # 20 clients saving and previewing
LOGIN_CLIENTS = 8
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_VERSION = re.compile(r'name="expected_version" value="(\d+)"')
_INPUT = re.compile(r'name="(v\.[^"]+)"')


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str


@dataclass
class LoadResult:
    """Statuses and latencies (seconds) by kind of request: save, preview, login."""

    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def note(self, kind: str, status: int, seconds: float) -> None:
        self.statuses.setdefault(kind, Counter())[status] += 1
        self.latencies.setdefault(kind, []).append(seconds)

    def p95_ms(self, kind: str) -> float:
        values = sorted(self.latencies.get(kind, []))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))] * 1000


@contextmanager
def demo_server(folder: Path, *, port: int | None = None) -> Iterator[Server]:
    """The demo year on SQLite in `folder`, served by `kinerja serve --demo --no-scheduler`
    (tests/servers.py) with the clock on 8 October 2021 09.00 WIB; stopped on exit."""
    database_url = f"sqlite:///{folder / 'kinerja.db'}"
    env = {
        **os.environ,
        "KINERJA_DATABASE_URL": database_url,
        "KINERJA_SMTP_PORT": str(free_port()),
        "KINERJA_EVIDENCE_DIR": str(folder / "evidence"),
        "KINERJA_FIXED_NOW": FIXED_NOW,
        # Every client is 127.0.0.1: the flood must keep hashing passwords (what the load
        # measures), not meet the per-address lock after 30 failures.
        "KINERJA_LOGIN_ADDRESS_MAX_FAILURES": "10000",
    }
    kinerja("db", "upgrade", env=env)
    kinerja("demo", "seed", "--year", "2021", env=env)
    options = ("--demo", "--no-scheduler")
    with serve(env, folder / "serve.log", *options, port=port) as served:
        yield Server(served.url, database_url)


def draft_holders(server: Server, count: int = HOLDERS) -> list[tuple[str, int]]:
    """(login, report id) of definitive holders of TW III drafts on the day, `count` of them."""
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT account.login, report.id FROM report"
                    " JOIN assignment ON assignment.position_id = report.position_id"
                    " JOIN account ON account.official_id = assignment.official_id"
                    " WHERE report.year = 2021 AND report.quarter = 3"
                    " AND report.state = 'draft' AND assignment.status = 'definitif'"
                    " AND assignment.valid_from <= :day"
                    " AND (assignment.valid_to IS NULL OR assignment.valid_to >= :day)"
                    " ORDER BY report.id"
                ),
                {"day": DAY},
            ).all()
    finally:
        engine.dispose()
    return [(str(login), int(rid)) for login, rid in rows[:count]]


def _sign_in(client: httpx.Client, login: str, password: str) -> int:
    form = client.get("/masuk")
    token = _CSRF.search(form.text)
    data = {"login": login, "password": password, "csrf_token": token.group(1) if token else ""}
    return client.post("/masuk", data=data).status_code


def _holder(server: Server, login: str, rid: int, rounds: int, start: threading.Barrier,
            result: LoadResult, lock: threading.Lock, seed: int) -> None:  # fmt: skip
    with httpx.Client(base_url=server.url, timeout=60.0, follow_redirects=True) as client:
        if _sign_in(client, login, "demo") != 200:
            with lock:
                result.failures.append(f"{login} could not sign in")
            start.wait()
            return
        start.wait()
        for n in range(rounds):
            page = client.get(f"/laporan/{rid}")
            csrf, version = _CSRF.search(page.text), _VERSION.search(page.text)
            names = _INPUT.findall(page.text)
            if page.status_code != 200 or not (csrf and version and names):
                with lock:
                    result.failures.append(f"{login}: LAP-{rid} page {page.status_code}")
                return
            value = str(seed * 1000 + n + 1)
            data = {name: value for name in names} | {"csrf_token": csrf.group(1)}
            began = time.perf_counter()
            preview = client.post(f"/laporan/{rid}/hitung", data=data)
            middle = time.perf_counter()
            data["expected_version"] = version.group(1)
            saved = client.post(f"/laporan/{rid}", data=data)
            ended = time.perf_counter()
            with lock:
                result.note("preview", preview.status_code, middle - began)
                result.note("save", saved.status_code, ended - middle)


def _anonymous(server: Server, number: int, attempts: int, start: threading.Barrier,
               result: LoadResult, lock: threading.Lock) -> None:  # fmt: skip
    with httpx.Client(base_url=server.url, timeout=60.0) as client:
        start.wait()
        for n in range(attempts):
            began = time.perf_counter()
            status = _sign_in(client, f"tamu{number}-{n}@luar.test", "bukan-sandinya")
            with lock:
                result.note("login", status, time.perf_counter() - began)


def run_load(
    server: Server,
    *,
    rounds: int = 10,
    login_attempts: int = 10,
    holders: int = HOLDERS,
    sessions: int = SESSIONS_PER_HOLDER,
    login_clients: int = LOGIN_CLIENTS,
) -> LoadResult:
    """Run the load once: `holders` x `sessions` clients doing `rounds` preview+save each,
    `login_clients` anonymous clients posting `login_attempts` wrong logins each."""
    found = draft_holders(server, holders)
    if len(found) < holders:
        raise RuntimeError(f"only {len(found)} TW III drafts with a definitive holder")
    result, lock = LoadResult(), threading.Lock()
    start = threading.Barrier(len(found) * sessions + login_clients)
    threads = [
        threading.Thread(
            target=_holder, args=(server, login, rid, rounds, start, result, lock, i * 10 + s)
        )
        for i, (login, rid) in enumerate(found)
        for s in range(sessions)
    ] + [
        threading.Thread(target=_anonymous, args=(server, i, login_attempts, start, result, lock))
        for i in range(login_clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result

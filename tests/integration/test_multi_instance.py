"""Several instances on one PostgreSQL, as docs/deploy.md lays them out, in real processes.

Two `kinerja serve --no-scheduler` instances (one secret key, one evidence folder; the second
runs two uvicorn worker processes, `--workers 2`), two
`kinerja scheduler` processes draining the outbox, and the close of TW I 2021 played by two
`kinerja demo advance` processes racing over the same days (the daily tick under the
advisory lock, then a drain), while 26 officials and the admin work through the JSON API of
both instances at once: holders fill and submit, verifiers verify (two reports go back once),
the head approves. Every third step is posted to both instances at the same moment with the
same expected version: one wins, the other is told 409. Between the two weeks of traffic
the instances are restarted one after the other while reads keep arriving, as a proxy
would send them.

Afterwards: every report approved, the transition log holds exactly the transitions the
clients were told succeeded (hash chains intact), no answer was a server error, every
outbox row was sent once and the SMTP sink saw no Message-ID twice, no deadlock, and every
process stopped with status 0.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from db.database import create_db_engine, transaction
from db.models import PositionRow, QuarterlyReport
from db.signin import Account, create_token
from db.workflow_models import LadderRung, OutboxMessage, TransitionLog
from engine.workflow import DocKind
from kinerja.demo.scenario import one_step
from notifications.message import message_id_for
from tests.e2e.conftest import free_port
from tests.integration.test_dispatcher import EphemeralController, Inbox

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SENDER = "Kinerja Gresik <kinerja@gresik.test>"
WEEKS = (  # the apps' frozen clock, and the days the two schedulers tick meanwhile
    ("2021-04-05T09:00:00+07:00", "2021-03-22", "2021-04-09"),
    ("2021-04-19T09:00:00+07:00", "2021-04-12", "2021-04-30"),
)
LATE = frozenset(
    {"kasubag-keuangan", "kabid-koperasi", "pengelola-data", "kasi-promosi-permodalan"}
)
RETURNED = frozenset({"kasi-kelembagaan-usaha-mikro", "fasilitator-perdagangan"})
POLL_S = 1.5
PHASE_TIMEOUT_S = 150.0


@dataclass
class Child:
    """A `kinerja` child process whose output goes to a file (never an unread pipe)."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def printed(self, line: str) -> bool:
        return line in self.output()

    def stop(self) -> int:
        """SIGTERM, as systemd stops a service; the exit status."""
        if self.process.poll() is None:
            self.process.terminate()
        return self.process.wait(timeout=60)


@dataclass
class Deployment:
    """The shared environment of every instance, and the processes started in it."""

    folder: Path
    env: dict[str, str]
    children: list[Child] = field(default_factory=list)
    workers: dict[int, int] = field(default_factory=dict)  # uvicorn workers per port

    def spawn(self, name: str, *argv: str, env: dict[str, str] | None = None) -> Child:
        env = self.env | (env or {})
        log = self.folder / f"{name}-{len(self.children)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "kinerja", *argv],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        child = Child(name, process, log)
        self.children.append(child)
        return child

    def run(self, *argv: str) -> Child:
        child = self.spawn(argv[0], *argv)
        assert child.process.wait(timeout=180) == 0, child.output()[-3000:]
        return child

    def serve(self, port: int, fixed_now: str, *, wait: bool = True) -> Child:
        workers = self.workers.get(port, 1)
        child = self.spawn(
            "serve",
            "serve",
            "--no-scheduler",
            "--port",
            str(port),
            *(("--workers", str(workers)) if workers > 1 else ()),
            env={"KINERJA_FIXED_NOW": fixed_now},
        )
        if wait:
            wait_until(lambda: healthy(port), f"serve on {port}", child)
        return child


def wait_until(ready: Callable[[], bool], what: str, child: Child | None = None) -> None:
    """Poll (bounded) until `ready`; fail early with the log if the child died."""
    deadline = time.monotonic() + 90
    while not ready():
        if child is not None and child.process.poll() is not None:
            pytest.fail(f"{what} exited {child.process.returncode}: {child.output()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not ready in time")
        time.sleep(0.1)


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1.0).status_code == 200
    except httpx.TransportError:
        return False


@dataclass
class Traffic:
    """What the clients sent and were answered, shared by their threads."""

    urls: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: Counter[tuple[int, int]] = field(default_factory=Counter)  # (instance, status)
    done: dict[int, list[tuple[int, str, str, str]]] = field(default_factory=dict)
    races: list[tuple[int, ...]] = field(default_factory=list)
    failovers: int = 0
    returned: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    def record(self, instance: int, response: httpx.Response) -> None:
        with self.lock:
            self.answers[(instance, response.status_code)] += 1
            if response.status_code >= 500:
                self.errors.append(f"{response.request.url}: {response.status_code}")


class Client:
    """One official (or the admin) with a personal token, talking to both instances."""

    def __init__(self, traffic: Traffic, token: str, seed: int) -> None:
        self.traffic = traffic
        self.headers = {"Authorization": f"Bearer {token}"}
        self.http = httpx.Client(timeout=60.0)
        self.turn = seed

    def twin(self, http: httpx.Client) -> Client:
        """The same person on another connection (a second browser tab)."""
        twin = Client(self.traffic, "", self.turn)
        twin.headers, twin.http = self.headers, http
        return twin

    def call(
        self, method: str, path: str, instance: int | None = None, **kw: Any
    ) -> httpx.Response:
        """Send to one instance; a read goes to the other one if that one is down (a proxy's
        next upstream). Writes never fail over: they must reach the instance they were sent to."""
        if instance is None:
            self.turn += 1
            instance = self.turn % 2
        targets = [instance, 1 - instance] if method == "GET" else [instance]
        for attempt, target in enumerate(targets):
            try:
                url = self.traffic.urls[target] + "/api/v1" + path
                response = self.http.request(method, url, headers=self.headers, **kw)
            except httpx.TransportError:
                if attempt + 1 == len(targets):
                    raise
                with self.traffic.lock:
                    self.traffic.failovers += 1
                continue
            self.traffic.record(target, response)
            return response
        raise AssertionError("unreachable")

    def ok(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        response = self.call(method, path, **kw)
        assert response.status_code == 200, f"{method} {path}: {response.text}"
        result: dict[str, Any] = response.json()
        return result


def fill(client: Client, report_id: int) -> int:
    """The holder fills every input of the report; the version to submit."""
    detail = client.ok("GET", f"/reports/{report_id}")
    visit = detail["visit"]
    body = {
        entry["indicator"]: {
            "values": {
                item["name"]: str(10 + (report_id * 7 + n * 13 + visit) % 90)
                for n, item in enumerate(entry["inputs"])
            },
            # A low result needs kendala and upaya before submit (issue 17, item 4).
            "kendala": "Data kecamatan terlambat"
            if visit == 1
            else "Bukti dukung dilengkapi setelah dikembalikan",
            "upaya": "Koordinasi rutin",
        }
        for entry in detail["entries"]
    }
    saved = client.ok(
        "PUT", f"/reports/{report_id}/entries?expected_version={detail['version']}", json=body
    )
    assert saved["missing"] == [], saved["missing"]
    return int(saved["version"])


def transition(
    client: Client, report_id: int, action: str, version: int, race: bool, comment: str | None
) -> None:
    """Post one transition; raced, the same request goes to both instances at once."""
    body = {"action": action, "expected_version": version, "comment": comment}
    path = f"/reports/{report_id}/transitions"
    if not race:
        answers = [client.call("POST", path, instance=report_id % 2, json=body)]
    else:
        barrier = threading.Barrier(2, timeout=30)
        answers = []

        def post(instance: int) -> None:
            with httpx.Client(timeout=60.0) as http:
                racer = client.twin(http)
                barrier.wait()
                answers.append(racer.call("POST", path, instance=instance, json=body))

        racers = [threading.Thread(target=post, args=(i,)) for i in (0, 1)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(timeout=90)
        statuses = tuple(sorted(a.status_code for a in answers))
        with client.traffic.lock:
            client.traffic.races.append(statuses)
        assert statuses == (200, 409), [a.text for a in answers]
    won = [a for a in answers if a.status_code == 200]
    assert len(won) == 1, [a.text for a in answers]
    result = won[0].json()
    assert result["version"] == version + 1
    with client.traffic.lock:
        client.traffic.done.setdefault(report_id, []).append(
            (result["version"], action, result["from_state"], result["to_state"])
        )


@dataclass(frozen=True)
class Plan:
    """Which TW I reports are late, sent back once, or raced; which week it is."""

    reports: dict[int, str]  # id -> position code
    one_step: frozenset[int]  # approved by the head (or the admin) without a verification
    week: int

    def wants(self, task: dict[str, Any]) -> bool:
        code = self.reports.get(task["id"]) if task["kind"] == "report" else None
        if code is None:
            return False  # a TW II report opened by the ticks, or a PK: not ours to play
        if task["step"] == "submit":
            return self.week == 2 or code not in LATE
        return task["step"] == "verify" or self.week == 2

    def race(self, report_id: int) -> bool:
        return sorted(self.reports).index(report_id) % 3 == 0


def act(client: Client, plan: Plan, task: dict[str, Any]) -> None:
    """Take the step a task asks for, as the person would on the page."""
    report_id, step = task["id"], task["step"]
    if step == "submit":
        transition(client, report_id, "submit", fill(client, report_id), plan.race(report_id), None)
        return
    version = client.ok("GET", f"/reports/{report_id}")["version"]
    if step == "verify" and plan.reports[report_id] in RETURNED:
        with client.traffic.lock:
            first = report_id not in client.traffic.returned
            client.traffic.returned.add(report_id)
        if first:
            reason = "Data pembanding belum dilampirkan; lengkapi bukti dukung."
            transition(client, report_id, "return", version, False, reason)
            return
    transition(client, report_id, step, version, plan.race(report_id), None)


def work(client: Client, plan: Plan, stop: threading.Event) -> None:
    """Poll Tugas Saya and act on it until the week's work is done."""
    rng = random.Random(client.turn)
    try:
        while not stop.is_set():
            tasks = client.ok("GET", "/tasks?per_page=100")["items"]
            mine = [t for t in tasks if plan.wants(t)]
            for task in mine:
                act(client, plan, task)
            if not mine:
                stop.wait(POLL_S * (0.5 + rng.random()))
    except Exception as exc:  # reported by the test, never lost in a thread
        with client.traffic.lock:
            client.traffic.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        client.http.close()


def week_done(engine: Engine, plan: Plan) -> bool:
    """Week 1: every report on time submitted and verified; week 2: all approved."""
    with Session(engine) as session:
        rows = session.exec(
            select(QuarterlyReport).where(col(QuarterlyReport.id).in_(list(plan.reports)))
        ).all()
    for row in rows:
        assert row.id is not None
        if plan.week == 2:
            wanted = "approved"
        elif plan.reports[row.id] in LATE:
            wanted = "draft"
        else:
            wanted = "submitted" if row.id in plan.one_step else "verified"
        if row.state != wanted:
            return False
    return True


def play_week(deployment: Deployment, engine: Engine, traffic: Traffic, tokens: dict[int, str],
              plan: Plan) -> None:  # fmt: skip
    """The officials' traffic and two schedulers ticking over the same days, together."""
    _, first, last = WEEKS[plan.week - 1]
    # Two instances' ticks never share a moment (the system clock has microseconds). Played
    # with a frozen clock they would: give each its own hour. (At one moment, a second sweep
    # claims new rungs into a digest whose key the first sweep already used: see the report.)
    ticks = [
        deployment.spawn("advance", "demo", "advance", "--from", first, "--to", last,
                         env={"KINERJA_SWEEP_HOUR": hour})
        for hour in ("8", "9")
    ]  # fmt: skip
    stop = threading.Event()
    workers = [
        threading.Thread(target=work, args=(Client(traffic, token, seed), plan, stop))
        for seed, token in tokens.items()
    ]
    for worker in workers:
        worker.start()
    try:
        deadline = time.monotonic() + PHASE_TIMEOUT_S
        while not week_done(engine, plan) and not traffic.errors:
            assert time.monotonic() < deadline, f"week {plan.week} not done in time"
            time.sleep(0.2)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=120)
    assert not traffic.errors, traffic.errors[:5]
    for tick in ticks:
        assert tick.process.wait(timeout=180) == 0, tick.output()[-3000:]


def rolling_restart(deployment: Deployment, apps: list[Child], ports: list[int],
                    traffic: Traffic, token: str, fixed_now: str) -> list[Child]:  # fmt: skip
    """Restart the instances one at a time while reads keep arriving (with failover)."""
    stop = threading.Event()
    reader = Client(traffic, token, 0)
    reads: list[int] = []

    def read() -> None:
        try:
            while not stop.is_set():
                reads.append(reader.call("GET", "/tasks?per_page=5").status_code)
                stop.wait(0.05)
        except Exception as exc:
            with traffic.lock:
                traffic.errors.append(f"read during restart: {type(exc).__name__}: {exc}")

    thread = threading.Thread(target=read)
    thread.start()
    restarted = []
    try:
        for app, port in zip(apps, ports, strict=True):
            assert app.stop() == 0, app.output()[-3000:]
            restarted.append(deployment.serve(port, fixed_now))
    finally:
        stop.set()
        thread.join(timeout=60)
        reader.http.close()
    assert not traffic.errors, traffic.errors
    assert reads and set(reads) == {200}
    return restarted


@pytest.fixture
def deployment(postgres_url: str, tmp_path: Path) -> Deployment:
    """The environment of docs/deploy.md: one database, one key, one evidence folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
    env |= {
        "KINERJA_DATABASE_URL": postgres_url,
        "KINERJA_SECRET_KEY": "uji-multi-instans-" + "k" * 48,
        "KINERJA_BASE_URL": "http://kinerja.test",
        "KINERJA_EVIDENCE_DIR": str(tmp_path / "evidence"),
        "KINERJA_SMTP_HOST": "127.0.0.1",
        "KINERJA_SMTP_SENDER": SENDER,
        "KINERJA_LOG_LEVEL": "INFO",
    }
    return Deployment(tmp_path, env)


@pytest.fixture
def sink() -> Iterator[tuple[Inbox, int]]:
    """The SMTP server every instance sends to."""
    inbox = Inbox()
    controller = EphemeralController(inbox)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def issue_tokens(engine: Engine) -> dict[int, str]:
    """A personal API token for every account (26 officials and the admin)."""
    with transaction(engine) as session:
        accounts = session.exec(select(Account).order_by(col(Account.id))).all()
        now = datetime.now(UTC)
        return {a.id: create_token(session, a.id, "uji multi-instans", now)[0]
                for a in accounts if a.id is not None}  # fmt: skip


def tw1_reports(engine: Engine) -> dict[int, str]:
    with Session(engine) as session:
        rows = session.exec(
            select(QuarterlyReport.id, PositionRow.code)
            .join(PositionRow)
            .where(QuarterlyReport.year == 2021, QuarterlyReport.quarter == 1)
        ).all()
    return {report_id: code for report_id, code in rows if report_id is not None}


def test_two_instances_and_two_schedulers_close_a_quarter(
    deployment: Deployment, sink: tuple[Inbox, int], postgres_url: str
) -> None:
    started = time.monotonic()
    inbox, smtp_port = sink
    deployment.env["KINERJA_SMTP_PORT"] = str(smtp_port)
    deployment.run("db", "upgrade")  # the release step, before any instance starts
    deployment.run("demo", "seed", "--year", "2021", "--quarters", "0")
    engine = create_db_engine(postgres_url)
    try:
        reports = tw1_reports(engine)
        assert len(reports) == 25
        tokens = issue_tokens(engine)
        ports = [free_port(), free_port()]
        deployment.workers[ports[1]] = 2  # `kinerja serve --workers 2`: two processes
        schedulers = [deployment.spawn("scheduler", "scheduler") for _ in range(2)]
        apps = [deployment.serve(port, WEEKS[0][0], wait=False) for port in ports]
        for app, port in zip(apps, ports, strict=True):
            wait_until(partial(healthy, port), "serve", app)
        for scheduler in schedulers:  # SIGTERM is handled once the banner is out
            wait_until(partial(scheduler.printed, "Penjadwal berjalan"), "scheduler", scheduler)
        traffic = Traffic([f"http://127.0.0.1:{port}" for port in ports])

        single = frozenset(r for r in reports if one_step(engine, DocKind.REPORT, r))
        laps = {"start": time.monotonic() - started}
        play_week(deployment, engine, traffic, tokens, Plan(reports, single, 1))
        laps["week 1"] = time.monotonic() - started
        reader = tokens[min(tokens)]
        apps = rolling_restart(deployment, apps, ports, traffic, reader, WEEKS[1][0])
        laps["restart"] = time.monotonic() - started
        play_week(deployment, engine, traffic, tokens, Plan(reports, single, 2))
        laps["week 2"] = time.monotonic() - started

        flush = [deployment.spawn("outbox", "outbox", "send") for _ in range(2)]
        for child in flush:
            assert child.process.wait(timeout=120) == 0, child.output()
        for child in (*schedulers, *apps):
            assert child.stop() == 0, child.output()[-3000:]
        laps["stop"] = time.monotonic() - started
        audit = deployment.run("audit", "verify")
        check_documents(engine, reports, traffic)
        emails = check_mail(engine, inbox)
        rungs = check_ladder(engine)
        check_no_deadlock(engine, deployment)
        sent = sum(traffic.answers.values())
        ticks = "".join(c.output() for c in deployment.children if c.name == "advance")
        by_ticks = sum(map(int, re.findall(r"Email terkirim: (\d+)", ticks)))
        by_send = sum(int(re.findall(r"Terkirim (\d+)", c.output())[0]) for c in flush)
        print(  # the figures quoted in the report (pytest -s)
            f"\nmulti-instance: {sent} requests ({dict(sorted(traffic.answers.items()))}), "
            f"{len(traffic.races)} races each 200+409, {traffic.failovers} failovers, "
            f"{sum(len(v) for v in traffic.done.values())} transitions, {emails} emails "
            f"({by_ticks} sent by the ticks' drains, {by_send} by the final `outbox send`, "
            f"{emails - by_ticks - by_send} by the `kinerja scheduler` drains), "
            f"{ticks.count('instans lain sedang menyapu')} ticks skipped on the lock, "
            f"{rungs} ladder rungs, {len(deployment.children)} processes, "
            f"{time.monotonic() - started:.0f} s ("
            + ", ".join(f"{lap} at {at:.0f} s" for lap, at in laps.items())
            + f"); {audit.output().strip()}"
        )
    finally:
        for child in deployment.children:
            if child.process.poll() is None:
                child.process.kill()
                child.process.wait(timeout=30)
        engine.dispose()


def check_documents(engine: Engine, reports: dict[int, str], traffic: Traffic) -> None:
    """All approved; the log is exactly what the clients were told, chained."""
    assert not [e for e in traffic.errors], traffic.errors
    assert not [key for key in traffic.answers if key[1] >= 500]
    with Session(engine) as session:
        for report_id, code in sorted(reports.items()):
            report = session.get(QuarterlyReport, report_id)
            assert report is not None and report.state == "approved", (code, report)
            logged = session.exec(
                select(TransitionLog)
                .where(TransitionLog.doc_type == "report", TransitionLog.doc_id == report_id)
                .order_by(col(TransitionLog.id))
            ).all()
            told = sorted(traffic.done[report_id])
            assert [(r.action, r.from_state, r.to_state) for r in logged] == [t[1:] for t in told]
            steps = 2 if one_step(engine, DocKind.REPORT, report_id) else 3
            assert len(logged) == steps + (2 if code in RETURNED else 0), code
            saves = 2 if code in RETURNED else 1  # each visit's one entries save moves it too
            assert report.version == 1 + len(logged) + saves
            hashes = [None, *[r.hash for r in logged]]
            assert [r.prev_hash for r in logged] == hashes[:-1]
            assert report.audit_hash == hashes[-1]


def check_mail(engine: Engine, inbox: Inbox) -> int:
    """Every outbox row sent exactly once; the sink saw no Message-ID twice."""
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
    assert rows
    assert Counter(row.status for row in rows) == {"sent": len(rows)}
    received = inbox.message_ids()
    assert [mid for mid, n in received.items() if n > 1] == []
    assert set(received) == {message_id_for(row.dedupe_key, SENDER) for row in rows}
    return len(rows)


def check_ladder(engine: Engine) -> int:
    """Every rung recorded once and carried by exactly one digest."""
    with Session(engine) as session:
        rungs = session.exec(select(LadderRung)).all()
        digests = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest")).all()
    assert rungs, "the quarter close must produce reminders and escalations"
    assert len({r.key for r in rungs}) == len(rungs)
    items: defaultdict[tuple[Any, ...], int] = defaultdict(int)
    for digest in digests:
        for item in digest.payload["items"]:
            items[(item["doc"], item["step"], item["rung"], digest.recipient_official_id)] += 1
    assert sum(items.values()) == len(rungs)
    return len(rungs)


def check_no_deadlock(engine: Engine, deployment: Deployment) -> None:
    """Neither PostgreSQL nor any process saw a deadlock or an unhandled error."""
    for child in deployment.children:
        assert child.process.returncode == 0, (child.name, child.output()[-3000:])
        out = child.output()
        assert "deadlock" not in out.lower(), (child.name, out[-3000:])
        assert "Traceback" not in out, (child.name, out[-3000:])
    with engine.connect() as connection:
        deadlocks = connection.execute(
            text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        ).scalar()
    assert deadlocks == 0

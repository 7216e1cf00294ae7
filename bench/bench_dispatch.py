"""Benchmark email dispatch: the outbox and dispatcher against ceilings doing the same work.

Digest emails, rendered by the real renderer, go through the outbox (SQLite file) and
`Dispatcher` + `SmtpMailer` into an aiosmtpd sink on 127.0.0.1 that accepts everything.
Baselines measured in the same run against the same sink, the order of the senders rotating
from one repeat to the next:

- ceiling, same work: aiosmtplib on one connection rendering each message from the same
  outbox payload with the same templates (notifications/render.py) and building it with the
  same builder (notifications/message.py `build_email`), then sending it; no database, no
  bookkeeping. Two ways: one message after the other (render, build, send), and overlapped
  (a task renders and builds up to LOOKAHEAD messages ahead while the sender waits for the
  server's answers; a few, not a batch: every message held ahead is some 600 objects for the
  garbage collector to walk). The faster of the two is THE ceiling the target is about;
- ceiling, prebuilt (the old ceiling): the same connection sending messages built before the
  clock starts: what the sink can take, not what a sender of these emails can do;
- naive: smtplib with a new connection per prebuilt message; only a sample is sent and the
  rate scaled (said so in the table).

The sink runs in its own process so that it does not share the benchmark's GIL.
Target (issue 14, binding): Kinerja at least 0.8x the same-work ceiling. Medians of --repeats.

Run: `python -m bench bench_dispatch [--messages N] [--repeats N] [--smtp-port PORT]`
"""

from __future__ import annotations

import asyncio
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import aiosmtplib
from pydantic import SecretStr
from sqlalchemy import Engine, func, select, update

from bench._options import Options, Outcome, free_port, parse
from db.database import create_db_engine
from db.migrate import upgrade
from db.uow import SqlUnitOfWorkFactory
from db.workflow_models import OutboxMessage
from engine.clock import FixedClock
from engine.outbox import OutboxEntry
from notifications.dispatcher import Dispatcher
from notifications.mailer import SmtpMailer, build_email
from notifications.render import Email, render

NAIVE_SHARE = 10  # the naive sender sends one message in ten of a run (scaled up)
BATCH_SIZE = 50  # the Dispatcher's default
LOOKAHEAD = 4  # messages the overlapped ceiling composes ahead (4-5 was fastest here; 50 slower)
TARGET = 0.8
SENDER = "Kinerja Kabupaten Bangku <kinerja@bench.test>"
BASE_URL = "https://kinerja.bench.test"
NOW = datetime(2026, 4, 6, 2, 0, tzinfo=UTC)
SENT_AT = NOW + timedelta(seconds=1)  # the dispatcher's clock, which dates every message
OUTBOX = OutboxMessage.metadata.tables["outbox"]

SINK = """
import sys
from aiosmtpd.controller import Controller

class Sink:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 OK"

port = int(sys.argv[1])
controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
print(port, flush=True)
sys.stdin.read()
controller.stop()
print(Sink.count, flush=True)
"""


@dataclass(frozen=True)
class Smtp:
    """SmtpSettings for the sink: plain SMTP, no login."""

    smtp_host: str
    smtp_port: int
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: str = "none"
    smtp_sender: str = SENDER


class SinkProcess:
    """The aiosmtpd sink in a child process; `close()` returns how many messages it took."""

    def __init__(self, port: int) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", SINK, str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.port = int(self._process.stdout.readline())

    def close(self) -> int:
        out, _ = self._process.communicate("", timeout=60)
        return int(out.strip().splitlines()[-1])


def digest_payload(index: int) -> dict[str, Any]:
    """A three-item digest like the sweep enqueues."""
    items = [
        {
            "rung": rung, "doc": f"LAP-{index * 3 + k}", "doc_label": "Laporan Realisasi",
            "period": "Triwulan I 2026", "position": f"Kepala Seksi {index % 97 + k}",
            "holder": f"Pegawai {index}", "holder_title": f"Kepala Seksi {index % 97 + k}",
            "step": step, "step_label": label, "deadline": "2026-04-08", "days_left": days,
            "overdue": days < 0,
        }
        for k, (rung, step, label, days) in enumerate(
            (("reminder", "submit", "penyampaian", 2), ("reminder", "verify", "verifikasi", 5),
             ("escalation", "submit", "penyampaian", -3))
        )
    ]  # fmt: skip
    return {"sweep_at": NOW.isoformat(), "items": items}


def outbox_rows(count: int) -> list[dict[str, Any]]:
    """The outbox rows every sender works from (the ceilings read their payloads in memory)."""
    return [
        {
            "dedupe_key": f"digest:{i}:{NOW.isoformat()}", "kind": "digest",
            "recipient_official_id": None, "recipient_email": f"pegawai{i}@bench.test",
            "recipient_name": f"Pegawai {i}, S.E.", "payload": digest_payload(i),
            "status": "pending", "attempts": 0, "available_at": NOW, "created_at": NOW,
        }
        for i in range(count)
    ]  # fmt: skip


def render_row(row: OutboxEntry) -> Email:
    """The dispatcher's renderer: the templates of notifications/render.py."""
    return render(row.kind, row.payload, base_url=BASE_URL, recipient_name=row.recipient_name)


def compose(row: dict[str, Any]) -> EmailMessage:
    """What the dispatcher does to a row before sending it (`Dispatcher._compose`): render
    with the same templates, build with the same builder, dated by the same clock."""
    email = render(row["kind"], row["payload"], base_url=BASE_URL,
                   recipient_name=row["recipient_name"])  # fmt: skip
    return build_email(
        sender=SENDER, recipient_name=row["recipient_name"],
        recipient_email=row["recipient_email"], subject=email.subject, text=email.text,
        html=email.html, dedupe_key=row["dedupe_key"], date=SENT_AT,
    )  # fmt: skip


# --- the senders: each returns the seconds it took -------------------------------------------


async def _connected(port: int) -> aiosmtplib.SMTP:
    smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
    await smtp.connect()
    return smtp


def prebuilt_ceiling(port: int, messages: Sequence[EmailMessage]) -> float:
    """One connection sending messages built before the clock started (the old ceiling)."""

    async def send_all() -> None:
        smtp = await _connected(port)
        for message in messages:
            await smtp.send_message(message)
        await smtp.quit()

    began = time.perf_counter()
    asyncio.run(send_all())
    return time.perf_counter() - began


def sequential_ceiling(port: int, rows: Sequence[dict[str, Any]]) -> float:
    """One connection; each message rendered, built and sent before the next."""

    async def send_all() -> None:
        smtp = await _connected(port)
        for row in rows:
            await smtp.send_message(compose(row))
        await smtp.quit()

    began = time.perf_counter()
    asyncio.run(send_all())
    return time.perf_counter() - began


def overlapped_ceiling(port: int, rows: Sequence[dict[str, Any]]) -> float:
    """One connection; a task renders and builds up to LOOKAHEAD messages ahead (yielding
    after each) while the sender waits for the server's answers."""

    async def send_all() -> None:
        smtp = await _connected(port)
        queue: asyncio.Queue[EmailMessage | None] = asyncio.Queue(maxsize=LOOKAHEAD)

        async def produce() -> None:
            for row in rows:
                await queue.put(compose(row))
                await asyncio.sleep(0)
            await queue.put(None)

        producer = asyncio.create_task(produce())
        while (message := await queue.get()) is not None:
            await smtp.send_message(message)
        await producer
        await smtp.quit()

    began = time.perf_counter()
    asyncio.run(send_all())
    return time.perf_counter() - began


def naive(port: int, messages: Sequence[EmailMessage]) -> float:
    """Seconds for every NAIVE_SHARE-th message, one connection each."""
    began = time.perf_counter()
    for message in messages[::NAIVE_SHARE]:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(message)
    return time.perf_counter() - began


def kinerja(engine: Engine, port: int, count: int) -> float:
    """Seconds to drain `count` pending outbox rows through the real dispatcher."""
    with engine.begin() as connection:
        connection.execute(
            update(OUTBOX).values(status="pending", lease_until=None, sent_at=None, attempts=0)
        )
    dispatcher = Dispatcher(
        SqlUnitOfWorkFactory(engine), SmtpMailer(Smtp("127.0.0.1", port)), render_row,
        clock=FixedClock(SENT_AT), batch_size=BATCH_SIZE,
    )  # fmt: skip
    began = time.perf_counter()
    report = asyncio.run(dispatcher.drain(max_batches=count))
    took = time.perf_counter() - began
    with engine.connect() as connection:
        sent = connection.execute(
            select(func.count()).select_from(OUTBOX).where(OUTBOX.c.status == "sent")
        ).scalar_one()
    if report.sent != count or sent != count:
        raise RuntimeError(f"dispatcher sent {report.sent} (recorded {sent}) of {count}")
    return took


# --- measuring -------------------------------------------------------------------------------

KINERJA = f"Kinerja: outbox + Dispatcher (batch {BATCH_SIZE})"
SEQUENTIAL = "ceiling, same work: render+build+send in turn"
OVERLAPPED = f"ceiling, same work: {LOOKAHEAD} composed ahead"
PREBUILT = "ceiling, prebuilt messages (the old ceiling)"
NAIVE = "naive: smtplib, connection per message (*)"


@dataclass(frozen=True)
class Result:
    messages: int
    repeats: int
    seconds: dict[str, list[float]]
    compose_s: float

    def median(self, name: str) -> float:
        """Median seconds of `name` for all the messages (the naive sample scaled up)."""
        value = statistics.median(self.seconds[name])
        return value * NAIVE_SHARE if name == NAIVE else value

    def rate(self, name: str) -> float:
        return self.messages / self.median(name)

    @property
    def ceiling(self) -> str:
        """The same-work ceiling the target is about: the faster of the two."""
        return max((SEQUENTIAL, OVERLAPPED), key=self.rate)

    def fair(self) -> float:
        return self.rate(KINERJA) / self.rate(self.ceiling)

    def old(self) -> float:
        return self.rate(KINERJA) / self.rate(PREBUILT)


def measure(options: Options) -> Result:
    """Every sender `--repeats` times against one sink, the order rotating per repeat."""
    count = options.messages
    rows = outbox_rows(count)
    began = time.perf_counter()
    messages = [compose(row) for row in rows]
    compose_s = time.perf_counter() - began
    sink = SinkProcess(free_port(options.smtp_port))
    seconds: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="kinerja-dispatch-") as tmp:
        engine = create_db_engine(f"sqlite:///{tmp}/outbox.db")
        try:
            upgrade(engine)
            with engine.begin() as connection:
                connection.execute(OUTBOX.insert(), outbox_rows(count))
            senders: list[tuple[str, Callable[[], float]]] = [
                (KINERJA, lambda: kinerja(engine, sink.port, count)),
                (OVERLAPPED, lambda: overlapped_ceiling(sink.port, rows)),
                (SEQUENTIAL, lambda: sequential_ceiling(sink.port, rows)),
                (PREBUILT, lambda: prebuilt_ceiling(sink.port, messages)),
                (NAIVE, lambda: naive(sink.port, messages)),
            ]
            for repeat in range(options.repeats):
                shift = repeat % len(senders)
                for name, run in senders[shift:] + senders[:shift]:
                    seconds.setdefault(name, []).append(run())
                    print(f"  {name:<48} {seconds[name][-1]:7.2f} s", flush=True)
        finally:
            engine.dispose()
            received = sink.close()
    expected = options.repeats * (4 * count + len(messages[::NAIVE_SHARE]))
    if received != expected:
        raise RuntimeError(f"sink received {received} messages, expected {expected}")
    return Result(count, options.repeats, seconds, compose_s)


def format_table(result: Result) -> str:
    ceiling = result.rate(result.ceiling)
    header = f"{'sender':<48} {'seconds':>8} {'msgs/s':>8} {'vs ceiling':>10}"
    lines = [
        f"Dispatch of {result.messages:,} digest emails to a local aiosmtpd sink, median of "
        f"{result.repeats} (order rotating); ceiling = the faster same-work ceiling",
        header,
        "-" * len(header),
    ]
    for name in (result.ceiling, KINERJA, *(n for n in (SEQUENTIAL, OVERLAPPED)
                 if n != result.ceiling), PREBUILT, NAIVE):  # fmt: skip
        rate = result.rate(name)
        lines.append(f"{name:<48} {result.median(name):>8.2f} {rate:>8.0f} {rate / ceiling:>9.2f}x")
    lines.append(
        f"(*) every {NAIVE_SHARE}th message timed, scaled to {result.messages:,}. Rendering + "
        f"building the {result.messages:,} messages alone (once, untimed): "
        f"{result.compose_s:.2f} s"
    )
    lines.extend(summary(result))
    return "\n".join(lines)


def summary(result: Result) -> list[str]:
    fair = result.fair()
    met = "met" if fair >= TARGET else "NOT met"
    return [
        f"dispatch: Kinerja / same-work ceiling {fair:.2f}x (target >= {TARGET}x: {met}); "
        f"old ratio Kinerja / prebuilt ceiling {result.old():.2f}x"
    ]


def run(options: Options) -> Outcome:
    """Run the senders against one sink, print the table and return it."""
    result = measure(options)
    table = format_table(result)
    print(table)
    return Outcome(table, tuple(summary(result)))


def main(argv: Sequence[str] | None = None) -> str:
    """`python -m bench.bench_dispatch [options]`: print the table and return it."""
    return run(parse(argv, __doc__)).table


if __name__ == "__main__":
    main()

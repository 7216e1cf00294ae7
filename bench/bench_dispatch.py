"""Benchmark email dispatch: the outbox and dispatcher against a plain SMTP loop (issue 8).

5,000 digest emails, rendered by the real renderer, go through the outbox (SQLite file) and
`Dispatcher` + `SmtpMailer` into an aiosmtpd sink on 127.0.0.1 that accepts everything.
Baselines measured in the same run against the same sink:

- ceiling: aiosmtplib on one connection sending 5,000 prebuilt messages, no database, no
  rendering, no bookkeeping: the fastest this sink can be fed from Python;
- naive: smtplib with a new connection per message (what a naive sender does); only
  NAIVE_SAMPLE messages are sent and the rate is scaled to 5,000 (said so in the table).

The sink runs in its own process so that it does not share the benchmark's GIL.
Target: Kinerja at least 0.8x the ceiling. Medians of REPEATS.

Run: `python -m bench bench_dispatch`
"""

from __future__ import annotations

import asyncio
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import aiosmtplib
from pydantic import SecretStr
from sqlalchemy import Engine, func, select, update

from db.database import create_db_engine
from db.migrate import upgrade
from db.uow import SqlUnitOfWorkFactory
from db.workflow_models import OutboxMessage
from engine.clock import FixedClock
from engine.outbox import OutboxEntry
from notifications.dispatcher import Dispatcher
from notifications.mailer import SmtpMailer, build_email
from notifications.render import Email, render

MESSAGES = 5_000
NAIVE_SAMPLE = 500
REPEATS = 3
BATCH_SIZE = 50  # the Dispatcher's default
SENDER = "Kinerja Kabupaten Bangku <kinerja@bench.test>"
BASE_URL = "https://kinerja.bench.test"
NOW = datetime(2026, 4, 6, 2, 0, tzinfo=UTC)
OUTBOX = OutboxMessage.metadata.tables["outbox"]

SINK = """
import socket
import sys
from aiosmtpd.controller import Controller

class Sink:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 OK"

probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
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

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", SINK],
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


def outbox_rows() -> list[dict[str, Any]]:
    return [
        {
            "dedupe_key": f"digest:{i}:{NOW.isoformat()}", "kind": "digest",
            "recipient_official_id": None, "recipient_email": f"pegawai{i}@bench.test",
            "recipient_name": f"Pegawai {i}, S.E.", "payload": digest_payload(i),
            "status": "pending", "attempts": 0, "available_at": NOW, "created_at": NOW,
        }
        for i in range(MESSAGES)
    ]  # fmt: skip


def render_row(row: OutboxEntry) -> Email:
    return render(row.kind, row.payload, base_url=BASE_URL, recipient_name=row.recipient_name)


def prebuilt() -> list[EmailMessage]:
    """The same emails the dispatcher sends, built up front for the baselines."""
    messages = []
    for row in outbox_rows():
        email = render(row["kind"], row["payload"], base_url=BASE_URL,
                       recipient_name=row["recipient_name"])  # fmt: skip
        messages.append(
            build_email(
                sender=SENDER, recipient_name=row["recipient_name"],
                recipient_email=row["recipient_email"], subject=email.subject, text=email.text,
                html=email.html, dedupe_key=row["dedupe_key"], date=NOW,
            )
        )  # fmt: skip
    return messages


def median(run: Callable[[], float]) -> float:
    return statistics.median(run() for _ in range(REPEATS))


def ceiling(port: int, messages: list[EmailMessage]) -> float:
    async def send_all() -> None:
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await smtp.connect()
        for message in messages:
            await smtp.send_message(message)
        await smtp.quit()

    began = time.perf_counter()
    asyncio.run(send_all())
    return time.perf_counter() - began


def naive(port: int, messages: list[EmailMessage]) -> float:
    """Seconds for NAIVE_SAMPLE messages, one connection each."""
    began = time.perf_counter()
    for message in messages[:NAIVE_SAMPLE]:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(message)
    return time.perf_counter() - began


def kinerja(engine: Engine, port: int, batch_size: int) -> float:
    """Seconds to drain MESSAGES pending outbox rows through the real dispatcher."""
    with engine.begin() as connection:
        connection.execute(
            update(OUTBOX).values(status="pending", lease_until=None, sent_at=None, attempts=0)
        )
    dispatcher = Dispatcher(
        SqlUnitOfWorkFactory(engine), SmtpMailer(Smtp("127.0.0.1", port)), render_row,
        clock=FixedClock(NOW + timedelta(seconds=1)), batch_size=batch_size,
    )  # fmt: skip
    began = time.perf_counter()
    report = asyncio.run(dispatcher.drain(max_batches=MESSAGES))
    took = time.perf_counter() - began
    with engine.connect() as connection:
        sent = connection.execute(
            select(func.count()).select_from(OUTBOX).where(OUTBOX.c.status == "sent")
        ).scalar_one()
    if report.sent != MESSAGES or sent != MESSAGES:
        raise RuntimeError(f"dispatcher sent {report.sent} (recorded {sent}) of {MESSAGES}")
    return took


def format_table(rows: list[tuple[str, float]], ceiling_rate: float) -> str:
    header = f"{'sender':<44} {'seconds':>8} {'msgs/s':>8} {'vs ceiling':>10}"
    lines = [
        f"Dispatch of {MESSAGES:,} digest emails to a local aiosmtpd sink, median of {REPEATS}",
        header,
        "-" * len(header),
    ]
    for name, seconds in rows:
        rate = MESSAGES / seconds
        lines.append(f"{name:<44} {seconds:>8.2f} {rate:>8.0f} {rate / ceiling_rate:>9.2f}x")
    return "\n".join(lines)


def main() -> str:
    """Run the three senders against one sink, print the table and return it."""
    began = time.perf_counter()
    messages = prebuilt()
    compose = time.perf_counter() - began
    sink = SinkProcess()
    with tempfile.TemporaryDirectory(prefix="kinerja-dispatch-") as tmp:
        engine = create_db_engine(f"sqlite:///{tmp}/outbox.db")
        try:
            upgrade(engine)
            with engine.begin() as connection:
                connection.execute(OUTBOX.insert(), outbox_rows())
            top = median(lambda: ceiling(sink.port, messages))
            ours = median(lambda: kinerja(engine, sink.port, BATCH_SIZE))
            plain = median(lambda: naive(sink.port, messages)) * MESSAGES / NAIVE_SAMPLE
        finally:
            engine.dispose()
            received = sink.close()
    expected = REPEATS * (2 * MESSAGES + NAIVE_SAMPLE)
    if received != expected:
        raise RuntimeError(f"sink received {received} messages, expected {expected}")
    rows = [
        ("ceiling: aiosmtplib, one connection, no DB", top),
        (f"Kinerja: outbox + Dispatcher (batch {BATCH_SIZE})", ours),
        ("naive: smtplib, connection per message (*)", plain),
    ]
    table = format_table(rows, MESSAGES / top)
    ratio = top / ours
    table += (
        f"\n(*) {NAIVE_SAMPLE} messages timed, scaled to {MESSAGES:,}."
        f"\nKinerja / ceiling: {ratio:.2f}x "
        f"(target >= 0.8x: {'met' if ratio >= 0.8 else 'NOT met'});"
        f" Kinerja / naive: {plain / ours:.2f}x the naive sender's rate."
        f"\nRendering + MIME building of the {MESSAGES:,} emails alone (once, outside every"
        f" timing above; the dispatcher does it, the ceiling does not): {compose:.2f}s."
    )
    print(table)
    return table


if __name__ == "__main__":
    main()

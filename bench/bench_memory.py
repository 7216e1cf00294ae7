"""Memory: peak RSS of `kinerja serve` with a generated regency loaded (issue 8).

A real `kinerja serve --no-scheduler` child process on a SQLite file holding the generated
regency (40 agencies x 40 positions, `kinerja demo generate` defaults). Its resident set
size (psutil, sampled every 20 ms) is reported at three moments: just started (the
baseline, measured in the same run), after one request to every heavy page (the whole
organisation, Tugas Saya, a report, the recap of TW III and of the year, the dashboard),
and the peak while 20 signed-in clients request the recap of TW III at once
(ROUNDS each;
a 503 from an overloaded server is counted, not fatal). No target is set by the issue;
the figures are for comparison between runs.

Run: `python -m bench bench_memory [--port PORT]` (about 1-2 minutes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx2 as httpx

from bench._options import Options, Outcome, parse
from bench._regency import Official, RssSampler, regency, serve
from bench.bench_pages import CLIENTS, sign_in

ROUNDS = 1
MIB = 2**20
PAGES = (
    "/api/v1/organisation",
    "/tugas",
    "/api/v1/recap?year=2021&quarter=3",
    "/api/v1/recap?year=2021",
    "/dasbor?year=2021&quarter=3",
)
LOAD = ("/api/v1/recap?year=2021&quarter=3",)  # the dashboard at x20 ran past 300 s


FAILED: list[str] = []


async def _get(client: httpx.AsyncClient, official: Official, path: str) -> None:
    headers = {"Authorization": f"Bearer {official.token}"} if path.startswith("/api") else {}
    try:
        answer = await client.get(path, headers=headers)
    except httpx.TransportError as exc:  # counted: a request past the client's timeout
        FAILED.append(f"{path}: {type(exc).__name__}")
        return
    if answer.status_code != 200:  # counted: an overloaded server answers 503
        FAILED.append(f"{path}: HTTP {answer.status_code}")


async def _run(base: str, officials: list[Official], rss: RssSampler) -> tuple[int, int]:
    timeout = httpx.Timeout(300.0)
    clients = [
        (httpx.AsyncClient(base_url=base, timeout=timeout), official) for official in officials
    ]
    try:
        for client, official in clients:
            await sign_in(client, official)
        first_client, first = clients[0]
        for path in (*PAGES, f"/laporan/{first.report_id}"):
            await _get(first_client, first, path)
        after_pages = rss.now()

        async def worker(client: httpx.AsyncClient, official: Official) -> None:
            for _ in range(ROUNDS):
                for path in LOAD:
                    await _get(client, official, path)

        await asyncio.gather(*(worker(c, o) for c, o in clients))
        return after_pages, rss.peak
    finally:
        for client, _ in clients:
            await client.aclose()


def run(options: Options) -> Outcome:
    """Measure, print the table and return it for the runner."""
    with regency("sqlite", options, "memory") as data:
        officials = data.officials[:CLIENTS]
        with serve(data.url, data.folder, options.port) as server, RssSampler(server.pid) as rss:
            start = rss.now()
            after_pages, peak = asyncio.run(_run(server.url, officials, rss))
        peak = max(peak, rss.peak)
    rows = (
        ("started (baseline)", start),
        ("after every heavy page once", after_pages),
        (f"peak, {len(officials)} clients x {ROUNDS} x recap TW III", peak),
    )
    header = f"{'kinerja serve, SQLite regency 40 x 40':<48} {'RSS MiB':>8} {'ratio':>6}"
    lines = [
        "Memory of `kinerja serve` with the generated regency (psutil RSS, sampled every 20 ms)",
        header,
        "-" * len(header),
    ]
    lines += [f"{name:<48} {value / MIB:>8.0f} {value / start:>5.1f}x" for name, value in rows]
    lines.append(f"requests not answered 200 (503: pool exhausted; timeouts): {len(FAILED)}")
    table = "\n".join(lines)
    print(table)
    return Outcome(table)


def main(argv: Sequence[str] | None = None) -> str:
    """`python -m bench.bench_memory [options]`: print the table and return it."""
    return run(parse(argv, __doc__)).table


if __name__ == "__main__":
    main()

"""Pages and API under load: 20 signed-in clients against a real `kinerja serve` (issue 8).

Target: p95 under 50 ms for "Tugas Saya" (/tugas), a report page (/laporan/{id}) and the
recap (/api/v1/recap?year=2021&quarter=3) of a generated regency (40 agencies x 40
positions), on SQLite and on PostgreSQL.

Per backend: a scratch database, `kinerja demo generate` with its defaults, a real
`kinerja serve --no-scheduler` child process on the generator's as-of day
(KINERJA_FIXED_NOW). Twenty clients (asyncio, one httpx2.AsyncClient each), each signed in
through the login form as a different official: 8 Kepala Seksi (who open their own TW III
report), 8 Kepala Bidang (a Seksi's report) and 4 Kepala Dinas (a Bidang's report); the
recap with each official's personal API token. Each endpoint in turn, in two modes: a
warm-up round (every client once), then REQUESTS requests (or TIME_CAP seconds, for an
endpoint far off target) saturated (each client sends its next request as soon as the last
is answered: the server's throughput decides the latency), then PACED_REQUESTS paced (each
client one request per PACE_S second: twenty busy people). The baseline is /healthz
measured the same way in the same run: the floor for a request under that load on this
machine (the clients share its two cores); the ratio is each endpoint's p50 over
/healthz's p50. The warm-up round is not among the timings, but its length is shown
("warm max"): it holds the first use of every token and the cold caches, where the
PostgreSQL recap stalled (docs/performance.md). The server's peak RSS is sampled (psutil)
during the load.

Run: `python -m bench bench_pages [--backends sqlite] [--port PORT] [--pg-url URL]
[--pg-db NAME]` (about 5 minutes).
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx2 as httpx

from bench._options import Options, Outcome, parse
from bench._regency import Official, Regency, RssSampler, regency, serve

CLIENTS = 20
REQUESTS = 200
TIME_CAP = 30.0
TARGET_P95_MS = 50.0
PACE_S = 1.0  # paced mode: each client sends one request per second (20 requests/s in all)
PACED_REQUESTS = 100  # 5 s per endpoint at 20 requests/s
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Endpoint:
    """What each client requests: a path (per official) and whether it uses the token."""

    name: str
    path: Callable[[Official], str]
    api: bool = False


BASELINE = "/healthz (baseline)"
ENDPOINTS = (
    Endpoint(BASELINE, lambda o: "/healthz"),
    Endpoint("/tugas", lambda o: "/tugas"),
    Endpoint("/laporan/{id}", lambda o: f"/laporan/{o.report_id}"),
    Endpoint("/api/v1/recap TW III", lambda o: "/api/v1/recap?year=2021&quarter=3", api=True),
)


@dataclass(frozen=True)
class Latency:
    """Latencies of one endpoint (milliseconds) in one mode (saturated or paced)."""

    name: str
    mode: str
    count: int
    errors: int
    p50: float
    p95: float
    p99: float
    seconds: float
    warmup_max: float  # the warm-up round's slowest (ms): cold caches, each token's first use


@dataclass(frozen=True)
class BackendResult:
    backend: str
    generate_s: float
    latencies: list[Latency]
    rss_start_mib: float
    rss_peak_mib: float


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of `values` (sorted here)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def sign_in(client: httpx.AsyncClient, official: Official) -> None:
    """Log in through the form, as a browser does: GET /masuk, then POST with its token."""
    form = await client.get("/masuk")
    match = _CSRF.search(form.text)
    if match is None:
        raise RuntimeError("no csrf_token on /masuk")
    answer = await client.post(
        "/masuk",
        data={"login": official.login, "password": "demo", "csrf_token": match.group(1)},
    )
    if answer.status_code != 303:
        raise RuntimeError(f"login of {official.login} refused: {answer.status_code}")


async def _get(client: httpx.AsyncClient, official: Official, endpoint: Endpoint) -> float | None:
    """Milliseconds of one request; None when it was not answered with 200 (counted apart)."""
    headers = {"Authorization": f"Bearer {official.token}"} if endpoint.api else {}
    began = time.perf_counter()
    try:
        answer = await client.get(endpoint.path(official), headers=headers)
    except httpx.TransportError as exc:  # counted like a refusal: a server stuck past the timeout
        print(f"    {endpoint.name} for {official.login}: {type(exc).__name__}", flush=True)
        return None
    elapsed = time.perf_counter() - began
    if answer.status_code != 200:
        print(f"    {endpoint.name} for {official.login}: HTTP {answer.status_code}", flush=True)
        return None
    return elapsed * 1000


async def load(
    clients: list[tuple[httpx.AsyncClient, Official]], endpoint: Endpoint, *, paced: bool
) -> Latency:
    """Warm up, then REQUESTS requests from all clients at once.

    Saturated: each client sends its next request as soon as the last one is answered.
    Paced: each client sends one request every PACE_S seconds (its first after a delay
    spread evenly over the period, so the clients do not all start together); a request
    answered late delays only that client's next one.
    """
    warmup_began = time.perf_counter()
    await asyncio.gather(*(_get(c, o, endpoint) for c, o in clients))
    # Not among the timings, but shown: a stall of the cold round (the PostgreSQL recap's
    # pool stall, docs/performance.md) would otherwise hide in the warm-up. The clients
    # start together, so the round lasts as long as its slowest request, failed or not.
    warmup_max = (time.perf_counter() - warmup_began) * 1000
    timings: list[float] = []
    failed: list[None] = []
    began = time.perf_counter()
    wanted = PACED_REQUESTS if paced else REQUESTS
    stop = began + TIME_CAP + (PACE_S * wanted / len(clients) if paced else 0.0)

    async def worker(index: int, client: httpx.AsyncClient, official: Official) -> None:
        due = began + PACE_S * index / len(clients)
        while len(timings) + len(failed) < wanted and time.perf_counter() < stop:
            if paced:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                due += PACE_S
            took = await _get(client, official, endpoint)
            if took is None:
                failed.append(None)
            else:
                timings.append(took)

    await asyncio.gather(*(worker(i, c, o) for i, (c, o) in enumerate(clients)))
    if not timings:
        raise RuntimeError(f"{endpoint.name}: no request answered 200")
    return Latency(
        endpoint.name,
        "paced" if paced else "saturated",
        len(timings),
        len(failed),
        statistics.median(timings),
        percentile(timings, 0.95),
        percentile(timings, 0.99),
        time.perf_counter() - began,
        warmup_max,
    )


async def run_load(base: str, officials: list[Official]) -> list[Latency]:
    """Sign every client in, then load each endpoint in turn."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    timeout = httpx.Timeout(120.0)
    clients = [
        (httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout), official)
        for official in officials
    ]
    try:
        for client, official in clients:
            await sign_in(client, official)
        results = []
        for paced in (False, True):
            for endpoint in ENDPOINTS:
                result = await load(clients, endpoint, paced=paced)
                print(
                    f"  {result.mode:<9} {endpoint.name:<22} n={result.count:>4} "
                    f"err={result.errors} p50 {result.p50:8.1f} ms "
                    f"p95 {result.p95:8.1f} ms p99 {result.p99:8.1f} ms "
                    f"warm-up max {result.warmup_max:8.1f} ms",
                    flush=True,
                )
                results.append(result)
        return results
    finally:
        for client, _ in clients:
            await client.aclose()


def measure(backend: str, options: Options) -> BackendResult:
    """Generate, serve and load one backend."""
    with regency(backend, options, "pages") as data:
        print(
            f" {backend}: regency generated in {data.generate_s:.0f} s, "
            f"{len(data.officials)} officials",
            flush=True,
        )
        return _served(data, options.port)


def _served(data: Regency, port: int) -> BackendResult:
    officials = data.officials[:CLIENTS]
    with serve(data.url, data.folder, port) as server, RssSampler(server.pid) as rss:
        start = rss.now()
        latencies = asyncio.run(run_load(server.url, officials))
    return BackendResult(data.backend, data.generate_s, latencies, start / 2**20, rss.peak / 2**20)


def format_table(results: list[BackendResult]) -> str:
    """One row per backend, mode and endpoint: n, p50, p95, p99, p50 / healthz p50, target."""
    header = (
        f"{'backend':<10} {'mode':<9} {'endpoint':<22} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'p50/hz':>7} {'p95<50':>6} {'non-200':>7} {'warm max':>9}"
    )
    lines = [
        f"Pages under load: {CLIENTS} concurrent signed-in clients, generated regency "
        f"(40 x 40 positions), {REQUESTS} requests per endpoint saturated and "
        f"{PACED_REQUESTS} paced after warm-up (fewer if {TIME_CAP:.0f} s passed).",
        "saturated: each client sends its next request as soon as the last is answered "
        "(throughput-bound: latency ~ clients x service time / cores);",
        f"paced: each client sends one request every {PACE_S:.0f} s "
        f"({CLIENTS / PACE_S:.0f} requests/s in all, a busy office).",
        header,
        "-" * len(header),
    ]
    for result in results:
        floors = {item.mode: item.p50 for item in result.latencies if item.name == BASELINE}
        for item in result.latencies:
            baseline = item.name == BASELINE
            met = "" if baseline else ("yes" if item.p95 < TARGET_P95_MS else "no")
            lines.append(
                f"{result.backend:<10} {item.mode:<9} {item.name:<22} {item.count:>4} "
                f"{item.p50:>8.1f} {item.p95:>8.1f} {item.p99:>8.1f} "
                f"{item.p50 / floors[item.mode]:>6.1f}x {met:>6} {item.errors:>7} "
                f"{item.warmup_max:>9.1f}"
            )
    lines.append("")
    for result in results:
        lines.append(
            f"{result.backend}: serve RSS {result.rss_start_mib:.0f} MiB at start, "
            f"peak {result.rss_peak_mib:.0f} MiB under load; regency generated in "
            f"{result.generate_s:.0f} s"
        )
    return "\n".join(lines)


def summary(results: Sequence[BackendResult]) -> list[str]:
    """The binding figure: the worst paced p95 of the three endpoints, per backend."""
    lines = []
    for result in results:
        paced = [i for i in result.latencies if i.mode == "paced" and i.name != BASELINE]
        worst = max(paced, key=lambda item: item.p95)
        met = "met" if worst.p95 < TARGET_P95_MS else "NOT met"
        every = ", ".join(f"{i.name} {i.p95:.1f}" for i in paced)
        refused = sum(item.errors for item in result.latencies)
        lines.append(
            f"pages {result.backend} paced p95: worst {worst.p95:.1f} ms ({worst.name}; "
            f"target < {TARGET_P95_MS:.0f} ms: {met}); {every} ms; requests not answered 200 "
            f"(both modes): {refused}"
        )
    return lines


def run(options: Options) -> Outcome:
    """Run the chosen backends, print the table and return it for the runner."""
    results = [measure(backend, options) for backend in options.backends]
    table = format_table(results)
    print(table)
    return Outcome(table, tuple(summary(results)))


def main(argv: Sequence[str] | None = None) -> str:
    """`python -m bench.bench_pages [options]`: print the table and return it."""
    return run(parse(argv, __doc__)).table


if __name__ == "__main__":
    main()

"""One way to start a real `kinerja serve` in tests and benchmarks.

A child process on a free port (or the one asked for), its output in a log file (never an
unread pipe: the server logs a line per request and would block once a pipe filled up),
/healthz polled until it answers 200 (bounded: a server that exits or stays silent is an
error carrying the log's tail, never a blind sleep), and on exit terminated, then killed
if it does not stop. Used by tests/e2e/conftest.py (`running_server`), tests/load.py
(`demo_server`, which `python -m bench bench_load` shares) and
tests/integration/test_serve_workers.py. Imports neither pytest nor Playwright: the
benchmarks import it through tests/load.py.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx

STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0
CLI_TIMEOUT_S = 180.0
POLL_S = 0.05


class ServerStartError(RuntimeError):
    """`kinerja serve` exited, or did not answer /healthz in time; the message ends with
    the tail of its log."""


@dataclass(frozen=True)
class Served:
    """A running `kinerja serve`: where to reach it, its process id and its log."""

    url: str
    port: int
    pid: int
    log: Path


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kinerja(
    *argv: str, env: Mapping[str, str], timeout: float = CLI_TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process (raises CalledProcessError when it fails)."""
    return subprocess.run(
        [sys.executable, "-m", "kinerja", *argv],
        env=dict(env),
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )


@contextmanager
def serve(
    env: Mapping[str, str],
    log: Path,
    *options: str,
    port: int | None = None,
    cwd: Path | None = None,
    startup_timeout: float = STARTUP_TIMEOUT_S,
) -> Iterator[Served]:
    """`kinerja serve --port PORT OPTIONS...` with `env`, stdout and stderr in `log`;
    yields once /healthz answers 200, stops the server on exit."""
    port = port or free_port()
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "kinerja", "serve", "--port", str(port), *options],
            env=dict(env),
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_it_answers(url, process, log, startup_timeout)
            yield Served(url, port, process.pid, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT_S)


def _wait_until_it_answers(
    url: str, process: subprocess.Popen[str], log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        exited = process.poll()
        if exited is not None or time.monotonic() > deadline:
            said = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            why = f"exited with {exited}" if exited is not None else f"silent for {timeout:.0f} s"
            raise ServerStartError(f"kinerja serve {why}: {said}")
        time.sleep(POLL_S)  # the next poll, bounded by the deadline above

"""A real `kinerja serve` process and a real Chromium driven by Playwright.

Chromium is Debian's (`KINERJA_TEST_CHROMIUM`, default /usr/bin/chromium); the
tests skip without it on a laptop and fail under CI=true.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import require_service

CHROMIUM_ENV = "KINERJA_TEST_CHROMIUM"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class LiveServer:
    """A running `kinerja serve` and where to reach it."""

    url: str
    database_url: str
    env: dict[str, str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kinerja(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "kinerja", *argv],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


@contextmanager
def running_server(
    folder: Path, *, seed: tuple[str, ...] = (), extra_env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """`kinerja db upgrade`, `kinerja demo seed SEED...`, then `kinerja serve --demo` on a free
    port, stopped on exit."""
    database_url = f"sqlite:///{folder / 'kinerja.db'}"
    env = {
        **os.environ,
        "KINERJA_DATABASE_URL": database_url,
        "KINERJA_SMTP_PORT": str(free_port()),
        "KINERJA_EVIDENCE_DIR": str(folder / "evidence"),
        **(extra_env or {}),
    }
    kinerja("db", "upgrade", env=env)
    kinerja("demo", "seed", *seed, env=env)
    port = free_port()
    log_path = folder / "serve.log"
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "kinerja", "serve", "--demo", "--no-scheduler", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        # A file, not a pipe: the server logs a lot (one line per request and per email)
        # and would block once an unread pipe filled up.
        stderr=log,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    try:
        while True:  # poll until the server answers (bounded), never sleep blindly
            try:
                if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                err = log_path.read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"kinerja serve did not start: {err[-2000:]}")
            time.sleep(0.05)
        yield LiveServer(url=url, database_url=database_url, env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo year (TW III in flight) served on the system clock."""
    with running_server(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium under Playwright.

    Module-scoped: Playwright's sync API runs an event loop in the main thread while it is
    open, and later tests that start their own loop (asyncio.run) must not meet it.
    """
    executable = os.environ.get(CHROMIUM_ENV, "/usr/bin/chromium")
    require_service(
        Path(executable).is_file(),
        f"browser tests skipped: Chromium not found at {executable} "
        f"(apt-get install chromium, or set {CHROMIUM_ENV})",
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()

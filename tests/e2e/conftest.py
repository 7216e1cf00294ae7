"""A real `kinerja serve` process and a real Chromium driven by Playwright.

Chromium is Debian's (`KINERJA_TEST_CHROMIUM`, default /usr/bin/chromium); the
tests skip without it on a laptop and fail under CI=true.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import require_service
from tests.servers import free_port, kinerja, serve

__all__ = ["CHROMIUM_ARGS", "LiveServer", "free_port", "kinerja", "running_server"]

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


@dataclass(frozen=True)
class LiveServer:
    """A running `kinerja serve` and where to reach it."""

    url: str
    database_url: str
    env: dict[str, str]


@contextmanager
def running_server(
    folder: Path,
    *,
    seed: tuple[str, ...] = (),
    extra_env: dict[str, str] | None = None,
    year: int | None = 2021,
) -> Iterator[LiveServer]:
    """`kinerja db upgrade`, `kinerja demo seed --year YEAR SEED...` (no `--year`: the clock's
    year), then `kinerja serve --demo` on a free port (tests/servers.py), stopped on exit."""
    database_url = f"sqlite:///{folder / 'kinerja.db'}"
    env = {
        **os.environ,
        "KINERJA_DATABASE_URL": database_url,
        "KINERJA_SMTP_PORT": str(free_port()),
        "KINERJA_EVIDENCE_DIR": str(folder / "evidence"),
        **(extra_env or {}),
    }
    kinerja("db", "upgrade", env=env)
    kinerja("demo", "seed", *(("--year", str(year)) if year else ()), *seed, env=env)
    with serve(env, folder / "serve.log", "--demo", "--no-scheduler") as served:
        yield LiveServer(url=served.url, database_url=database_url, env=env)


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

"""Integration fixtures: the CLI run in-process against a real database."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.clock import FixedClock
from kinerja.bootstrap import Container, bootstrap
from kinerja.cli import main
from kinerja.cli.state import CliState
from kinerja.settings import load_settings
from tests.conftest import FIXED_NOW, POSTGRES_ENV, POSTGRES_HINT, require_service
from web.app import create_app


class Cli:
    """Runs `kinerja` in-process with its own environment and a fixed clock."""

    def __init__(
        self,
        url: str,
        clock: FixedClock,
        capsys: pytest.CaptureFixture[str],
        evidence_dir: Path | None = None,
    ) -> None:
        self.environ = {"KINERJA_DATABASE_URL": url}
        if evidence_dir is not None:
            self.environ["KINERJA_EVIDENCE_DIR"] = str(evidence_dir)
        self.clock = clock
        self.capsys = capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        code = main(list(argv), CliState(environ=self.environ, clock=self.clock))
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *argv: str) -> str:
        code, out, err = self(*argv)
        assert code == 0, err
        return out


@pytest.fixture
def cli(
    sqlite_url: str, clock: FixedClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Cli:
    return Cli(sqlite_url, clock, capsys, tmp_path / "evidence")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the demo seeded once per session; tests get copies of it."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    state = CliState(
        environ={"KINERJA_DATABASE_URL": f"sqlite:///{path}"}, clock=FixedClock(FIXED_NOW)
    )
    assert main(["db", "upgrade"], state) == 0
    assert (
        main(["demo", "seed", "--year", "2021"], CliState(environ=state.environ, clock=state.clock))
        == 0
    )
    return path


@pytest.fixture
def demo_cli(
    demo_template: Path, tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> Cli:
    """The CLI on a private copy of the seeded demo database."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    capsys.readouterr()
    return Cli(f"sqlite:///{path}", clock, capsys, tmp_path / "evidence")


class WebClient:
    """A TestClient of the real app with helpers to sign in and post forms with the CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def login(self, login: str, password: str = "demo") -> None:
        """Sign in through the login form (asserts it worked)."""
        form = self.client.get("/masuk")
        token = csrf_of(form.text)
        response = self.client.post(
            "/masuk",
            data={"login": login, "password": password, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[-2000:]

    def logout(self) -> None:
        """Sign out through the header's form."""
        page = self.client.get("/akun")
        self.client.post("/keluar", data={"csrf_token": csrf_of(page.text)})

    def csrf(self, path: str = "/akun") -> str:
        """The CSRF token printed in a page's forms."""
        return csrf_of(self.client.get(path).text)

    def submit(
        self,
        path: str,
        data: dict[str, Any],
        *,
        page: str | None = None,
        files: Any = None,
        follow_redirects: bool = False,
    ) -> Any:
        """POST a form with the CSRF token of `page` (default: the account page)."""
        token = self.csrf(page or "/akun")
        return self.client.post(
            path,
            data={**data, "csrf_token": token},
            files=files,
            follow_redirects=follow_redirects,
        )


def csrf_of(html: str) -> str:
    """The first CSRF token in a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None, "no CSRF token on the page"
    return match.group(1)


@contextmanager
def container_of(
    database_url: str, tmp_path: Path, clock: FixedClock, **settings: str
) -> Iterator[Container]:
    """The demo-mode container of a database (evidence in tmp_path, a fixed secret key), with
    more settings by name (`trusted_proxies="10.0.0.1"` sets KINERJA_TRUSTED_PROXIES)."""
    environ = {
        "KINERJA_DATABASE_URL": database_url,
        "KINERJA_EVIDENCE_DIR": str(tmp_path / "evidence"),
        "KINERJA_SECRET_KEY": "test-secret",
    } | {f"KINERJA_{name.upper()}": value for name, value in settings.items()}
    built = bootstrap(load_settings(environ), clock=clock, demo=True)
    try:
        yield built
    finally:
        built.close()


@contextmanager
def demo_copy(
    demo_template: Path, tmp_path: Path, clock: FixedClock, **settings: str
) -> Iterator[Container]:
    """The container of a private copy of the demo database (see `container_of`)."""
    path = tmp_path / "web.db"
    shutil.copyfile(demo_template, path)
    with container_of(f"sqlite:///{path}", tmp_path, clock, **settings) as built:
        yield built


@pytest.fixture
def web_container(demo_template: Path, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    """The container of a private copy of the demo database (evidence in tmp_path)."""
    with demo_copy(demo_template, tmp_path, clock) as built:
        yield built


@pytest.fixture
def web(web_container: Container) -> Iterator[WebClient]:
    """A client of the real app over the demo data, not signed in."""
    with TestClient(create_app(web_container)) as client:
        yield WebClient(client)


@pytest.fixture
def web_factory(web_container: Container) -> Iterator[Callable[[], WebClient]]:
    """More clients (browsers) of the same app and database."""
    app = create_app(web_container)
    clients: list[TestClient] = []

    def make() -> WebClient:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return WebClient(client)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def seeded_url(
    database_url: str, demo_template: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> str:
    """The demo database on the backend under test (SQLite: a copy of the seeded file;
    PostgreSQL: a copy of the session's seeded template database)."""
    if database_url.startswith("sqlite"):
        path = tmp_path / "seeded.db"
        shutil.copyfile(demo_template, path)
        return f"sqlite:///{path}"
    clone_postgres(request.getfixturevalue("postgres_demo_template"), database_url)
    return database_url


def seed_demo(database_url: str) -> None:
    """Migrate and seed the demo through the CLI, on the session's fixed clock."""
    state = CliState(environ={"KINERJA_DATABASE_URL": database_url}, clock=FixedClock(FIXED_NOW))
    try:
        assert main(["db", "upgrade"], state) == 0
        assert main(["demo", "seed", "--year", "2021"], state) == 0
    finally:
        state.close()


@pytest.fixture(scope="session")
def postgres_demo_template() -> Iterator[str]:
    """A PostgreSQL database with the demo seeded once per session (about 7 s); each test's
    database is a copy of it (CREATE DATABASE ... TEMPLATE, a fraction of a second), as the
    SQLite tests copy `demo_template`."""
    server = os.environ.get(POSTGRES_ENV)
    require_service(bool(server), POSTGRES_HINT)
    assert server is not None
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"kinerja_template_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        seed_demo(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def clone_postgres(template_url: str, target_url: str) -> None:
    """Replace the (empty) database of `target_url` by a copy of `template_url`'s."""
    template, target = make_url(template_url).database, make_url(target_url).database
    admin = create_engine(
        make_url(target_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{target}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{template}"'))
    finally:
        admin.dispose()


@pytest.fixture
def seeded_container(seeded_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    """The container of `seeded_url` (either backend)."""
    with container_of(seeded_url, tmp_path, clock) as built:
        yield built


@pytest.fixture
def seeded_admin(seeded_container: Container) -> Iterator[WebClient]:
    """The administrator, signed in, on `seeded_container`'s app."""
    with TestClient(create_app(seeded_container)) as client:
        web = WebClient(client)
        web.login("admin", "admin")
        yield web

"""Integration fixtures: the CLI run in-process against a real database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.clock import FixedClock
from kinerja.cli import main
from kinerja.cli.state import CliState
from tests.conftest import FIXED_NOW


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
    assert main(["demo", "seed"], CliState(environ=state.environ, clock=state.clock)) == 0
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

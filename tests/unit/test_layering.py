"""Imports flow one way: kinerja, web -> documents -> notifications, db -> workflows -> engine.

Walks every module's import statements (without importing anything) and fails
on an import against the flow; also checks that importing the top-level
packages opens nothing (no engine, no socket, no settings read).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGES = ("engine", "workflows", "db", "notifications", "documents", "web", "kinerja")
ALLOWED: dict[str, set[str]] = {
    "engine": set(),
    "workflows": {"engine"},
    "db": {"engine", "workflows"},
    "notifications": {"engine", "workflows", "db"},
    "documents": {"engine", "workflows", "db", "notifications"},
    "web": {"engine", "workflows", "db", "notifications", "documents"},
    "kinerja": {"engine", "workflows", "db", "notifications", "documents", "web"},
}


def project_imports(path: Path) -> set[str]:
    """Top-level project packages imported by a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in PACKAGES)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_flow_one_way(package: str) -> None:
    violations = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for imported in project_imports(path) - ALLOWED[package] - {package}:
            violations.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert violations == []


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from db.models import Holiday\nimport web.app\nimport os\n")
    assert project_imports(module) == {"db", "web"}


def test_engine_reads_no_wall_clock_outside_the_clock() -> None:
    offenders = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        if path.name == "clock.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("datetime.now(", "date.today(", "time.time(", "os.environ"):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


def test_importing_everything_opens_nothing() -> None:
    """A fresh interpreter imports all packages with an unusable database URL and no sockets."""
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise SystemExit('socket opened at import time')\n"
        "socket.socket.connect = refuse\n"
        "import engine.org, engine.calendar, db.models, db.org_import, web.app, kinerja.cli\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"KINERJA_DATABASE_URL": "postgresql+psycopg://nobody@203.0.113.1/none"},
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr

"""Imports flow one way, and each package uses only the infrastructure that is its job.

kinerja -> web, notifications, documents, db -> workflows -> engine; web may use
documents to render files. engine and workflows import no infrastructure (no
SQLAlchemy, SQLModel, FastAPI, Jinja2, aiosmtplib); web and notifications no
SQLAlchemy or SQLModel (they call use cases through a unit of work). The checker
walks every module's import statements without importing anything; it also checks that
importing the top-level packages opens nothing (no engine, no socket, no settings read).
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
    "notifications": {"engine", "workflows"},
    "documents": {"engine", "workflows"},
    "web": {"engine", "workflows", "documents"},
    "kinerja": {"engine", "workflows", "db", "notifications", "documents", "web"},
}
INFRASTRUCTURE = {
    "sqlalchemy", "sqlmodel", "alembic", "psycopg", "fastapi", "starlette", "jinja2",
    "aiosmtplib", "aiosmtpd", "apscheduler", "uvicorn", "typer", "openpyxl", "docx", "yaml",
    "httpx", "holidays", "argon2", "itsdangerous",
}  # fmt: skip
FORBIDDEN_THIRD_PARTY: dict[str, set[str]] = {
    "engine": INFRASTRUCTURE,
    "workflows": INFRASTRUCTURE,
    "web": {"sqlalchemy", "sqlmodel", "alembic", "psycopg"},
    "notifications": {"sqlalchemy", "sqlmodel", "alembic", "psycopg"},
}


def imports_of(path: Path) -> set[str]:
    """Top-level names of every absolute import in a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def project_imports(path: Path) -> set[str]:
    """Top-level project packages imported by a module."""
    return imports_of(path) & set(PACKAGES)


def violations_of(package: str) -> set[str]:
    """Every import of `package` against the flow or of infrastructure it must not use."""
    found = set()
    for path in sorted((ROOT / package).rglob("*.py")):
        imported = imports_of(path)
        where = path.relative_to(ROOT)
        for name in (imported & set(PACKAGES)) - ALLOWED[package] - {package}:
            found.add(f"{where} imports {name}")
        for name in imported & FORBIDDEN_THIRD_PARTY.get(package, set()):
            found.add(f"{where} imports {name}")
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_flow_one_way(package: str) -> None:
    assert violations_of(package) == set()


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from db.models import Holiday\nimport web.app\nimport os\nimport sqlmodel\n")
    assert project_imports(module) == {"db", "web"}
    assert imports_of(module) == {"db", "web", "os", "sqlmodel"}


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
        "import engine.org, engine.calendar, db.models, db.uow, web.app, kinerja.cli\n"
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


SESSION_CALLS = {"Session", "sessionmaker", "transaction"}
TRANSACTION_METHODS = {"begin", "begin_nested"}
ADAPTERS = ("web", "notifications", "kinerja")
MAY_HANDLE_SESSIONS = {"kinerja/bootstrap.py", "kinerja/demo/generate.py"}
"""The bootstrap builds the engine; the regency generator writes rows in bulk for speed (its
output passes `kinerja audit verify`: tests/integration/test_generate.py)."""


def session_handling(path: Path) -> list[str]:
    """Where a module opens a session or a transaction, or imports SQLModel."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in SESSION_CALLS:
                found.append(f"{func.id}() at line {node.lineno}")
            elif isinstance(func, ast.Attribute) and (
                func.attr in TRANSACTION_METHODS
                or (func.attr == "connect" and ast.unparse(func.value).endswith("engine"))
            ):
                found.append(f".{func.attr}() at line {node.lineno}")
        elif isinstance(node, ast.ImportFrom | ast.Import) and "sqlmodel" in imports_of_node(node):
            found.append(f"imports sqlmodel at line {node.lineno}")
    return found


def imports_of_node(node: ast.Import | ast.ImportFrom) -> set[str]:
    """Top-level names one import statement brings in."""
    if isinstance(node, ast.Import):
        return {alias.name.split(".")[0] for alias in node.names}
    return {node.module.split(".")[0]} if node.module and node.level == 0 else set()


def test_routes_commands_and_jobs_handle_no_sessions() -> None:
    """web/, notifications/ and kinerja/ call use cases with a unit of work; none opens a
    session or a transaction itself."""
    offenders = []
    for package in ADAPTERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            if where in MAY_HANDLE_SESSIONS:
                continue
            offenders += [f"{where}: {found}" for found in session_handling(path)]
    assert offenders == []


def test_the_session_check_sees_them(tmp_path: Path) -> None:
    module = tmp_path / "route.py"
    module.write_text(
        "from sqlmodel import Session\n"
        "with Session(engine) as s, transaction(engine) as t:\n"
        "    container.engine.connect().begin()\n"
    )
    assert session_handling(module) == [
        "imports sqlmodel at line 1",
        "Session() at line 2",
        "transaction() at line 2",
        ".begin() at line 3",
        ".connect() at line 3",
    ]


def test_db_is_small_modules_by_capability() -> None:
    """db/ holds at most 20 modules (migrations aside), none over 400 lines."""
    modules = [p for p in (ROOT / "db").rglob("*.py") if "migrations" not in p.parts]
    assert len(modules) <= 20, sorted(str(p.relative_to(ROOT)) for p in modules)
    long = [str(p.relative_to(ROOT)) for p in modules if len(p.read_text().splitlines()) > 400]
    assert long == []

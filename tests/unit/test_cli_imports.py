"""The CLI imports what a command uses when the command runs (issue 14).

`kinerja --help` must not pay for SQLAlchemy, the web stack or the document writers; these
tests hold that without timing anything, in a fresh interpreter each.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlmodel", "sqlalchemy", "alembic", "fastapi", "openpyxl", "docx", "jinja2", "uvicorn")


def imported_after(statement: str) -> list[str]:
    """The HEAVY packages a fresh interpreter holds after running `statement`."""
    probe = (
        f"{statement}\n"
        "import json, sys\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_cli_imports_no_database_web_or_documents() -> None:
    assert imported_after("import kinerja.cli") == []


def test_help_imports_no_database_web_or_documents() -> None:
    statement = (
        "import contextlib, io\n"
        "from kinerja.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['--help']) == 0\n"
        "    assert main(['report', 'show', '--help']) == 0\n"
    )
    assert imported_after(statement) == []


def test_the_bootstrap_imports_no_database_web_or_documents() -> None:
    assert imported_after("import kinerja.bootstrap") == []


def test_the_schema_check_does_not_need_alembic() -> None:
    """Every command checks the schema: the usual answer (at head) comes without Alembic."""
    assert "alembic" not in imported_after("import db.migrate")


def test_the_shipped_head_read_from_the_files_is_alembics() -> None:
    from sqlalchemy import create_engine

    from db.migrate import head_revision, shipped_head

    assert shipped_head() is not None
    assert shipped_head() == head_revision(create_engine("sqlite://"))


def test_the_demo_default_year_spelled_in_the_cli_is_the_generators() -> None:
    from kinerja.cli.demo_cmd import DEFAULT_YEAR
    from kinerja.demo.generate import DEFAULT_YEAR as GENERATOR_YEAR

    assert DEFAULT_YEAR == GENERATOR_YEAR

"""Every setting the code reads is in the README's table, `kinerja config` and the admin's
settings page; `kinerja config` works without a database; a `.env` file is read as the README
says (KINERJA_* lines of ./.env, the real environment wins)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kinerja.cli import main
from kinerja.cli.state import CliState
from kinerja.settings import ENV_PREFIX, Settings, apply_env_file, read_env_file
from tests.integration.conftest import Cli, WebClient

ROOT = Path(__file__).resolve().parents[2]
CODE = ("engine", "workflows", "db", "documents", "notifications", "web", "kinerja")
NOT_SETTINGS = {"KINERJA_"}  # the prefix itself, in the settings' own code
VARIABLE = re.compile(r"\bKINERJA_[A-Z][A-Z0-9_]*\b")


def defined() -> set[str]:
    return {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields}


def read_by_code() -> set[str]:
    """Every KINERJA_* name the product's code mentions (bench and tests have their own)."""
    names: set[str] = set()
    for package in CODE:
        for path in (ROOT / package).rglob("*.py"):
            names |= set(VARIABLE.findall(path.read_text(encoding="utf-8")))
    return names - NOT_SETTINGS


def readme_table() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(KINERJA_[A-Z0-9_]+)` \|", section, re.MULTILINE)


def test_code_reads_only_defined_settings() -> None:
    """A variable read outside kinerja/settings.py is a settings field too (KINERJA_SOFFICE)."""
    assert read_by_code() <= defined(), sorted(read_by_code() - defined())


def test_readme_table_lists_every_setting_once() -> None:
    rows = readme_table()
    assert len(rows) == len(set(rows)), "a setting is listed twice"
    assert set(rows) == defined(), (
        f"missing from README: {sorted(defined() - set(rows))}; "
        f"not settings: {sorted(set(rows) - defined())}"
    )


def test_config_prints_every_setting(cli: Cli) -> None:
    out = cli.ok("config")
    printed = {line.split("=", 1)[0] for line in out.splitlines() if not line.startswith("#")}
    assert printed == defined()


def test_admin_page_shows_every_setting(web: WebClient) -> None:
    web.login("admin", "admin")
    page = web.get("/admin/pengaturan")
    assert page.status_code == 200
    shown = set(re.findall(r"<code>(KINERJA_[A-Z0-9_]+)</code>", page.text))
    assert shown == defined()
    assert "Program LibreOffice (soffice) pembuat PDF" in page.text  # the meaning column


def test_config_before_db_upgrade_creates_nothing(tmp_path: Path, cli: Cli) -> None:
    """The database file does not exist yet: the settings, and a line saying so."""
    missing = tmp_path / "belum" / "kinerja.db"
    cli.environ["KINERJA_DATABASE_URL"] = f"sqlite:///{missing}"
    code, out, err = cli("config")
    assert code == 0, err
    assert f"KINERJA_DATABASE_URL=sqlite:///{missing}" in out
    assert out.splitlines()[-1] == (
        f"# Basis data: berkas {missing} belum ada; jalankan `kinerja db upgrade`"
    )
    assert not missing.parent.exists()


def test_config_on_an_empty_database(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "kosong.db").write_bytes(b"")
    cli.environ["KINERJA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'kosong.db'}"
    code, out, _ = cli("config")
    assert code == 0
    assert re.search(r"# Basis data: Skema basis data kosong, versi terbaru \w+: jalankan", out)


def test_config_with_the_database_down(cli: Cli) -> None:
    """Nothing listens on port 1: the settings are printed, then the refusal in one line."""
    cli.environ["KINERJA_DATABASE_URL"] = "postgresql+psycopg://kinerja:rahasia@127.0.0.1:1/k"
    code, out, err = cli("config")
    assert code == 0, err
    last = out.splitlines()[-1]
    assert last.startswith("# Basis data: tidak dapat dibuka (postgresql+psycopg://kinerja:***@")
    assert "rahasia" not in out


def test_config_on_the_demo(demo_cli: Cli) -> None:
    out = demo_cli.ok("config")
    assert re.search(r"^# Basis data: terhubung, skema terbaru \(versi \w+\)$", out, re.MULTILINE)
    assert "KINERJA_SMTP_PASSWORD=\n" in out


def test_env_file_values_never_override_the_environment(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        "# Kinerja di server dinas\n"
        'KINERJA_SMTP_SENDER="Kinerja Gresik <kinerja@gresik.go.id>"\n'
        "export KINERJA_SWEEP_HOUR=7\n"
        "KINERJA_LOG_LEVEL=DEBUG  # komentar\n"
        "PATH=/tidak/dipakai\n",
        encoding="utf-8",
    )
    assert read_env_file(path) == {
        "KINERJA_SMTP_SENDER": "Kinerja Gresik <kinerja@gresik.go.id>",
        "KINERJA_SWEEP_HOUR": "7",
        "KINERJA_LOG_LEVEL": "DEBUG",
    }
    environ = {"KINERJA_LOG_LEVEL": "WARNING", "PATH": "/usr/bin"}
    assert apply_env_file(path, environ) == path.resolve()
    assert environ == {
        "KINERJA_LOG_LEVEL": "WARNING",
        "PATH": "/usr/bin",
        "KINERJA_SMTP_SENDER": "Kinerja Gresik <kinerja@gresik.go.id>",
        "KINERJA_SWEEP_HOUR": "7",
    }
    assert apply_env_file(tmp_path / "tidak-ada.env", environ) is None


def test_cli_reads_dot_env_of_the_working_directory(
    tmp_path: Path,
    demo_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`kinerja config` run where a .env lies: its values are in force, the environment's win."""
    (tmp_path / ".env").write_text(
        f"KINERJA_DATABASE_URL=sqlite:///{demo_template}\nKINERJA_SWEEP_HOUR=6\n"
        "KINERJA_SESSION_HOURS=2\n",
        encoding="utf-8",
    )
    for name in ("KINERJA_DATABASE_URL", "KINERJA_SWEEP_HOUR", "KINERJA_SESSION_HOURS"):
        monkeypatch.setenv(name, "x")  # recorded, so that the test's end removes it again
        monkeypatch.delenv(name)
    monkeypatch.setenv("KINERJA_SESSION_HOURS", "8")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["config"], CliState()) == 0
    out = capsys.readouterr().out
    assert "KINERJA_SWEEP_HOUR=6\n" in out
    assert "KINERJA_SESSION_HOURS=8\n" in out
    assert f"# Berkas .env dibaca: {tmp_path / '.env'}" in out
    assert "# Basis data: terhubung" in out
    assert os.environ["KINERJA_SWEEP_HOUR"] == "6"


def test_every_setting_has_its_meaning_in_indonesian() -> None:
    from kinerja.settings_meaning import MEANINGS

    assert set(MEANINGS) == set(Settings.model_fields)
    assert all(MEANINGS.values())

"""`kinerja serve --workers 2` without KINERJA_SECRET_KEY: the workers share one key.

Each worker used to make its own random key, so a login answered by one worker and the next
page by the other sent the user back to /masuk (issue 15: 1 of 4 logins refused as
"Formulir kedaluwarsa", 7 of 24 page loads lost their session). Here ten fresh browsers sign
in and each opens Tugas Saya three times against two real uvicorn workers: every login and
every page answers as the signed-in user. On PostgreSQL, where several instances may share
the database, a missing key is refused before anything starts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx2 as httpx
import pytest
import typer

from kinerja.cli.serve_cmd import _shared_secret_key
from kinerja.settings import load_settings
from tests.servers import kinerja, serve

LOGIN = "hendra.wibisono@diskoperindag-gresik.test"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_ten_logins_against_two_workers_without_a_key_all_hold(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KINERJA_SECRET_KEY"}
    env |= {
        "KINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'kinerja.db'}",
        "KINERJA_EVIDENCE_DIR": str(tmp_path / "evidence"),
        "KINERJA_FIXED_NOW": "2021-10-08T09:00:00+07:00",
    }
    kinerja("db", "upgrade", env=env)
    kinerja("demo", "seed", "--year", "2021", env=env)
    options = ("--workers", "2", "--no-scheduler")
    # Answered by /healthz: at least one worker is up; a login answered by either is tested.
    with serve(env, tmp_path / "serve.log", *options) as server:
        answers: list[tuple[int, int, bool]] = []
        for _ in range(10):
            # A new connection per request, as browsers behind a proxy do: a kept-alive
            # connection stays with one worker and would hide the other's key.
            with httpx.Client(
                base_url=server.url, timeout=30.0, headers={"Connection": "close"}
            ) as browser:
                form = browser.get("/masuk")
                token = _CSRF.search(form.text)
                assert token is not None
                signed = browser.post(
                    "/masuk",
                    data={"login": LOGIN, "password": "demo", "csrf_token": token.group(1)},
                )
                for _ in range(3):
                    page = browser.get("/tugas")
                    answers.append(
                        (signed.status_code, page.status_code, "Tugas Saya" in page.text)
                    )
        assert answers == [(303, 200, True)] * 30
    said = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "satu kunci acak dibuat untuk 2 proses pekerja" in said


def test_postgresql_without_a_key_is_refused_and_one_process_on_sqlite_is_not() -> None:
    on_postgres = load_settings({"KINERJA_DATABASE_URL": "postgresql+psycopg://u@h/db"})
    with pytest.raises(typer.BadParameter, match="KINERJA_SECRET_KEY wajib diisi"):
        _shared_secret_key(on_postgres, 1)
    on_sqlite = load_settings({"KINERJA_DATABASE_URL": "sqlite:///x.db"})
    assert _shared_secret_key(on_sqlite, 1) is None
    shared = _shared_secret_key(on_sqlite, 4)
    assert shared is not None and len(shared) >= 48
    keyed = load_settings({"KINERJA_DATABASE_URL": "postgresql+psycopg://u@h/db",
                           "KINERJA_SECRET_KEY": "k" * 48})  # fmt: skip
    assert _shared_secret_key(keyed, 4) is None

"""docs/deploy.md, "First deployment, step by step", followed as written: the environment
file of the page loaded the documented way (`set -a; . file; set +a`), an EMPTY PostgreSQL
database, `kinerja db upgrade`, `kinerja config`, `kinerja admin create admin --link`, the
link opened over HTTP to choose the password, the admin signed in, the organisation and
catalogue imported with the page's commands, a Kepala Seksi added, assigned and invited,
the invitation delivered to an SMTP server, and the Kepala Seksi signed in with the
password chosen through its link.

PostgreSQL comes from KINERJA_TEST_POSTGRES_URL (skipped without it; a failure under
CI=true, as every service test)."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.e2e.conftest import free_port
from tests.integration.test_dispatcher import EphemeralController, Inbox
from tests.servers import kinerja, serve

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deploy.md"
ENV_BLOCK = re.compile(r"```sh\n(# /etc/kinerja/kinerja\.env\n.*?)```", re.DOTALL)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SENDER = "Kinerja Diskoperindag <kinerja@gresikkab.go.id>"
KASI = "Kepala Seksi Produksi dan Pemasaran Usaha Mikro"
KASI_EMAIL = "sari.kasi@gresikkab.go.id"


@pytest.fixture
def sink() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = EphemeralController(inbox)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def systemd_reading(text: str) -> dict[str, str]:
    """The variables as systemd's EnvironmentFile= reads these simple lines: comments on
    their own lines, NAME=value, double quotes around a value removed."""
    found = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        found[name.strip()] = value
    return found


def shell_reading(path: Path) -> dict[str, str]:
    """The environment a shell has after the page's `set -a; . FILE; set +a`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
    script = f"set -a; . '{path}'; set +a; env -0"
    done = subprocess.run(
        ["bash", "-c", script], env=clean, capture_output=True, text=True, check=True
    )
    return dict(item.split("=", 1) for item in done.stdout.split("\0") if "=" in item)


def csrf_of(response: httpx.Response) -> str:
    found = CSRF.search(response.text)
    assert found is not None, response.text[:500]
    return found.group(1)


def set_password(client: httpx.Client, path: str, password: str, heading: str) -> None:
    shown = client.get(path)
    assert shown.status_code == 200 and heading in shown.text
    sent = client.post(
        path, data={"password": password, "repeat": password, "csrf_token": csrf_of(shown)}
    )
    assert (sent.status_code, sent.headers["location"]) == (303, "/masuk?sandi=baru")


def sign_in(client: httpx.Client, login: str, password: str) -> None:
    form = client.get("/masuk")
    sent = client.post(
        "/masuk", data={"login": login, "password": password, "csrf_token": csrf_of(form)}
    )
    assert sent.status_code == 303, sent.text[:500]


def test_from_an_empty_postgresql_to_an_invited_kepala_seksi(
    postgres_url: str, tmp_path: Path, sink: tuple[Inbox, int]
) -> None:
    doc = DOC.read_text(encoding="utf-8")
    for command in (
        "kinerja db upgrade",
        "kinerja config",
        "kinerja admin create admin --link",
        "kinerja holidays seed",
        "kinerja org import",
        "kinerja catalog import",
        "set -a; . /etc/kinerja/kinerja.env; set +a",
        "EnvironmentFile=/etc/kinerja/kinerja.env",
    ):
        assert command in doc, f"docs/deploy.md no longer says {command!r}"

    # The page's environment file: a shell and systemd read the same values from it.
    found = ENV_BLOCK.search(doc)
    assert found is not None, "docs/deploy.md lost its /etc/kinerja/kinerja.env block"
    written = tmp_path / "kinerja.env"
    written.write_text(found.group(1), encoding="utf-8")
    as_systemd = systemd_reading(found.group(1))
    as_shell = shell_reading(written)
    assert as_systemd["KINERJA_SMTP_SENDER"] == SENDER
    assert {k: as_shell[k] for k in as_systemd} == as_systemd

    # This host's values in the same file: the empty test database, a port, the SMTP sink.
    inbox, smtp_port = sink
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    here = {
        "KINERJA_DATABASE_URL": postgres_url,
        "KINERJA_BASE_URL": base,
        "KINERJA_EVIDENCE_DIR": str(tmp_path / "evidence"),
        "KINERJA_SMTP_HOST": "127.0.0.1",
        "KINERJA_SMTP_PORT": str(smtp_port),
        "KINERJA_SMTP_SECURITY": "none",
        "KINERJA_SMTP_USER": "",
        "KINERJA_SMTP_PASSWORD": "",
    }
    lines = [
        f"{name}={here[name]}" if (name := line.partition("=")[0]) in here else line
        for line in found.group(1).splitlines()
    ]
    written.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = shell_reading(written)
    assert env["KINERJA_SMTP_SENDER"] == SENDER and env["KINERJA_DATABASE_URL"] == postgres_url

    # 4. The settings (no schema yet: the last line says so), the schema, the settings again.
    before = kinerja("config", env=env).stdout
    assert base in before and "# Basis data:" in before and "skema terbaru" not in before
    assert "Skema dinaikkan dari kosong" in kinerja("db", "upgrade", env=env).stdout
    config = kinerja("config", env=env).stdout
    assert base in config and "postgresql" in config and "skema terbaru" in config

    # 5. The first administrator, with a link printed once; the login cannot be taken twice.
    created = kinerja("admin", "create", "admin", "--link", env=env).stdout
    assert "Administrator 'admin' dibuat." in created
    link = re.search(re.escape(base) + r"(/masuk/sandi/[A-Za-z0-9_-]+)", created)
    assert link is not None, created
    with pytest.raises(subprocess.CalledProcessError) as again:
        kinerja("admin", "create", "admin", "--link", env=env)
    assert "sudah dipakai" in again.value.stderr

    # 8. The organisation and the catalogue, with the page's commands.
    kinerja("holidays", "seed", env=env)
    kinerja("org", "import", str(ROOT / "kinerja/data/gresik-diskoperindag.yaml"), env=env)
    catalogue = ROOT / "kinerja/data/gresik-diskoperindag-2021-catalog.yaml"
    kinerja("catalog", "import", str(catalogue), env=env)

    with (
        serve(env, tmp_path / "serve.log", "--no-scheduler", port=port),
        httpx.Client(base_url=base) as admin,
        httpx.Client(base_url=base) as kasi,
    ):
        # 7. The link chooses the password; the admin signs in.
        set_password(admin, link.group(1), "Sandi-Admin-Gresik-1", "Buat kata sandi akun Anda")
        assert admin.get(link.group(1)).status_code == 410  # used once
        sign_in(admin, "admin", "Sandi-Admin-Gresik-1")
        assert "Log admin" in admin.get("/admin").text

        # The Kepala Seksi: an official, the post from the start of the year, an invitation.
        form = admin.get("/admin/pegawai/baru")
        added = admin.post(
            "/admin/pegawai/baru",
            data={
                "nip": "198503152010012001",
                "name": "Sari Wulandari, S.E.",
                "email": KASI_EMAIL,
                "csrf_token": csrf_of(form),
            },
        )
        assert added.status_code == 303, added.text[:500]
        official_id = re.search(r"/admin/pegawai/(\d+)", added.headers["location"])
        assert official_id is not None
        form = admin.get("/admin/penugasan/baru")
        position = re.search(r'<option value="(\d+)">(?:– )*' + KASI + "</option>", form.text)
        assert position is not None, "the imported organisation lacks the Kepala Seksi"
        assigned = admin.post(
            "/admin/penugasan/baru",
            data={
                "official_id": official_id.group(1),
                "position_id": position.group(1),
                "status": "definitif",
                "valid_from": "2021-01-04",
                "csrf_token": csrf_of(form),
            },
        )
        assert assigned.status_code == 303, assigned.text[:500]
        form = admin.get(f"/admin/akun/baru?pegawai={official_id.group(1)}")
        invited = admin.post(
            "/admin/akun/baru",
            data={
                "official_id": official_id.group(1),
                "login": KASI_EMAIL,
                "password": "",
                "csrf_token": csrf_of(form),
            },
        )
        assert invited.headers["location"] == "/admin/akun?ok=undangan-dikirim"

        # 9. The invitation reaches the SMTP server; its link; the Kepala Seksi signs in.
        kinerja("outbox", "send", env=env)
        (mail,) = [m for m in inbox.received if KASI_EMAIL in m.rcpt_tos]
        assert mail.message["From"] == SENDER
        body = mail.message.get_body(preferencelist=("plain",))
        assert body is not None
        text = body.get_content()
        invitation = re.search(re.escape(base) + r"(/masuk/sandi/[A-Za-z0-9_-]+)", text)
        assert invitation is not None, text
        set_password(kasi, invitation.group(1), "Sandi-Sari-2021", "Buat kata sandi akun Anda")
        sign_in(kasi, "198503152010012001", "Sandi-Sari-2021")
        tasks = kasi.get("/tugas")
        assert tasks.status_code == 200 and "Sari Wulandari" in tasks.text
        log = admin.get("/admin/log").text
        assert "Undangan akun dikirim" in log and "Impor organisasi" in log

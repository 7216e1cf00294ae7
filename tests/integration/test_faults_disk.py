"""Fault: the disk holding evidence uploads is full.

The evidence directory of the real app is a 256 KiB tmpfs (mounted by the test, which needs
root: CI runs as root; elsewhere the test skips with a message). Uploads of 100 KB fill it;
the one that no longer fits is refused with a clear message in Bahasa Indonesia (page and
API), no partial or temporary file is left behind, no evidence row is written, and the
evidence stored before stays intact and downloadable.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from db.accounts import find_account
from db.database import transaction
from db.signin import create_token
from db.workflow_models import Evidence
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from tests.conftest import require_service
from tests.integration.conftest import WebClient
from tests.integration.test_web_pages import KASI, OCTOBER, report_id

SIZE = "256k"
UPLOAD = 100_000
FULL = "Penyimpanan bukti penuh"


def png(n: int) -> bytes:
    """A distinct PNG-looking file of UPLOAD bytes (the content check reads the signature)."""
    head = b"\x89PNG\r\n\x1a\n"
    return head + hashlib.sha256(str(n).encode()).digest() * ((UPLOAD - len(head)) // 32 + 1)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """tmp_path/evidence (the web container's evidence dir) as a 256 KiB tmpfs."""
    target = tmp_path / "evidence"
    target.mkdir()
    hint = "full-disk test skipped: mounting a tmpfs needs root (CI runs as root)"
    require_service(os.geteuid() == 0 and shutil.which("mount") is not None, hint)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0700", "tmpfs", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    require_service(mounted.returncode == 0, f"{hint}; mount said: {mounted.stderr.strip()}")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False, capture_output=True)


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def evidence_rows(container: Container, rid: int) -> list[Evidence]:
    with Session(container.engine) as session:
        return list(session.exec(select(Evidence).where(Evidence.report_id == rid)))


def test_a_full_evidence_disk_is_a_clear_error_and_leaves_nothing_behind(
    small_disk: Path, web: WebClient, web_container: Container, clock: FixedClock
) -> None:
    clock.set(OCTOBER)
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    web.login(KASI)
    page = f"/laporan/{rid}"

    def upload(n: int) -> object:
        return web.submit(
            f"{page}/bukti", {}, page=page, files={"berkas": (f"foto {n}.png", png(n), "image/png")}
        )

    stored = 0
    while stored < 5:
        response = upload(stored)
        if getattr(response, "status_code", None) != 303:
            break
        stored += 1
    assert stored == 2, "two uploads of 100 KB fit in 256 KiB, the third does not"
    assert getattr(response, "status_code", None) == 422
    text = str(getattr(response, "text", ""))
    assert FULL in text and "foto 2.png" in text and "Hubungi administrator" in text
    assert 'id="upload-error"' in text

    with transaction(web_container.engine) as session:
        account = find_account(session, KASI)
        assert account is not None and account.id is not None
        raw, _ = create_token(session, account.id, "uji disk penuh", clock.now())
    refused = web.client.post(
        f"/api/v1/reports/{rid}/evidence",
        files={"file": ("foto 3.png", png(3), "image/png")},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "invalid" and error["message"].startswith(FULL)

    # Nothing half-written: only the two stored files, no temporary ".part" file, no row.
    rows = evidence_rows(web_container, rid)
    assert [row.filename for row in rows] == ["foto 0.png", "foto 1.png"]
    on_disk = files_under(small_disk)
    assert sorted(p.name for p in on_disk) == ["foto 0.png", "foto 1.png"]
    assert not [p for p in small_disk.rglob("*") if p.name.startswith(".upload-")]
    # The evidence stored before the disk filled up is intact and still served.
    assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in on_disk} == {
        row.sha256 for row in rows
    }
    for row in rows:
        assert web.get(f"/bukti/{row.id}").content == png(int(row.filename[5]))

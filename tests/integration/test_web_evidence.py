"""The evidence routes through the real app on SQLite and PostgreSQL (issue 17 item 3):
the sandboxed inline answer and who may see it, withdraw and replace through the forms, and
refusals that are 4xx with nothing written."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlmodel import Session, select

from db.workflow_models import Evidence
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient
from tests.integration.test_web_pages import KASI, OTHER_KASI, october, report_id  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ZIP_AS_PNG = b"PK\x03\x04" + b"\x00" * 40


def rows(container: Container, rid: int) -> list[Evidence]:
    with Session(container.engine) as session:
        return list(session.exec(select(Evidence).where(Evidence.report_id == rid)))


def upload(web: WebClient, rid: int, name: str, data: bytes, **fields: str) -> object:
    return web.submit(
        f"/laporan/{rid}/bukti", fields, page=f"/laporan/{rid}",
        files={"berkas": (name, data, "application/octet-stream")},
    )  # fmt: skip


def test_preview_withdraw_and_replace_through_the_pages(
    web: WebClient,
    web_factory: Callable[[], WebClient],
    web_container: Container,
    october: FixedClock,  # noqa: F811
) -> None:
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    web.login(KASI)
    page = web.get(f"/laporan/{rid}").text
    assert "PDF, PNG, JPG, XLSX, DOCX, CSV, TXT; paling besar 10 MB" in page
    assert 'accept=".pdf,.png,.jpg,.jpeg,.xlsx,.docx,.csv,.txt"' in page
    # Content that is not its extension: 422, a clear message, nothing stored.
    refused = upload(web, rid, "foto.png", ZIP_AS_PNG)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "bukan PNG yang sah" in refused.text  # type: ignore[attr-defined]
    assert rows(web_container, rid) == []

    assert upload(web, rid, "surat.pdf", PDF).status_code == 303  # type: ignore[attr-defined]
    (first,) = rows(web_container, rid)
    page = web.get(f"/laporan/{rid}").text
    assert f'surat.pdf</a> <span class="muted">({len(PDF)} bita)</span>' in page
    inline = web.get(f"/bukti/{first.id}/isi")
    assert inline.status_code == 200 and inline.content == PDF
    assert inline.headers["content-type"] == "application/pdf"
    assert inline.headers["content-security-policy"].startswith("sandbox; default-src 'none'")
    assert inline.headers["x-content-type-options"] == "nosniff"
    assert inline.headers["content-disposition"].startswith("inline")
    preview = web.get(f"/bukti/{first.id}/pratinjau")
    assert preview.status_code == 200 and f'src="/bukti/{first.id}/isi"' in preview.text
    # Someone who may not read the report sees neither the preview nor the file.
    stranger = web_factory()
    stranger.login(OTHER_KASI)
    assert stranger.get(f"/bukti/{first.id}/isi").status_code == 403
    assert stranger.get(f"/bukti/{first.id}/pratinjau").status_code == 403
    # ... nor withdraws it.
    denied = stranger.submit(f"/bukti/{first.id}/tarik", {"alasan": "x"}, page="/akun")
    assert denied.status_code == 403
    # Replace: a reason is required; then the old row stays, withdrawn, with the reason.
    no_reason = upload(web, rid, "surat-ttd.pdf", PDF + b"%ttd\n", ganti=str(first.id))
    assert no_reason.status_code == 422  # type: ignore[attr-defined]
    assert "alasan penggantian wajib diisi" in no_reason.text  # type: ignore[attr-defined]
    assert len(rows(web_container, rid)) == 1
    done = upload(web, rid, "surat-ttd.pdf", PDF + b"%ttd\n", ganti=str(first.id),
                  alasan="Sudah ditandatangani")  # fmt: skip
    assert done.status_code == 303  # type: ignore[attr-defined]
    old, new = sorted(rows(web_container, rid), key=lambda r: r.id or 0)
    assert (old.active, old.withdrawn_reason, new.replaces_id) == (
        False,
        "Sudah ditandatangani",
        old.id,
    )
    # Withdraw: a one-line reason is required.
    two_lines = web.submit(f"/bukti/{new.id}/tarik", {"alasan": "a\nb"}, page=f"/laporan/{rid}")
    assert two_lines.status_code == 422 and "satu baris" in two_lines.text
    gone = web.submit(f"/bukti/{new.id}/tarik", {"alasan": "Salah laporan"}, page=f"/laporan/{rid}")
    assert gone.status_code == 303
    assert all(not r.active for r in rows(web_container, rid))
    history = web.get(f"/laporan/{rid}").text
    listed = re.search(r'<ul id="evidence-history".*?</ul>', history, re.S)
    assert listed is not None
    assert "diganti dengan surat-ttd.pdf" in listed.group(0) and "Salah laporan" in listed.group(0)
    assert "ditarik</strong> oleh" in listed.group(0)
    # Withdrawn files stay downloadable by readers; their preview says they were withdrawn.
    assert web.get(f"/bukti/{old.id}").content == PDF
    assert "sudah ditarik atau diganti" in web.get(f"/bukti/{old.id}/pratinjau").text

"""Dokumen saya and the wider reading rights over the real app, on SQLite and PostgreSQL.

A Kepala Seksi finds her report after submitting it; a former holder reads her old
report but cannot save it; every "Buka laporan" link the dashboard shows a Kepala Seksi
opens (before, 24 of 25 led to a 403 page).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from db.models import AssignmentRow, OfficialRow, PositionRow
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient
from tests.integration.test_api import bearer
from tests.integration.test_web_pages import KASI, OCTOBER, act, fill_all, report_id, state_of
from web.app import create_app

OTHER_KASI = "rudi.hartono@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Koperasi
SUCCESSOR = "pengganti.kasi@diskoperindag-gresik.test"


@pytest.fixture
def app_web(seeded_container: Container, clock: FixedClock) -> Iterator[WebClient]:
    clock.set(OCTOBER)
    with TestClient(create_app(seeded_container)) as client:
        yield WebClient(client)


def rows_of(html: str) -> dict[str, str]:
    """Reference -> state of each line of Dokumen saya."""
    return dict(re.findall(r'<tr data-ref="([A-Z]+-\d+)" data-kind="\w+" data-state="(\w+)"', html))


def test_a_kasi_finds_her_report_after_submitting_it(
    app_web: WebClient, seeded_container: Container
) -> None:
    rid = report_id(seeded_container, "kasi-produksi-usaha-mikro")
    app_web.login(KASI)
    app_web.submit(f"/laporan/{rid}", fill_all(app_web, rid), page=f"/laporan/{rid}")
    response = act(app_web, rid, "submit")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert state_of(seeded_container, rid) == "submitted"
    # Tugas Saya is empty now, and says where the submitted report went.
    tasks = app_web.get("/tugas").text
    assert 'id="no-tasks"' in tasks
    assert 'href="/dokumen-saya">Dokumen saya</a>.</p>' in tasks
    page = app_web.get("/dokumen-saya")
    assert page.status_code == 200
    mine = rows_of(page.text)
    assert mine[f"LAP-{rid}"] == "submitted"
    assert any(ref.startswith("PK-") for ref in mine)  # her PK too
    assert 'href="/dokumen-saya"' in page.text  # the menu links here
    # Filters: the submitted ones of TW III; a search on the reference; a bad filter is a 4xx.
    narrowed = rows_of(app_web.get("/dokumen-saya?period=3&state=submitted").text)
    assert narrowed == {f"LAP-{rid}": "submitted"}
    assert list(rows_of(app_web.get(f"/dokumen-saya?q=lap-{rid}").text)) == [f"LAP-{rid}"]
    refused = app_web.get("/dokumen-saya?period=9")
    assert refused.status_code == 422
    assert "Periode harus PK atau triwulan 1 sampai 4" in refused.text


def test_a_former_holder_reads_her_old_report_but_cannot_save_it(
    app_web: WebClient, seeded_container: Container
) -> None:
    rid = report_id(seeded_container, "kasi-produksi-usaha-mikro")
    app_web.login(OTHER_KASI)
    assert app_web.get(f"/laporan/{rid}").status_code == 403  # a stranger, before and after
    app_web.logout()
    app_web.login(KASI)
    typed = fill_all(app_web, rid)
    with Session(seeded_container.engine) as session:  # she moves post on 30 September
        position = session.exec(
            select(PositionRow).where(PositionRow.code == "kasi-produksi-usaha-mikro")
        ).one()
        held = session.exec(
            select(AssignmentRow).where(AssignmentRow.position_id == position.id)
        ).one()
        held.valid_to = date(2021, 9, 30)
        successor = OfficialRow(nip="198801012010012001", name="Pengganti Kasi", email=SUCCESSOR)
        session.add_all([held, successor])
        session.flush()
        assert successor.id is not None and position.id is not None
        session.add(AssignmentRow(official_id=successor.id, position_id=position.id,
                                  status="definitif", valid_from=date(2021, 10, 1)))  # fmt: skip
        session.commit()
    page = app_web.get(f"/laporan/{rid}")
    assert page.status_code == 200  # she held it during 2021: she reads it
    assert 'name="v.' not in page.text  # no input fields any more
    saved = app_web.submit(f"/laporan/{rid}", typed, page=f"/laporan/{rid}")
    assert saved.status_code == 403
    # The Word file and the history follow the same reading rule.
    assert app_web.get(f"/laporan/{rid}/unduh.docx").status_code == 200
    assert app_web.get(f"/dokumen/LAP-{rid}/riwayat.xlsx").status_code == 200
    mine = app_web.get("/dokumen-saya?relation=dulu-pemegang").text
    assert f"LAP-{rid}" in rows_of(mine)
    assert "Dulu pemegang" in mine


def test_every_dashboard_link_a_kasi_sees_opens(app_web: WebClient) -> None:
    app_web.login(KASI)
    for query in ("year=2021&quarter=1", "year=2021&quarter=3", "year=2021"):
        page = app_web.get(f"/dasbor?{query}").text
        table = page[page.index('id="tabel-laporan"') :]
        links = re.findall(r'href="(/laporan/\d+)"', table)
        assert links, query
        for link in links:
            assert app_web.get(link).status_code == 200, (query, link)
        assert "data-unreadable" in table  # others' reports are listed, without a link


def test_the_api_lists_the_same_documents(app_web: WebClient, seeded_container: Container) -> None:
    headers = bearer(seeded_container, KASI)
    response = app_web.client.get("/api/v1/documents/mine", headers=headers)
    assert response.status_code == 200
    body = response.json()
    app_web.login(KASI)
    page = rows_of(app_web.get("/dokumen-saya").text)
    assert body["total"] == len(page)
    assert {item["ref"]: item["state"] for item in body["items"]} == page
    assert all(item["relations"] == ["pemegang"] for item in body["items"])
    only_pk = app_web.client.get("/api/v1/documents/mine?period=pk", headers=headers).json()
    assert [item["kind"] for item in only_pk["items"]] == ["pk"]
    bad = app_web.client.get("/api/v1/documents/mine?relation=bos", headers=headers)
    assert bad.status_code == 422

"""Derived indicators (issue 16, item 2): the admin page lists the catalogue's indicators that
are not in the decree and confirms one, in the admin log; the report page marks them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from db.models import IndicatorRow
from db.workflow_models import AdminLog
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient

PAGE = "/admin/katalog/turunan"


@pytest.fixture
def engine(web_container: Container) -> Engine:
    return web_container.engine


@pytest.fixture
def admin(web: WebClient) -> WebClient:
    web.login("admin", "admin")
    return web


def confirmed(engine: Engine, code: str) -> bool:
    with Session(engine) as session:
        row = session.exec(select(IndicatorRow).where(IndicatorRow.code == code)).one()
        return row.confirmed


def test_the_page_lists_the_7_derived_kepala_dinas_iku_unconfirmed(admin: WebClient) -> None:
    page = admin.get(PAGE).text
    codes = re.findall(r'<tr data-code="([^"]+)">', page)
    assert codes == [f"kepala-dinas-{n}" for n in range(1, 8)]
    assert page.count("Belum dikonfirmasi") == 7
    assert "Tidak ada di keputusan; diambil dari indikator Sekretariat" in page


def test_confirming_one_marks_it_and_records_it_in_the_admin_log(
    admin: WebClient, engine: Engine
) -> None:
    response = admin.submit(f"{PAGE}/kepala-dinas-3/konfirmasi?tahun=2021", {}, page=PAGE)
    assert response.status_code == 303
    assert response.headers["location"] == f"{PAGE}?tahun=2021&ok=turunan-dikonfirmasi"
    page = admin.get(response.headers["location"]).text
    assert "Indikator turunan dikonfirmasi" in page
    row = re.search(r'<tr data-code="kepala-dinas-3">.*?</tr>', page, re.S)
    assert row is not None and "Dikonfirmasi" in row.group(0) and "<button" not in row.group(0)
    assert page.count("Belum dikonfirmasi") == 6
    assert confirmed(engine, "kepala-dinas-3") and not confirmed(engine, "kepala-dinas-4")
    with Session(engine) as session:
        logged = session.exec(select(AdminLog).where(AdminLog.action == "catalogue.confirm")).one()
    assert logged.subject == "Indikator turunan kepala-dinas-3 tahun 2021"
    assert "Indikator turunan dikonfirmasi" in admin.get("/admin/log").text


def test_a_decree_indicator_is_refused_and_nothing_is_recorded(
    admin: WebClient, engine: Engine
) -> None:
    response = admin.submit(f"{PAGE}/kasi-ikm-1/konfirmasi", {}, page=PAGE)
    assert response.status_code == 422
    assert "bukan turunan" in response.text
    assert admin.submit(f"{PAGE}/tidak-ada/konfirmasi", {}, page=PAGE).status_code == 404
    assert not confirmed(engine, "kasi-ikm-1")


def test_only_an_administrator_sees_the_page(web: WebClient) -> None:
    web.login("fitri.handayani@diskoperindag-gresik.test")  # a Kepala Seksi
    assert web.get(PAGE).status_code == 403

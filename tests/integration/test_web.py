"""The public pages (organisation, login, errors), rendered by the real app over real SQLite."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from db.migrate import upgrade
from engine.clock import FixedClock
from kinerja.bootstrap import Container, bootstrap
from kinerja.settings import load_settings
from web.app import create_app


@pytest.fixture
def container(sqlite_url: str, clock: FixedClock) -> Iterator[Container]:
    built = bootstrap(load_settings({"KINERJA_DATABASE_URL": sqlite_url}), clock=clock)
    upgrade(built.engine)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def demo_container(demo_template: Path, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    """A private copy of the seeded demo database."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    built = bootstrap(load_settings({"KINERJA_DATABASE_URL": f"sqlite:///{path}"}), clock=clock)
    try:
        yield built
    finally:
        built.close()


def test_front_door_sends_a_visitor_to_the_login(container: Container) -> None:
    with TestClient(create_app(container)) as client:
        response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/masuk"


def test_empty_database_explains_what_to_do(container: Container) -> None:
    with TestClient(create_app(container)) as client:
        response = client.get("/organisasi")
    assert response.status_code == 200
    assert "Belum ada organisasi" in response.text
    assert "kinerja demo seed" in response.text


def test_home_lists_the_positions_and_holders(demo_container: Container, clock: FixedClock) -> None:
    container = demo_container
    clock.set(datetime(2021, 11, 1, 1, 0, tzinfo=UTC))
    with TestClient(create_app(container)) as client:
        response = client.get("/organisasi")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert len(re.findall(r'<tr data-position="', page)) == 25
    assert "Dinas Koperasi, Usaha Mikro, Perindustrian dan Perdagangan Kabupaten Gresik" in page
    assert '<div class="acting">Plt. Sri Rahayuningsih, S.E., M.Si.</div>' in page
    assert "19660101 199001 1 001" not in page  # NIPs only when signed in (issue 15, item 10)
    assert "pemegang jabatan per 1 November 2021" in page
    assert 'id="demo-accounts"' not in page


def test_demo_mode_lists_the_demo_accounts(demo_container: Container) -> None:
    container = demo_container
    container.demo = True
    with TestClient(create_app(container)) as client:
        page = client.get("/masuk").text
    assert 'id="demo-accounts"' in page
    # Stacked on a phone: each cell carries its column's name (data-label).
    assert (
        '<td data-label="Jabatan">Administrator</td><td data-label="Login">admin</td>'
        '<td data-label="Sandi">admin</td><td data-label="Pegawai">Administrator</td>'
    ) in page
    assert page.count('<td data-label="Sandi">demo</td>') == 25
    # Each account says the posts its official holds today, so a visitor picks a role
    # (issue 17, item 10), acting ones with their prefix.
    kadis = "Kepala Dinas Koperasi, Usaha Mikro, Perindustrian dan Perdagangan"
    assert (
        f'<tr><td data-label="Jabatan">{kadis}</td>'
        '<td data-label="Login">hendra.wibisono@diskoperindag-gresik.test</td>'
    ) in page
    assert page.count('<tr><td data-label="Jabatan">-</td>') == 0


def test_a_demo_account_without_a_post_says_so(
    demo_container: Container, clock: FixedClock
) -> None:
    """The Kepala Bidang Perindustrian of the demo retires on 30 September 2021: in October
    his row says he holds no post that day, instead of a bare "-"."""
    demo_container.demo = True
    clock.set(datetime(2021, 10, 8, 2, 0, tzinfo=UTC))
    with TestClient(create_app(demo_container)) as client:
        page = client.get("/masuk").text
    assert (
        '<tr><td data-label="Jabatan">Tidak memegang jabatan hari ini</td>'
        '<td data-label="Login">slamet.riyadi@diskoperindag-gresik.test</td>'
    ) in page
    assert '<td data-label="Jabatan">-</td>' not in page


def test_unknown_page_is_a_friendly_404(container: Container) -> None:
    with TestClient(create_app(container)) as client:
        response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman atau data tidak ditemukan" in response.text


def test_health(container: Container) -> None:
    with TestClient(create_app(container)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}

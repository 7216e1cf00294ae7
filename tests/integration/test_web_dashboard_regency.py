"""The dashboard of a generated regency (`kinerja demo generate`): the regency view for the
administrator and a regency role, one agency for everyone else (issue 18, item 4)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from db.database import create_db_engine
from db.models import QuarterlyReport
from db.organisation import load_org
from db.recap import load_recap
from db.uow import SqlUnitOfWork
from engine.clock import JAKARTA, FixedClock
from engine.formatting import format_number_id
from engine.org import Level, OrgTree
from engine.usecases.roles import set_position_role
from kinerja.bootstrap import Container, bootstrap
from kinerja.settings import load_settings
from tests.integration.conftest import Cli, WebClient
from tests.integration.test_web_dashboard import Node, dom
from web.app import create_app

SMALL = ("--agencies", "3", "--positions-per-agency", "25", "--years", "1", "--seed", "7")
DAY = date(2021, 10, 15)  # the generator's as-of day: TW III in flight
COUNTED = {"verified", "approved"}


@dataclass
class Regency:
    container: Container
    engine: Engine
    tree: OrgTree
    bupati_login: str
    """The holder of a post given the Bupati role (a post of the first agency)."""


@pytest.fixture
def regency(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Regency]:
    url = f"sqlite:///{tmp_path / 'regency.db'}"
    clock = FixedClock(datetime.combine(DAY, time(9), JAKARTA))
    cli = Cli(url, clock, capsys)
    cli.ok("db", "upgrade")
    cli.ok("demo", "generate", *SMALL)
    engine = create_db_engine(url)
    with Session(engine) as session:
        tree = load_org(session).tree
    post = next(p for p in tree.positions if p.level is Level.PENGAWAS)
    with SqlUnitOfWork(engine) as uow:
        set_position_role(uow, post.id, role="bupati", actor="admin", now=clock.now())
    holding = tree.acting_holder(post.id, DAY)
    assert holding is not None
    container = bootstrap(
        load_settings({"KINERJA_DATABASE_URL": url, "KINERJA_SECRET_KEY": "test-secret",
                       "KINERJA_EVIDENCE_DIR": str(tmp_path / "evidence")}),
        clock=clock,
    )  # fmt: skip
    try:
        yield Regency(container, engine, tree, holding.official.email)
    finally:
        container.close()
        engine.dispose()


def page_of(container: Container, login: str, query: str = "", password: str = "demo") -> Node:
    with TestClient(create_app(container)) as client:
        web = WebClient(client)
        web.login(login, password)
        response = web.get(f"/dasbor{query}")
        assert response.status_code == 200, response.text[-2000:]
        return dom(response.text)


def test_the_administrator_and_a_regency_role_read_every_agency(regency: Regency) -> None:
    heads = [root for root in regency.tree.roots()]
    assert len(heads) == 3
    with Session(regency.engine) as session:
        recap = load_recap(session, year=2021, quarter=3)
        reports = session.exec(
            select(QuarterlyReport).where(
                QuarterlyReport.year == 2021, QuarterlyReport.quarter == 3
            )
        ).all()
    agency_of = {p.id: p.agency_id for p in regency.tree.positions}
    done = Counter(agency_of[r.position_id] for r in reports if r.state in COUNTED)
    expected = Counter(agency_of[r.position_id] for r in reports)
    totals = {agency_of[g.position_id]: g for g in recap.agency}
    for login, password in (("admin", "admin"), (regency.bupati_login, "demo")):
        page = page_of(regency.container, login, password=password)
        assert page.one("h1").text == "Dasbor Kinerja · TW III 2021"  # the latest verified
        rows = page.one("table", id="tabel-kabupaten").find_all("tr", data_agency=None)
        assert [int(r.attrs["data-agency"]) for r in rows] == [h.agency_id for h in heads]
        for row in rows:
            agency = int(row.attrs["data-agency"])
            cell = row.one("td", data_done=None)
            assert (int(cell.attrs["data-done"]), int(cell.attrs["data-expected"])) == (
                done[agency], expected[agency],
            )  # fmt: skip
            value = totals[agency].capaian.value
            assert value is not None
            assert row.one("td", data_capaian=None).text.startswith(
                f"{format_number_id(value, 2)}%"
            )
            assert row.one("a").attrs["href"].startswith(f"/dasbor?dinas={agency}&")
        options = page.one("select", id="f-dinas").find_all("option")
        assert len(options) == 4  # "Semua" and the three agencies
        assert page.find_all("section", id="daftar-merah") == []  # per agency, not regency-wide
    # Picking an agency gives its own dashboard, with the head's top sections.
    second = heads[1].agency_id
    page = page_of(regency.container, regency.bupati_login, f"?dinas={second}")
    assert page.one("p", id="periode").text.startswith(heads[1].unit_name)
    for ident in ("ringkasan", "daftar-merah", "kemajuan-bidang"):
        assert page.one("section", id=ident)
    shown = {r.attrs["data-position"] for r in page.one("table", id="tabel-laporan").find_all(
        "tr", data_position=None)}  # fmt: skip
    assert shown and {agency_of[p.id] for p in regency.tree.positions if p.code in shown} >= {
        second
    }
    assert len(page.one("details", id="tren-semua").find_all("li")) == len(
        [s for s in recap.indicators if agency_of[s.indicator.position_id] == second]
    )


def test_anyone_else_reads_only_the_agency_of_their_post(regency: Regency) -> None:
    tree = regency.tree
    third = tree.roots()[2]
    kasi = next(
        p for p in tree.positions if p.agency_id == third.agency_id and p.level is Level.PENGAWAS
    )
    holding = tree.acting_holder(kasi.id, DAY)
    assert holding is not None
    page = page_of(regency.container, holding.official.email)
    assert page.one("p", id="periode").text.startswith(third.unit_name)
    assert page.find_all("select", id="f-dinas") == []
    assert page.find_all("table", id="tabel-kabupaten") == []
    positions = {p.code for p in tree.positions if p.agency_id == third.agency_id}
    rows = page.one("table", id="tabel-laporan").find_all("tr", data_position=None)
    assert rows and {r.attrs["data-position"] for r in rows} <= positions
    with TestClient(create_app(regency.container)) as client:
        web = WebClient(client)
        web.login(holding.official.email)
        other = tree.roots()[0].agency_id
        refused = web.get(f"/dasbor?dinas={other}")
        assert refused.status_code == 403
        assert "perangkat daerah tempat Anda bertugas" in refused.text
        unknown = web.get("/dasbor?dinas=abc")
        assert unknown.status_code == 422 and "tidak dikenal" in unknown.text

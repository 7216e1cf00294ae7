"""Position roles over the real app and the demo database: the Gresik Sub Bagian Program
does the planning work; the admin gives and takes roles on /admin/peran (logged); a role
lets its holder read documents outside their branch but never act on them."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from db.models import PositionRow, QuarterlyReport
from db.workflow_models import AdminLog
from kinerja.bootstrap import Container
from kinerja.demo.seed import demo_people
from tests.integration.conftest import WebClient
from tests.integration.test_web_pages import report_id

PEOPLE = {position: email for position, _nip, _name, email in demo_people()}


def role_of(container: Container, code: str) -> str | None:
    with Session(container.engine) as session:
        return session.exec(select(PositionRow.role).where(PositionRow.code == code)).one()


def position_id(container: Container, code: str) -> int:
    with Session(container.engine) as session:
        found = session.exec(select(PositionRow.id).where(PositionRow.code == code)).one()
        assert found is not None
        return found


def test_the_demo_planning_post_reads_every_report_of_the_agency_but_acts_on_none(
    web: WebClient, web_container: Container
) -> None:
    assert role_of(web_container, "kasubag-program") == "perencanaan"  # from the org file
    rid = report_id(web_container, "kasi-ikm", quarter=1)
    web.login(PEOPLE["kasubag-umum"])
    assert web.get(f"/laporan/{rid}").status_code == 403  # a colleague without the role
    web.logout()
    web.login(PEOPLE["kasubag-program"])
    page = web.get(f"/laporan/{rid}")
    assert page.status_code == 200
    assert 'name="action" value="verify"' not in page.text  # reads, never acts
    with Session(web_container.engine) as session:
        version = session.exec(
            select(QuarterlyReport.version).where(QuarterlyReport.id == rid)
        ).one()
    for action in ("verify", "approve", "submit"):
        refused = web.submit(
            f"/dokumen/LAP-{rid}/aksi",
            {"action": action, "comment": "", "expected_version": str(version)},
            page=f"/laporan/{rid}",
        )
        assert refused.status_code == 403, (action, refused.text[-300:])


def test_the_admin_gives_and_takes_a_role_and_the_admin_log_keeps_both(
    web: WebClient, web_container: Container
) -> None:
    web.login("admin", "admin")
    page = web.get("/admin/peran")
    assert page.status_code == 200
    assert 'data-position="kasubag-program"' in page.text
    assert "Belum ada jabatan perencanaan" not in page.text
    kabid = position_id(web_container, "kabid-perdagangan")
    saved = web.submit(
        "/admin/peran", {"jabatan": str(kabid), "peran": "inspektorat"}, page="/admin/peran"
    )
    assert saved.status_code == 303
    assert role_of(web_container, "kabid-perdagangan") == "inspektorat"
    assert 'data-position="kabid-perdagangan"' in web.get("/admin/peran").text
    bad = web.submit(
        "/admin/peran", {"jabatan": str(kabid), "peran": "walikota"}, page="/admin/peran"
    )
    assert bad.status_code == 422 and "Peran tidak dikenal" in bad.text
    assert role_of(web_container, "kabid-perdagangan") == "inspektorat"
    program = position_id(web_container, "kasubag-program")
    web.submit("/admin/peran", {"jabatan": str(program), "peran": ""}, page="/admin/peran")
    assert role_of(web_container, "kasubag-program") is None
    assert "Belum ada jabatan perencanaan" in web.get("/admin/peran").text
    with Session(web_container.engine) as session:
        logged = session.exec(select(AdminLog).where(AdminLog.action == "position.role")).all()
    assert [(json.loads(row.before), json.loads(row.after)) for row in logged] == [
        ({"peran": "-"}, {"peran": "Inspektorat (APIP)"}),
        ({"peran": "Perencanaan perangkat daerah"}, {"peran": "-"}),
    ]


def test_a_regency_role_reads_the_agency_without_being_in_its_tree(
    web: WebClient, web_container: Container
) -> None:
    rid = report_id(web_container, "kasi-ikm", quarter=1)
    web.login(PEOPLE["kabid-perdagangan"])
    assert web.get(f"/laporan/{rid}").status_code == 403  # another bidang
    web.logout()
    with Session(web_container.engine) as session:
        row = session.exec(select(PositionRow).where(PositionRow.code == "kabid-perdagangan")).one()
        row.role = "sekda"
        session.add(row)
        session.commit()
    web.login(PEOPLE["kabid-perdagangan"])
    assert web.get(f"/laporan/{rid}").status_code == 200

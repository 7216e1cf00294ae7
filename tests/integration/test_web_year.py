"""Tahun kerja and PK Perubahan over the real app and the demo database.

The Gresik Sub Bagian Program (planning role) opens 2022 from the 2021 catalogue, sets
the DPA date and creates the PKs; a Kepala Seksi is refused every step with the reason
and nothing is written; the administrator may do the same; every step run twice writes
nothing more. On an approved 2021 PK the holder starts a PK Perubahan with a reason; it
waits in their Tugas Saya and is listed in Dokumen saya, while the approved one stays.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, col, func, select

from db.models import IndicatorRow, PerjanjianKinerja, PositionRow
from db.workflow_models import AdminLog, AgencyYear
from documents.xlsx.catalogue_layout import MEDIA_TYPE
from engine.clock import JAKARTA, FixedClock
from kinerja.bootstrap import Container
from kinerja.demo.seed import demo_people
from tests.integration.conftest import WebClient
from tests.integration.test_catalog_xlsx import open_book, put, save

PEOPLE = {position: email for position, _nip, _name, email in demo_people()}


def counts(container: Container) -> tuple[int, int, int, int]:
    """(2022 indicators, 2022 PKs, DPA rows of 2022, admin log rows)."""
    with Session(container.engine) as session:
        return (
            session.exec(
                select(func.count()).select_from(IndicatorRow).where(IndicatorRow.year == 2022)
            ).one(),
            session.exec(
                select(func.count())
                .select_from(PerjanjianKinerja)
                .where(PerjanjianKinerja.year == 2022)
            ).one(),
            session.exec(
                select(func.count()).select_from(AgencyYear).where(AgencyYear.year == 2022)
            ).one(),
            session.exec(select(func.count()).select_from(AdminLog)).one(),
        )


def steps(web: WebClient) -> dict[str, int]:
    """Run the three steps of the year page; their status codes."""
    form = {"tahun": "2022"}
    page = "/tahun?tahun=2022"
    return {
        "buka": web.submit("/tahun/buka", form, page=page).status_code,
        "dpa": web.submit(
            "/tahun/dpa", {**form, "tanggal_dpa": "2022-01-07"}, page=page
        ).status_code,
        "pk": web.submit("/tahun/pk", form, page=page).status_code,
    }


def test_a_kepala_seksi_is_refused_the_year_and_nothing_is_written(
    web: WebClient, web_container: Container
) -> None:
    before = counts(web_container)
    web.login(PEOPLE["kasi-ikm"])
    assert "Tahun kerja" not in web.get("/tugas").text
    refused = web.get("/tahun?tahun=2022")
    assert refused.status_code == 403
    assert "pemegang jabatan perencanaan" in refused.text
    token = web.csrf()
    for path in ("/tahun/buka", "/tahun/dpa", "/tahun/pk"):
        answer = web.client.post(
            path, data={"tahun": "2022", "tanggal_dpa": "2022-01-07", "csrf_token": token}
        )
        assert answer.status_code == 403, path
    assert counts(web_container) == before


def test_the_planning_holder_starts_2022_once(web: WebClient, web_container: Container) -> None:
    indicators_2022, pks, dpa, log = counts(web_container)
    assert (indicators_2022, pks, dpa) == (0, 0, 0)
    web.login(PEOPLE["kasubag-program"])
    assert '<a href="/tahun">Tahun kerja</a>' in web.get("/tugas").text
    page = web.get("/tahun?tahun=2022")
    assert page.status_code == 200 and "Buka tahun 2022 dari katalog 2021" in page.text
    # Refusals first: a DPA date outside the year, PKs before the year is opened.
    bad = web.submit("/tahun/dpa", {"tahun": "2022", "tanggal_dpa": "2021-12-31"}, page="/tahun")
    assert bad.status_code == 422 and "Tanggal DPA harus di tahun 2022" in bad.text
    early = web.submit("/tahun/pk", {"tahun": "2022"}, page="/tahun")
    assert early.status_code == 422 and "Tahun 2022 belum dibuka" in early.text
    assert counts(web_container)[1:] == (0, 0, log)
    assert steps(web) == {"buka": 303, "dpa": 303, "pk": 200}
    after = counts(web_container)
    assert after == (51, 25, 1, log + 3)
    with Session(web_container.engine) as session:
        actions = session.exec(
            select(AdminLog.action).order_by(col(AdminLog.id).desc()).limit(3)
        ).all()
        assert sorted(actions) == ["year.dpa", "year.open", "year.pks"]
    page = web.get("/tahun?tahun=2022")
    assert "25 PK sudah dibuat" in page.text and 'id="create-pks"' not in page.text
    assert "7 Februari 2022" in page.text
    # Twice: the year is already open (422), the same DPA date and no PK left write nothing.
    again = web.submit("/tahun/buka", {"tahun": "2022"}, page="/tahun")
    assert again.status_code == 422 and "Tahun 2022 sudah dibuka" in again.text
    assert steps(web)["pk"] == 200
    assert counts(web_container) == after


def test_the_administrator_may_start_the_year_too(web: WebClient, web_container: Container) -> None:
    web.login("admin", "admin")
    assert '<a href="/tahun">Tahun kerja</a>' in web.get("/admin").text
    assert steps(web) == {"buka": 303, "dpa": 303, "pk": 200}
    assert counts(web_container)[:3] == (51, 25, 1)


def approved_pk(container: Container, code: str) -> int:
    with Session(container.engine) as session:
        found = session.exec(
            select(PerjanjianKinerja.id)
            .join(PositionRow, col(PositionRow.id) == PerjanjianKinerja.position_id)
            .where(PositionRow.code == code, PerjanjianKinerja.year == 2021)
        ).one()
        assert found is not None
        return found


def test_the_holder_makes_a_pk_perubahan_with_a_reason(
    web: WebClient, web_container: Container
) -> None:
    pk_id = approved_pk(web_container, "kasi-ikm")
    web.login(PEOPLE["kasi-pembiayaan-usaha-mikro"])  # another Kepala Seksi: may not
    token = web.csrf()
    refused = web.client.post(
        f"/pk/{pk_id}/perubahan", data={"jenis": "apbd", "alasan": "x", "csrf_token": token}
    )
    assert refused.status_code == 403
    web.logout()
    web.login(PEOPLE["kasi-ikm"])
    page = web.get(f"/pk/{pk_id}")
    assert 'id="revise-form"' in page.text and 'id="locked-quarters"' in page.text
    missing = web.submit(
        f"/pk/{pk_id}/perubahan", {"jenis": "apbd", "alasan": " "}, page=f"/pk/{pk_id}"
    )
    assert missing.status_code == 422 and "Jelaskan alasan PK Perubahan" in missing.text
    made = web.submit(
        f"/pk/{pk_id}/perubahan",
        {"jenis": "apbd", "alasan": "Refocusing anggaran APBD Perubahan"},
        page=f"/pk/{pk_id}",
    )
    assert made.status_code == 303
    new_id = int(re.search(r"/pk/(\d+)", made.headers["location"]).group(1))  # type: ignore[union-attr]
    shown = web.get(f"/pk/{new_id}?selesai=perubahan")
    assert "Perjanjian Kinerja 2021 (Perubahan 1)" in shown.text
    assert "APBD Perubahan (program, kegiatan atau anggaran berubah): Refocusing" in shown.text
    assert f'data-ref="PK-{new_id}"' in web.get("/tugas").text
    assert "Tahun 2021 (Perubahan 1)" in web.get("/dokumen-saya?period=pk").text
    assert web.get(f"/pk/{pk_id}").status_code == 200  # the approved one stays readable


def test_the_planning_holder_changes_the_new_years_catalogue_with_the_workbook(
    web: WebClient, web_container: Container
) -> None:
    web.login(PEOPLE["kasubag-program"])
    web.submit("/tahun/buka", {"tahun": "2022"}, page="/tahun?tahun=2022")
    book = open_book(web.get("/tahun/katalog.xlsx?tahun=2022").content)
    put(book["Indikator"], 2, "Catatan", "Diubah untuk 2022")
    changed = web.submit(
        "/tahun/katalog",
        {"tahun": "2022"},
        page="/tahun?tahun=2022",
        files={"berkas": ("katalog-2022.xlsx", save(book), MEDIA_TYPE)},
    )
    assert changed.status_code == 200, changed.text[-1500:]
    assert "Diubah: 1 indikator" in changed.text
    with Session(web_container.engine) as session:
        notes = session.exec(
            select(IndicatorRow.note).where(IndicatorRow.year == 2022, IndicatorRow.sort_order == 0)
        ).all()
        assert notes == ["Diubah untuk 2022"]
    other_year = web.submit(
        "/tahun/katalog",
        {"tahun": "2021"},
        page="/tahun?tahun=2021",
        files={"berkas": ("katalog-2022.xlsx", save(book), MEDIA_TYPE)},
    )
    assert other_year.status_code == 422
    assert "Buku kerja ini untuk diskoperindag tahun 2022" in other_year.text


def test_from_october_the_page_points_to_next_year(
    web: WebClient, web_container: Container, clock: FixedClock
) -> None:
    web.login(PEOPLE["kasubag-program"])
    assert 'id="next-year"' not in web.get("/tahun?tahun=2021").text  # 1 April: too early
    clock.set(datetime(2021, 10, 12, 9, tzinfo=JAKARTA))
    web.login(PEOPLE["kasubag-program"])  # the April session has expired by October
    page = web.get("/tahun?tahun=2021").text
    assert re.search(r'id="next-year".*href="/tahun\?perangkat=\d+&amp;tahun=2022"', page)
    assert 'id="next-year"' not in web.get("/tahun?tahun=2022").text  # already the next one

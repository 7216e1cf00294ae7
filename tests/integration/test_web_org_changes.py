"""Organisation changes on the admin pages, through the real app over a copy of the demo
database (clock: 1 April 2021): add, rename, move and close a position with effective dates,
refusals that write nothing, the admin audit; a holiday never overwritten silently; the
outbox in words."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.models import PerjanjianKinerja, PositionRow, QuarterlyReport
from db.workflow_models import AdminLog, Holiday
from engine.clock import FixedClock
from engine.usecases.reports import open_reports
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient
from tests.integration.test_web_admin import (
    PEOPLE,
    add_outbox,
    definitif_of,
    field_error,
    position_id,
    snapshot,
)


@pytest.fixture
def engine(web_container: Container) -> Engine:
    return web_container.engine


@pytest.fixture
def admin(web: WebClient) -> WebClient:
    web.login("admin", "admin")
    return web


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def log_rows(engine: Engine, action: str) -> list[AdminLog]:
    with Session(engine) as session:
        query = select(AdminLog).where(AdminLog.action == action)
        return list(session.exec(query.order_by(col(AdminLog.id))))


def position_row(engine: Engine, code: str) -> PositionRow:
    with Session(engine) as session:
        return session.exec(select(PositionRow).where(PositionRow.code == code)).one()


NEW = {
    "code": "kasi-logam",
    "title": "Kepala Seksi Logam dan Mesin",
    "unit_name": "Seksi Logam dan Mesin",
    "level": "pengawas",
    "effective": "2021-04-01",
}


def test_a_position_is_added_renamed_moved_and_closed_each_in_the_audit(
    admin: WebClient, engine: Engine
) -> None:
    kabid = position_id(engine, "kabid-perindustrian")
    form = admin.get(f"/admin/jabatan/baru?atasan={kabid}").text
    assert f'<option value="{kabid}" selected>' in form
    added = admin.submit("/admin/jabatan/baru", NEW | {"parent_id": str(kabid)}, page="/admin")
    assert added.status_code == 303
    page = admin.get(added.headers["location"]).text
    assert "Jabatan ditambahkan" in page and 'data-position="kasi-logam"' in page
    row = position_row(engine, "kasi-logam")
    assert (row.parent_id, row.level, row.closed_on) == (kabid, "pengawas", None)

    sekretaris = position_id(engine, "sekretaris")
    changed = admin.submit(
        f"/admin/jabatan/{row.id}",
        {"title": "Kepala Seksi Logam", "parent_id": str(sekretaris), "effective": "2021-03-01"},
        page="/admin",
    )
    assert changed.status_code == 303
    moved = position_row(engine, "kasi-logam")
    assert (moved.title, moved.parent_id) == ("Kepala Seksi Logam", sekretaris)

    closed = admin.submit(f"/admin/jabatan/{row.id}/tutup", {"last_day": "2021-06-30"})
    assert closed.status_code == 303
    assert position_row(engine, "kasi-logam").closed_on == date(2021, 6, 30)
    listing = admin.get("/admin/jabatan").text
    kept = re.search(r'<tr data-position="kasi-logam">.*?</tr>', listing, re.S)
    assert kept is not None and "Ditutup setelah 30 Juni 2021" in text_of(kept.group(0))

    [add] = log_rows(engine, "position.add")
    assert json.loads(add.after or "{}")["effective"] == "2021-04-01"
    [rename] = log_rows(engine, "position.rename")
    assert json.loads(rename.before or "{}") == {"title": "Kepala Seksi Logam dan Mesin"}
    [move] = log_rows(engine, "position.move")
    assert json.loads(move.after or "{}")["effective"] == "2021-03-01"
    [close] = log_rows(engine, "position.close")
    assert json.loads(close.after or "{}") == {"closed_on": "2021-06-30"}
    log_page = text_of(admin.get("/admin/log").text)
    for words in ("Jabatan ditambahkan", "Nama jabatan diubah", "Atasan jabatan diubah"):
        assert words in log_page
    assert "Jabatan ditutup" in log_page


def test_a_move_under_its_own_subordinate_is_refused_in_words(
    admin: WebClient, engine: Engine
) -> None:
    kabid, kasi = position_id(engine, "kabid-perindustrian"), position_id(engine, "kasi-ikm")
    before = snapshot(engine)
    title = position_row(engine, "kabid-perindustrian").title
    refused = admin.submit(
        f"/admin/jabatan/{kabid}",
        {"title": title, "parent_id": str(kasi), "effective": "2021-04-01"},
        page="/admin",
    )
    assert refused.status_code == 422
    message = field_error(refused.text, "parent_id")
    assert "berada di bawah" in message and "bawahannya sendiri" in message
    assert snapshot(engine) == before


def test_closing_names_the_holders_and_the_subordinates_first(
    admin: WebClient, engine: Engine
) -> None:
    before = snapshot(engine)
    kasi = position_id(engine, "kasi-ikm")
    held = admin.submit(f"/admin/jabatan/{kasi}/tutup", {"last_day": "2021-06-30"})
    assert held.status_code == 422
    message = field_error(held.text, "last_day")
    assert f"Definitif {PEOPLE['kasi-ikm'][1]} (4 Januari 2021 s.d. seterusnya)" in message
    kabid = position_id(engine, "kabid-perindustrian")
    parent = admin.submit(f"/admin/jabatan/{kabid}/tutup", {"last_day": "2021-06-30"})
    assert "jabatan bawahan yang belum ditutup" in field_error(parent.text, "last_day")
    assert snapshot(engine) == before


def test_a_closed_position_gets_no_report_of_a_later_quarter_and_leaves_the_picker(
    admin: WebClient, engine: Engine, web_container: Container, clock: FixedClock
) -> None:
    kasi = position_id(engine, "kasi-ikm")
    holder = definitif_of(engine, "kasi-ikm")
    # The demo has the reports of TW I-III; the post is closed after 30 September.
    ended = admin.submit(f"/admin/penugasan/{holder.id}/akhiri", {"valid_to": "2021-09-30"})
    assert ended.status_code == 303
    closed = admin.submit(f"/admin/jabatan/{kasi}/tutup", {"last_day": "2021-09-30"})
    assert closed.status_code == 303
    with Session(engine) as session:
        approved = session.exec(
            select(PerjanjianKinerja).where(
                PerjanjianKinerja.position_id == kasi, PerjanjianKinerja.state == "approved"
            )
        ).first()
    assert approved is not None  # its PK 2021 stays
    later = datetime(2021, 10, 1, 2, 0, tzinfo=UTC)
    with web_container.uow(write=True) as uow:
        opened = open_reports(uow, 2021, 4, now=later)
    with Session(engine) as session:
        positions = set(
            session.exec(
                select(QuarterlyReport.position_id).where(
                    QuarterlyReport.year == 2021, QuarterlyReport.quarter == 4
                )
            )
        )
    assert len(opened) == 24 and kasi not in positions
    clock.set(later)
    admin.login("admin", "admin")
    page = admin.get("/admin/penugasan/baru").text
    picker = re.search(r'<select id="f-position_id".*?</select>', page, re.S)
    assert picker is not None and f'<option value="{kasi}"' not in picker.group(0)
    organisation = admin.get("/organisasi").text
    assert (
        'data-position="kasi-ikm"' not in organisation
        and 'data-position="kasi-produksi-usaha-mikro"' in organisation
    )
    typed = {"official_id": "1", "position_id": str(kasi), "status": "plt"}
    typed |= {"valid_from": "2021-10-01", "valid_to": "", "decree": ""}
    refused = admin.submit("/admin/penugasan/baru", typed, page="/admin")
    assert refused.status_code == 422
    assert "ditutup setelah 30 September 2021" in field_error(refused.text, "valid_to")


def test_a_plt_on_a_post_with_a_definitif_holder_is_confirmed_first(
    admin: WebClient, engine: Engine
) -> None:
    kasi = position_id(engine, "kasi-ikm")
    typed = {
        "official_id": "1", "position_id": str(kasi), "status": "plt",
        "valid_from": "2021-04-05", "valid_to": "2021-06-30", "decree": "SPT 800/1",
    }  # fmt: skip
    before = snapshot(engine)
    asked = admin.submit("/admin/penugasan/baru", typed, page="/admin")
    assert asked.status_code == 422 and snapshot(engine) == before
    words = text_of(asked.text)
    assert f"punya pemegang definitif, {PEOPLE['kasi-ikm'][1]} (4 Januari 2021" in words
    assert "bersamaan 5 April 2021 s.d. 30 Juni 2021" in words
    done = admin.submit("/admin/penugasan/baru", typed | {"konfirmasi": "1"}, page="/admin")
    assert done.status_code == 303
    [entry] = log_rows(engine, "assignment.add")
    assert PEOPLE["kasi-ikm"][1] in json.loads(entry.after or "{}")["overlaps"][0]


def test_a_holiday_is_replaced_only_when_the_admin_says_ganti(
    admin: WebClient, engine: Engine
) -> None:
    before = snapshot(engine)
    typed = {"day": "2021-05-13", "name": "Hari Jadi", "category": "local"}
    refused = admin.submit("/admin/hari-libur", typed, page="/admin")
    assert refused.status_code == 422
    assert "sudah tercatat sebagai hari libur" in field_error(refused.text, "day")
    assert 'id="holiday-replace"' in refused.text and snapshot(engine) == before
    replaced = admin.submit("/admin/hari-libur", typed | {"ganti": "1"}, page="/admin")
    assert replaced.status_code == 303
    with Session(engine) as session:
        row = session.get(Holiday, date(2021, 5, 13))
        assert row is not None and (row.name, row.category) == ("Hari Jadi", "local")
    assert len(log_rows(engine, "holiday.replace")) == 1


def test_the_outbox_says_kinds_and_attempts_in_words(admin: WebClient, engine: Engine) -> None:
    add_outbox(engine, "pending-1", "pending")
    add_outbox(engine, "dead-1", "dead", last_error="554 rejected")
    page = admin.get("/admin/kotak-keluar").text
    assert '<span title="digest" data-kind="digest">Ringkasan pengingat</span>' in page
    words = text_of(page)
    assert "Belum dicoba" in words and "Dicoba 5 kali" in words
    assert not re.search(r">\s*digest\s*<", page)

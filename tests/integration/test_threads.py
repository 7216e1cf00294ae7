"""Comment threads and in-app notifications (issue 17 items 6-8), on the real databases.

The repositories on SQLite and PostgreSQL: comments kept in order by document, the unread
count read from the outbox by recipient after the read mark (one indexed query); then the
pages on the demo: a comment posted from the report page, the bell's count, /notifikasi
listing a digest item and marking it read, and an email's action link through the login.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from db.models import OfficialRow
from db.uow import SqlUnitOfWork
from engine.events import OutboxDraft
from engine.ports import CommentRecord
from engine.workflow import DocKind
from kinerja.bootstrap import Container
from kinerja.demo.seed import demo_org_text
from tests.integration.conftest import WebClient
from tests.integration.files import import_org_text
from tests.integration.test_web_pages import KABID, KASI, OTHER_KASI, report_id

AT = datetime(2021, 10, 8, 2, 0, tzinfo=UTC)


def _draft(key: str, official: OfficialRow, at: datetime, **payload: object) -> OutboxDraft:
    assert official.id is not None
    return OutboxDraft(key, "digest", official.id, official.email, official.name, dict(payload), at)


def _digest(doc: str) -> dict[str, object]:
    item = {
        "rung": "reminder", "doc": doc, "doc_label": "Laporan Realisasi", "period": "TW III 2021",
        "position": "Kepala Seksi", "holder": "X", "holder_title": "Kepala Seksi",
        "step": "submit", "step_label": "pengajuan", "deadline": "2021-10-11", "days_left": 1,
        "overdue": False,
    }  # fmt: skip
    return {"sweep_at": AT.isoformat(), "items": [item]}


def test_comments_and_notifications_on_each_backend(engine: Engine) -> None:
    import_org_text(engine, demo_org_text(), "demo")
    with Session(engine) as session:
        one, two = session.exec(select(OfficialRow).order_by(OfficialRow.id).limit(2)).all()  # type: ignore[arg-type]
    assert one.id is not None and two.id is not None
    with SqlUnitOfWork(engine, write=True) as uow:
        for n, body in enumerate(["Mengapa turun?", "Data BPS terlambat"]):
            uow.comments.add(
                CommentRecord(
                    0, DocKind.REPORT, 5, "indikator", "12", one.id, one.name, "Kepala Bidang",
                    body, AT + timedelta(minutes=n), reply_to=1 if n else None,
                )
            )  # fmt: skip
        uow.outbox.add([
            _draft("a", one, AT, **_digest("LAP-5")),
            _draft("b", one, AT + timedelta(hours=1), **_digest("LAP-6")),
            _draft("c", two, AT, **_digest("LAP-7")),
        ])  # fmt: skip
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        found = uow.comments.of_document(DocKind.REPORT, 5)
        assert [c.body for c in found] == ["Mengapa turun?", "Data BPS terlambat"]
        assert found[1].reply_to == found[0].id and found[0].at == AT
        assert uow.comments.of_document(DocKind.PK, 5) == []
        assert uow.notifications.unread(one.id) == 2
        items, total = uow.notifications.page(one.id, offset=0, limit=1)
        assert total == 2 and items[0].payload["items"][0]["doc"] == "LAP-6"
    with SqlUnitOfWork(engine, write=True) as uow:
        uow.notifications.mark_read(one.id, AT + timedelta(minutes=30))
        uow.commit()
    with SqlUnitOfWork(engine, write=True) as uow:
        assert uow.notifications.unread(one.id) == 0  # all listed, even the later one
        assert uow.notifications.unread(two.id) == 1  # another official's mark is their own
        uow.outbox.add([_draft("d", one, AT + timedelta(hours=2), **_digest("LAP-8"))])
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.notifications.unread(one.id) == 1


def test_the_unread_count_reads_the_recipient_index(engine: Engine) -> None:
    """The count runs on every page: it must be an index range, not a scan of the outbox."""
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner picks a seq scan on a tiny table; the index exists there too
    with Session(engine) as session:
        plan = session.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM outbox WHERE recipient_official_id = 1 "
                "AND created_at > '2021-01-01'"
            )
        ).all()
    assert "ix_outbox_recipient_created" in " ".join(str(row) for row in plan)


def _count(page: str) -> int:
    """The bell's number in the header (0 when it shows none)."""
    found = re.search(r'id="bell-count"[^>]*>(\d+)<', page)
    return 0 if found is None else int(found.group(1))


def test_a_question_on_an_indicator_reaches_the_holders_bell(
    web: WebClient, web_factory: object, web_container: Container
) -> None:
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    kasi = web_factory()  # type: ignore[operator]
    kasi.login(KASI)
    before = _count(kasi.get("/tugas").text)
    web.login(KABID)
    page = web.get(f"/laporan/{rid}").text
    assert 'id="diskusi"' in page
    indicator = page.split('name="indicator_id" value="', 1)[1].split('"', 1)[0]
    state = page.split('id="state">', 1)[1].split("<", 1)[0]
    posted = web.submit(
        f"/laporan/{rid}/komentar",
        {"comment": "Mengapa realisasi turun?", "indicator_id": indicator},
        page=f"/laporan/{rid}",
    )
    assert posted.status_code == 303
    assert posted.headers["location"].startswith(f"/laporan/{rid}#komentar-")
    after = web.get(f"/laporan/{rid}").text
    assert "Mengapa realisasi turun?" in after
    assert after.split('id="state">', 1)[1].split("<", 1)[0] == state  # no state change
    assert _count(kasi.get("/tugas").text) == before + 1
    notices = kasi.get("/notifikasi").text
    assert "Komentar dari" in notices and f"/dokumen/LAP-{rid}#komentar-" in notices
    # empty text: 422 with the message beside the form, nothing written
    empty = web.submit(
        f"/laporan/{rid}/komentar", {"comment": "  ", "indicator_id": indicator},
        page=f"/laporan/{rid}",
    )  # fmt: skip
    assert empty.status_code == 422 and "Komentar tidak boleh kosong" in empty.text
    # someone who may not view the report may not write in it either
    other = web_factory()  # type: ignore[operator]
    other.login(OTHER_KASI)
    refused = other.submit(f"/laporan/{rid}/komentar", {"comment": "Halo"}, page="/tugas")
    assert refused.status_code == 403


def test_notifications_list_a_digest_item_and_are_marked_read(
    web: WebClient, web_container: Container
) -> None:
    with Session(web_container.engine) as session:
        kasi = session.exec(select(OfficialRow).where(OfficialRow.email == KASI)).one()
    with SqlUnitOfWork(web_container.engine, write=True) as uow:
        uow.outbox.add([_draft("digest-test", kasi, AT + timedelta(days=30), **_digest("LAP-9"))])
        uow.commit()
    web.login(KASI)
    page = web.get("/notifikasi").text
    assert "Pengingat: Laporan Realisasi TW III 2021" in page
    assert 'href="/dokumen/LAP-9?aksi=submit"' in page  # as the email's link
    assert _count(page) >= 1
    done = web.submit("/notifikasi/baca", {}, page="/notifikasi")
    assert done.status_code == 303
    assert _count(web.get("/notifikasi").text) == 0
    missing = web.client.get("/laporan/999999")
    assert missing.status_code == 404 and 'id="bell"' in missing.text  # error pages keep it


def test_an_action_link_leads_through_the_login_to_one_confirmation(
    web: WebClient, web_container: Container
) -> None:
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    link = f"/dokumen/LAP-{rid}?aksi=verify&x=1"
    first = web.client.get(link, follow_redirects=False)
    assert first.status_code == 303
    target = urlsplit(first.headers["location"])
    assert target.path == "/masuk"
    assert parse_qs(target.query)["next"] == [link]  # the whole link comes back, quoted
    web.login(KABID)
    opened = web.client.get(link, follow_redirects=True)
    assert opened.url.path == f"/laporan/{rid}"
    page = opened.text
    # a GET never acts: the report is still a draft, so the banner says the link's action
    # does not wait for this reader (it is not silently dropped)
    assert 'id="state">Draf<' in page
    assert 'id="action-link"' in page and "memverifikasi" in page
    assert "tidak sedang menunggu tindakan itu dari Anda" in page
    assert (
        web.client.get(f"/dokumen/LAP-{rid}?aksi=return", follow_redirects=False).headers[
            "location"
        ]
        == f"/laporan/{rid}"
    )
    # another site as `next` is never followed
    assert "evil" not in web.client.get(
        "/masuk?next=//evil.test/", follow_redirects=False
    ).headers.get("location", "")


def test_the_api_reads_and_writes_a_discussion(web: WebClient, web_container: Container) -> None:
    from tests.integration.test_api import bearer

    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    kabid = bearer(web_container, KABID)
    posted = web.client.post(
        f"/api/v1/reports/{rid}/comments", json={"text": " Sumber data? "}, headers=kabid
    )
    assert posted.status_code == 201, posted.text
    assert posted.json()["text"] == "Sumber data?"
    listed = web.client.get(f"/api/v1/reports/{rid}/comments", headers=kabid).json()
    assert [c["text"] for c in listed] == ["Sumber data?"]
    empty = web.client.post(f"/api/v1/reports/{rid}/comments", json={"text": "   "}, headers=kabid)
    assert empty.status_code == 422
    other = bearer(web_container, OTHER_KASI)
    assert web.client.get(f"/api/v1/reports/{rid}/comments", headers=other).status_code == 403


def test_a_pk_has_its_discussion_too(web: WebClient, web_container: Container) -> None:
    from tests.integration.test_web_pk import pk_of

    pk_id = pk_of(web_container, "kasi-produksi-usaha-mikro").id
    web.login(KABID)
    page = web.get(f"/pk/{pk_id}").text
    indicator = page.split('name="indicator_id" value="', 1)[1].split('"', 1)[0]
    posted = web.submit(
        f"/pk/{pk_id}/komentar",
        {"comment": "Target TW IV terlalu rendah?", "indicator_id": indicator},
        page=f"/pk/{pk_id}",
    )
    assert posted.status_code == 303
    after = web.get(f"/pk/{pk_id}").text
    assert "Target TW IV terlalu rendah?" in after
    foreign = web.submit(
        f"/pk/{pk_id}/komentar", {"comment": "x", "indicator_id": "999999"}, page=f"/pk/{pk_id}"
    )
    assert foreign.status_code == 422 and "bukan bagian dari dokumen ini" in foreign.text


def test_a_submit_link_points_the_holder_at_save_and_submit(
    web: WebClient, web_container: Container
) -> None:
    """On her draft the submit is the form's "Simpan dan ajukan" (the separate submit form is
    not shown), so the banner of a reminder's link points there, not at a hidden form."""
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    web.login(KASI)
    page = web.client.get(f"/dokumen/LAP-{rid}?aksi=submit", follow_redirects=True).text
    assert 'id="action-link"' in page
    assert 'href="#save-submit">Simpan dan ajukan</a>' in page
    assert 'id="save-submit"' in page
    assert 'data-action="submit"' not in page

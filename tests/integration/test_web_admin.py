"""The administrator's pages, driven through the real app over a copy of the demo database.

Demo facts used here: the clock says 1 April 2021; every one of the 25 positions has a
definitif holder since 4 January 2021 (the Kepala Bidang Perindustrian until 30 September,
then the Sekretaris as Plt.); every official has an account with password "demo".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from html import unescape
from typing import Any
from urllib.parse import urlencode

import pytest
from markupsafe import escape
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from db.models import AssignmentRow, OfficialRow, PositionRow
from db.signin import Account
from db.workflow_models import Holiday, OutboxMessage
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from kinerja.demo.seed import demo_people
from tests.integration.conftest import WebClient

PEOPLE = {position: (nip, name, email) for position, nip, name, email in demo_people()}
SEKRETARIS_EMAIL = PEOPLE["sekretaris"][2]
KASI_IKM_NAME = PEOPLE["kasi-ikm"][1]
NEW_NIP = "19951231 202012 2 999"
NEW_NIP_DIGITS = "199512312020122999"
TABLES = ("official", "assignment", "position", "holiday", "account", "outbox")


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables the admin pages write, to show that nothing changed."""
    with engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))]
            for table in TABLES
        }


def field_error(html: str, field: str) -> str:
    """The message shown next to a form field (empty when there is none)."""
    match = re.search(
        rf'<span class="field-error" id="e-{field}" data-field="{field}">([^<]*)<', html
    )
    return unescape(match.group(1)) if match else ""


def input_value(html: str, field: str) -> str:
    """The value a text or date input shows."""
    match = re.search(rf'<input type="[a-z]+" id="f-{field}" name="{field}" value="([^"]*)"', html)
    assert match is not None, f"no input {field}"
    return unescape(match.group(1))


def selected(html: str, field: str) -> str | None:
    """The value of the selected option of a select."""
    block = re.search(rf'<select id="f-{field}" name="{field}".*?</select>', html, re.S)
    assert block is not None, f"no select {field}"
    option = re.search(r'<option value="([^"]*)" selected>', block.group(0))
    return option.group(1) if option else None


@pytest.fixture
def engine(web_container: Container) -> Engine:
    return web_container.engine


@pytest.fixture
def admin(web: WebClient) -> WebClient:
    web.login("admin", "admin")
    return web


def official_id(engine: Engine, position_code: str) -> int:
    nip = PEOPLE[position_code][0]
    with Session(engine) as session:
        row = session.exec(select(OfficialRow).where(OfficialRow.nip == nip)).one()
        assert row.id is not None
        return row.id


def position_id(engine: Engine, code: str) -> int:
    with Session(engine) as session:
        row = session.exec(select(PositionRow).where(PositionRow.code == code)).one()
        assert row.id is not None
        return row.id


def definitif_of(engine: Engine, code: str) -> AssignmentRow:
    with Session(engine) as session:
        return session.exec(
            select(AssignmentRow)
            .where(AssignmentRow.position_id == position_id(engine, code))
            .where(AssignmentRow.status == "definitif")
            .order_by(col(AssignmentRow.valid_from))
        ).first() or pytest.fail(f"no definitif holder of {code}")


def account_of(engine: Engine, login: str) -> Account:
    with Session(engine) as session:
        return session.exec(select(Account).where(Account.login == login)).one()


def add_outbox(engine: Engine, key: str, status: str, **values: Any) -> int:
    moment = datetime(2021, 3, 31, 1, 0, tzinfo=UTC)
    row = OutboxMessage(
        dedupe_key=key,
        kind="digest",
        recipient_email="arif.setiawan@diskoperindag-gresik.test",
        recipient_name="Arif Setiawan, S.T.",
        payload={},
        status=status,
        attempts=values.pop("attempts", 5 if status == "dead" else 0),
        available_at=moment,
        created_at=moment,
        **values,
    )
    with Session(engine) as session:
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


# -- who may see and post ------------------------------------------------------------------

PAGES = (
    "/admin",
    "/admin/pegawai",
    "/admin/pegawai/baru",
    "/admin/pegawai/1",
    "/admin/penugasan",
    "/admin/penugasan?jabatan=1",
    "/admin/penugasan?pegawai=1",
    "/admin/penugasan/baru",
    "/admin/penugasan/1/akhiri",
    "/admin/jabatan",
    "/admin/jabatan/1",
    "/admin/hari-libur",
    "/admin/hari-libur?tahun=2022",
    "/admin/akun",
    "/admin/akun/baru",
    "/admin/akun/1/sandi",
    "/admin/kotak-keluar",
    "/admin/kotak-keluar?status=dead",
    "/admin/pengaturan",
    "/admin/katalog",
    "/admin/peran",
)
# Each post would be accepted from the administrator (see test_every_post_works_for_the_admin).
POSTS: tuple[tuple[str, dict[str, str]], ...] = (
    ("/admin/pegawai/baru", {"nip": NEW_NIP, "name": "Budi Santoso", "email": "budi@x.test"}),
    ("/admin/pegawai/1", {"name": "Nama Diubah", "email": "diubah@x.test"}),
    (
        "/admin/penugasan/baru",
        {
            "official_id": "3",
            "position_id": "1",
            "status": "plh",
            "valid_from": "2021-04-05",
            "valid_to": "2021-04-09",
            "decree": "Surat Perintah Plh.",
        },
    ),
    ("/admin/penugasan/1/akhiri", {"valid_to": "2021-12-31"}),
    ("/admin/jabatan/1", {"title": "Kepala Dinas Baru", "effective": "2021-04-01"}),
    (
        "/admin/jabatan/baru",
        {
            "parent_id": "1",
            "code": "staf-ahli",
            "title": "Staf Ahli",
            "unit_name": "Staf",
            "level": "pelaksana",
            "effective": "2021-04-01",
        },
    ),
    ("/admin/jabatan/26/tutup", {"last_day": "2021-12-31"}),  # the position just added
    ("/admin/hari-libur", {"day": "2021-06-15", "name": "Hari Jadi", "category": "local"}),
    ("/admin/hari-libur/2021-05-13/hapus", {}),
    ("/admin/akun/2/nonaktifkan", {}),
    ("/admin/akun/2/sandi", {"password": "sandi-baru-123", "repeat": "sandi-baru-123"}),
    ("/admin/kotak-keluar/kirim-ulang", {}),
)


def test_every_admin_page_renders_for_the_admin(admin: WebClient) -> None:
    failures = []
    for path in PAGES:
        response = admin.get(path)
        if response.status_code != 200 or 'aria-label="Menu admin"' not in response.text:
            failures.append((path, response.status_code, response.text[-300:]))
        elif response.headers["cache-control"] != "no-store":
            failures.append((path, "cacheable", ""))
    assert failures == []


def test_signed_out_pages_redirect_to_login(web: WebClient) -> None:
    answers = {path: web.get(path, follow_redirects=False) for path in PAGES}
    assert {p: r.status_code for p, r in answers.items()} == dict.fromkeys(PAGES, 303)
    assert {p: r.headers["location"] for p, r in answers.items()} == {
        path: "/masuk?" + urlencode({"next": path}, safe="/") for path in PAGES
    }
    # the page's own query comes back whole (it was cut at its first "&" before issue 17)
    assert answers["/admin/hari-libur?tahun=2022"].headers["location"] == (
        "/masuk?next=/admin/hari-libur%3Ftahun%3D2022"
    )


def test_signed_out_posts_redirect_to_login_and_write_nothing(
    web: WebClient, engine: Engine
) -> None:
    before = snapshot(engine)
    answers = {
        path: web.post(path, data={**data, "csrf_token": "x"}, follow_redirects=False)
        for path, data in POSTS
    }
    paths = [path for path, _data in POSTS]
    assert {p: r.status_code for p, r in answers.items()} == dict.fromkeys(paths, 303)
    assert {p: r.headers["location"] for p, r in answers.items()} == dict.fromkeys(paths, "/masuk")
    assert snapshot(engine) == before


def test_officials_without_admin_permission_are_refused_pages(web: WebClient) -> None:
    web.login(SEKRETARIS_EMAIL)
    answers = {path: web.get(path) for path in PAGES}
    assert {p: r.status_code for p, r in answers.items()} == dict.fromkeys(PAGES, 403)
    assert all("Halaman ini hanya untuk administrator" in r.text for r in answers.values())


def test_officials_without_admin_permission_are_refused_posts(
    web: WebClient, engine: Engine
) -> None:
    web.login(SEKRETARIS_EMAIL)
    before = snapshot(engine)
    answers = {path: web.submit(path, data) for path, data in POSTS}
    paths = [path for path, _data in POSTS]
    assert {p: r.status_code for p, r in answers.items()} == dict.fromkeys(paths, 403)
    assert all("Halaman ini hanya untuk administrator" in r.text for r in answers.values())
    assert snapshot(engine) == before


def test_admin_posts_without_the_csrf_token_are_refused(admin: WebClient, engine: Engine) -> None:
    add_outbox(engine, "dead-1", "dead", last_error="550 mailbox unavailable")
    before = snapshot(engine)
    for path, data in POSTS:
        missing = admin.post(path, data=data, follow_redirects=False)
        forged = admin.post(path, data={**data, "csrf_token": "forged"}, follow_redirects=False)
        assert (path, missing.status_code, forged.status_code) == (path, 403, 403)
        assert "Formulir kedaluwarsa atau tidak sah" in missing.text
    assert snapshot(engine) == before


def test_every_post_works_for_the_admin(admin: WebClient, engine: Engine) -> None:
    """The refusals above are refusals of posts that would otherwise change something."""
    add_outbox(engine, "dead-1", "dead", last_error="550 mailbox unavailable")
    for path, data in POSTS:
        before = snapshot(engine)
        response = admin.submit(path, data, page="/admin")
        assert (path, response.status_code) == (path, 303), response.text[-1500:]
        assert "ok=" in response.headers["location"]
        assert snapshot(engine) != before, path


# -- overview and settings ------------------------------------------------------------------


def test_overview_counts_and_links(admin: WebClient, engine: Engine) -> None:
    add_outbox(engine, "dead-1", "dead")
    add_outbox(engine, "pending-1", "pending")
    page = admin.get("/admin").text
    assert '<div class="big">25</div>Pegawai' in page
    assert '<div class="big">25</div>Jabatan' in page
    assert '<div class="big">25</div>Penugasan berlaku hari ini' in page
    assert '<div class="big">1</div>Email gagal' in page
    for link in (
        "/admin/pegawai",
        "/admin/penugasan",
        "/admin/jabatan",
        "/admin/hari-libur",
        "/admin/akun",
        "/admin/kotak-keluar",
        "/admin/pengaturan",
        "/admin/katalog",
    ):
        assert f'href="{link}"' in page
    assert 'href="/admin">Admin</a>' in page  # the header's link for administrators


def test_settings_overview_masks_the_secret_key(admin: WebClient) -> None:
    page = admin.get("/admin/pengaturan").text
    assert "<code>KINERJA_DATABASE_URL</code>" in page
    assert "<code>KINERJA_SECRET_KEY</code>" in page
    assert "test-secret" not in page


# -- officials ------------------------------------------------------------------------------


def test_create_an_official_then_edit_the_name_and_email(admin: WebClient, engine: Engine) -> None:
    data = {"nip": NEW_NIP, "name": "Budi Santoso, S.E.", "email": "budi.santoso@x.test"}
    response = admin.submit("/admin/pegawai/baru", data, page="/admin/pegawai/baru")
    assert response.status_code == 303
    with Session(engine) as session:
        row = session.exec(select(OfficialRow).where(OfficialRow.nip == NEW_NIP_DIGITS)).one()
    assert (row.name, row.email) == ("Budi Santoso, S.E.", "budi.santoso@x.test")
    assert response.headers["location"] == f"/admin/pegawai/{row.id}?ok=pegawai-dibuat"
    shown = admin.get(response.headers["location"]).text
    assert "Pegawai ditambahkan" in shown
    listing = admin.get("/admin/pegawai").text
    assert "Budi Santoso, S.E." in listing
    assert "19951231 202012 2 999" in listing

    edit = {"name": "Budi Santoso, S.E., M.M.", "email": "budi@x.test"}
    response = admin.submit(f"/admin/pegawai/{row.id}", edit, page="/admin")
    assert response.status_code == 303
    page = admin.get(response.headers["location"]).text
    assert "Data pegawai disimpan" in page
    assert input_value(page, "name") == "Budi Santoso, S.E., M.M."
    assert input_value(page, "email") == "budi@x.test"
    assert "Budi Santoso, S.E., M.M." in admin.get("/admin/pegawai").text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"nip": "1968 0411"}, "nip", "NIP '1968 0411' tidak sah: NIP harus terdiri dari 18 angka"),
        ({"nip": PEOPLE["kasi-ikm"][0]}, "nip", f"sudah terdaftar atas nama {KASI_IKM_NAME}"),
        ({"name": "   "}, "name", "Nama wajib diisi"),
        ({"email": "bukan-email"}, "email", "'bukan-email' bukan alamat email yang sah"),
        ({"email": PEOPLE["kasi-ikm"][2].upper()}, "email", f"sudah dipakai oleh {KASI_IKM_NAME}"),
    ],
)
def test_bad_official_input_is_shown_next_to_the_field(
    admin: WebClient, engine: Engine, data: dict[str, str], field: str, message: str
) -> None:
    typed = {"nip": NEW_NIP, "name": "Budi <b>Santoso</b>", "email": "budi@x.test"} | data
    before = snapshot(engine)
    response = admin.submit("/admin/pegawai/baru", typed, page="/admin/pegawai/baru")
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    for name, value in typed.items():
        assert input_value(response.text, name) == value
    assert str(escape(typed["name"])) in response.text
    assert "<b>Santoso" not in response.text
    assert snapshot(engine) == before


def test_editing_an_official_keeps_what_was_typed_when_refused(
    admin: WebClient, engine: Engine
) -> None:
    target = official_id(engine, "sekretaris")
    data = {"name": "Sri R.", "email": PEOPLE["kasi-ikm"][2]}
    response = admin.submit(f"/admin/pegawai/{target}", data, page="/admin")
    assert response.status_code == 422
    assert "sudah dipakai oleh" in field_error(response.text, "email")
    assert input_value(response.text, "name") == "Sri R."
    with Session(engine) as session:
        unchanged = session.get(OfficialRow, target)
        assert unchanged is not None and unchanged.name == PEOPLE["sekretaris"][1]


def test_html_typed_in_a_name_is_escaped_everywhere_it_is_shown(admin: WebClient) -> None:
    name = '<script>alert("x")</script> Budi'
    data = {"nip": NEW_NIP, "name": name, "email": "budi@x.test"}
    created = admin.submit("/admin/pegawai/baru", data, page="/admin")
    assert created.status_code == 303
    for path in (created.headers["location"], "/admin/pegawai", "/admin/penugasan/baru"):
        page = admin.get(path).text
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Budi" in page


def test_unknown_official_is_a_404(admin: WebClient) -> None:
    response = admin.get("/admin/pegawai/99999")
    assert response.status_code == 404
    assert "Pegawai tidak ditemukan" in response.text


# -- assignments ----------------------------------------------------------------------------


def assignment_form(engine: Engine, **changes: str) -> dict[str, str]:
    """A definitif assignment of the Sekretaris to Seksi IKM from 1 May 2021."""
    return {
        "official_id": str(official_id(engine, "sekretaris")),
        "position_id": str(position_id(engine, "kasi-ikm")),
        "status": "definitif",
        "valid_from": "2021-05-01",
        "valid_to": "",
        "decree": "SK Bupati 821/2021",
    } | changes


def assert_kept(html: str, typed: dict[str, str]) -> None:
    assert selected(html, "official_id") == typed["official_id"]
    assert selected(html, "position_id") == typed["position_id"]
    assert selected(html, "status") == typed["status"]
    for name in ("valid_from", "valid_to", "decree"):
        assert input_value(html, name) == typed[name]


def test_overlapping_definitif_is_refused_until_the_holder_is_ended(
    admin: WebClient, engine: Engine, clock: FixedClock
) -> None:
    typed = assignment_form(engine)
    before = snapshot(engine)
    refused = admin.submit("/admin/penugasan/baru", typed, page="/admin")
    assert refused.status_code == 422
    message = field_error(refused.text, "valid_from")
    assert f"Bertumpang tindih dengan pemegang definitif {KASI_IKM_NAME}" in message
    assert "4 Januari 2021 s.d. seterusnya" in message
    assert_kept(refused.text, typed)
    assert snapshot(engine) == before

    holder = definitif_of(engine, "kasi-ikm")
    ended = admin.submit(f"/admin/penugasan/{holder.id}/akhiri", {"valid_to": "2021-04-30"})
    assert ended.status_code == 303
    assert definitif_of(engine, "kasi-ikm").valid_to == date(2021, 4, 30)

    accepted = admin.submit("/admin/penugasan/baru", typed, page="/admin")
    assert accepted.status_code == 303
    listing = admin.get(accepted.headers["location"]).text
    assert "Penugasan ditambahkan" in listing
    assert listing.count('<tr data-assignment="') == 2
    assert "SK Bupati 821/2021" in listing
    assert "30 April 2021" in listing

    clock.set(datetime(2021, 5, 3, 2, 0, tzinfo=UTC))
    admin.login("admin", "admin")
    row = re.search(
        r'<tr data-position="kasi-ikm">.*?</tr>', admin.get("/admin/jabatan").text, re.S
    )
    assert row is not None
    assert PEOPLE["sekretaris"][1] in row.group(0)
    assert KASI_IKM_NAME not in row.group(0)


def test_a_closed_definitif_window_that_overlaps_is_refused_too(
    admin: WebClient, engine: Engine
) -> None:
    # The Kepala Bidang Perindustrian holds the post until 30 September 2021.
    typed = assignment_form(
        engine,
        position_id=str(position_id(engine, "kabid-perindustrian")),
        valid_from="2021-09-01",
        valid_to="2021-12-31",
    )
    refused = admin.submit("/admin/penugasan/baru", typed, page="/admin")
    assert refused.status_code == 422
    assert PEOPLE["kabid-perindustrian"][1] in field_error(refused.text, "valid_from")
    # From October the Sekretaris is Plt. of the post: a definitif holder beside her is
    # asked to be confirmed, with the overlap in words, and nothing is written until then.
    later = typed | {"valid_from": "2021-10-01"}
    asked = admin.submit("/admin/penugasan/baru", later, page="/admin")
    assert asked.status_code == 422
    warning = unescape(re.sub(r"\s+", " ", asked.text))
    assert f"Bertumpang tindih dengan Plt. {PEOPLE['sekretaris'][1]} (1 Oktober 2021" in warning
    assert "bersamaan 1 Oktober 2021 s.d. 31 Desember 2021" in warning
    assert 'name="konfirmasi" value="1"' in asked.text
    accepted = admin.submit("/admin/penugasan/baru", later | {"konfirmasi": "1"}, page="/admin")
    assert accepted.status_code == 303


def test_acting_assignments_may_overlap_the_definitif_holder(
    admin: WebClient, engine: Engine
) -> None:
    typed = assignment_form(engine, status="plh", valid_from="2021-04-01", valid_to="2021-04-09")
    response = admin.submit("/admin/penugasan/baru", typed, page="/admin")
    assert response.status_code == 303
    row = re.search(
        r'<tr data-position="kasi-ikm">.*?</tr>', admin.get("/admin/jabatan").text, re.S
    )
    assert row is not None
    assert f'<div class="acting">Plh. {PEOPLE["sekretaris"][1]}</div>' in row.group(0)
    assert KASI_IKM_NAME in row.group(0)
    listing = admin.get(f"/admin/penugasan?pegawai={typed['official_id']}").text
    assert "Plh. (Pelaksana Harian)" in listing
    # Her own post, the Plt. of Kepala Bidang Perindustrian from October, and the Plh.
    assert listing.count('<tr data-assignment="') == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"valid_to": "2021-04-30"}, "valid_to", "Tanggal selesai tidak boleh sebelum tanggal"),
        ({"valid_from": ""}, "valid_from", "Tanggal wajib diisi"),
        ({"valid_from": "2021-02-30"}, "valid_from", "Tanggal '2021-02-30' tidak sah"),
        ({"official_id": "99999"}, "official_id", "Pegawai tidak dikenal"),
        ({"official_id": ""}, "official_id", "Pilih pegawai"),
        ({"position_id": "99999"}, "position_id", "Jabatan tidak dikenal"),
        ({"status": "kepala"}, "status", "Status penugasan harus definitif, Plt, Plh atau Pj"),
    ],
)
def test_bad_assignment_input_is_shown_next_to_the_field(
    admin: WebClient, engine: Engine, changes: dict[str, str], field: str, message: str
) -> None:
    typed = assignment_form(engine, **({"status": "plt"} | changes))
    before = snapshot(engine)
    response = admin.submit("/admin/penugasan/baru", typed, page="/admin")
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    for name in ("valid_from", "valid_to", "decree"):
        assert input_value(response.text, name) == typed[name]
    assert snapshot(engine) == before


def test_ending_an_assignment_before_it_starts_is_refused(admin: WebClient, engine: Engine) -> None:
    holder = definitif_of(engine, "kasi-ikm")
    before = snapshot(engine)
    response = admin.submit(f"/admin/penugasan/{holder.id}/akhiri", {"valid_to": "2020-12-31"})
    assert response.status_code == 422
    assert "tidak boleh sebelum tanggal mulai (4 Januari 2021)" in field_error(
        response.text, "valid_to"
    )
    assert input_value(response.text, "valid_to") == "2020-12-31"
    assert snapshot(engine) == before


def test_reopening_an_ended_definitif_that_would_overlap_is_refused(
    admin: WebClient, engine: Engine
) -> None:
    retiring = definitif_of(engine, "kabid-perindustrian")
    successor = assignment_form(
        engine, position_id=str(position_id(engine, "kabid-perindustrian")), valid_from="2021-10-01"
    )
    confirmed = successor | {"konfirmasi": "1"}  # beside the Plt. from October: confirmed
    assert admin.submit("/admin/penugasan/baru", confirmed, page="/admin").status_code == 303
    response = admin.submit(f"/admin/penugasan/{retiring.id}/akhiri", {"valid_to": "2021-12-31"})
    assert response.status_code == 422
    assert PEOPLE["sekretaris"][1] in field_error(response.text, "valid_to")
    assert definitif_of(engine, "kabid-perindustrian").valid_to == date(2021, 9, 30)


def test_assignments_can_be_listed_per_position(admin: WebClient, engine: Engine) -> None:
    page = admin.get(f"/admin/penugasan?jabatan={position_id(engine, 'kabid-perindustrian')}").text
    assert page.count('<tr data-assignment="') == 2
    assert "Plt. (Pelaksana Tugas)" in page
    assert "Surat Perintah Plt. (demo)" in page
    assert page.count('<tr data-assignment="') < admin.get("/admin/penugasan").text.count(
        '<tr data-assignment="'
    )


# -- positions ------------------------------------------------------------------------------


def test_positions_are_listed_in_tree_order_with_level_and_holders(admin: WebClient) -> None:
    page = admin.get("/admin/jabatan").text
    codes = re.findall(r'<tr data-position="([^"]+)">', page)
    assert len(codes) == 25
    assert codes[0] == "kepala-dinas"
    assert codes.index("kabid-perindustrian") < codes.index("kasi-ikm")
    assert "JPT Pratama (Eselon II)" in page
    assert PEOPLE["kepala-dinas"][1] in page


def test_renaming_a_position(admin: WebClient, engine: Engine) -> None:
    target = position_id(engine, "kasi-ikm")
    renamed = {"title": "Kepala Seksi IKM & Sentra", "effective": "2021-04-01"}
    response = admin.submit(f"/admin/jabatan/{target}", renamed, page="/admin")
    assert response.status_code == 303
    page = admin.get(response.headers["location"]).text
    assert "Perubahan jabatan disimpan" in page
    assert "Kepala Seksi IKM &amp; Sentra" in page
    assert "Kepala Seksi IKM &amp; Sentra" in admin.get("/organisasi").text

    refused = admin.submit(f"/admin/jabatan/{target}", renamed | {"title": "  "}, page="/admin")
    assert refused.status_code == 422
    assert field_error(refused.text, "title") == "Nama jabatan wajib diisi"


# -- holidays -------------------------------------------------------------------------------


def test_adding_and_removing_a_holiday(admin: WebClient, engine: Engine) -> None:
    data = {"day": "2021-03-09", "name": "Hari Jadi Kabupaten Gresik", "category": "local"}
    response = admin.submit("/admin/hari-libur", data, page="/admin")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/hari-libur?tahun=2021&ok=libur-ditambah"
    page = admin.get(response.headers["location"]).text
    row = re.search(r'<tr data-day="2021-03-09">.*?</tr>', page, re.S)
    assert row is not None
    assert "Hari Jadi Kabupaten Gresik" in row.group(0)
    assert "Libur daerah" in row.group(0)

    removed = admin.submit("/admin/hari-libur/2021-03-09/hapus", {}, page="/admin")
    assert removed.status_code == 303
    page = admin.get(removed.headers["location"]).text
    assert "kembali menjadi hari kerja" in page
    listed = page.split('id="removed-holidays"')
    assert "Hari Jadi Kabupaten Gresik" not in listed[0]
    assert "Hari Jadi Kabupaten Gresik" in listed[1]
    with Session(engine) as session:
        kept = session.get(Holiday, date(2021, 3, 9))
        assert kept is not None and kept.active is False


def test_holiday_list_is_per_year(admin: WebClient) -> None:
    page_2021 = admin.get("/admin/hari-libur?tahun=2021").text
    page_2022 = admin.get("/admin/hari-libur?tahun=2022").text
    assert '<tr data-day="2021-05-13">' in page_2021  # Idul Fitri 1442 H
    assert '<tr data-day="2021-05-13">' not in page_2022
    assert all(day.startswith("2022-") for day in re.findall(r'data-day="([^"]+)"', page_2022))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "  "}, "name", "Nama hari libur wajib diisi"),
        ({"day": ""}, "day", "Tanggal wajib diisi"),
        ({"day": "15-06-2021"}, "day", "Tanggal '15-06-2021' tidak sah"),
    ],
)
def test_bad_holiday_input_is_shown_next_to_the_field(
    admin: WebClient, engine: Engine, data: dict[str, str], field: str, message: str
) -> None:
    typed = {"day": "2021-06-15", "name": "Hari <i>Jadi</i>", "category": "local"} | data
    before = snapshot(engine)
    response = admin.submit("/admin/hari-libur", typed, page="/admin")
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert input_value(response.text, "day") == typed["day"]
    assert input_value(response.text, "name") == typed["name"]
    assert snapshot(engine) == before


def test_removing_a_day_that_is_not_a_holiday_is_a_404(admin: WebClient) -> None:
    response = admin.submit("/admin/hari-libur/2021-03-10/hapus", {}, page="/admin")
    assert response.status_code == 404
    assert "tidak ada dalam daftar hari libur" in response.text


# -- accounts -------------------------------------------------------------------------------


def new_official(admin: WebClient, engine: Engine) -> int:
    data = {"nip": NEW_NIP, "name": "Budi Santoso", "email": "budi@x.test"}
    assert admin.submit("/admin/pegawai/baru", data, page="/admin").status_code == 303
    with Session(engine) as session:
        row = session.exec(select(OfficialRow).where(OfficialRow.nip == NEW_NIP_DIGITS)).one()
        assert row.id is not None
        return row.id


def test_create_an_account_for_an_official_who_can_then_sign_in(
    admin: WebClient, engine: Engine, web_factory: Callable[[], WebClient]
) -> None:
    official = new_official(admin, engine)
    form = admin.get(f"/admin/akun/baru?pegawai={official}").text
    assert selected(form, "official_id") == str(official)
    assert input_value(form, "login") == "budi@x.test"
    data = {"official_id": str(official), "login": "Budi@X.test", "password": "rahasia-budi"}
    response = admin.submit("/admin/akun/baru", data, page="/admin")
    assert response.status_code == 303
    page = admin.get(response.headers["location"]).text
    assert "Akun dibuat" in page
    assert '<tr data-account="budi@x.test">' in page
    browser = web_factory()
    browser.login("budi@x.test", "rahasia-budi")
    assert "Budi Santoso" in browser.get("/akun").text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"login": SEKRETARIS_EMAIL}, "login", f"Login '{SEKRETARIS_EMAIL}' sudah dipakai"),
        ({"login": "admin"}, "login", "Login 'admin' sudah dipakai"),
        ({"login": " "}, "login", "Login wajib diisi"),
        ({"password": "pendek"}, "password", "Kata sandi baru minimal 8 karakter"),
        ({"password": "budi.baru"}, "password", "Kata sandi tidak boleh sama dengan nama login"),
        ({"official_id": ""}, "official_id", "Pilih pegawai"),
    ],
)
def test_bad_account_input_is_shown_next_to_the_field(
    admin: WebClient, engine: Engine, changes: dict[str, str], field: str, message: str
) -> None:
    official = new_official(admin, engine)
    typed = {"official_id": str(official), "login": "budi.baru", "password": "rahasia-budi"}
    typed |= changes
    before = snapshot(engine)
    response = admin.submit("/admin/akun/baru", typed, page="/admin")
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert input_value(response.text, "login") == typed["login"]
    assert selected(response.text, "official_id") == (typed["official_id"] or None)
    assert 'name="password" value=' not in response.text  # a password is never echoed back
    assert snapshot(engine) == before


def test_an_official_with_an_account_cannot_get_a_second_one(
    admin: WebClient, engine: Engine
) -> None:
    data = {
        "official_id": str(official_id(engine, "sekretaris")),
        "login": "sri.kedua",
        "password": "rahasia-sri",
    }
    response = admin.submit("/admin/akun/baru", data, page="/admin")
    assert response.status_code == 422
    assert "sudah memiliki akun" in field_error(response.text, "official_id")


def test_deactivating_signs_the_account_out_and_reactivating_lets_it_back_in(
    admin: WebClient, engine: Engine, web_factory: Callable[[], WebClient]
) -> None:
    official_browser = web_factory()
    official_browser.login(SEKRETARIS_EMAIL)
    assert official_browser.get("/akun").status_code == 200
    account = account_of(engine, SEKRETARIS_EMAIL)

    response = admin.submit(f"/admin/akun/{account.id}/nonaktifkan", {}, page="/admin")
    assert response.status_code == 303
    page = admin.get(response.headers["location"]).text
    assert "Akun dinonaktifkan" in page
    row = re.search(rf'<tr data-account="{re.escape(SEKRETARIS_EMAIL)}">.*?</tr>', page, re.S)
    assert row is not None and "nonaktif" in row.group(0)
    assert account_of(engine, SEKRETARIS_EMAIL).active is False
    assert official_browser.get("/akun", follow_redirects=False).status_code == 303
    token = re.search(r'name="csrf_token" value="([^"]+)"', official_browser.get("/masuk").text)
    assert token is not None
    refused = official_browser.post(
        "/masuk", data={"login": SEKRETARIS_EMAIL, "password": "demo", "csrf_token": token[1]}
    )
    assert refused.status_code == 401

    response = admin.submit(f"/admin/akun/{account.id}/aktifkan", {}, page="/admin")
    assert response.status_code == 303
    assert "Akun diaktifkan kembali" in admin.get(response.headers["location"]).text
    official_browser.login(SEKRETARIS_EMAIL)
    assert official_browser.get("/akun").status_code == 200


def test_the_admin_cannot_deactivate_their_own_account(admin: WebClient, engine: Engine) -> None:
    own = account_of(engine, "admin")
    response = admin.submit(f"/admin/akun/{own.id}/nonaktifkan", {}, page="/admin")
    assert response.status_code == 422
    assert "tidak dapat menonaktifkan akun Anda sendiri" in response.text
    assert account_of(engine, "admin").active is True


def test_resetting_a_password(
    admin: WebClient, engine: Engine, web_factory: Callable[[], WebClient]
) -> None:
    account = account_of(engine, SEKRETARIS_EMAIL)
    signed_in = web_factory()
    signed_in.login(SEKRETARIS_EMAIL)
    data = {"password": "sandi-baru-sri", "repeat": "sandi-baru-sri"}
    response = admin.submit(f"/admin/akun/{account.id}/sandi", data, page="/admin")
    assert response.status_code == 303
    assert "Kata sandi baru disimpan" in admin.get(response.headers["location"]).text
    assert signed_in.get("/akun", follow_redirects=False).status_code == 303  # signed out
    web_factory().login(SEKRETARIS_EMAIL, "sandi-baru-sri")
    assert account_of(engine, SEKRETARIS_EMAIL).password_changed_at is not None
    assert admin.get("/akun").status_code == 200  # the admin's own session is untouched


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password": "pendek", "repeat": "pendek"}, "password", "minimal 8 karakter"),
        ({"password": "sandi-baru-sri", "repeat": "lain"}, "repeat", "tidak sama"),
    ],
)
def test_bad_new_password_is_refused(
    admin: WebClient, engine: Engine, data: dict[str, str], field: str, message: str
) -> None:
    account = account_of(engine, SEKRETARIS_EMAIL)
    before = snapshot(engine)
    response = admin.submit(f"/admin/akun/{account.id}/sandi", data, page="/admin")
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert snapshot(engine) == before


# -- outbox ---------------------------------------------------------------------------------


def test_outbox_lists_by_status_and_retries_dead_letters(admin: WebClient, engine: Engine) -> None:
    sent = add_outbox(engine, "sent-1", "sent", sent_at=datetime(2021, 3, 31, 2, 5, tzinfo=UTC))
    pending = add_outbox(engine, "pending-1", "pending")
    dead_one = add_outbox(engine, "dead-1", "dead", last_error="550 5.1.1 <x>: no such user")
    dead_two = add_outbox(engine, "dead-2", "dead", last_error="554 rejected")

    every = admin.get("/admin/kotak-keluar").text
    for message in (sent, pending, dead_one, dead_two):
        assert f'<tr data-message="{message}"' in every
    dead_page = admin.get("/admin/kotak-keluar?status=dead").text
    assert re.findall(r'<tr data-message="(\d+)"', dead_page) == [str(dead_two), str(dead_one)]
    assert "550 5.1.1 &lt;x&gt;: no such user" in dead_page
    assert 'id="retry-all"' in dead_page
    sent_page = admin.get("/admin/kotak-keluar?status=sent").text
    assert re.findall(r'<tr data-message="(\d+)"', sent_page) == [str(sent)]
    assert "terkirim 31 Maret 2021 09.05 WIB" in sent_page

    response = admin.submit(f"/admin/kotak-keluar/{dead_one}/kirim-ulang", {}, page="/admin")
    assert response.status_code == 303
    assert "Pesan gagal dijadwalkan" in admin.get(response.headers["location"]).text
    with Session(engine) as session:
        revived = session.get(OutboxMessage, dead_one)
        assert revived is not None
        assert (revived.status, revived.attempts) == ("pending", 0)
        still_dead = session.get(OutboxMessage, dead_two)
        assert still_dead is not None and still_dead.status == "dead"

    response = admin.submit("/admin/kotak-keluar/kirim-ulang", {}, page="/admin")
    assert response.status_code == 303
    with Session(engine) as session:
        statuses = session.exec(select(OutboxMessage.status)).all()
    assert "dead" not in statuses

    again = admin.submit("/admin/kotak-keluar/kirim-ulang", {}, page="/admin")
    assert "Tidak ada pesan gagal" in admin.get(again.headers["location"]).text


def test_retrying_a_message_that_is_not_dead_changes_nothing(
    admin: WebClient, engine: Engine
) -> None:
    sent = add_outbox(engine, "sent-1", "sent")
    before = snapshot(engine)
    response = admin.submit(f"/admin/kotak-keluar/{sent}/kirim-ulang", {}, page="/admin")
    assert response.status_code == 303
    assert response.headers["location"].endswith("ok=tidak-ada")
    assert snapshot(engine) == before

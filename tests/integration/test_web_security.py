"""Security of the pages: sign-in, sessions, CSRF, roles, uploads and escaping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from db.models import PerjanjianKinerja, PositionRow, ReportEntry
from db.workflow_models import Evidence
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient, csrf_of
from tests.integration.test_web_pages import KABID, KASI, OCTOBER, OTHER_KASI, PNG, report_id
from web.auth import SESSION_COOKIE

WRONG = "NIP/email atau kata sandi salah"


def post_login(web: WebClient, login: str, password: str) -> object:
    token = csrf_of(web.get("/masuk").text)
    return web.client.post(
        "/masuk",
        data={"login": login, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def pk_of(container: Container, position: str) -> int:
    with Session(container.engine) as session:
        row = session.exec(
            select(PerjanjianKinerja)
            .join(PositionRow, PositionRow.id == PerjanjianKinerja.position_id)  # type: ignore[arg-type]
            .where(PositionRow.code == position)
        ).first()
        assert row is not None and row.id is not None
        return row.id


@pytest.fixture
def october(clock: FixedClock) -> FixedClock:
    clock.set(OCTOBER)
    return clock


def test_pages_need_a_session(
    web: WebClient, web_container: Container, october: FixedClock
) -> None:
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    pk = pk_of(web_container, "kasi-produksi-usaha-mikro")
    for path in (
        "/tugas",
        f"/laporan/{rid}",
        f"/pk/{pk}",
        f"/pk/{pk}/cetak",
        "/akun",
        f"/dokumen/LAP-{rid}",
        "/bukti/1",
    ):
        response = web.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/masuk"), path
    response = web.client.post(f"/laporan/{rid}", data={}, follow_redirects=False)
    assert response.status_code == 303


def test_no_hint_whether_an_account_exists(web: WebClient) -> None:
    unknown = post_login(web, "tidak.ada@contoh.test", "demo")
    wrong = post_login(web, KASI, "salah-sandi")
    assert unknown.status_code == wrong.status_code == 401  # type: ignore[attr-defined]
    assert WRONG in unknown.text and WRONG in wrong.text  # type: ignore[attr-defined]


def test_lockout_after_repeated_failures_known_or_not(web: WebClient, clock: FixedClock) -> None:
    for login in (KASI, "tidak.ada@contoh.test"):
        for _ in range(5):
            post_login(web, login, "salah-sandi")
        locked = post_login(web, login, "demo")
        assert locked.status_code == 401  # type: ignore[attr-defined]
        assert "Terlalu banyak percobaan" in locked.text  # type: ignore[attr-defined]
    clock.advance(timedelta(minutes=16))
    assert post_login(web, KASI, "demo").status_code == 303  # type: ignore[attr-defined]


def test_login_by_nip_works_and_next_stays_local(web: WebClient) -> None:
    from db.models import OfficialRow
    from db.signin import Account

    with Session(web.app.state.web.deps.engine) as session:
        official = session.exec(
            select(OfficialRow)
            .join(Account, Account.official_id == OfficialRow.id)  # type: ignore[arg-type]
            .where(Account.login == KASI)
        ).one()
    token = csrf_of(web.get("/masuk").text)
    nip = f"{official.nip[:8]} {official.nip[8:14]} {official.nip[14]} {official.nip[15:]}"
    response = web.client.post(
        "/masuk",
        data={
            "login": nip,
            "password": "demo",
            "csrf_token": token,
            "next": "https://jahat.example/curi",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/tugas"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_login_form_needs_its_csrf_token(web: WebClient) -> None:
    web.get("/masuk")
    response = web.client.post("/masuk", data={"login": KASI, "password": "demo"})
    assert response.status_code == 403
    assert web.get("/tugas", follow_redirects=False).status_code == 303


def test_a_form_without_the_csrf_token_is_refused_and_writes_nothing(
    web: WebClient, web_container: Container, october: FixedClock
) -> None:
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    web.login(KASI)
    page = web.get(f"/laporan/{rid}").text
    name = next(n for n in __import__("re").findall(r'name="(v\.[^"]+)"', page))
    for token in (None, "palsu"):
        data = {name: "123"} if token is None else {name: "123", "csrf_token": token}
        response = web.client.post(f"/laporan/{rid}", data=data)
        assert response.status_code == 403
        assert "Formulir kedaluwarsa" in response.text
    with Session(web_container.engine) as session:
        entries = session.exec(select(ReportEntry).where(ReportEntry.report_id == rid)).all()
        assert all("123" not in e.inputs.values() for e in entries)


def test_wrong_role_is_refused_on_every_document_page(
    web: WebClient, web_container: Container, october: FixedClock
) -> None:
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    pk = pk_of(web_container, "kasi-produksi-usaha-mikro")
    web.login(OTHER_KASI)
    for path in (f"/laporan/{rid}", f"/pk/{pk}", f"/pk/{pk}/cetak"):
        response = web.get(path)
        assert response.status_code == 403, path
        assert "tidak berhak" in response.text
    token = web.csrf("/tugas")
    for path, data in (
        (f"/laporan/{rid}", {"csrf_token": token}),
        (f"/laporan/{rid}/hitung", {"csrf_token": token}),
        (f"/pk/{pk}/target", {"csrf_token": token}),
        (f"/dokumen/LAP-{rid}/aksi", {"csrf_token": token, "action": "submit"}),
    ):
        assert web.client.post(path, data=data).status_code == 403, path


def test_the_verifier_cannot_edit_and_the_holder_cannot_verify(
    web: WebClient,
    web_factory: Callable[[], WebClient],
    web_container: Container,
    october: FixedClock,
) -> None:
    draft = report_id(web_container, "kasi-produksi-usaha-mikro")
    kabid = web_factory()
    kabid.login(KABID)
    page = kabid.get(f"/laporan/{draft}").text
    assert 'id="report-form"' not in page  # read-only for the verifier
    response = kabid.client.post(f"/laporan/{draft}", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 403
    assert "yang mengisi adalah pemegang jabatannya" in response.text
    submitted = report_id(web_container, "kabid-usaha-mikro")  # the Kabid's own, submitted
    page = kabid.get(f"/laporan/{submitted}").text
    response = kabid.client.post(
        f"/dokumen/LAP-{submitted}/aksi",
        data={"csrf_token": csrf_of(page), "action": "approve"},
    )
    assert response.status_code == 403
    assert "tidak berhak" in response.text


def test_a_session_cookie_of_another_user_cannot_act_for_them(
    web: WebClient,
    web_factory: Callable[[], WebClient],
    web_container: Container,
    october: FixedClock,
) -> None:
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    kasi = web
    kasi.login(KASI)
    kabid = web_factory()
    kabid.login(KABID)
    # The Kabid's form token with the Kepala Seksi's cookie: the token is bound to its session.
    kabid_token = kabid.csrf("/tugas")
    response = kasi.client.post(f"/laporan/{rid}", data={"csrf_token": kabid_token})
    assert response.status_code == 403
    # A cookie whose signature does not verify is no session at all.
    kasi.client.cookies.clear()
    kasi.client.cookies.set(SESSION_COOKIE, "palsu.tandatangan")
    assert kasi.get("/tugas", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_on_the_server(web: WebClient) -> None:
    web.login(KASI)
    cookie = web.client.cookies.get(SESSION_COOKIE)
    web.logout()
    assert web.get("/tugas", follow_redirects=False).status_code == 303
    web.client.cookies.clear()
    web.client.cookies.set(SESSION_COOKIE, cookie)  # replaying the old cookie does not help
    assert web.get("/tugas", follow_redirects=False).status_code == 303


def test_password_change_signs_out_other_browsers(
    web: WebClient, web_factory: Callable[[], WebClient]
) -> None:
    web.login(KASI)
    other = web_factory()
    other.login(KASI)
    short = web.submit("/akun/sandi", {"current": "demo", "new": "abc", "repeat": "abc"})
    assert short.status_code == 422 and "minimal 8 karakter" in short.text
    wrong = web.submit(
        "/akun/sandi", {"current": "x", "new": "sandi-baru-1", "repeat": "sandi-baru-1"}
    )
    assert wrong.status_code == 422 and "Kata sandi saat ini salah" in wrong.text
    done = web.submit(
        "/akun/sandi", {"current": "demo", "new": "sandi-baru-1", "repeat": "sandi-baru-1"}
    )
    assert done.status_code == 200 and "Kata sandi sudah diganti" in done.text
    assert web.get("/tugas").status_code == 200
    assert other.get("/tugas", follow_redirects=False).status_code == 303
    fresh = web_factory()
    assert post_login(fresh, KASI, "demo").status_code == 401  # type: ignore[attr-defined]
    assert post_login(fresh, KASI, "sandi-baru-1").status_code == 303  # type: ignore[attr-defined]


def test_uploads_of_the_wrong_type_or_too_large_are_refused(
    web: WebClient, web_container: Container, october: FixedClock
) -> None:
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    web.login(KASI)
    page = f"/laporan/{rid}"
    cases = [
        (("skrip.html", b"<script>alert(1)</script>", "text/html"), "tidak diizinkan"),
        (("foto.png", b"GIF89a not a png", "image/png"), "bukan PNG yang sah"),
        (("besar.png", PNG + bytes(11 * 1024 * 1024), "image/png"), "terlalu besar"),
    ]
    for file, message in cases:
        response = web.submit(f"/laporan/{rid}/bukti", {}, page=page, files={"berkas": file})
        assert response.status_code == 422
        assert message in response.text
    with Session(web_container.engine) as session:
        assert session.exec(select(Evidence).where(Evidence.report_id == rid)).first() is None


def test_html_typed_in_a_narrative_is_escaped(
    web: WebClient, web_container: Container, october: FixedClock
) -> None:
    rid = report_id(web_container, "kasi-produksi-usaha-mikro")
    web.login(KASI)
    page = web.get(f"/laporan/{rid}").text
    code = __import__("re").search(r'name="kendala\.([^"]+)"', page).group(1)
    response = web.submit(
        f"/laporan/{rid}",
        {f"kendala.{code}": '<img src=x onerror="alert(1)">'},
        page=f"/laporan/{rid}",
    )
    assert response.status_code == 303
    shown = web.get(f"/laporan/{rid}").text
    assert '<img src=x onerror="alert(1)">' not in shown
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in shown


def test_a_signed_in_page_is_not_cached(web: WebClient) -> None:
    web.login(KASI)
    assert web.get("/tugas").headers["cache-control"] == "no-store"

"""B13 (issue 15, item 9) at every entry point: a name or other single-line field with a line
break or control character is refused with the message next to the field and nothing is
stored; and an official whose name got in with a line break before still gets email.

Driven through the real app over a copy of the demo database (admin pages, the account
page), the CLI (organisation file, catalogue workbook, holidays) and a real SMTP server
(aiosmtpd, the helpers of test_dispatcher)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, create_engine, text

from db.database import transaction
from db.workflow_models import OutboxMessage
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from notifications.dispatcher import DispatchReport
from tests.conftest import FIXED_NOW
from tests.integration.conftest import Cli, WebClient
from tests.integration.test_dispatcher import (
    MailServer,
    dispatcher,
    outbox,
    payload_for,
    run,
    smtp,  # noqa: F401  (the fixture)
)
from tests.integration.test_web_admin import NEW_NIP, field_error, official_id, snapshot

MESSAGE = "tidak boleh berisi baris baru atau karakter kendali"
BAD = ["\n", "\r\n", "\u2028", "\u2029", "\x85", "\x00", "\x1b"]


@pytest.fixture
def demo_engine(web_container: Container) -> Engine:
    return web_container.engine


@pytest.fixture
def admin(web: WebClient) -> WebClient:
    web.login("admin", "admin")
    return web


@pytest.mark.parametrize("char", BAD)
def test_a_new_official_named_over_two_lines_is_refused(
    admin: WebClient, demo_engine: Engine, char: str
) -> None:
    before = snapshot(demo_engine)
    typed = {"nip": NEW_NIP, "name": f"Budi{char}Santoso", "email": "budi@x.test"}
    response = admin.submit("/admin/pegawai/baru", typed, page="/admin/pegawai/baru")
    assert response.status_code == 422
    assert field_error(response.text, "name") == f"Nama {MESSAGE}"
    assert snapshot(demo_engine) == before


@pytest.mark.parametrize(
    ("path", "data", "field", "label"),
    [
        ("/admin/pegawai/{sekretaris}", {"name": "Sri\nR.", "email": "sri@x.test"}, "name", "Nama"),
        ("/admin/pegawai/{sekretaris}", {"name": "Sri", "email": "sri@x.test\r"}, "email", "Email"),
        (
            "/admin/jabatan/1",
            {"title": "Kepala\u2028Dinas", "effective": "2021-04-01"},
            "title",
            "Nama jabatan",
        ),
        (
            "/admin/jabatan/baru",
            {
                "parent_id": "1",
                "code": "staf",
                "title": "Staf",
                "unit_name": "Staf\nAhli",
                "level": "pelaksana",
                "effective": "2021-04-01",
            },
            "unit_name",
            "Nama unit",
        ),
        (
            "/admin/hari-libur",
            {"day": "2021-06-15", "name": "Hari Jadi\x85Gresik", "category": "local"},
            "name",
            "Nama hari libur",
        ),
    ],
)
def test_admin_forms_show_the_refusal_next_to_the_field(
    admin: WebClient, demo_engine: Engine, path: str, data: dict[str, str], field: str, label: str
) -> None:
    before = snapshot(demo_engine)
    target = path.format(sekretaris=official_id(demo_engine, "sekretaris"))
    response = admin.submit(target, data, page="/admin")
    assert response.status_code == 422
    assert field_error(response.text, field) == f"{label} {MESSAGE}"
    assert snapshot(demo_engine) == before


def test_an_account_login_with_a_control_character_is_refused(
    admin: WebClient, demo_engine: Engine
) -> None:
    official = official_id(demo_engine, "kasi-ikm")
    with demo_engine.begin() as connection:  # an official without an account
        connection.execute(text("DELETE FROM account WHERE official_id = :id"), {"id": official})
    before = snapshot(demo_engine)
    data = {"official_id": str(official), "login": "budi\x00", "password": "rahasia-budi"}
    response = admin.submit("/admin/akun/baru", data, page="/admin")
    assert response.status_code == 422
    assert field_error(response.text, "login") == f"Login {MESSAGE}"
    assert snapshot(demo_engine) == before


def test_a_token_name_over_two_lines_is_refused(web: WebClient, demo_engine: Engine) -> None:
    web.login("admin", "admin")
    response = web.submit("/akun/token", {"name": "Dasbor\nBappeda"})
    assert response.status_code == 422
    assert f"Nama token {MESSAGE}" in response.text
    with demo_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM api_token")).scalar_one() == 0


ORG = """\
format: kinerja-org/1
regency: {code: contoh, name: Pemerintah Kabupaten Contoh, head_title: Bupati Contoh}
agency: {code: dinas, name: Dinas Contoh, short_name: Dincon, place: Contoh}
positions:
  - {code: kadis, title: Kepala Dinas, unit: Dinas Contoh, level: jpt_pratama}
officials:
  - {nip: "19700101 199501 1 001", name: "Pegawai\\nSatu", email: satu@contoh.test}
  - {nip: "19700101 199501 1 002", name: "Pegawai Dua", email: "dua@contoh\\u2028.test"}
"""


def count(url: str, table: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def test_the_organisation_import_lists_each_multi_line_text_and_writes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("db", "upgrade")
    path = tmp_path / "org.yaml"
    path.write_text(ORG, encoding="utf-8")
    code, out, err = cli("org", "import", str(path))
    assert (code, out) == (1, "")
    assert f"baris 7: officials[1].name: {MESSAGE}" in err
    assert f"baris 8: officials[2].email: {MESSAGE}" in err
    url = cli.environ["KINERJA_DATABASE_URL"]
    assert count(url, "official") == count(url, "agency") == 0


def test_the_catalogue_workbook_refuses_a_name_over_two_lines(
    demo_cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "katalog.xlsx"
    demo_cli.ok("catalog", "export", "--year", "2021", "--out", str(out))
    book = load_workbook(out)
    sheet = book["Indikator"]
    header = [cell.value for cell in sheet[1]]
    column = sheet.cell(row=1, column=header.index("Nama indikator") + 1).column_letter
    sheet[f"{column}5"] = "Persentase\nIKM yang dibina"
    book.save(out)
    before = demo_cli.ok("catalog", "show", "--json")
    code, stdout, err = demo_cli("catalog", "import", str(out))
    assert (code, stdout) == (1, "")
    lines = err.strip().splitlines()
    assert lines[1:] == [f"Indikator!{column}5: {MESSAGE}"]
    assert demo_cli.ok("catalog", "show", "--json") == before


def test_the_holiday_cli_refuses_a_name_over_two_lines(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    code, out, err = cli("holidays", "add", "2021-06-15", "Hari Jadi\nGresik")
    assert (code, out) == (1, "")
    assert f"Nama hari libur {MESSAGE}" in err
    assert count(cli.environ["KINERJA_DATABASE_URL"], "holiday") == 0


# --- a name that got in before: its email still goes -----------------------------------------


def test_an_official_whose_stored_name_breaks_a_line_still_gets_email(
    engine: Engine,
    smtp: MailServer,  # noqa: F811
    clock: FixedClock,
) -> None:
    names = ["Budi\r\nBcc: korban@x.test", "Sri\u2028Rahayu\x1b", "Dewi\x85Kasi"]
    with transaction(engine) as session:
        session.add_all(
            OutboxMessage(
                dedupe_key=f"workflow.submitted:pk-{i}:2021-04-01",
                kind="workflow.submitted",
                recipient_email=f"pegawai{i}@gresikkab.go.id",
                recipient_name=name,
                payload=payload_for(i),
                available_at=FIXED_NOW,
                created_at=FIXED_NOW,
            )
            for i, name in enumerate(names)
        )
    report = run(dispatcher(engine, smtp.mailer(), clock))
    assert report == DispatchReport(claimed=3, sent=3)
    assert [row.status for row in outbox(engine)] == ["sent"] * 3
    received = smtp.inbox.received
    got: list[Any] = [r.message["To"].addresses[0] for r in received]
    assert [(a.display_name, a.addr_spec) for a in got] == [
        ("Budi Bcc: korban@x.test", "pegawai0@gresikkab.go.id"),
        ("Sri Rahayu", "pegawai1@gresikkab.go.id"),
        ("Dewi Kasi", "pegawai2@gresikkab.go.id"),
    ]
    assert [r.rcpt_tos for r in received] == [[a.addr_spec] for a in got]
    assert all(r.message["Bcc"] is None for r in received)

"""The admin log: an administrator's change is recorded, shown on /admin/log, and an
altered row is named by `kinerja audit verify` (issue 15, item 11), on SQLite and on
PostgreSQL; concurrent admin actions keep one unforked chain.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import Engine, text

from db.database import create_db_engine
from db.migrate import upgrade
from db.uow import SqlUnitOfWork
from engine.usecases.audit import verify_audit
from engine.usecases.holidays import add_holiday
from kinerja.bootstrap import Container
from kinerja.cli import main
from kinerja.cli.state import CliState
from tests.conftest import FIXED_NOW
from tests.integration.conftest import WebClient

PLH = {
    "official_id": "3",
    "position_id": "1",
    "status": "plh",
    "valid_from": "2021-04-05",
    "valid_to": "2021-04-05",
    "decree": "Surat Perintah Plh. 800/12/2021",
}


@pytest.fixture
def container(seeded_container: Container) -> Container:
    return seeded_container


@pytest.fixture
def admin(seeded_admin: WebClient) -> WebClient:
    return seeded_admin


def verify(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`kinerja audit verify` on `url`: its exit status and what it printed."""
    capsys.readouterr()
    code = main(["audit", "verify"], CliState(environ={"KINERJA_DATABASE_URL": url}))
    out, err = capsys.readouterr()
    return code, out + err


def admin_rows(engine: Engine) -> list[tuple[int, str, str, str | None, str | None]]:
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT id, actor, action, subject, after FROM admin_log ORDER BY id")
        )
        return [tuple(row) for row in found]  # type: ignore[misc]


def test_a_changed_assignment_is_in_the_admin_log_and_tampering_is_named(
    admin: WebClient,
    container: Container,
    seeded_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = admin_rows(container.engine)
    added = admin.submit("/admin/penugasan/baru", PLH, page="/admin")
    assert added.status_code == 303, added.text[-1500:]

    rows = admin_rows(container.engine)
    assert len(rows) == len(before) + 1
    row_id, actor, action, subject, after = rows[-1]
    assert (actor, action) == ("Administrator (admin)", "assignment.add")
    assert subject.startswith("Penugasan #") and "Plh. " in subject
    assert json.loads(after or "") == {
        "decree": PLH["decree"],
        "status": "plh",
        "valid_from": "2021-04-05",
        "valid_to": "2021-04-05",
    }

    page = admin.get("/admin/log?aksi=assignment")
    assert page.status_code == 200
    assert 'data-chain="utuh"' in page.text
    shown = re.search(
        rf'<tr data-row="{row_id}" data-action="assignment.add">.*?</tr>', page.text, re.S
    )
    assert shown is not None
    assert "Penugasan ditambahkan" in shown.group(0)
    assert "Selesai: 5 April 2021" in shown.group(0)
    assert "Status: Plh." in shown.group(0)
    assert shown.group(0).index("Status:") < shown.group(0).index("Mulai:")
    assert "Administrator (admin)" in shown.group(0)
    assert "1 April 2021 09.00 WIB" in shown.group(0)
    assert "/admin/log" in admin.get("/admin").text  # linked from the admin navigation

    code, out = verify(seeded_url, capsys)
    assert code == 0, out
    assert "Rantai audit utuh." in out

    forged = (after or "").replace('"valid_to":"2021-04-05"', '"valid_to":"2021-04-04"')
    with container.engine.begin() as connection:
        changed = connection.execute(
            text("UPDATE admin_log SET after = :after WHERE id = :id"),
            {"after": forged, "id": row_id},
        )
        assert changed.rowcount == 1
    code, out = verify(seeded_url, capsys)
    assert code == 1
    assert (
        f"RUSAK log admin: baris log admin #{row_id} telah diubah "
        "(assignment.add, 1 April 2021 09.00 WIB)"
    ) in out
    broken = admin.get("/admin/log").text
    assert 'data-chain="rusak"' in broken and f"baris #{row_id}" in broken


def test_removing_an_admin_row_is_named(
    admin: WebClient,
    container: Container,
    seeded_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for day in ("2021-06-14", "2021-06-15"):
        typed = {"day": day, "name": "Hari Jadi", "category": "local"}
        assert admin.submit("/admin/hari-libur", typed).status_code == 303
    rows = admin_rows(container.engine)
    middle = rows[-2][0]
    with container.engine.begin() as connection:
        connection.execute(text("DELETE FROM admin_log WHERE id = :id"), {"id": middle})
    code, out = verify(seeded_url, capsys)
    assert code == 1
    assert f"baris log admin #{middle} hilang (sebelum #{middle + 1})" in out


def test_a_refused_change_leaves_no_admin_row(admin: WebClient, container: Container) -> None:
    before = admin_rows(container.engine)
    refused = admin.submit("/admin/penugasan/baru", PLH | {"valid_to": "2021-04-01"}, page="/admin")
    assert refused.status_code == 422
    assert admin_rows(container.engine) == before


@pytest.fixture
def empty_engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


WRITERS = 8
ROUNDS = 5


def test_concurrent_admin_actions_keep_one_chain(empty_engine: Engine) -> None:
    """Eight threads add holidays at the same moment, five rounds: every append waits for
    the chain's lock, so the ids run 1..40 and each row links to the one before."""
    barrier = threading.Barrier(WRITERS, timeout=60)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for round_ in range(ROUNDS):
                barrier.wait()
                day = date(2022, 1, 3) + timedelta(days=n * ROUNDS + round_)
                with SqlUnitOfWork(empty_engine) as uow:
                    add_holiday(uow, day, f"Libur {n}-{round_}", now=FIXED_NOW, actor=f"admin {n}")
        except BaseException as exc:  # reported below, with the thread's number
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    with SqlUnitOfWork(empty_engine) as uow:
        report = verify_audit(uow)
        rows = list(uow.admin_log.rows())
    assert [row.id for row in rows] == list(range(1, WRITERS * ROUNDS + 1))
    assert all(row.prev_hash == prior.hash for prior, row in pairwise(rows))
    assert (report.ok, report.admin_rows) == (True, WRITERS * ROUNDS)


def test_account_changes_are_listed_without_the_password(
    admin: WebClient, container: Container
) -> None:
    typed = {"password": "sandi-baru-123", "repeat": "sandi-baru-123"}
    assert admin.submit("/admin/akun/2/sandi", typed).status_code == 303
    assert admin.submit("/admin/akun/2/nonaktifkan", {}).status_code == 303
    page = admin.get("/admin/log?aksi=account").text
    assert re.findall(r'data-action="(account\.[a-z_]+)"', page) == [
        "account.deactivate",
        "account.password_reset",
    ]
    assert "Aktif: ya &rarr; tidak" in page
    rows = admin_rows(container.engine)
    assert "sandi-baru-123" not in page + repr(rows)
    assert "$argon2" not in repr(rows)


def test_filters_and_pages_never_fail(admin: WebClient) -> None:
    typed = {"day": "2021-06-15", "name": "Hari Jadi 100% Gresik", "category": "local"}
    assert admin.submit("/admin/hari-libur", typed).status_code == 303
    for query in (
        "cari=100%25",
        "cari=_",
        "dari=2021-04-01&sampai=2021-04-01",
        "dari=kemarin&sampai=2021-13-45",
        "aksi=tidak.ada",
        "halaman=abc",
        "halaman=999999",
    ):
        response = admin.get(f"/admin/log?{query}")
        assert response.status_code == 200, query
    found = admin.get("/admin/log?cari=100%25").text
    assert re.findall(r'data-action="([a-z_.]+)"', found) == ["holiday.add"]
    assert 'data-row="' not in admin.get("/admin/log?dari=2021-04-02").text
    assert 'data-row="' not in admin.get("/admin/log?cari=_x_").text

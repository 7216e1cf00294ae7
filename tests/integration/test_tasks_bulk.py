"""Tugas Saya on both backends: capaian, holder and days waiting in each row; several
documents approved after a confirmation, each in its own transaction with its own audit row;
one changed since the list was read is refused as a conflict and the others go through."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import bindparam, text

from db.uow import SqlUnitOfWork
from engine.clock import JAKARTA, FixedClock
from engine.usecases.tasks import my_tasks
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient, csrf_of
from tests.integration.sweeps import POLICY
from tests.integration.test_api import bearer
from web.app import create_app

OCTOBER = datetime(2021, 10, 8, 2, 0, tzinfo=UTC)  # 09.00 WIB: TW III reports in flight
KADIS = "hendra.wibisono@diskoperindag-gresik.test"


@pytest.fixture
def kadis(seeded_container: Container, clock: FixedClock) -> Iterator[WebClient]:
    clock.set(OCTOBER)
    with TestClient(create_app(seeded_container)) as client:
        web = WebClient(client)
        web.login(KADIS)
        yield web


def tokens(html: str) -> list[str]:
    return re.findall(r'name="pilih" value="([^"]+)"', html)


def states(container: Container, refs: list[str]) -> dict[str, tuple[str, int]]:
    ids = [int(ref.removeprefix("LAP-")) for ref in refs]
    with container.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, state, version FROM report WHERE id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": ids},
        )
        return {f"LAP-{id_}": (state, version) for id_, state, version in rows}


def log_rows(container: Container, refs: list[str]) -> dict[str, int]:
    found = {}
    with container.engine.connect() as connection:
        for ref in refs:
            found[ref] = connection.execute(
                text(
                    "SELECT count(*) FROM transition_log WHERE doc_type = 'report' "
                    "AND doc_id = :id AND action = 'approve'"
                ),
                {"id": int(ref.removeprefix("LAP-"))},
            ).scalar_one()
    return found


def test_the_head_approves_three_after_confirming_and_a_changed_one_is_refused(
    kadis: WebClient, seeded_container: Container
) -> None:
    listed = kadis.get("/tugas")
    assert listed.status_code == 200
    html = listed.text
    assert "sejak " in html and "hari kerja" in html  # days waiting
    assert re.search(r"data-capaian>\d+,\d\d%", html)  # capaian with Indonesian decimals
    assert "Kepala Seksi" in html and "data-holder>" in html
    chosen = tokens(html)[:3]
    assert len(chosen) == 3
    refs = [token.partition("@")[0] for token in chosen]
    before = states(seeded_container, refs)
    # Another tab approves the first one after the list was read.
    first, version = chosen[0].split("@")
    done = kadis.post(
        f"/dokumen/{first}/aksi",
        data={"action": "approve", "expected_version": version, "csrf_token": csrf_of(html)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    asked = kadis.post(
        "/tugas/konfirmasi",
        data={"action": "approve", "pilih": chosen, "csrf_token": csrf_of(html)},
    )
    assert asked.status_code == 200
    assert "Pastikan persetujuan 3 dokumen" in asked.text
    for ref in refs:
        assert f'data-ref="{ref}"' in asked.text
    assert states(seeded_container, refs[1:]) == {r: before[r] for r in refs[1:]}  # not yet
    result = kadis.post(
        "/tugas/proses",
        data={"action": "approve", "pilih": tokens(asked.text), "csrf_token": csrf_of(asked.text)},
    )
    assert result.status_code == 200
    assert "2 dokumen berhasil disetujui, 1 ditolak" in result.text
    assert re.search(rf'data-ref="{first}" data-conflict>.*sudah diubah', result.text)
    after = states(seeded_container, refs)
    assert {r: s for r, (s, _) in after.items()} == dict.fromkeys(refs, "approved")
    assert log_rows(seeded_container, refs) == dict.fromkeys(refs, 1)  # one audit row each


def test_bad_bulk_requests_are_refused_clearly_and_change_nothing(
    kadis: WebClient, seeded_container: Container
) -> None:
    html = kadis.get("/tugas").text
    token = csrf_of(html)
    chosen = tokens(html)[:1]
    ref = chosen[0].partition("@")[0]
    before = states(seeded_container, [ref])
    too_many = [f"LAP-{n}@1" for n in range(1, 102)]
    cases = [
        ({"action": "return", "pilih": chosen}, "alasan per dokumen"),
        ({"action": "approve", "pilih": too_many}, "Paling banyak 100 dokumen"),
        ({"action": "approve"}, "Pilih dulu"),
    ]
    for data, message in cases:
        response = kadis.post("/tugas/proses", data={**data, "csrf_token": token})
        assert response.status_code == 422, data
        assert message in response.text
    forged = kadis.post("/tugas/proses", data={"action": "approve", "pilih": chosen})
    assert forged.status_code == 403
    assert states(seeded_container, [ref]) == before


def test_sort_and_filter_by_query_parameters(kadis: WebClient) -> None:
    every = kadis.get("/tugas").text
    overdue = kadis.get("/tugas?terlambat=1&urut=menunggu").text
    assert len(tokens(overdue)) <= len(tokens(every))
    assert kadis.get("/tugas?urut=apa").status_code == 422
    by_capaian = kadis.get("/tugas?urut=capaian").text
    values = [
        float(v.replace(".", "").replace(",", "."))
        for v in re.findall(r"data-capaian>([\d.,]+)%", by_capaian)
    ]
    assert values == sorted(values)


def test_the_api_approves_several_with_the_same_semantics(
    kadis: WebClient, seeded_container: Container
) -> None:
    headers = bearer(seeded_container, KADIS)
    listed = kadis.get("/api/v1/tasks", headers=headers).json()["items"]
    chosen = [f"{t['ref']}@{t['version']}" for t in listed if t["step"] == "approve"][:2]
    assert listed[0]["holder"] is not None and "waiting_days" in listed[0]
    stale = chosen[0].replace("@", "@9")  # a version the document never had
    response = kadis.post(
        "/api/v1/tasks/bulk",
        json={"action": "approve", "documents": [stale, chosen[1]]},
        headers=headers,
    )
    assert response.status_code == 200
    outcomes = response.json()["outcomes"]
    assert [(o["done"], o["conflict"]) for o in outcomes] == [(False, True), (True, False)]
    assert outcomes[1]["state"] == "approved"
    too_many = [f"LAP-{n}@1" for n in range(1, 102)]
    refused = kadis.post(
        "/api/v1/tasks/bulk", json={"action": "approve", "documents": too_many}, headers=headers
    )
    assert refused.status_code == 422 and "Paling banyak 100" in refused.text


def test_the_deadline_day_says_so_instead_of_zero_days_left(
    kadis: WebClient, seeded_container: Container, clock: FixedClock
) -> None:
    with SqlUnitOfWork(seeded_container.engine) as uow:
        actor = uow.accounts.resolve_actor(KADIS)
        due = [t for t in my_tasks(uow, actor, now=OCTOBER, policy=POLICY) if t.deadline]
    deadline = min(t.deadline for t in due if t.deadline and t.deadline >= OCTOBER.date())
    clock.set(datetime.combine(deadline, time(9), JAKARTA))
    kadis.login(KADIS)  # the session of four days ago has ended
    html = kadis.get("/tugas").text
    assert "hari ini tenggatnya" in html
    assert "0 hari kerja lagi" not in html

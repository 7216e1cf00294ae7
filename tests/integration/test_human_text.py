"""Human text outside the report page (issue 17): grouped NIPs in the history and on the account
page, Indonesian dates and targets on the PK page, no "versi N" and no slug as a label.

Each test runs on SQLite and PostgreSQL over the demo data (Kepala Seksi IKM, PK 2021 with the
target 61,59 stored as "61.59").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from db.database import transaction
from db.models import OfficialRow, PerjanjianKinerja, PkTarget, PositionRow
from db.pks import revise_pk
from db.signin import Account
from engine.capaian import parse_target
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient
from web.app import create_app

KASI_IKM = "ratna.dewi@diskoperindag-gresik.test"  # Kepala Seksi IKM
OCTOBER = datetime(2021, 10, 11, 2, 0, tzinfo=UTC)
GROUPED_NIP = re.compile(r"\b\d{8} \d{6} \d \d{3}\b")
BARE_NIP = re.compile(r"\b\d{18}\b")


@pytest.fixture
def kasi(seeded_container: Container) -> Iterator[WebClient]:
    with TestClient(create_app(seeded_container)) as client:
        web = WebClient(client)
        web.login(KASI_IKM)
        yield web


def _pk_id(container: Container) -> int:
    with Session(container.engine) as session:
        pk = session.exec(
            select(PerjanjianKinerja)
            .join(PositionRow, PositionRow.id == PerjanjianKinerja.position_id)  # type: ignore[arg-type]
            .where(PositionRow.code == "kasi-ikm", PerjanjianKinerja.year == 2021)
            .order_by(col(PerjanjianKinerja.revision).desc())
        ).first()
    assert pk is not None and pk.id is not None
    return pk.id


def _nip(container: Container) -> str:
    with Session(container.engine) as session:
        official = session.exec(
            select(OfficialRow)
            .join(Account, Account.official_id == OfficialRow.id)  # type: ignore[arg-type]
            .where(Account.login == KASI_IKM)
        ).one()
    return official.nip


def _section(html: str, element_id: str) -> str:
    found = re.search(rf'<table[^>]*id="{element_id}".*?</table>', html, re.S)
    assert found is not None, element_id
    return found.group(0)


def test_history_shows_nips_grouped(seeded_container: Container, kasi: WebClient) -> None:
    page = kasi.get(f"/pk/{_pk_id(seeded_container)}").text
    history = _section(page, "history")
    nip = _nip(seeded_container)
    assert f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" in history
    assert GROUPED_NIP.search(history)
    assert not BARE_NIP.search(history), BARE_NIP.findall(history)


def test_account_page_shows_the_nip_grouped(seeded_container: Container, kasi: WebClient) -> None:
    page = kasi.get("/akun").text
    nip = _nip(seeded_container)
    assert f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" in page
    assert nip not in page


def test_pk_page_speaks_in_dates_names_and_indonesian_numbers(
    seeded_container: Container, kasi: WebClient
) -> None:
    page = kasi.get(f"/pk/{_pk_id(seeded_container)}").text
    main = page[page.index("<main") :]
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", main), re.findall(r"20\d\d-\d\d-\d\d", main)
    assert "tenggat penandatanganan" not in main or re.search(
        r"tenggat penandatanganan \d{1,2} [A-Z][a-z]+ 20\d\d", main
    )
    assert not re.search(r"versi \d", main)
    targets = _section(main, "targets")
    assert "61,59" in targets and "61.59" not in targets
    label = re.search(r'<td data-label="Indikator">([^<]*)', targets)
    assert label is not None and "kasi-ikm" not in label.group(1)


def test_draft_pk_fields_show_targets_in_indonesian_and_save_them_unchanged(
    seeded_container: Container, kasi: WebClient, clock: FixedClock
) -> None:
    """The form showed "61.59" (stored text) next to "640.000.000,00"; now "61,59", and saving
    the page untouched keeps every target's value."""
    clock.set(OCTOBER)
    kasi.login(KASI_IKM)  # the morning's session has expired by October
    with transaction(seeded_container.engine) as session:
        revision = revise_pk(session, _pk_id(seeded_container), "Refocusing anggaran", OCTOBER)
        assert revision.id is not None
        rid = revision.id
    page = kasi.get(f"/pk/{rid}").text
    values = dict(re.findall(r'name="((?:annual|tw\d)\.[^"]+)" [^>]*value="([^"]*)"', page))
    assert values
    assert "61,59" in values.values()
    assert not [v for v in values.values() if re.fullmatch(r"\d+\.\d+", v)], values
    with Session(seeded_container.engine) as session:
        before = sorted(
            (parse_target(t.annual).display, parse_target(t.tw4 or "0").display)
            for t in session.exec(select(PkTarget).where(PkTarget.pk_id == rid))
        )
    version = re.search(r'name="expected_version" value="(\d+)"', page)
    assert version is not None
    saved = kasi.submit(
        f"/pk/{rid}/target",
        {**values, "expected_version": version.group(1)},
        page=f"/pk/{rid}",
    )
    assert saved.status_code in (200, 303), re.findall(r"field-error[^>]*>([^<]*)<", saved.text)
    with Session(seeded_container.engine) as session:
        after = sorted(
            (parse_target(t.annual).display, parse_target(t.tw4 or "0").display)
            for t in session.exec(select(PkTarget).where(PkTarget.pk_id == rid))
        )
    assert after == before

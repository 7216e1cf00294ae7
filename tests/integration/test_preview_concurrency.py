"""The live preview is a pure read: it answers while others save, with the right numbers.

Two holders save their own TW III reports continuously through the web app while the
holder of a third report asks for 200 previews with changing inputs. On SQLite the
preview writes nothing, so it runs in plain read transactions (`web/deps.py request_uow`):
it neither takes nor waits for the write lock, so every preview answers 200, with the
realisation and capaian a hand computation gives, and nothing of what it was given is
stored.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from db.models import IndicatorRow, PerjanjianKinerja, PkTarget, ReportEntry
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient, csrf_of
from tests.integration.test_web_pages import input_names, report_id

OCTOBER = datetime(2021, 10, 8, 2, 0, tzinfo=UTC)  # 09.00 WIB: TW III reports in flight
PREVIEWS = 200
WAIT = 60.0  # seconds: the longest a writer may take to start or to stop before the test fails
# The previewed report: Kasi Produksi Usaha Mikro's TW III draft; its one indicator is
# um_difasilitasi / um_seluruh * 100, positive, against the TW III target of the PK (read
# from the database: the demo's plan sets it).
HOLDER = ("fitri.handayani@diskoperindag-gresik.test", "kasi-produksi-usaha-mikro")
INDICATOR = "kasi-produksi-usaha-mikro-1"
# Two other holders, each saving their own TW III draft.
WRITERS = (
    ("rudi.hartono@diskoperindag-gresik.test", "kasi-pembiayaan-koperasi"),
    ("andi.firmansyah@diskoperindag-gresik.test", "fasilitator-perdagangan"),
)
CENT = Decimal("0.01")


def signed_in(web_factory: Callable[[], WebClient], login: str) -> WebClient:
    client = web_factory()
    client.login(login)
    return client


class Writer(threading.Thread):
    """Saves its report again and again (each time other values) until told to stop."""

    def __init__(self, client: WebClient, rid: int) -> None:
        super().__init__(daemon=True)
        self.client, self.rid = client, rid
        page = client.get(f"/laporan/{rid}").text
        self.names, self.token = input_names(page), csrf_of(page)
        assert self.names, "the writer sees input fields"
        self.statuses: list[int] = []
        self.saved_once = threading.Event()
        self.stop = threading.Event()
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                value = str(len(self.statuses) % 50 + 1)
                data = {name: value for name in self.names} | {"csrf_token": self.token}
                response = self.client.post(f"/laporan/{self.rid}", data=data,
                                            follow_redirects=False)  # fmt: skip
                self.statuses.append(response.status_code)
                self.saved_once.set()
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.failure = exc
            self.saved_once.set()


def tw3_target(container: Container) -> Decimal:
    """The TW III target of the previewed indicator in its (approved) 2021 PK."""
    with Session(container.engine) as session:
        typed = session.exec(
            select(PkTarget.tw3)
            .join(IndicatorRow, IndicatorRow.id == PkTarget.indicator_id)  # type: ignore[arg-type]
            .join(PerjanjianKinerja, PerjanjianKinerja.id == PkTarget.pk_id)  # type: ignore[arg-type]
            .where(IndicatorRow.code == INDICATOR, PerjanjianKinerja.year == 2021)
        ).one()
    assert typed is not None
    return Decimal(typed)


def hand(number: int, target: Decimal) -> tuple[Decimal, Decimal]:
    """Realisation and capaian of the typed inputs `number` of 2000, by hand."""
    realisation = Decimal(number) / Decimal(2000) * 100
    return realisation, realisation / target * 100


def stored_inputs(container: Container, rid: int) -> list[dict[str, Any]]:
    with Session(container.engine) as session:
        entries = session.exec(select(ReportEntry).where(ReportEntry.report_id == rid))
        return sorted((dict(e.inputs) for e in entries), key=repr)


def preview(client: WebClient, rid: int, token: str, done: int, total: int = 2000) -> Any:
    data = {
        f"v.{INDICATOR}.um_difasilitasi": str(done),
        f"v.{INDICATOR}.um_seluruh": str(total),
        "csrf_token": token,
    }
    return client.post(f"/laporan/{rid}/hitung", data=data)


def test_previews_answer_with_the_right_numbers_while_two_holders_save(
    web_factory: Callable[[], WebClient], web_container: Container, clock: FixedClock
) -> None:
    clock.set(OCTOBER)
    rid = report_id(web_container, HOLDER[1])
    before = stored_inputs(web_container, rid)
    holder = signed_in(web_factory, HOLDER[0])
    token = csrf_of(holder.get(f"/laporan/{rid}").text)
    writers = [
        Writer(signed_in(web_factory, login), report_id(web_container, code))
        for login, code in WRITERS
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        assert writer.saved_once.wait(WAIT), "a writer never saved"
    started = [len(writer.statuses) for writer in writers]
    answers = []
    try:
        for number in range(1000, 1000 + PREVIEWS):
            response = preview(holder, rid, token, number)
            answers.append((number, response.status_code, response.json()))
    finally:
        for writer in writers:
            writer.stop.set()
        for writer in writers:
            writer.join(WAIT)
    for writer, first in zip(writers, started, strict=True):
        assert writer.failure is None, writer.failure
        assert not writer.is_alive()
        assert len(writer.statuses) > first, "the writer saved while the previews ran"
        assert set(writer.statuses) == {303}, writer.statuses

    assert len(answers) == PREVIEWS
    target = tw3_target(web_container)
    assert [status for _, status, _ in answers] == [200] * PREVIEWS
    for number, _, body in answers:
        assert body["errors"] == {}
        (row,) = [row for row in body["rows"] if row["indicator"] == INDICATOR]
        realisation, capaian = hand(number, target)
        assert Decimal(row["realisation"]).quantize(CENT) == realisation.quantize(CENT), number
        assert Decimal(row["capaian"]).quantize(CENT) == capaian.quantize(CENT), number
        assert row["category"] is not None
    assert stored_inputs(web_container, rid) == before  # a preview stores nothing


def test_a_preview_answers_while_another_connection_holds_the_write_lock(
    web_factory: Callable[[], WebClient], web_container: Container, clock: FixedClock
) -> None:
    clock.set(OCTOBER)
    rid = report_id(web_container, HOLDER[1])
    holder = signed_in(web_factory, HOLDER[0])
    token = csrf_of(holder.get(f"/laporan/{rid}").text)
    database = web_container.engine.url.database
    assert database is not None
    other = sqlite3.connect(database, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")  # the write lock, held by someone else
        response = preview(holder, rid, token, 1500)
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert response.status_code == 200, response.text[-500:]
    row = response.json()["rows"][0]
    realisation, capaian = hand(1500, tw3_target(web_container))
    assert Decimal(row["realisation"]).quantize(CENT) == realisation.quantize(CENT) == Decimal("75")
    assert Decimal(row["capaian"]).quantize(CENT) == capaian.quantize(CENT)

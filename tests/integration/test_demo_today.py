"""The demo that lives in today: `kinerja demo seed` without --year builds the clock's year.

Seeded on Monday 7 December 2026 at 09.00 WIB: TW I-III filled and closed, TW IV open with
its deadline in January (working days from today, never years overdue), the workflow's
emails of the year recorded as sent at their own moments (the mailbox starts empty), and
`kinerja demo advance` delivering everything it enqueued, on a clock that stays on today.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from engine.clock import JAKARTA, FixedClock
from engine.events import OutboxStatus
from engine.periods import Quarter
from engine.ports import CaughtMail
from engine.records import DocumentFilter
from engine.usecases.listing import list_documents
from engine.usecases.tasks import my_tasks
from engine.workflow import DocKind
from kinerja.bootstrap import bootstrap
from kinerja.cli import main
from kinerja.cli.state import CliState
from kinerja.demo.scenario import holder_of
from kinerja.settings import load_settings
from notifications.catcher import MailCatcher
from tests.servers import free_port
from web.app import create_app

pytestmark = pytest.mark.slow

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 9, tzinfo=JAKARTA)
KASI = "yusuf.hidayat@diskoperindag-gresik.test"  # Kepala Seksi Pembiayaan Usaha Mikro


@pytest.fixture(scope="module")
def today_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the demo seeded on today's clock (no --year)."""
    path = tmp_path_factory.mktemp("today") / "demo.db"
    state = CliState(environ={"KINERJA_DATABASE_URL": f"sqlite:///{path}"}, clock=FixedClock(NOW))
    assert main(["db", "upgrade"], state) == 0
    assert main(["demo", "seed"], CliState(environ=state.environ, clock=state.clock)) == 0
    return path


def _environ(path: Path) -> dict[str, str]:
    return {"KINERJA_DATABASE_URL": f"sqlite:///{path}", "KINERJA_LOG_LEVEL": "WARNING"}


def test_the_closed_quarters_are_approved_and_the_current_one_is_open(today_demo: Path) -> None:
    container = bootstrap(load_settings(_environ(today_demo)), clock=FixedClock(NOW))
    try:
        with container.uow() as uow:
            states = {
                q: Counter(
                    row["state"]
                    for row in list_documents(
                        uow, DocKind.REPORT, DocumentFilter(year=2026, quarter=q)
                    )
                )
                for q in (1, 2, 3, 4)
            }
    finally:
        container.close()
    for quarter in (1, 2, 3):
        assert sum(states[quarter].values()) == 25
        assert set(states[quarter]) <= {"approved", "verified"}, states[quarter]
    assert states[4] == Counter({"draft": 25})


def test_every_open_task_is_due_in_working_days_from_today(today_demo: Path) -> None:
    """Every official's Tugas Saya on the day: the TW IV reports, due in January 2027, with a
    sane count of working days left and nothing overdue."""
    container = bootstrap(load_settings(_environ(today_demo)), clock=FixedClock(NOW))
    try:
        with container.uow() as uow:
            positions = [p.id for p in uow.organisation.tree().positions]
        tasks = []
        for position_id in positions:
            actor = holder_of(container.engine, position_id, NOW)
            with container.uow() as uow:
                tasks += my_tasks(uow, actor, now=NOW, policy=container.policy)
    finally:
        container.close()
    assert len({t.ref for t in tasks}) == 25
    assert {t.period for t in tasks} == {Quarter(2026, 4).label}
    for task in tasks:
        assert task.deadline is not None and task.days_left is not None
        assert not task.overdue, task
        assert date(2027, 1, 1) < task.deadline < date(2027, 2, 1), task
        assert 15 <= task.days_left <= 40, task


def test_the_years_mail_is_history_not_a_flood(today_demo: Path) -> None:
    container = bootstrap(load_settings(_environ(today_demo)), clock=FixedClock(NOW))
    try:
        with container.uow() as uow:
            counts = uow.outbox.counts()
            sent = uow.outbox.newest(OutboxStatus.SENT, 10_000)
            recipients = {e.recipient_official_id for e in sent} - {None}
            unread = {o: uow.notifications.unread(o) for o in recipients if o is not None}
    finally:
        container.close()
    assert len(recipients) > 20 and set(unread.values()) == {0}  # read then: no bell of 100
    assert counts[OutboxStatus.PENDING] == 0
    assert counts[OutboxStatus.DEAD] == 0
    assert len(sent) == counts[OutboxStatus.SENT] > 100
    assert all(e.sent_at == e.created_at and e.sent_at is not None for e in sent)
    assert all(e.sent_at is not None and e.sent_at <= NOW for e in sent)
    assert len({e.sent_at for e in sent}) > 20  # at their own moments, not one


def test_advance_delivers_what_it_enqueued_on_a_clock_left_on_today(
    today_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The advanced days' digests are due on those days, after the clock's today: sent all the
    same (they stayed pending before: the drain ran on the clock's own moment)."""
    path = tmp_path / "demo.db"
    shutil.copyfile(today_demo, path)
    catcher = MailCatcher(port=free_port(), clock=FixedClock(NOW))
    catcher.start()
    environ = _environ(path) | {"KINERJA_SMTP_PORT": str(catcher.port)}
    try:
        argv = ["demo", "advance", "--from", "2026-12-28", "--to", "2027-01-14"]
        assert main(argv, CliState(environ=environ, clock=FixedClock(NOW))) == 0
        out = capsys.readouterr().out
        received = catcher.messages()
    finally:
        catcher.stop()
    digests = sum(int(n) for n in re.findall(r"dalam (\d+) email ringkasan", out))
    assert digests > 0, out
    assert f"Email terkirim: {digests}, dicoba lagi nanti: 0, gagal: 0" in out
    assert len(received) == digests
    container = bootstrap(load_settings(environ), clock=FixedClock(NOW))
    try:
        with container.uow() as uow:
            assert uow.outbox.counts()[OutboxStatus.PENDING] == 0
    finally:
        container.close()


def test_more_quarters_than_have_closed_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On 20 May only TW I has ended: --quarters 2 is refused before anything is written."""
    environ = _environ(tmp_path / "k.db")
    may = FixedClock(datetime(2026, 5, 20, 9, tzinfo=JAKARTA))
    assert main(["db", "upgrade"], CliState(environ=environ, clock=may)) == 0
    assert main(["demo", "seed", "--quarters", "2"], CliState(environ=environ, clock=may)) != 0
    assert "baru 1 triwulan tahun 2026 yang berakhir" in capsys.readouterr().err
    container = bootstrap(load_settings(environ), clock=may)
    try:
        with container.uow() as uow:
            assert not uow.organisation.agencies()
    finally:
        container.close()


def test_a_year_after_the_clocks_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environ = _environ(tmp_path / "k.db")
    assert main(["db", "upgrade"], CliState(environ=environ, clock=FixedClock(NOW))) == 0
    code = main(
        ["demo", "seed", "--year", "2027"], CliState(environ=environ, clock=FixedClock(NOW))
    )
    assert code != 0
    assert "Tahun demo 2027 belum tiba" in capsys.readouterr().err


class _Mailbox:
    """The demo mail catcher's read side."""

    def __init__(self, messages: list[CaughtMail]) -> None:
        self.kept = messages

    def messages(self) -> list[CaughtMail]:
        return self.kept


def test_the_mailbox_shows_wib_times_and_how_to_play_todays_close(today_demo: Path) -> None:
    received = datetime(2026, 12, 7, 2, tzinfo=UTC)
    mail = CaughtMail(received, "kinerja@x.test", ("a@x.test",), "Ringkasan", "t", "", "1")
    container = bootstrap(load_settings(_environ(today_demo)), clock=FixedClock(NOW), demo=True)
    try:
        with TestClient(create_app(container)) as client:
            container.mail_catcher = _Mailbox([])  # type: ignore[assignment]
            empty = client.get("/demo/kotak-surat").text
            container.mail_catcher = _Mailbox([mail])  # type: ignore[assignment]
            one = client.get("/demo/kotak-surat").text
            container.mail_catcher = None
    finally:
        container.close()
    assert "kinerja demo advance --from 2026-12-07 --to 2027-01-14" in empty
    assert "7 Desember 2026 09.00 WIB" in one  # 02.00 UTC
    assert "1 pesan" in one


def test_a_kepala_seksi_reads_her_deadline_in_working_days_from_today(today_demo: Path) -> None:
    """The page as she sees it on 7 December 2026: TW IV due 11 January 2027, counted in
    working days from today (the holidays of the seeded calendar left out), nothing late."""
    container = bootstrap(load_settings(_environ(today_demo)), clock=FixedClock(NOW), demo=True)
    try:
        with TestClient(create_app(container)) as client:
            form = client.get("/masuk").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert token is not None
            signed = client.post(
                "/masuk",
                data={"login": KASI, "password": "demo", "csrf_token": token.group(1)},
                follow_redirects=False,
            )
            assert signed.status_code == 303
            page = client.get("/tugas").text
            with container.uow() as uow:
                calendar = uow.pending.calendar()
    finally:
        container.close()
    left = calendar.working_days_between(date(2026, 12, 7), date(2027, 1, 11))
    deadline = re.search(r'data-deadline>([^<]*)<span class="muted">(\d+) hari kerja lagi', page)
    assert deadline is not None, page[-3000:]
    assert deadline.group(1).strip() == "11 Januari 2027"
    assert int(deadline.group(2)) == left and 15 <= left <= 30
    assert "lewat" not in page.split("<tbody>")[1]

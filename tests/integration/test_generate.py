"""`kinerja demo generate`: a small regency that the real app, the audit and the recap accept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, text
from sqlmodel import Session, col, select

from db.database import create_db_engine
from db.models import (
    AssignmentRow,
    IndicatorRow,
    OfficialRow,
    PerjanjianKinerja,
    PositionRow,
    QuarterlyReport,
    ReportEntry,
)
from db.organisation import load_org
from db.recap import load_recap
from db.signin import Account
from db.uow import SqlUnitOfWork
from db.workflow_models import TransitionLog
from engine.clock import JAKARTA, FixedClock
from engine.gate import parties
from engine.usecases.tasks import my_tasks
from engine.workflow import Action, Actor, State
from kinerja.bootstrap import bootstrap
from kinerja.settings import load_settings
from tests.integration.conftest import Cli, WebClient
from tests.integration.sweeps import POLICY
from web.app import create_app

SMALL = ("--agencies", "3", "--positions-per-agency", "25", "--years", "1", "--seed", "7")


def _generate(url: str, clock: FixedClock, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    cli = Cli(url, clock, capsys)
    cli.ok("db", "upgrade")
    return cli.ok("demo", "generate", *SMALL, *extra)


@pytest.fixture
def generated(
    database_url: str, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[str, Engine]]:
    """A small generated regency on each backend."""
    _generate(database_url, clock, capsys)
    engine = create_db_engine(database_url)
    try:
        yield database_url, engine
    finally:
        engine.dispose()


def _count(session: Session, model: type) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def test_counts_holders_and_pks(generated: tuple[str, Engine]) -> None:
    _url, engine = generated
    with Session(engine) as session:
        assert _count(session, PositionRow) == 75
        indicators = _count(session, IndicatorRow)
        assert 3 * 75 <= indicators <= 5 * 75
        tree = load_org(session).tree
        on = date(2021, 10, 14)
        assert all(tree.acting_holder(p.id, on) is not None for p in tree.positions)
        pk_positions = set(session.exec(select(PerjanjianKinerja.position_id)))
        assert len(pk_positions) == 75
        statuses = set(session.exec(select(AssignmentRow.status)))
        assert {"definitif", "plt", "plh"} <= statuses
        # TW I-III opened for every approved PK; TW IV not yet (as of 15 October).
        quarters = set(session.exec(select(QuarterlyReport.quarter)))
        assert quarters == {1, 2, 3}
        assert _count(session, Account) == _count(session, OfficialRow) + 1  # plus admin
        entries = list(session.exec(select(ReportEntry).limit(50)))
        assert all(all("E" not in v for v in e.inputs.values()) for e in entries)


def test_reports_in_every_state_with_returns(generated: tuple[str, Engine]) -> None:
    _url, engine = generated
    with Session(engine) as session:
        states = set(session.exec(select(QuarterlyReport.state)))
        assert states == {s.value for s in State}
        returned = session.exec(
            select(QuarterlyReport).where(
                QuarterlyReport.state == State.DRAFT.value, QuarterlyReport.visit == 2
            )
        ).first()
        assert returned is not None
        last = session.exec(
            select(TransitionLog)
            .where(TransitionLog.doc_type == "report", TransitionLog.doc_id == returned.id)
            .order_by(col(TransitionLog.id).desc())
        ).first()
        assert last is not None and last.action == Action.RETURN.value and last.comment


def test_audit_verify_passes(
    generated: tuple[str, Engine], clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _engine = generated
    out = Cli(url, clock, capsys).ok("audit", "verify")
    assert "utuh" in out


def test_recap_computes_capaian(generated: tuple[str, Engine]) -> None:
    _url, engine = generated
    with Session(engine) as session:
        recap = load_recap(session, year=2021, quarter=2)
    computed = [i for i in recap.indicators if i.capaian.value is not None]
    assert len(computed) >= 0.8 * len(recap.indicators) > 0


def test_a_kepala_bidang_has_tasks(generated: tuple[str, Engine]) -> None:
    _url, engine = generated
    with Session(engine) as session:
        tree = load_org(session).tree
        waiting = session.exec(
            select(QuarterlyReport).where(QuarterlyReport.state == State.SUBMITTED.value)
        ).all()
        on = date(2021, 10, 15)
        verifiers = [
            parties(tree, r.position_id).verifier for r in waiting if r.position_id is not None
        ]
        kabid = next(p for p in verifiers if p is not None and p.code.startswith("kabid"))
        holding = tree.acting_holder(kabid.id, on)
        assert holding is not None
        official = holding.official
    with SqlUnitOfWork(engine) as uow:
        noon = datetime.combine(on, time(12), JAKARTA)
        tasks = my_tasks(
            uow, Actor(official.id, official.name, official.nip), now=noon, policy=POLICY
        )
    assert tasks


def test_refuses_a_database_with_data_unless_forced(
    sqlite_url: str, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    _generate(sqlite_url, clock, capsys)
    cli = Cli(sqlite_url, clock, capsys)
    code, _out, err = cli("demo", "generate", *SMALL)
    assert code != 0 and "--force" in err
    cli.ok("demo", "generate", *SMALL, "--force")
    engine = create_db_engine(sqlite_url)
    with Session(engine) as session:
        assert _count(session, PositionRow) == 150
    engine.dispose()
    assert "utuh" in cli.ok("audit", "verify")


def _dump(url: str) -> list[tuple[object, ...]]:
    engine = create_db_engine(url)
    with Session(engine) as session:
        rows: list[tuple[object, ...]] = []
        rows += session.exec(select(OfficialRow.id, OfficialRow.nip, OfficialRow.name)).all()
        rows += session.exec(select(IndicatorRow.id, IndicatorRow.code, IndicatorRow.name)).all()
        rows += session.exec(select(TransitionLog.id, TransitionLog.hash)).all()
        rows += session.exec(select(ReportEntry.id, ReportEntry.inputs)).all()  # type: ignore[arg-type]
    engine.dispose()
    return [tuple(r) for r in rows]


def test_same_seed_same_regency(
    tmp_path: Path, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = (f"sqlite:///{tmp_path / name}" for name in ("a.db", "b.db"))
    _generate(first, clock, capsys)
    _generate(second, clock, capsys)
    assert _dump(first) == _dump(second)


def test_pages_work_for_a_generated_login(
    generated: tuple[str, Engine], clock: FixedClock, tmp_path: Path
) -> None:
    url, engine = generated
    with Session(engine) as session:
        report = session.exec(
            select(QuarterlyReport).where(QuarterlyReport.state == State.SUBMITTED.value)
        ).first()
        assert report is not None
        tree = load_org(session).tree
        verifier = parties(tree, report.position_id).verifier
        assert verifier is not None
        holding = tree.acting_holder(verifier.id, date(2021, 10, 15))
        assert holding is not None
        login = holding.official.email
        pk = session.exec(
            select(PerjanjianKinerja).where(PerjanjianKinerja.position_id == report.position_id)
        ).one()
    container = bootstrap(
        load_settings(
            {
                "KINERJA_DATABASE_URL": url,
                "KINERJA_EVIDENCE_DIR": str(tmp_path / "evidence"),
                "KINERJA_SECRET_KEY": "test-secret",
            }
        ),
        clock=FixedClock(clock.now().replace(year=2021, month=10, day=15)),
    )
    try:
        with TestClient(create_app(container)) as client:
            web = WebClient(client)
            web.login(login)
            for path in ("/tugas", f"/laporan/{report.id}", f"/pk/{pk.id}", "/dasbor"):
                response = web.get(path)
                assert response.status_code == 200, (path, response.text[-1000:])
            assert f"LAP-{report.id}" in web.get("/tugas").text
    finally:
        container.close()


@pytest.mark.postgres
def test_the_planner_knows_the_generated_tables_at_once(
    postgres_url: str, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """On PostgreSQL the generator ends with ANALYZE: with the statistics of empty tables
    the recap's join ran by nested loops over every indicator and report (25 s for the
    default regency, 15 ms after ANALYZE) until autovacuum came round."""
    _generate(postgres_url, clock, capsys)
    engine = create_db_engine(postgres_url)
    try:
        with engine.connect() as connection:
            analysed = connection.execute(
                text(
                    "select relname from pg_stat_user_tables where relname in "
                    "('report_entry', 'report', 'indicator', 'pk_target') "
                    "and coalesce(last_analyze, last_autoanalyze) is not null"
                )
            ).scalars()
            assert sorted(analysed) == ["indicator", "pk_target", "report", "report_entry"]
    finally:
        engine.dispose()

"""`kinerja audit verify` finds history altered or removed behind the application's back.

A PK is signed and its TW I report goes through submit, return (with a comment),
resubmit, verify and approve. The chain holds; then each test tampers with the
transition log directly in SQL and the command must exit non-zero and name the
document and the log row where the chain breaks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from importlib import resources

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from db.catalogue import load_indicators
from db.database import transaction
from db.documents import open_reports, position_by_code
from db.models import PerjanjianKinerja, QuarterlyReport
from db.pks import create_pk, set_target
from db.workflow import SqlWorkflowStore
from db.workflow_models import TransitionLog
from engine.clock import JAKARTA
from engine.indicators import Indicator
from engine.targets import Rollup, TargetMode
from engine.workflow import DocKind, State
from kinerja.cli import main
from kinerja.cli.state import CliState
from kinerja.demo.scenario import approve_all_the_way
from kinerja.demo.seed import GRESIK_CATALOG_FILE, demo_org_text
from tests.integration.entries import fill_entry
from tests.integration.files import import_catalog_text, import_org_text
from tests.integration.views import audit_of

YEAR = 2021
RETURN_COMMENT = "Data pembanding tahun lalu belum dilampirkan"


def wib(day: int, month: int, hour: int = 9) -> datetime:
    """`hour` o'clock Jakarta time on a 2021 day, as an aware UTC datetime."""
    return datetime(YEAR, month, day, hour - 7, tzinfo=UTC)


def targets_for(indicator: Indicator) -> tuple[str, list[str]]:
    """Annual and TW I-IV targets that pass the indicator's TargetCheck without a reason."""
    if indicator.target_mode is TargetMode.CUMULATIVE:
        return "100", ["25", "50", "75", "100"]
    if indicator.rollup is Rollup.SUM:
        return "100", ["25", "25", "25", "25"]
    return "100", ["100", "100", "100", "100"]


def prepare_report(engine: Engine) -> tuple[int, int]:
    """Demo organisation and catalogue, an approved kasi-ikm PK, its filled TW I report."""
    import_org_text(engine, demo_org_text(), "demo")
    catalog = resources.files("kinerja.data").joinpath(GRESIK_CATALOG_FILE).read_text("utf-8")
    import_catalog_text(engine, catalog, GRESIK_CATALOG_FILE)
    with transaction(engine) as session:
        position = position_by_code(session, "kasi-ikm")
        assert position.id is not None
        indicators = load_indicators(session, year=YEAR, position_ids=[position.id])
        assert indicators
        pk = create_pk(session, position.id, YEAR, wib(11, 1))
        assert pk.id is not None
        pk_id = pk.id
        for indicator in indicators:
            annual, quarters = targets_for(indicator)
            _row, warnings = set_target(
                session, pk_id, indicator.code, annual=annual, quarters=quarters
            )
            assert warnings == [], (indicator.code, warnings)
    approve_all_the_way(engine, DocKind.PK, pk_id, wib(20, 1), wib(22, 1), wib(26, 1))
    with transaction(engine) as session:
        pk_row = session.get(PerjanjianKinerja, pk_id)
        assert pk_row is not None
        assert pk_row.state == State.APPROVED.value
        (report,) = open_reports(session, YEAR, 1, wib(1, 4, 8))
        assert report.id is not None
        report_id = report.id
        for indicator in indicators:
            values = {name: str(120 - 30 * n) for n, name in enumerate(indicator.formula.variables)}
            fill_entry(session, report_id, indicator.code, values=values)
    with Session(engine) as session:
        view = SqlWorkflowStore(session).document(DocKind.REPORT, report_id)
    assert view.missing == (), view.missing
    return pk_id, report_id


def log_rows(engine: Engine, kind: DocKind, doc_id: int) -> list[TransitionLog]:
    """A document's log rows in chain order."""
    with Session(engine) as session:
        return list(
            session.exec(
                select(TransitionLog)
                .where(TransitionLog.doc_type == kind.value, TransitionLog.doc_id == doc_id)
                .order_by(col(TransitionLog.id))
            )
        )


def tamper(engine: Engine, sql: str, row_id: int, **params: object) -> None:
    """Change the log behind the application's back; exactly one row must be hit."""
    with engine.begin() as connection:
        assert connection.execute(text(sql), {"id": row_id, **params}).rowcount == 1


class History:
    """The walked documents: PK-n (submit, verify, approve) and LAP-m (five steps)."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.pk_id, self.report_id = prepare_report(engine)
        approve_all_the_way(
            engine,
            DocKind.REPORT,
            self.report_id,
            wib(5, 4),
            wib(7, 4),
            wib(12, 4),
            return_first=RETURN_COMMENT,
        )
        self.pk_rows = log_rows(engine, DocKind.PK, self.pk_id)
        self.report_rows = log_rows(engine, DocKind.REPORT, self.report_id)
        self.pk_ref = f"PK-{self.pk_id}"
        self.report_ref = f"LAP-{self.report_id}"


@pytest.fixture
def history(engine: Engine, database_url: str) -> History:
    walked = History(engine, database_url)
    assert [r.action for r in walked.pk_rows] == ["submit", "verify", "approve"]
    assert [r.action for r in walked.report_rows] == [
        "submit",
        "return",
        "submit",
        "verify",
        "approve",
    ]
    assert walked.report_rows[1].comment == RETURN_COMMENT
    return walked


class AuditCli:
    """`kinerja audit verify [args]` in-process: (exit status, stdout, stderr)."""

    def __init__(self, url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.url = url
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(
            ["audit", "verify", *args], CliState(environ={"KINERJA_DATABASE_URL": self.url})
        )
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def audit(database_url: str, capsys: pytest.CaptureFixture[str]) -> AuditCli:
    return AuditCli(database_url, capsys)


def audit_subprocess(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m kinerja audit verify` as its own process."""
    env = {**os.environ, "KINERJA_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "kinerja", "audit", "verify", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_untouched_history_verifies(history: History, audit: AuditCli) -> None:
    code, out, err = audit()
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Diperiksa {len(history.pk_rows) + len(history.report_rows)} baris log dari 2 dokumen "
        "dan 0 baris log admin.",
        "Rantai audit utuh.",
    ]
    code, out, _ = audit("--json")
    assert code == 0
    assert json.loads(out) == {
        "ok": True,
        "documents": 2,
        "rows": 8,
        "admin_rows": 0,
        "admin_head": None,
        "breaks": [],
    }
    process = audit_subprocess(history.url)
    assert process.returncode == 0, process.stderr
    assert "Rantai audit utuh." in process.stdout


def test_altered_comment_is_named(history: History, audit: AuditCli) -> None:
    returned = history.report_rows[1]
    assert returned.id is not None
    tamper(history.engine, "UPDATE transition_log SET comment = 'x' WHERE id = :id", returned.id)
    code, out, _ = audit()
    assert code != 0
    assert "Rantai audit utuh" not in out
    assert f"RUSAK {history.report_ref}: baris log #{returned.id} telah diubah" in out
    assert history.pk_ref not in out  # the PK's chain is untouched
    process = audit_subprocess(history.url)
    assert process.returncode == 1, (process.stdout, process.stderr)
    assert f"RUSAK {history.report_ref}: baris log #{returned.id} telah diubah" in process.stdout


def test_deleted_middle_row_is_named(history: History, audit: AuditCli) -> None:
    before, removed, after = history.report_rows[1:4]
    assert removed.id is not None
    tamper(history.engine, "DELETE FROM transition_log WHERE id = :id", removed.id)
    code, out, _ = audit()
    assert code != 0
    lines = out.splitlines()
    assert lines[0] == "Diperiksa 7 baris log dari 2 dokumen dan 0 baris log admin."
    assert lines[1:] == [
        f"RUSAK {history.report_ref}: baris log setelah baris #{before.id} hilang atau "
        f"disisipkan (sebelum #{after.id})"
    ]


def test_deleted_last_row_is_named(history: History, audit: AuditCli) -> None:
    *_, kept, last = history.pk_rows
    assert last.action == "approve"
    assert last.id is not None
    tamper(history.engine, "DELETE FROM transition_log WHERE id = :id", last.id)
    code, out, _ = audit()
    assert code != 0
    assert out.splitlines()[1:] == [
        f"RUSAK {history.pk_ref}: baris log terakhir setelah #{kept.id} hilang atau diubah"
    ]


def test_altered_actor_of_first_row_is_named(history: History, audit: AuditCli) -> None:
    first = history.pk_rows[0]
    assert first.id is not None
    with Session(history.engine) as session:
        assert session.exec(select(TransitionLog.id).order_by(col(TransitionLog.id))).first() == (
            first.id
        )
    tamper(
        history.engine,
        "UPDATE transition_log SET actor_name = :name WHERE id = :id",
        first.id,
        name="Orang Lain, S.E.",
    )
    code, out, _ = audit()
    assert code != 0
    assert out.splitlines()[1:] == [f"RUSAK {history.pk_ref}: baris log #{first.id} telah diubah"]


def test_json_output_lists_every_break(history: History, audit: AuditCli) -> None:
    first = history.pk_rows[0]
    before, removed, after = history.report_rows[1:4]
    assert first.id is not None and removed.id is not None
    tamper(
        history.engine,
        "UPDATE transition_log SET actor_name = :name WHERE id = :id",
        first.id,
        name="Orang Lain, S.E.",
    )
    tamper(history.engine, "DELETE FROM transition_log WHERE id = :id", removed.id)
    code, out, _ = audit("--json")
    assert code != 0
    data = json.loads(out)
    assert data == {
        "ok": False,
        "documents": 2,
        "rows": 7,
        "admin_rows": 0,
        "admin_head": None,
        "breaks": [
            {
                "doc": history.pk_ref,
                "row": first.id,
                "message": f"baris log #{first.id} telah diubah",
            },
            {
                "doc": history.report_ref,
                "row": after.id,
                "message": (
                    f"baris log setelah baris #{before.id} hilang atau disisipkan "
                    f"(sebelum #{after.id})"
                ),
            },
        ],
    }


def test_history_written_with_jakarta_times_verifies(engine: Engine) -> None:
    _pk_id, report_id = prepare_report(engine)
    approve_all_the_way(
        engine,
        DocKind.REPORT,
        report_id,
        datetime(YEAR, 4, 5, 9, tzinfo=JAKARTA),
        datetime(YEAR, 4, 7, 9, tzinfo=JAKARTA),
        datetime(YEAR, 4, 12, 9, tzinfo=JAKARTA),
    )
    with Session(engine) as session:
        row = session.get(QuarterlyReport, report_id)
        assert row is not None
        assert row.state == State.APPROVED.value
        report = audit_of(session)
    assert report.ok, report.breaks

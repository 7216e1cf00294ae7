"""A "Verifikasi" click writes in one database transaction, its reads included, and holds
the write lock for nothing else.

The sign-in (session cookie -> account -> official) is read in a plain transaction (on
SQLite it neither takes nor waits for the write lock); then the use case's one write
transaction (BEGIN IMMEDIATE) holds the gate's reads and the writes (compare-and-swap, log
row, outbox row) and ends with their commit. Counted here with SQLAlchemy's connection
events on the app's own engine.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, col, select

from db.models import QuarterlyReport
from db.organisation import load_org_tree
from db.signin import Account
from engine.clock import FixedClock
from engine.gate import parties
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient, csrf_of

OCTOBER = datetime(2021, 10, 8, 2, 0, tzinfo=UTC)  # 09.00 WIB: TW III reports in flight


def submitted_report_and_verifier(container: Container) -> tuple[int, str]:
    """A submitted TW III report with a verification step, and its verifier's login."""
    with Session(container.engine) as session:
        tree = load_org_tree(session)
        rows = session.exec(
            select(QuarterlyReport)
            .where(QuarterlyReport.state == "submitted")
            .order_by(col(QuarterlyReport.id))
        ).all()
        for row in rows:
            who = parties(tree, row.position_id)
            if who.one_step or who.verifier is None:
                continue
            holding = tree.acting_holder(who.verifier.id, date(2021, 10, 8))
            assert holding is not None
            account = session.exec(
                select(Account).where(Account.official_id == holding.official.id)
            ).first()
            assert account is not None and row.id is not None
            return row.id, account.login
    raise AssertionError("the demo has no submitted report with a verification step")


def test_a_verify_click_is_one_write_transaction_after_an_unlocked_sign_in(
    web: WebClient, web_container: Container, clock: FixedClock
) -> None:
    clock.set(OCTOBER)
    report_id, login = submitted_report_and_verifier(web_container)
    web.login(login)
    page = web.get(f"/laporan/{report_id}").text
    version = re.search(r'name="expected_version" value="(\d+)"', page)
    assert version is not None and 'value="verify"' in page, page[-3000:]

    engine = web_container.engine
    seen: list[str] = []  # "begin", "commit", "rollback" and the statements, in order

    def on_begin(_connection: Any) -> None:
        seen.append("begin")

    def on_commit(_connection: Any) -> None:
        seen.append("commit")

    def on_rollback(_connection: Any) -> None:
        seen.append("rollback")

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()[:4]).upper())

    listeners = (
        ("begin", on_begin),
        ("commit", on_commit),
        ("rollback", on_rollback),
        ("before_cursor_execute", on_statement),
    )
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        response = web.client.post(
            f"/dokumen/LAP-{report_id}/aksi",
            data={
                "action": "verify",
                "comment": "",
                "expected_version": version.group(1),
                "csrf_token": csrf_of(page),
            },
            follow_redirects=False,
        )
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)

    assert response.status_code == 303, response.text[-1500:]
    marks = [m for m in seen if m in ("begin", "commit", "rollback")]
    assert marks == ["begin", "rollback", "begin", "commit"], seen
    ended, committed = seen.index("rollback"), seen.index("commit")
    reading = [s for s in seen[:ended] if s != "begin"]
    writing = [s for s in seen[ended + 1 : committed] if s != "begin"]
    # the sign-in: a plain BEGIN, reads only
    assert reading[0] == "BEGIN" and any("WEB_SESSION" in s for s in reading), reading
    assert not any(s.startswith(("INSERT", "UPDATE", "DELETE")) for s in reading), reading
    # the use case: the write lock first, then the document, the gate's reads and the writes
    assert writing[0] == "BEGIN IMMEDIATE", writing
    assert any(s.startswith("WITH RECURSIVE") for s in writing), writing  # document + chain
    assert any(s.startswith("UPDATE REPORT SET") for s in writing), writing
    assert any(s.startswith("INSERT INTO TRANSITION_LOG") for s in writing), writing
    assert any(s.startswith("INSERT INTO OUTBOX") for s in writing), writing
    assert seen[-1] == "commit", seen  # nothing read or rendered while the lock is held
    with Session(engine) as session:
        row = session.get(QuarterlyReport, report_id)
        assert row is not None and row.state == "verified"

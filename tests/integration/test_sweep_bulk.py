"""A sweep over a thousand overdue reports writes every rung and digest as the ORM would.

The sweep claims rungs and enqueues digests with bulk inserts that convert values for the
database itself (db/database.py, `insert_ignore`) and run in batches of many rows.
Here ten years of unsubmitted, unverified and unapproved reports of the demo agency owe
some 1,800 rungs at once: every one is stored once with its digest, timestamps read
back (and compare in SQL) exactly like rows the ORM wrote, and a second sweep at the same
instant writes nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from db.admin import seed_holidays
from db.database import transaction
from db.models import QuarterlyReport
from db.workflow_models import LadderRung, OutboxMessage
from kinerja.demo.seed import demo_org_text
from tests.integration.files import import_org_text
from tests.integration.sweeps import sweep_at

YEARS = range(2011, 2021)
STATES = ("draft", "submitted", "verified")
NOW = datetime(2021, 3, 1, 1, tzinfo=UTC)  # Mon 08:00 WIB; whole seconds are spelt differently
CREATED = datetime(2010, 1, 4, tzinfo=UTC)


def overdue_reports(engine: Engine) -> int:
    """The demo agency with a report per position and quarter of YEARS, none approved."""
    import_org_text(engine, demo_org_text(), "demo")
    report = QuarterlyReport.metadata.tables["report"]
    position = QuarterlyReport.metadata.tables["position"]
    with transaction(engine) as session:
        seed_holidays(session, YEARS, CREATED)
        ids = sorted(session.execute(select(position.c.id)).scalars())
        rows: list[dict[str, Any]] = [
            {"position_id": pid, "year": year, "quarter": quarter,
             "state": STATES[(pid + year + quarter) % len(STATES)], "version": 1, "visit": 1,
             "created_at": CREATED, "updated_at": CREATED}
            for year in YEARS for quarter in (1, 2, 3, 4) for pid in ids
        ]  # fmt: skip
        session.execute(report.insert(), rows)
    return len(rows)


def test_a_bulk_sweep_stores_every_rung_and_digest_once(engine: Engine) -> None:
    reports = overdue_reports(engine)
    result = sweep_at(engine, NOW)
    assert result.pending == reports == 1000
    # Each report owes its latest reminder and its escalations: thousands of rungs, more
    # than one batch of the bulk insert; every one claimed, one digest per recipient.
    recipients = Counter(p.recipient.official.id for p in result.planned)
    assert len(result.planned) > 1500
    assert result.enqueued_rungs == len(result.planned)
    assert result.digests == len(recipients) > 1

    with Session(engine) as session:
        rungs = {r.key: r for r in session.exec(select(LadderRung))}
        digests = {d.dedupe_key: d for d in session.exec(select(OutboxMessage))}
    assert set(rungs) == {p.rung.key for p in result.planned}
    for planned in result.planned:
        stored = rungs[planned.rung.key]
        pending = planned.rung.pending
        assert (stored.doc, stored.visit, stored.step, stored.rung) == (
            pending.doc, pending.visit, pending.step.value, planned.rung.name,
        )  # fmt: skip
        assert stored.recipient_official_id == planned.recipient.official.id
        assert stored.created_at == NOW
        assert digests[stored.digest_key].recipient_official_id == planned.recipient.official.id

    assert len(digests) == result.digests
    for digest in digests.values():
        mine = [
            p for p in result.planned if p.recipient.official.id == digest.recipient_official_id
        ]
        assert digest.payload == {"sweep_at": NOW.isoformat(), "items": [p.item for p in mine]}
        assert (digest.kind, digest.status, digest.attempts) == ("digest", "pending", 0)
        assert digest.recipient_email == mine[0].recipient.official.email
        assert digest.available_at == digest.created_at == NOW
        assert (digest.lease_until, digest.sent_at, digest.last_error) == (None, None, None)

    # Again at the same instant: everything is claimed already.
    again = sweep_at(engine, NOW)
    assert (again.planned, again.enqueued_rungs, again.digests) == ([], 0, 0)


def test_bulk_timestamps_are_stored_as_the_orm_stores_them(engine: Engine) -> None:
    overdue_reports(engine)
    result = sweep_at(engine, NOW)
    assert result.digests > 1
    with transaction(engine) as session:  # one outbox row written by the ORM, same instant
        session.add(
            OutboxMessage(
                dedupe_key="orm", kind="digest", recipient_email="a@b.test", recipient_name="A",
                payload={}, available_at=NOW, created_at=NOW,
            )
        )  # fmt: skip
    with Session(engine) as session:
        # One distinct stored value (on SQLite, the same text: two spellings of the instant
        # would be two values), so SQL comparisons agree: the dispatcher claims rows whose
        # available_at has come.
        stored = session.exec(select(col(OutboxMessage.available_at)).distinct()).all()
        assert stored == [NOW]
        due = select(func.count()).where(col(OutboxMessage.available_at) <= NOW)
        assert session.exec(due).one() == result.digests + 1
        early = select(func.count()).where(col(OutboxMessage.available_at) < NOW)
        assert session.exec(early).one() == 0
        rung_times = session.exec(select(col(LadderRung.created_at)).distinct()).all()
        assert rung_times == [NOW]

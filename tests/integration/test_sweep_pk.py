"""PK deadlines have their ladder too, and `kinerja sweep` shows and enqueues it."""

from __future__ import annotations

import json
from datetime import date, datetime
from importlib import resources

from sqlalchemy import Engine
from sqlmodel import Session, select

from db.admin import seed_holidays
from db.database import transaction
from db.documents import position_by_code
from db.pks import create_pk, set_dpa_date
from db.workflow_models import LadderRung, OutboxMessage
from engine.clock import JAKARTA
from kinerja.demo.seed import GRESIK_CATALOG_FILE, demo_org_text
from tests.integration.conftest import Cli
from tests.integration.files import import_catalog_text, import_org_text
from tests.integration.sweeps import sweep_at


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, tzinfo=JAKARTA)


def world(engine: Engine) -> int:
    import_org_text(engine, demo_org_text(), "demo")
    catalog = resources.files("kinerja.data").joinpath(GRESIK_CATALOG_FILE).read_text("utf-8")
    import_catalog_text(engine, catalog, GRESIK_CATALOG_FILE)
    with transaction(engine) as session:
        seed_holidays(session, [2021], at(date(2021, 1, 2)))
        set_dpa_date(session, "diskoperindag", 2021, date(2021, 1, 4))  # PK due 4 Feb 2021
        position = position_by_code(session, "kasi-ikm")
        assert position.id is not None
        pk = create_pk(session, position.id, 2021, at(date(2021, 1, 11)))
        assert pk.id is not None
        return pk.id


def test_an_unsubmitted_pk_is_reminded_then_escalated(engine: Engine) -> None:
    pk_id = world(engine)
    ref = f"PK-{pk_id}"
    # Signed (approved) by 4 Feb 2021 (Thu), so verified 3 wd before (1 Feb, Mon) and
    # submitted 3 wd before that: Wed 27 Jan; -7 wd: 26, 25, 22, 21, 20, 19, 18 Jan (Mon).
    assert sweep_at(engine, at(date(2021, 1, 15))).enqueued_rungs == 0
    first = sweep_at(engine, at(date(2021, 1, 18)))
    assert [p.rung.key for p in first.planned] == [f"{ref}:visit1:submit:remind-7"]
    assert first.planned[0].item["deadline"] == "2021-01-27"
    # Thu 28 Jan: 1 wd late, the direct superior (Kepala Bidang Perindustrian) hears of it;
    # the latest reminder (on the day, 27 Jan) is owed once too.
    late = sweep_at(engine, at(date(2021, 1, 28)))
    assert sorted(p.rung.name for p in late.planned) == ["escalate-superior", "remind-0"]
    superior = next(p for p in late.planned if p.rung.name == "escalate-superior")
    assert superior.recipient.position.code == "kabid-perindustrian"
    with Session(engine) as session:
        keys = set(session.exec(select(LadderRung.key)))
        digests = list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest")))
    assert f"{ref}:visit1:submit:escalate-superior" in keys
    assert len(digests) == 3


def test_the_cli_sweep_dry_run_and_json(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    from sqlalchemy import create_engine

    engine = create_engine(cli.environ["KINERJA_DATABASE_URL"])
    pk_id = world(engine)
    engine.dispose()
    dry = json.loads(cli.ok("sweep", "--at", "2021-01-28T08:00+07:00", "--dry-run", "--json"))
    assert dry["today"] == "2021-01-28"
    assert sorted(r["rung"] for r in dry["due_rungs"]) == ["escalate-superior", "remind-0"]
    assert dry["enqueued_rungs"] == 0
    real = json.loads(cli.ok("sweep", "--at", "2021-01-28T08:00+07:00", "--json"))
    assert (real["enqueued_rungs"], real["digests"]) == (2, 2)
    again = json.loads(cli.ok("sweep", "--at", "2021-01-28T08:00+07:00", "--json"))
    assert (again["due_rungs"], again["enqueued_rungs"]) == ([], 0)
    listed = json.loads(cli.ok("outbox", "list", "--status", "pending", "--json"))
    assert any(row["kind"] == "digest" for row in listed), listed
    assert pk_id > 0

"""The fast path of a workflow transition (engine.usecases.workflow, db.uow), on both backends.

A transition reads the document and the part of the organisation it is decided on in one query,
writes with prebuilt Core statements on the transaction's connection, and commits all of it or
nothing. These tests hold that the narrowed reads give the gate exactly the answers of the full
organisation tree and of the ORM completeness check they replaced, that a transition costs a
fixed, small number of statements, and that a failure after the compare-and-swap leaves no trace.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session, col, select

from db.catalogue import load_indicators
from db.database import transaction
from db.models import PositionRow, QuarterlyReport, ReportEntry
from db.organisation import load_org_tree
from db.pks import create_pk
from db.workflow import SqlWorkflowStore
from db.workflow_models import OutboxMessage, TransitionLog
from engine.clock import JAKARTA
from engine.gate import parties
from engine.org import OrgTree
from engine.workflow import Action, DocKind, Role, State
from kinerja.demo.scenario import step
from kinerja.demo.seed import demo_org_text
from tests.integration.entries import fill_entry
from tests.integration.files import import_org_text
from tests.integration.test_gate_refusals import (  # noqa: F401 (the fixture)
    APPROVE_AT,
    SUBMIT_AT,
    VERIFY_AT,
    World,
    fill_complete,
    world,
)

# Before, on the first day of and during the demo's acting (Plt.) assignment from October 2021.
DAYS = (date(2021, 4, 1), date(2021, 9, 30), date(2021, 10, 1), date(2021, 12, 31))
PLT_DAY = date(2021, 10, 1)


def _answers(tree: OrgTree, position_id: int, on: date) -> dict[str, Any]:
    """Everything the gate, the signatories and the notifications ask about a position."""
    who = parties(tree, position_id)
    chain = [tree.position(position_id), *tree.ancestors(position_id)]
    return {
        "parties": who,
        "superior": tree.superior(position_id),
        "chain": chain,
        "holders": {p.id: tree.holders(p.id, on) for p in chain},
        "nearest_held_superior": tree.nearest_held_superior(position_id, on),
    }


def test_the_chain_tree_answers_as_the_full_tree_for_every_position(engine: Engine) -> None:
    import_org_text(engine, demo_org_text(), "test:demo-org")
    with Session(engine) as session:
        full = load_org_tree(session)
        store = SqlWorkflowStore(session)
        assert full.positions
        for position in full.positions:
            chain = store.org_tree_for(position.id)
            expected_ids = {position.id, *(p.id for p in full.ancestors(position.id))}
            assert {p.id for p in chain.positions} == expected_ids
            for day in DAYS:
                assert _answers(chain, position.id, day) == _answers(full, position.id, day)


def test_an_acting_assignment_is_in_the_chain_tree_at_once(engine: Engine) -> None:
    import_org_text(engine, demo_org_text(), "test:demo-org")
    with Session(engine) as session:
        full = load_org_tree(session)
    acting = [
        (position, holding)
        for position in full.positions
        for holding in full.holders(position.id, PLT_DAY)
        if holding.status.is_acting
    ]
    assert acting, "the demo has a Plt. from October 2021"
    position, holding = acting[0]
    with Session(engine) as session:
        chain = SqlWorkflowStore(session).org_tree_for(position.id)
    assert chain.acting_holder(position.id, PLT_DAY) == holding


def test_the_document_read_with_its_organisation_is_the_same_document(engine: Engine) -> None:
    import_org_text(engine, demo_org_text(), "test:demo-org")
    with transaction(engine) as session:
        position = session.exec(select(PositionRow).where(PositionRow.code == "kasi-ikm")).one()
        assert position.id is not None
        pk = create_pk(session, position.id, 2021, datetime(2021, 1, 11, 2, tzinfo=JAKARTA))
        assert pk.id is not None
        pk_id, position_id = pk.id, position.id
    with Session(engine) as session:
        plain = SqlWorkflowStore(session).document(DocKind.PK, pk_id, completeness=False)
        store = SqlWorkflowStore(session)
        both = store.document(DocKind.PK, pk_id, completeness=False, with_org=True)
        assert both == plain
        assert both.state is State.DRAFT and both.position_id == position_id
        prefetched = store.org_tree_for(position_id)
        assert store.org_tree_for(position_id) is prefetched  # no second read
        fresh = SqlWorkflowStore(session).org_tree_for(position_id)
        for day in DAYS:
            assert _answers(prefetched, position_id, day) == _answers(fresh, position_id, day)


def _reference_missing(session: Session, report_id: int) -> list[str]:
    """The completeness check as the ORM path computed it (indicators, then entries)."""
    report = session.get(QuarterlyReport, report_id)
    assert report is not None
    indicators = load_indicators(session, year=report.year, position_ids=[report.position_id])
    if not indicators:
        return ["jabatan ini belum punya indikator untuk tahun ini"]
    entries = {
        e.indicator_id: e
        for e in session.exec(select(ReportEntry).where(ReportEntry.report_id == report_id))
    }
    problems = []
    for indicator in indicators:
        entry = entries.get(indicator.id)
        if entry is not None and (entry.no_data_reason or "").strip():
            continue
        given = {} if entry is None else entry.inputs
        if any(str(given.get(name, "")).strip() == "" for name in indicator.formula.variables):
            problems.append(f"isian {indicator.code} (atau alasan tidak ada data)")
    return problems


def test_the_one_query_completeness_check_matches_the_orm_one(world: World) -> None:  # noqa: F811 (the fixture)
    engine, report = world.engine, world.report_id
    fills: list[dict[str, Any]] = [
        {},
        {"values": {"ikm_oss_kbli_industri": "120"}},
        {"values": {"ikm_oss_kbli_industri": "120", "ikm_oss_vertek_siinas": " "}},
        {"no_data_reason": "Data OSS belum dirilis"},
        {"no_data_reason": "  ", "values": {"ikm_oss_kbli_industri": "1"}},
        {"values": {"ikm_oss_kbli_industri": "120", "ikm_oss_vertek_siinas": "30"}},
    ]
    seen = []
    for fill in fills:
        if fill:
            with transaction(engine) as session:
                fill_entry(session, report, "kasi-ikm-1", **fill)
        with Session(engine) as session:
            missing = list(SqlWorkflowStore(session).document(DocKind.REPORT, report).missing)
            assert missing == _reference_missing(session, report)
            seen.append(bool(missing))
    assert seen == [True, True, True, False, True, False]


def _count_statements(engine: Engine) -> tuple[list[str], Any]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()).upper())

    return statements, count


def test_a_transition_costs_a_fixed_handful_of_statements(world: World) -> None:  # noqa: F811 (the fixture)
    engine, report = world.engine, world.report_id
    fill_complete(engine, report)
    statements, count = _count_statements(engine)
    event.listen(engine, "before_cursor_execute", count)
    begin = 1 if engine.dialect.name == "sqlite" else 0  # PostgreSQL begins implicitly
    writes = 3  # the compare-and-swap, the log row, the outbox row
    try:
        for action, role, when, reads in (
            # document + organisation, inputs; then what the capaian of each result is
            # computed from, to ask kendala and upaya of a low one (issue 17, item 4): the
            # report, its approved PK, the targets, the entries to date, the indicators and
            # their variables, the year's capaian rules
            (Action.SUBMIT, Role.HOLDER, SUBMIT_AT, 2 + 7),
            (Action.VERIFY, Role.VERIFIER, VERIFY_AT, 1),
            (Action.APPROVE, Role.APPROVER, APPROVE_AT, 1),
        ):
            actor = world.actor(DocKind.REPORT, report, role, when)
            statements.clear()
            result = step(engine, DocKind.REPORT, report, action, actor, when)
            assert result.messages == 1
            kinds = [s.split()[0] for s in statements]
            assert kinds.count("BEGIN") == begin, statements
            for write in ("UPDATE REPORT SET", "INSERT INTO TRANSITION_LOG", "INSERT INTO OUTBOX"):
                assert sum(write in s for s in statements) == 1, (write, statements)
            assert len(statements) == begin + reads + writes, statements
            # the organisation comes with the document: never the whole regency
            assert not any(
                s.startswith("SELECT") and "JOIN CHAIN" not in s and "FROM OFFICIAL" in s
                for s in statements
            )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    with Session(engine) as session:
        row = session.get(QuarterlyReport, report)
        assert row is not None and row.state == State.APPROVED.value


def test_a_failure_after_the_compare_and_swap_leaves_no_trace(world: World) -> None:  # noqa: F811 (the fixture)
    engine, report = world.engine, world.report_id
    fill_complete(engine, report)
    holder = world.actor(DocKind.REPORT, report, Role.HOLDER, SUBMIT_AT)

    def snapshot() -> tuple[Any, ...]:
        with Session(engine) as session:
            row = session.get(QuarterlyReport, report)
            assert row is not None
            logs = session.exec(
                select(TransitionLog.id).where(
                    TransitionLog.doc_type == "report", TransitionLog.doc_id == report
                )
            ).all()
            return row.state, row.version, row.audit_hash, len(logs)

    before = snapshot()
    # The outbox insert is the transition's last statement: make it fail.
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE outbox RENAME TO outbox_away"))
    try:
        with pytest.raises(Exception, match="outbox"):
            step(engine, DocKind.REPORT, report, Action.SUBMIT, holder, SUBMIT_AT)
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE outbox_away RENAME TO outbox"))
    assert snapshot() == before
    result = step(engine, DocKind.REPORT, report, Action.SUBMIT, holder, SUBMIT_AT)
    assert result.to_state is State.SUBMITTED and snapshot()[:2] == ("submitted", before[1] + 1)
    with Session(engine) as session:
        keys = session.exec(select(col(OutboxMessage.dedupe_key))).all()
        assert any(f"LAP-{report}" in key for key in keys)

"""The recap cache: computed once per change of its data, never older than the last commit."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, select

from db.database import transaction
from db.models import (
    IndicatorRow,
    IndicatorVariable,
    PerjanjianKinerja,
    PkTarget,
    PositionRow,
    QuarterlyReport,
    ReportEntry,
)
from db.organisation import load_org_tree
from db.recap import RecapCache, data_stamp, load_recap
from engine.recap import RecapBasis, recap_json
from engine.workflow import Action, Actor, DocKind
from kinerja.demo.scenario import step
from kinerja.demo.seed import seed_demo
from tests.conftest import FIXED_NOW
from tests.integration.entries import fill_entry

ON = date(2021, 10, 20)
AT = datetime(2021, 10, 20, 2, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Jakarta")
EVERY_REPORT = RecapBasis(include_unverified=True)


def test_recap_cache_on_the_demo_year(engine: Engine) -> None:
    """One seeded demo per backend (seeding walks a year through the gate) for every check;
    each check has its own cache, and those that change data compare before and after."""
    seed_demo(engine, FIXED_NOW, year=2021)
    check_same_data_is_computed_once_and_equals_the_uncached_recap(engine)
    check_concurrent_cold_requests_compute_once(engine)
    check_the_cache_keeps_a_bounded_number_of_recaps(engine)
    check_a_saved_entry_is_seen_by_the_next_request(engine)
    check_an_untouched_row_keeps_its_counter(engine)
    check_an_in_place_catalogue_change_is_seen(engine)
    check_a_transition_is_seen(engine)
    check_an_organisation_change_is_seen(engine)
    check_targets_and_variables_count_on_their_parent(engine)


def _draft_entry(engine: Engine) -> tuple[int, str, str]:
    """A TW III draft report, the code of one of its indicators and a variable name."""
    with Session(engine) as session:
        report = session.exec(
            select(QuarterlyReport).where(
                QuarterlyReport.year == 2021,
                QuarterlyReport.quarter == 3,
                QuarterlyReport.state == "draft",
            )
        ).first()
        assert report is not None and report.id is not None
        entry = session.exec(select(ReportEntry).where(ReportEntry.report_id == report.id)).first()
        assert entry is not None
        indicator = session.get(IndicatorRow, entry.indicator_id)
        assert indicator is not None
        return report.id, indicator.code, sorted(entry.inputs)[0]


def check_same_data_is_computed_once_and_equals_the_uncached_recap(seeded: Engine) -> None:
    cache = RecapCache()
    first = cache.get(seeded, year=2021, quarter=3)
    again = cache.get(seeded, year=2021, quarter=3)
    assert again is first
    assert cache.computed == 1
    with Session(seeded) as session:
        fresh = load_recap(session, year=2021, quarter=3)
    assert recap_json(first.recap) == recap_json(fresh)
    other = cache.get(seeded, year=2021, quarter=2)
    assert other.recap.quarter == 2
    assert cache.computed == 2


def check_a_saved_entry_is_seen_by_the_next_request(seeded: Engine) -> None:
    # A draft's entry counts only in the recap that includes unverified reports (issue 16,
    # item 8), so that is the recap watched here; the default one must not move.
    cache = RecapCache()
    report_id, code, variable = _draft_entry(seeded)
    before = cache.get(seeded, year=2021, quarter=3, basis=EVERY_REPORT)
    verified_only = cache.get(seeded, year=2021, quarter=3)
    with Session(seeded) as session:
        stamp_before = data_stamp(session, year=2021)
        changes_before = session.get(QuarterlyReport, report_id).changes  # type: ignore[union-attr]
    with transaction(seeded) as session:
        fill_entry(session, report_id, code, values={variable: "123456"})
    with Session(seeded) as session:
        assert data_stamp(session, year=2021) != stamp_before
        expected = load_recap(session, year=2021, quarter=3, basis=EVERY_REPORT)
        report = session.get(QuarterlyReport, report_id)
        assert report is not None and report.changes == changes_before + 1  # the entry's parent
    after = cache.get(seeded, year=2021, quarter=3, basis=EVERY_REPORT)
    assert after is not before
    assert cache.computed == 3
    assert recap_json(after.recap) == recap_json(expected)
    assert recap_json(after.recap) != recap_json(before.recap)
    still = cache.get(seeded, year=2021, quarter=3)
    assert recap_json(still.recap) == recap_json(verified_only.recap)  # the draft is not counted


def check_an_in_place_catalogue_change_is_seen(seeded: Engine) -> None:
    """An indicator edited in place (as the catalogue import does) bumps its change counter."""
    cache = RecapCache()
    before = cache.get(seeded, year=2021, quarter=2)
    with transaction(seeded) as session:
        row = session.exec(select(IndicatorRow).where(IndicatorRow.year == 2021)).first()
        assert row is not None
        counted = row.changes
        row.name = row.name + " (revisi)"
        session.add(row)
    with Session(seeded) as session:
        stored = session.get(IndicatorRow, row.id)
        assert stored is not None and stored.changes == counted + 1
    after = cache.get(seeded, year=2021, quarter=2)
    names = {s.indicator.name for s in after.recap.indicators}
    assert row.name in names
    assert row.name not in {s.indicator.name for s in before.recap.indicators}


def check_an_untouched_row_keeps_its_counter(seeded: Engine) -> None:
    with transaction(seeded) as session:
        row = session.exec(select(IndicatorRow)).first()
        assert row is not None
        counted = row.changes
        row.name = row.name  # same value: nothing to update
        session.add(row)
    with Session(seeded) as session:
        stored = session.get(IndicatorRow, row.id)
        assert stored is not None and stored.changes == counted


def check_a_transition_is_seen(seeded: Engine) -> None:
    """Approving a report changes its version, so a recap over approved reports moves."""
    cache = RecapCache()
    states = {"approved"}
    with Session(seeded) as session:
        report = session.exec(
            select(QuarterlyReport).where(
                QuarterlyReport.quarter == 3, QuarterlyReport.state == "verified"
            )
        ).first()
        assert report is not None and report.id is not None
        report_id = report.id
        position_id = report.position_id
        tree = load_org_tree(session)
    head = tree.head_of_agency(position_id)
    (holding,) = tree.holders(head.id, ON)
    approver = Actor(holding.official.id, holding.official.name, holding.official.nip)
    before = cache.get(seeded, year=2021, quarter=3, report_states=states)
    computable = sum(s.capaian.computable for s in before.recap.indicators)
    step(seeded, DocKind.REPORT, report_id, Action.APPROVE, approver, AT)
    after = cache.get(seeded, year=2021, quarter=3, report_states=states)
    assert sum(s.capaian.computable for s in after.recap.indicators) > computable
    assert cache.computed == 2


def check_concurrent_cold_requests_compute_once(seeded: Engine) -> None:
    cache = RecapCache()
    results: list[object] = []
    start = threading.Barrier(6)

    def ask() -> None:
        start.wait()
        results.append(cache.get(seeded, year=2021, quarter=3).recap)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6
    assert all(result is results[0] for result in results)
    assert cache.computed == 1


def check_the_cache_keeps_a_bounded_number_of_recaps(seeded: Engine) -> None:
    cache = RecapCache(size=2)
    first = cache.get(seeded, year=2021, quarter=1)
    cache.get(seeded, year=2021, quarter=2)
    cache.get(seeded, year=2021, quarter=3)
    again = cache.get(seeded, year=2021, quarter=1)  # evicted: computed again
    assert again is not first
    assert cache.computed == 4
    assert recap_json(again.recap) == recap_json(first.recap)
    assert again.recap.agency[0].capaian.value is not None
    assert again.recap.agency[0].capaian.value > Decimal(0)


def check_an_organisation_change_is_seen(seeded: Engine) -> None:
    """A position renamed in place (as the organisation import does) is in the next recap."""
    cache = RecapCache()
    before = cache.get(seeded, year=2021, quarter=2)
    with transaction(seeded) as session:
        position = session.exec(select(PositionRow).where(PositionRow.code == "sekretaris")).one()
        position.title = "Sekretaris Dinas (baru)"
        session.add(position)
    after = cache.get(seeded, year=2021, quarter=2)
    assert cache.computed == 2
    labels = {group.label for group in after.recap.positions}
    assert "Sekretaris Dinas (baru)" in labels
    assert "Sekretaris Dinas (baru)" not in {group.label for group in before.recap.positions}


def check_targets_and_variables_count_on_their_parent(seeded: Engine) -> None:
    """A PK target changes its PK's counter, a formula variable its indicator's."""
    with Session(seeded) as session:
        target = session.exec(select(PkTarget)).first()
        variable = session.exec(select(IndicatorVariable)).first()
        assert target is not None and variable is not None
        pk_before = _changes(session, PerjanjianKinerja, target.pk_id)
        indicator_before = _changes(session, IndicatorRow, variable.indicator_id)
        stamp_before = data_stamp(session, year=2021)
    with transaction(seeded) as session:
        stored_target = session.get(PkTarget, target.id)
        stored_variable = session.get(IndicatorVariable, variable.id)
        assert stored_target is not None and stored_variable is not None
        stored_target.tw4_reason = "koreksi"
        stored_variable.label = stored_variable.label + " (revisi)"
        session.add_all([stored_target, stored_variable])
    with Session(seeded) as session:
        assert _changes(session, PerjanjianKinerja, target.pk_id) == pk_before + 1
        assert _changes(session, IndicatorRow, variable.indicator_id) == indicator_before + 1
        assert data_stamp(session, year=2021) != stamp_before


def _changes(session: Session, model: type[SQLModel], row_id: int) -> int:
    row = session.get(model, row_id)
    assert row is not None
    return int(row.changes)  # type: ignore[attr-defined]

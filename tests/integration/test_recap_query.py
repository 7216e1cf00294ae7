"""The recap query reads a year in a fixed number of statements, whatever its size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session, select

from db.models import QuarterlyReport
from db.recap import load_recap
from engine.recap import RecapBasis
from kinerja.demo.seed import seed_demo
from tests.conftest import FIXED_NOW
from tests.integration.files import import_catalog_text

SMALL_2022 = """format: kinerja-catalog/1
agency: diskoperindag
year: 2022
positions:
  - position: kepala-dinas
    indicators:
      - code: kadis-2022-1
        kind: iku
        kinerja: Meningkatnya kualitas pelayanan
        name: Nilai IKM
        unit: nilai
        formula: {preset: value, variables: [{name: nilai_ikm, label: Nilai IKM}]}
        data_source: Survei Kepuasan Masyarakat
        polarity: positive
        rollup: last
"""


@contextmanager
def count_statements(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_recap_on_the_demo_year(engine: Engine) -> None:
    """One seeded demo per backend (seeding walks a year through the gate) for both checks."""
    seed_demo(engine, FIXED_NOW, year=2021)
    check_queries_do_not_grow_with_indicators(engine)
    check_report_states_filter_what_counts(engine)


def check_queries_do_not_grow_with_indicators(engine: Engine) -> None:
    import_catalog_text(engine, SMALL_2022, "small")
    with Session(engine) as session, count_statements(engine) as big:
        recap_2021 = load_recap(session, year=2021, quarter=2)
    with Session(engine) as session, count_statements(engine) as small:
        recap_2022 = load_recap(session, year=2022, quarter=2)
    assert len(recap_2021.indicators) == 51
    assert len(recap_2022.indicators) == 1
    assert len(big) == len(small) <= 9
    (agency,) = recap_2021.agency
    assert agency.capaian.value is not None and agency.capaian.value > Decimal(0)
    assert recap_2022.indicators[0].capaian.reason == "target belum ditetapkan"


def check_report_states_filter_what_counts(engine: Engine) -> None:
    with Session(engine) as session:
        approved_positions = set(
            session.exec(
                select(QuarterlyReport.position_id).where(
                    QuarterlyReport.year == 2021,
                    QuarterlyReport.quarter == 3,
                    QuarterlyReport.state == "approved",
                )
            )
        )
        approved_only = load_recap(session, year=2021, quarter=3, report_states={"approved"})
        everything = load_recap(
            session, year=2021, quarter=3, basis=RecapBasis(include_unverified=True)
        )
        by_default = load_recap(session, year=2021, quarter=3)
    computed = {s.indicator.position_id for s in approved_only.indicators if s.capaian.computable}
    assert computed == approved_positions
    assert 0 < len(approved_positions) < 25
    assert all(s.capaian.computable for s in everything.indicators)
    # By default only verified and approved reports count (issue 16, item 8): every demo
    # indicator is computable from all its reports, so one is computable exactly when none
    # of the reports its period is made of is still submitted or draft.
    assert [s.capaian.computable for s in by_default.indicators] == [
        not s.unverified for s in by_default.indicators
    ]
    assert 0 < sum(bool(s.unverified) for s in by_default.indicators) < len(by_default.indicators)
    assert all(
        state in ("verified", "approved") for s in by_default.indicators for _, state in s.counted
    )

"""Issue 17 item 3 on real databases: a withdrawal's columns (migration 0013), the quotas
counted inside the write transaction, also under concurrent uploads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from db.models import OfficialRow
from db.uow import SqlUnitOfWork
from engine.errors import ValidationError
from engine.evidence import EvidenceQuota
from engine.policy import JAKARTA
from engine.records import EvidenceRecord
from engine.usecases.evidence import store_evidence
from tests.conftest import FIXED_NOW
from tests.integration.test_evidence import add_report, report_id, root

__all__ = ["report_id", "root"]


def official(engine: Engine) -> int:
    with Session(engine) as session:
        found = session.exec(select(OfficialRow.id)).first()
    assert found is not None
    return found


def put(engine: Engine, root: Path, report: int, n: int, size: int, quota: EvidenceQuota,
        who: int | None, **kw: object) -> EvidenceRecord:  # fmt: skip
    body = f"%PDF-1.4 {n} ".encode()
    with SqlUnitOfWork(engine, write=True, evidence_dir=root) as uow:
        return store_evidence(
            uow, report, filename=f"{n}.pdf", data=body + b"x" * (size - len(body)),
            uploaded_by=who, now=FIXED_NOW, quota=quota, zone=JAKARTA, **kw,  # type: ignore[arg-type]
        )  # fmt: skip


def test_a_withdrawal_is_stored_with_who_when_why(
    engine: Engine, root: Path, report_id: int
) -> None:
    who = official(engine)
    stored = put(engine, root, report_id, 1, 40, EvidenceQuota(), who)
    with SqlUnitOfWork(engine, write=True, evidence_dir=root) as uow, uow.writing():
        at = FIXED_NOW + timedelta(hours=1)
        assert uow.evidence.retire(stored.id, at=at, by=who, reason="salah berkas")
        assert not uow.evidence.retire(stored.id, at=at, by=who, reason="lagi")
        uow.commit()
    with SqlUnitOfWork(engine, evidence_dir=root) as uow:
        row = uow.evidence.get(stored.id)
        assert uow.evidence.of_report(report_id) == []
    assert row is not None and not row.active
    assert (row.withdrawn_by, row.withdrawn_at, row.withdrawn_reason) == (
        who,
        FIXED_NOW + timedelta(hours=1),
        "salah berkas",
    )


def test_quotas_are_refused_with_the_limit_and_what_is_used(
    engine: Engine, root: Path, report_id: int
) -> None:
    who = official(engine)
    quota = EvidenceQuota(report_files=2, report_bytes=10_000, daily_bytes=100)
    put(engine, root, report_id, 1, 60, quota, who)
    with pytest.raises(ValidationError, match="sudah mengunggah 60 bita, berkas ini 41 bita"):
        put(engine, root, report_id, 2, 41, quota, who)
    other = add_report(engine, "kabid", quarter=2)
    put(engine, root, other, 3, 30, quota, None)
    put(engine, root, other, 4, 30, quota, None)
    with pytest.raises(ValidationError, match="2 berkas sudah tercapai"):
        put(engine, root, other, 5, 30, quota, None)


def test_concurrent_uploads_never_pass_the_report_quota(
    engine: Engine, root: Path, report_id: int
) -> None:
    """Ten uploads at once to a report that takes three: exactly three are stored."""
    quota = EvidenceQuota(report_files=3)

    def attempt(n: int) -> bool:
        try:
            put(engine, root, report_id, n, 50, quota, None)
        except ValidationError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(attempt, range(10)))
    assert sum(results) == 3
    with SqlUnitOfWork(engine, evidence_dir=root) as uow:
        assert len(uow.evidence.of_report(report_id)) == 3

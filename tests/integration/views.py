"""The read use cases of reports and PKs, for tests that hold a session of their own.

A test that builds a year of documents in its own sessions reads them back the way the
CLI and the pages do (engine.usecases.documents and audit), on the repositories of that
same session: what it sees is what its transaction sees.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from db.audit import SqlAdminLog, SqlAudit
from db.documents import SqlDocuments, SqlReports
from db.evidence import SqlEvidence
from db.pks import SqlPks
from db.workflow import SqlWorkflowStore
from engine.clock import JAKARTA
from engine.policy import Policy
from engine.usecases.audit import AuditReport, verify_audit
from engine.usecases.documents import history, pk_detail, report_detail
from engine.workflow import DocKind
from workflows.definitions import MACHINES


class OnSession:
    """The repositories of a unit of work, on a test's session (for reads: it never commits)."""

    def __init__(self, session: Session) -> None:
        self.workflow = SqlWorkflowStore(session)
        self.documents = SqlDocuments(session)
        self.reports = SqlReports(session)
        self.pks = SqlPks(session)
        self.evidence = SqlEvidence(session)
        self.audit = SqlAudit(session)
        self.admin_log = SqlAdminLog(session)

    def commit(self) -> None:
        raise AssertionError("a read use case does not commit")


def pk_view(session: Session, pk_id: int, today: date, zone: ZoneInfo = JAKARTA) -> dict[str, Any]:
    """What `kinerja pk show` prints of a PK on `today`."""
    now = datetime.combine(today, time(12), tzinfo=zone)
    return pk_detail(OnSession(session), pk_id, now=now, policy=Policy(MACHINES, zone))  # type: ignore[arg-type]


def report_view(session: Session, report_id: int) -> dict[str, Any]:
    """What `kinerja report show` prints of a report."""
    return report_detail(OnSession(session), report_id)  # type: ignore[arg-type]


def audit_of(session: Session) -> AuditReport:
    """`kinerja audit verify`'s check of every chain."""
    return verify_audit(OnSession(session))  # type: ignore[arg-type]


def history_of(session: Session, kind: DocKind, doc_id: int) -> list[dict[str, Any]]:
    """A document's steps as its page shows them."""
    return history(SqlAudit(session).log(kind, doc_id))

"""How far the reports of a period are: each expected report's state, step and deadline.

The dashboard and the API show it; the steps and deadlines are those of the reminder
sweep and Tugas Saya (engine.pending), so all of them agree on who is late.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from engine.clock import local_date
from engine.org import OrgTree
from engine.pending import PendingWork
from engine.periods import Quarter
from engine.policy import Policy
from engine.ports import UnitOfWork
from engine.progress import ReportProgress, report_progress

__all__ = ["period_progress"]


def period_progress(
    uow: UnitOfWork,
    year: int,
    quarter: int | None,
    *,
    expected: Sequence[int],
    now: datetime,
    policy: Policy,
    tree: OrgTree | None = None,
    only: Collection[int] | None = None,
) -> list[ReportProgress]:
    """The progress rows of a quarter (or of the whole year when `quarter` is None).

    `expected`: the positions that must report (those with indicators in the year), in the
    order rows are shown; a position among them without a report is "belum dibuat".
    `tree`: the organisation when the caller has read it already (the dashboard), so it is
    not read twice; otherwise the committed tree.
    `only`: the positions whose reports are kept (one agency of a regency: the dashboard),
    so that no step is worked out for a report nobody will see; None keeps all.
    """
    pending = uow.pending
    quarters = Quarter.quarters_of(year) if quarter is None else (Quarter(year, quarter),)
    reports = pending.reports_of(year=year, quarter=quarter)
    return report_progress(
        PendingWork(tree or pending.committed_org_tree(), pending.calendar(), policy.deadlines),
        [r for r in reports if r.position_id in only] if only is not None else reports,
        expected=expected,
        quarters=quarters,
        today=local_date(now, policy.zone),
    )

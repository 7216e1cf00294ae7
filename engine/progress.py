"""Workflow progress of a period: where each report stands, its current deadline, and lateness.

The deadline of a report is that of the step it waits for (submission while a
draft, verification once submitted, approval once verified, or approval straight
after submission where the head approves in one step), using the same working
calendar and rules as the reminder sweep, so the dashboard and the emails agree
on what is overdue (engine.pending). A position with indicators but no report for a
quarter is shown as "belum dibuat", waiting for its submission.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from engine.org import Position
from engine.pending import PendingWork, Step, waiting_step
from engine.periods import Quarter
from engine.recap import bidang_of
from engine.workflow import State

__all__ = [
    "MISSING",
    "MISSING_LABEL",
    "STATUS_KEYS",
    "ProgressSummary",
    "ReportProgress",
    "ReportRow",
    "current_step",
    "report_progress",
    "summarise",
]

MISSING = "missing"
"""The status key of a report that has not been created yet."""
MISSING_LABEL = "belum dibuat"
STATUS_KEYS = (MISSING, *(state.value for state in State))
"""Every status a row can have, in workflow order."""


@dataclass(frozen=True)
class ReportRow:
    """Where a quarterly report stands: the columns progress needs."""

    id: int
    position_id: int
    year: int
    quarter: int
    state: State


@dataclass(frozen=True)
class ReportProgress:
    """One expected report of a position in a quarter: its state, step and deadline."""

    report_id: int | None
    position: Position
    bidang: Position | None
    quarter: Quarter
    state: State | None
    step: Step | None
    deadline: date | None
    overdue: bool

    @property
    def status(self) -> str:
        """The state's value, or `MISSING` when the report does not exist yet."""
        return MISSING if self.state is None else self.state.value

    @property
    def status_label(self) -> str:
        """The status as users read it."""
        return MISSING_LABEL if self.state is None else self.state.label


@dataclass(frozen=True)
class ProgressSummary:
    """How many reports are in each status, and how many are overdue."""

    counts: dict[str, int]
    overdue: int
    total: int


def current_step(state: State | None, one_step: bool) -> Step | None:
    """The step a report in `state` waits for (None once approved; a missing report: submit)."""
    return Step.SUBMIT if state is None else waiting_step(state, one_step)


def report_progress(
    work: PendingWork,
    reports: Iterable[ReportRow],
    *,
    expected: Sequence[int],
    quarters: Sequence[Quarter],
    today: date,
) -> list[ReportProgress]:
    """Each report of `quarters`, plus the missing ones of the `expected` positions.

    Rows come by quarter, then in the order of `expected` (the tree order);
    reports of positions not in `expected` follow their quarter's rows. Steps and
    deadlines are `work`'s, the sweep's and Tugas Saya's.
    """
    tree = work.tree
    found = {(r.quarter, r.position_id): r for r in reports}
    order = {position_id: index for index, position_id in enumerate(expected)}
    rows: list[ReportProgress] = []
    for quarter in quarters:
        wanted = set(expected) | {pid for q, pid in found if q == quarter.number}
        for position_id in sorted(wanted, key=lambda pid: (order.get(pid, len(order)), pid)):
            report = found.get((quarter.number, position_id))
            position = tree.position(position_id)
            state = None if report is None else report.state
            step, deadline = work.report_step(position_id, quarter, state)
            rows.append(
                ReportProgress(
                    report_id=None if report is None else report.id,
                    position=position,
                    bidang=bidang_of(tree, position),
                    quarter=quarter,
                    state=state,
                    step=step,
                    deadline=deadline,
                    overdue=deadline is not None and today > deadline,
                )
            )
    return rows


def summarise(rows: Iterable[ReportProgress]) -> ProgressSummary:
    """Counts per status (every status present, zero included) and the overdue count."""
    counts = dict.fromkeys(STATUS_KEYS, 0)
    overdue = total = 0
    for row in rows:
        counts[row.status] += 1
        overdue += row.overdue
        total += 1
    return ProgressSummary(counts=counts, overdue=overdue, total=total)

"""The steps of a document's workflow and their deadlines, in working days (configurable).

Report: submitted N working days after the quarter ends, verified M after that, approved
K after that; where the head approves in one step there is no verification and approval
is due K after the submission deadline. PK: signed (approved) at most one calendar month
after the DPA is ratified (PermenPAN-RB 53/2014), so its steps count back from that day:
verified K working days before it, submitted M before that.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from engine.calendar import WorkingCalendar
from engine.periods import Quarter
from engine.workflow import Action

__all__ = ["DeadlineRules", "Step", "pk_deadlines", "pk_due", "report_deadlines"]


class Step(StrEnum):
    """The step a pending document waits for."""

    SUBMIT = "submit"
    VERIFY = "verify"
    APPROVE = "approve"

    @property
    def label(self) -> str:
        """The step's name in emails."""
        return _STEP_LABELS[self]

    @property
    def action(self) -> Action:
        """The workflow action that takes the step."""
        return _STEP_ACTIONS[self]


_STEP_LABELS = {Step.SUBMIT: "pengajuan", Step.VERIFY: "verifikasi", Step.APPROVE: "persetujuan"}
_STEP_ACTIONS = {
    Step.SUBMIT: Action.SUBMIT,
    Step.VERIFY: Action.VERIFY,
    Step.APPROVE: Action.APPROVE,
}


@dataclass(frozen=True)
class DeadlineRules:
    """Working days allowed for each step."""

    submit_after_quarter: int = 5
    verify_after_submit: int = 3
    approve_after_verify: int = 3


def pk_due(dpa_date: date) -> date:
    """When a PK must be signed (approved): the same day a calendar month after the DPA was
    ratified (clamped to the month's last day)."""
    year, month = (
        (dpa_date.year + 1, 1) if dpa_date.month == 12 else (dpa_date.year, dpa_date.month + 1)
    )
    return date(year, month, min(dpa_date.day, month_calendar.monthrange(year, month)[1]))


def report_deadlines(
    quarter: Quarter, calendar: WorkingCalendar, rules: DeadlineRules, *, one_step: bool
) -> dict[Step, date]:
    """When each step of a quarterly report is due."""
    submit = calendar.add_working_days(quarter.last_day, rules.submit_after_quarter)
    return _after_submit(submit, calendar, rules, one_step=one_step)


def pk_deadlines(
    due: date, calendar: WorkingCalendar, rules: DeadlineRules, *, one_step: bool
) -> dict[Step, date]:
    """When each step of a PK is due, counted back from the day it must be signed (`pk_due`):
    approved by then, verified K working days before, submitted M before that (in one step,
    submitted K before)."""
    if one_step:
        return {
            Step.SUBMIT: calendar.add_working_days(due, -rules.approve_after_verify),
            Step.APPROVE: due,
        }
    verify = calendar.add_working_days(due, -rules.approve_after_verify)
    return {
        Step.SUBMIT: calendar.add_working_days(verify, -rules.verify_after_submit),
        Step.VERIFY: verify,
        Step.APPROVE: due,
    }


def _after_submit(
    submit: date, calendar: WorkingCalendar, rules: DeadlineRules, *, one_step: bool
) -> dict[Step, date]:
    verify = calendar.add_working_days(submit, rules.verify_after_submit)
    approve = (
        calendar.add_working_days(submit, rules.approve_after_verify)
        if one_step
        else calendar.add_working_days(verify, rules.approve_after_verify)
    )
    deadlines = {Step.SUBMIT: submit, Step.APPROVE: approve}
    if not one_step:
        deadlines[Step.VERIFY] = verify
    return deadlines

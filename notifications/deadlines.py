"""Deadlines of each workflow step, in working days (configurable per regency).

Report: submitted N working days after the quarter ends, verified M after
that, approved K after that; where the head approves in one step there is no
verification and approval is due K after the submission deadline. PK: submitted
one calendar month after the DPA is ratified, then the same M and K.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.calendar import WorkingCalendar
from engine.periods import Quarter
from notifications.ladder import Step


@dataclass(frozen=True)
class DeadlineRules:
    """Working days allowed for each step."""

    submit_after_quarter: int = 5
    verify_after_submit: int = 3
    approve_after_verify: int = 3


def report_deadlines(
    quarter: Quarter, calendar: WorkingCalendar, rules: DeadlineRules, *, one_step: bool
) -> dict[Step, date]:
    """When each step of a quarterly report is due."""
    submit = calendar.add_working_days(quarter.last_day, rules.submit_after_quarter)
    return _after_submit(submit, calendar, rules, one_step=one_step)


def pk_deadlines(
    due: date, calendar: WorkingCalendar, rules: DeadlineRules, *, one_step: bool
) -> dict[Step, date]:
    """When each step of a PK is due, from its submission deadline (DPA + one month)."""
    return _after_submit(due, calendar, rules, one_step=one_step)


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

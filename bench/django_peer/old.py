"""The old peer, as the transitions benchmark shipped it before issue 14 (kept for the old ratio).

A report with a django-fsm-2 state and a small log row saved in `transaction.atomic()`: no
hash chain, no outbox row, no read of who acts (12 statements per cycle against Kinerja's 16),
on a database holding only the benchmark's reports. Its ratio is printed beside the fair one
so that a reader sees what the old figure measured.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models, transaction  # type: ignore[import-untyped]
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

APP = "django_peer"


class OldReport(ConcurrentTransitionMixin, models.Model):  # type: ignore[misc]
    """A quarterly report; `ConcurrentTransitionMixin` makes save() a compare-and-swap on state."""

    position_id = models.IntegerField()
    year = models.IntegerField()
    quarter = models.IntegerField()
    state = FSMField(default="draft", protected=True)
    version = models.IntegerField(default=1)
    visit = models.IntegerField(default=1)
    updated_at = models.DateTimeField(null=True)
    submitted_at = models.DateTimeField(null=True)
    approved_at = models.DateTimeField(null=True)

    class Meta:
        app_label = APP
        db_table = "oldpeer_report"

    @transition(field=state, source="draft", target="submitted")
    def submit(self, at: datetime) -> None:
        self.submitted_at = at

    @transition(field=state, source="submitted", target="verified")
    def verify(self, at: datetime) -> None:
        pass

    @transition(field=state, source="verified", target="approved")
    def approve(self, at: datetime) -> None:
        self.approved_at = at


class OldTransitionLog(models.Model):  # type: ignore[misc]
    """One step, as the old peer logged it."""

    report = models.ForeignKey(OldReport, on_delete=models.CASCADE)
    action = models.CharField(max_length=12)
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    actor_id = models.IntegerField()
    at = models.DateTimeField()

    class Meta:
        app_label = APP
        db_table = "oldpeer_transition_log"


MODELS = (OldReport, OldTransitionLog)


def old_take_step(alias: str, report_id: int, action: str, actor_id: int, at: datetime) -> None:
    """Load the report, fire the transition, save it and its log row in one transaction."""
    with transaction.atomic(using=alias):
        report = OldReport.objects.using(alias).get(pk=report_id)
        before = report.state
        method: Any = getattr(report, action)
        method(at)
        report.version += 1
        report.updated_at = at
        report.save(using=alias)
        OldTransitionLog.objects.using(alias).create(
            report=report,
            action=action,
            from_state=before,
            to_state=report.state,
            actor_id=actor_id,
            at=at,
        )

"""The peer's models: a report whose state is a django-fsm-2 field, and its log rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models, transaction  # type: ignore[import-untyped]
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class Report(ConcurrentTransitionMixin, models.Model):  # type: ignore[misc]
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
        app_label = "django_peer"
        db_table = "peer_report"

    @transition(field=state, source="draft", target="submitted")
    def submit(self, at: datetime) -> None:
        self.submitted_at = at

    @transition(field=state, source="submitted", target="verified")
    def verify(self, at: datetime) -> None:
        pass

    @transition(field=state, source="verified", target="approved")
    def approve(self, at: datetime) -> None:
        self.approved_at = at


class TransitionLog(models.Model):  # type: ignore[misc]
    """One step, as a Django team would log it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE)
    action = models.CharField(max_length=12)
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    actor_id = models.IntegerField()
    at = models.DateTimeField()

    class Meta:
        app_label = "django_peer"
        db_table = "peer_transition_log"


def take_step(alias: str, report_id: int, action: str, actor_id: int, at: datetime) -> None:
    """Load the report, fire the transition, save it and its log row in one transaction."""
    with transaction.atomic(using=alias):
        report = Report.objects.using(alias).get(pk=report_id)
        before = report.state
        method: Any = getattr(report, action)
        method(at)
        report.version += 1
        report.updated_at = at
        report.save(using=alias)
        TransitionLog.objects.using(alias).create(
            report=report,
            action=action,
            from_state=before,
            to_state=report.state,
            actor_id=actor_id,
            at=at,
        )

"""The fair peer: a django-fsm-2 report doing in its transaction what Kinerja does in its own.

Per step, in `transaction.atomic()` (on SQLite BEGIN IMMEDIATE, as Kinerja's writers):

1. read the report with its position, the verifier's and the approver's positions and their
   holders (one query, `select_related`): who may act and who is told next;
2. on submit, django-fsm runs the transition's condition: are the entries complete (one query);
3. save the new state, version and head hash with a compare-and-swap on the state
   (`ConcurrentTransitionMixin`: UPDATE ... WHERE id = %s AND state = %s);
4. insert the log row, hash-chained: SHA-256 of its fields and the previous row's hash,
   computed by engine.audit.entry_hash exactly as Kinerja computes it;
5. insert the outbox row for the next one to act (insert-or-ignore on its dedupe key), with
   Kinerja's kind, dedupe key and payload.

The tables mirror Kinerja's (db/models.py, db/workflow_models.py): the same columns written,
the same indexes (Django's automatic foreign-key indexes switched off where Kinerja has none).
What the peer does not do, and Kinerja does: the acting-status rules and separation of duties,
the organisation read at the day's date, the `transitions` machine; its reads are lighter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied  # type: ignore[import-untyped]
from django.db import models, transaction  # type: ignore[import-untyped]
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from engine.audit import entry_hash

APP = "django_peer"
ROMAN = ("I", "II", "III", "IV")


class Official(models.Model):  # type: ignore[misc]
    name = models.CharField(max_length=200)
    nip = models.CharField(max_length=18, null=True)
    email = models.CharField(max_length=254)

    class Meta:
        app_label = APP
        db_table = "peer_official"


class Position(models.Model):  # type: ignore[misc]
    """A position with its holder on the benchmark's day and who verifies and approves it."""

    title = models.CharField(max_length=300)
    holder = models.ForeignKey(
        Official, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    holder_title = models.CharField(max_length=320)  # as documents show it (with "Plt.")
    acting_status = models.CharField(max_length=12)
    verifier = models.ForeignKey(
        "self", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    approver = models.ForeignKey(
        "self", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        app_label = APP
        db_table = "peer_position"


def entries_complete(report: Report) -> bool:
    """The submit condition: every entry has its inputs or a reason for having none."""
    rows = list(report.entries.values_list("inputs", "no_data_reason"))
    return bool(rows) and all(inputs or reason for inputs, reason in rows)


class Report(ConcurrentTransitionMixin, models.Model):  # type: ignore[misc]
    """A quarterly report; `ConcurrentTransitionMixin` makes save() a compare-and-swap on state."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, db_index=False)
    year = models.IntegerField()
    quarter = models.IntegerField()
    state = FSMField(default="draft", protected=True, db_index=True)
    version = models.IntegerField(default=1)
    changes = models.IntegerField(default=0)
    visit = models.IntegerField(default=1)
    audit_hash = models.CharField(max_length=64, null=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True)
    approved_at = models.DateTimeField(null=True)

    class Meta:
        app_label = APP
        db_table = "peer_report"
        constraints = (
            models.UniqueConstraint(
                fields=["position", "year", "quarter"], name="peer_report_position_period"
            ),
        )
        indexes = (
            models.Index(
                fields=["year", "quarter", "version", "changes"], name="peer_report_period"
            ),
        )

    @transition(field=state, source="draft", target="submitted", conditions=[entries_complete])
    def submit(self, at: datetime) -> None:
        self.submitted_at = at

    @transition(field=state, source="submitted", target="verified")
    def verify(self, at: datetime) -> None:
        pass

    @transition(field=state, source="verified", target="approved")
    def approve(self, at: datetime) -> None:
        self.approved_at = at


class Entry(models.Model):  # type: ignore[misc]
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="entries")
    indicator_id = models.IntegerField()
    inputs = models.JSONField(default=dict)
    no_data_reason = models.TextField(null=True)

    class Meta:
        app_label = APP
        db_table = "peer_report_entry"
        constraints = (
            models.UniqueConstraint(fields=["report", "indicator_id"], name="peer_entry_once"),
        )


class TransitionLog(models.Model):  # type: ignore[misc]
    """Kinerja's transition_log: one step, append-only, hash-chained per document."""

    doc_type = models.CharField(max_length=10)
    doc_id = models.IntegerField()
    visit = models.IntegerField()
    action = models.CharField(max_length=12)
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    actor_official = models.ForeignKey(
        Official, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor_name = models.CharField(max_length=200)
    actor_nip = models.CharField(max_length=18, null=True)
    acting_status = models.CharField(max_length=12, null=True)
    acting_position = models.ForeignKey(
        Position, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    acting_title = models.CharField(max_length=320)
    comment = models.TextField(null=True)
    at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64, null=True)
    hash = models.CharField(max_length=64)

    class Meta:
        app_label = APP
        db_table = "peer_transition_log"
        indexes = (models.Index(fields=["doc_type", "doc_id", "id"], name="peer_log_document"),)


class Outbox(models.Model):  # type: ignore[misc]
    """Kinerja's outbox: a message to send after commit, once per dedupe key."""

    dedupe_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    recipient_official = models.ForeignKey(
        Official, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recipient_email = models.CharField(max_length=254)
    recipient_name = models.CharField(max_length=200)
    payload = models.JSONField()
    status = models.CharField(max_length=12, default="pending")
    attempts = models.IntegerField(default=0)
    available_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True)
    last_error = models.TextField(null=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True)

    class Meta:
        app_label = APP
        db_table = "peer_outbox"
        indexes = (models.Index(fields=["status", "available_at"], name="peer_outbox_due"),)


MODELS = (Official, Position, Report, Entry, TransitionLog, Outbox)


class Actor(Protocol):
    """Who acts (engine.workflow.Actor fits): the signed-in official."""

    @property
    def official_id(self) -> int | None: ...

    @property
    def name(self) -> str: ...

    @property
    def nip(self) -> str | None: ...


_RELATED = ("position__holder", "position__verifier__holder", "position__approver__holder")
_ACTS = {"submit": "position", "verify": "verifier", "approve": "approver"}
_TOLD = {"submit": "verifier", "verify": "approver", "approve": "position"}


def take_step(alias: str, report_id: int, action: str, actor: Actor, at: datetime) -> None:
    """One workflow step in one transaction: read, check, compare-and-swap, log, outbox."""
    with transaction.atomic(using=alias):
        report = Report.objects.using(alias).select_related(*_RELATED).get(pk=report_id)
        position = report.position
        acting: Position = position if action == "submit" else getattr(position, _ACTS[action])
        if acting is None or acting.holder_id != actor.official_id:
            raise PermissionDenied(f"{actor.name} may not {action} report {report_id}")
        before, version, prev = report.state, report.version, report.audit_hash
        getattr(report, action)(at)  # django-fsm: source state and conditions, or it refuses
        log: dict[str, Any] = {
            "doc_type": "report",
            "doc_id": report.pk,
            "visit": report.visit,
            "action": action,
            "from_state": before,
            "to_state": report.state,
            "actor_official_id": actor.official_id,
            "actor_name": actor.name,
            "actor_nip": actor.nip,
            "acting_status": acting.acting_status,
            "acting_position_id": acting.pk,
            "acting_title": acting.holder_title,
            "comment": None,
            "at": at,
        }
        digest = entry_hash(log, prev)
        report.version = version + 1
        report.audit_hash = digest
        report.updated_at = at
        stamp = {"submit": ["submitted_at"], "approve": ["approved_at"]}.get(action, [])
        report.save(
            using=alias,
            update_fields=["state", "version", "visit", "audit_hash", "updated_at", *stamp],
        )
        TransitionLog.objects.using(alias).create(**log, prev_hash=prev, hash=digest)
        told: Position = position if action == "approve" else getattr(position, _TOLD[action])
        recipient = told.holder
        ref = f"LAP-{report.pk}"
        payload = {
            "event": report.state,
            "doc": ref,
            "doc_kind": "report",
            "doc_label": "Laporan Realisasi",
            "position": position.title,
            "period": f"TW {ROMAN[report.quarter - 1]} {report.year}",
            "state": report.state,
            "actor": actor.name,
            "actor_title": acting.holder_title,
            "comment": None,
            "role": "holder" if told is position else "next",
        }
        key = f"workflow.{report.state}:{ref}:visit{report.visit}:v{version + 1}"
        Outbox.objects.using(alias).bulk_create(
            [
                Outbox(
                    dedupe_key=f"{key}:to{recipient.pk}",
                    kind=f"workflow.{report.state}",
                    recipient_official_id=recipient.pk,
                    recipient_email=recipient.email,
                    recipient_name=recipient.name,
                    payload=payload,
                    status="pending",
                    attempts=0,
                    available_at=at,
                    created_at=at,
                )
            ],
            ignore_conflicts=True,
        )

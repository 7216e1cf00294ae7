"""The Django sides of the transitions benchmark: the fair peer and the old one.

`FairPeer` copies into its own tables the rows Kinerja's database holds after preparing
(officials, positions with who holds, verifies and approves them on the benchmark's day, every
report, entry, log row and outbox row, with their ids), so both sides start every round from
the same data; `reset` puts it back after a round (the rows a round wrote deleted, the reports
restored), as `KinerjaSide.reset` does on Kinerja's database. `OldPeer` is the peer the
benchmark shipped with before issue 14, set up as it was (a database of the benchmark's
reports only, reset by putting the state back to draft).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from db.models import OfficialRow, PositionRow, QuarterlyReport, ReportEntry
from db.workflow_models import OutboxMessage, TransitionLog
from engine.gate import parties
from engine.org import OrgTree

REPORT = QuarterlyReport.metadata.tables["report"]
ENTRY = ReportEntry.metadata.tables["report_entry"]
LOG = TransitionLog.metadata.tables["transition_log"]
OUTBOX = OutboxMessage.metadata.tables["outbox"]
OFFICIAL = OfficialRow.metadata.tables["official"]
POSITION = PositionRow.metadata.tables["position"]

REPORT_RESTORED = (
    "state", "version", "visit", "audit_hash", "updated_at", "submitted_at", "approved_at",
)  # fmt: skip
"""The report columns a cycle changes, put back by every reset."""
LOG_COMPARED = (
    "doc_type", "doc_id", "visit", "action", "from_state", "to_state", "actor_official_id",
    "actor_name", "actor_nip", "acting_status", "acting_position_id", "acting_title", "comment",
    "prev_hash", "hash",
)  # fmt: skip
OUTBOX_COMPARED = (
    "dedupe_key", "kind", "recipient_official_id", "recipient_email", "recipient_name",
    "payload", "status", "attempts",
)  # fmt: skip
STEPS = ("submit", "verify", "approve")


def statement_kind(sql: str) -> str:
    """A statement's first word, a WITH query counted as the SELECT it is."""
    word = sql.lstrip().split(None, 1)[0].upper()
    return "SELECT" if word == "WITH" else word


@contextmanager
def django_counting(alias: str, counter: Counter[str]) -> Iterator[None]:
    """Count the statements Django sends on `alias` by their first word (execute_wrapper)."""
    from django.db import connections  # type: ignore[import-untyped]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counter[statement_kind(sql)] += 1
        return execute(sql, params, many, context)

    with connections[alias].execute_wrapper(wrapper):
        yield


def _known(model: Any, row: Any, *leave: str) -> dict[str, Any]:
    """The values of a row of Kinerja's table that the peer's model has a column for (Kinerja's
    tables may have more: what a transition does not write), without the columns `leave`."""
    names = {field.attname for field in model._meta.concrete_fields} - set(leave)
    return {name: value for name, value in row.items() if name in names}


class FairPeer:
    """The fair peer on one Django alias, holding the same data as Kinerja's database."""

    def __init__(
        self, alias: str, engine: Engine, tree: OrgTree, jobs: Sequence[Any], when: datetime
    ) -> None:
        from bench.django_peer import create_tables, reset_sequences
        from bench.django_peer.models import MODELS

        self.alias = alias
        self.jobs = jobs
        self.when = when
        create_tables(alias, MODELS)
        self._copy(engine, tree)
        reset_sequences(alias, MODELS)
        self.log_mark, self.outbox_mark = self._marks()
        self.restored = self._report_values()

    def _copy(self, engine: Engine, tree: OrgTree) -> None:
        from django.db import transaction

        from bench.django_peer.models import (
            Entry,
            Official,
            Outbox,
            Position,
            Report,
            TransitionLog,
        )

        day = self.when.date()
        with engine.connect() as kinerja:
            officials = kinerja.execute(
                select(OFFICIAL.c.id, OFFICIAL.c.name, OFFICIAL.c.nip, OFFICIAL.c.email)
            ).all()
            positions = kinerja.execute(select(POSITION.c.id, POSITION.c.title)).all()
            reports = kinerja.execute(select(REPORT).order_by(REPORT.c.id)).mappings().all()
            entries = kinerja.execute(select(ENTRY).order_by(ENTRY.c.id)).mappings().all()
            logs = kinerja.execute(select(LOG).order_by(LOG.c.id)).mappings().all()
            outbox = kinerja.execute(select(OUTBOX).order_by(OUTBOX.c.id)).mappings().all()
        rows = []
        for position_id, title in positions:
            holding = tree.acting_holder(position_id, day)
            who = parties(tree, position_id)
            rows.append(
                Position(
                    id=position_id,
                    title=title,
                    holder_id=None if holding is None else holding.official.id,
                    holder_title=title if holding is None else holding.display_title,
                    acting_status="" if holding is None else holding.status.value,
                    verifier_id=None if who.verifier is None else who.verifier.id,
                    approver_id=None if who.approver is None else who.approver.id,
                )
            )
        db = self.alias
        with transaction.atomic(using=db):
            Official.objects.using(db).bulk_create(
                [Official(id=i, name=n, nip=nip, email=e) for i, n, nip, e in officials]
            )
            Position.objects.using(db).bulk_create(rows)
            Report.objects.using(db).bulk_create([Report(**_known(Report, r)) for r in reports])
            Entry.objects.using(db).bulk_create(
                [
                    Entry(
                        report_id=e["report_id"],
                        indicator_id=e["indicator_id"],
                        inputs=e["inputs"],
                        no_data_reason=e["no_data_reason"],
                    )
                    for e in entries
                ]
            )
            TransitionLog.objects.using(db).bulk_create(
                [TransitionLog(**_known(TransitionLog, r, "id")) for r in logs]
            )
            Outbox.objects.using(db).bulk_create(
                [Outbox(**_known(Outbox, r, "id")) for r in outbox]
            )

    def _marks(self) -> tuple[int, int]:
        from django.db.models import Max  # type: ignore[import-untyped]

        from bench.django_peer.models import Outbox, TransitionLog

        log = TransitionLog.objects.using(self.alias).aggregate(m=Max("id"))["m"] or 0
        out = Outbox.objects.using(self.alias).aggregate(m=Max("id"))["m"] or 0
        return int(log), int(out)

    def _report_values(self) -> dict[int, dict[str, Any]]:
        from bench.django_peer.models import Report

        ids = [job.report_id for job in self.jobs]
        return {
            row["id"]: {k: row[k] for k in REPORT_RESTORED}
            for row in Report.objects.using(self.alias).filter(id__in=ids).values()
        }

    def reset(self) -> None:
        """Back to the data of the start (untimed): what a round wrote deleted, reports restored."""
        from django.db import transaction

        from bench.django_peer.models import Outbox, Report, TransitionLog

        with transaction.atomic(using=self.alias):
            TransitionLog.objects.using(self.alias).filter(id__gt=self.log_mark).delete()
            Outbox.objects.using(self.alias).filter(id__gt=self.outbox_mark).delete()
            for report_id, values in self.restored.items():
                Report.objects.using(self.alias).filter(id=report_id).update(**values)

    def round(self) -> float:
        """Every report through submit, verify and approve; seconds taken."""
        from bench.django_peer.models import take_step

        now = self.when.astimezone(UTC)
        alias = self.alias
        began = time.perf_counter()
        for job in self.jobs:
            for action, actor in zip(STEPS, job.actors, strict=True):
                take_step(alias, job.report_id, action, actor, now)
        return time.perf_counter() - began

    def approved(self) -> int:
        from bench.django_peer.models import Report

        ids = [job.report_id for job in self.jobs]
        return int(Report.objects.using(self.alias).filter(id__in=ids, state="approved").count())

    def counts(self) -> tuple[int, int, int]:
        """(reports, log rows, outbox rows) in the peer's tables now."""
        from bench.django_peer.models import Outbox, Report, TransitionLog

        db = self.alias
        return (
            Report.objects.using(db).count(),
            TransitionLog.objects.using(db).count(),
            Outbox.objects.using(db).count(),
        )

    def counting(self, counter: Counter[str]) -> Any:
        return django_counting(self.alias, counter)

    def written(self) -> dict[str, list[tuple[Any, ...]]]:
        """What the last round wrote: the log and outbox rows and the reports' end state."""
        from bench.django_peer.models import Outbox, Report, TransitionLog

        db = self.alias
        ids = [job.report_id for job in self.jobs]
        return {
            "log": list(
                TransitionLog.objects.using(db)
                .filter(id__gt=self.log_mark)
                .order_by("id")
                .values_list(*LOG_COMPARED)
            ),
            "outbox": list(
                Outbox.objects.using(db)
                .filter(id__gt=self.outbox_mark)
                .order_by("id")
                .values_list(*OUTBOX_COMPARED)
            ),
            "reports": list(
                Report.objects.using(db)
                .filter(id__in=ids)
                .order_by("id")
                .values_list("id", "state", "version", "visit", "audit_hash")
            ),
        }


class OldPeer:
    """The peer as shipped before issue 14, on its own fresh alias (for the old ratio)."""

    def __init__(self, alias: str, jobs: Sequence[Any], when: datetime) -> None:
        from bench.django_peer import create_tables
        from bench.django_peer.old import MODELS, OldReport

        self.alias = alias
        self.when = when
        create_tables(alias, MODELS)
        created = OldReport.objects.using(alias).bulk_create(
            [OldReport(position_id=j.position_id, year=when.year, quarter=j.quarter) for j in jobs]
        )
        self.ids = [report.pk for report in created]
        if any(pk is None for pk in self.ids):  # SQLite before 3.35 returns no ids
            self.ids = list(
                OldReport.objects.using(alias).order_by("id").values_list("id", flat=True)
            )
        self.actors = [tuple(a.official_id or 0 for a in j.actors) for j in jobs]

    def reset(self) -> None:
        from bench.django_peer.old import OldReport

        OldReport.objects.using(self.alias).update(state="draft")

    def round(self) -> float:
        from bench.django_peer.old import old_take_step

        now = self.when.astimezone(UTC)
        began = time.perf_counter()
        for report_id, actors in zip(self.ids, self.actors, strict=True):
            for action, actor_id in zip(STEPS, actors, strict=True):
                old_take_step(self.alias, report_id, action, actor_id, now)
        return time.perf_counter() - began

    def approved(self) -> int:
        from bench.django_peer.old import OldReport

        return int(OldReport.objects.using(self.alias).filter(state="approved").count())

    def counting(self, counter: Counter[str]) -> Any:
        return django_counting(self.alias, counter)

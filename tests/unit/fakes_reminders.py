"""In-memory repositories of the reminders, Tugas Saya, progress and outbox use cases.

The small agency of tests/unit/fakes.py (Kepala Dinas, Kepala Bidang, Kepala Seksi) with
no holidays: TW I 2021 ends Wed 31 March, so a report is due for submission Wed 7 April
(5 working days), for verification Mon 12 April, for approval Thu 15 April.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime

from engine.calendar import WorkingCalendar
from engine.events import OutboxDraft, OutboxStatus
from engine.ladder import Planned
from engine.org import OrgTree
from engine.outbox import OutboxChange, OutboxEntry
from engine.pending import PendingDoc
from engine.progress import ReportRow
from engine.workflow import DocKind
from tests.unit.fakes import TREE, FakeOutbox

NO_HOLIDAYS = WorkingCalendar(())


def wib(day: date, hour: int = 8) -> datetime:
    """`hour` o'clock WIB on `day`, in UTC."""
    return datetime(day.year, day.month, day.day, hour - 7, tzinfo=UTC)


class FakePending:
    """engine.ports.PendingRepository over given documents."""

    def __init__(
        self,
        *docs: PendingDoc,
        tree: OrgTree = TREE,
        calendar: WorkingCalendar = NO_HOLIDAYS,
        dpa: Mapping[tuple[int, int], date] | None = None,
        reasons: Mapping[tuple[DocKind, int], str] | None = None,
        reports: Sequence[ReportRow] = (),
        entered: Mapping[tuple[DocKind, int], datetime] | None = None,
    ) -> None:
        self.entered = dict(entered or {})
        self.docs = list(docs)
        self.tree = tree
        self.holidays = calendar
        self.dpa = dict(dpa or {})
        self.reasons = dict(reasons or {})
        self.reports = list(reports)
        self.asked_positions: list[Collection[int] | None] = []

    def org_tree(self) -> OrgTree:
        return self.tree

    def committed_org_tree(self) -> OrgTree:
        return self.tree

    def calendar(self) -> WorkingCalendar:
        return self.holidays

    def pending_documents(self, positions: Collection[int] | None = None) -> list[PendingDoc]:
        self.asked_positions.append(positions)
        return [d for d in self.docs if positions is None or d.position_id in positions]

    def dpa_dates(self, years: Collection[int] | None = None) -> dict[tuple[int, int], date]:
        return {k: v for k, v in self.dpa.items() if years is None or k[1] in years}

    def return_reasons(
        self, docs: Collection[tuple[DocKind, int]]
    ) -> dict[tuple[DocKind, int], str]:
        return {doc: reason for doc, reason in self.reasons.items() if doc in docs}

    def entered_at(
        self, docs: Collection[tuple[DocKind, int]]
    ) -> dict[tuple[DocKind, int], datetime]:
        return {doc: at for doc, at in self.entered.items() if doc in docs}

    def reports_of(self, *, year: int, quarter: int | None) -> list[ReportRow]:
        return [
            r for r in self.reports if r.year == year and (quarter is None or r.quarter == quarter)
        ]


class FakeReminders:
    """engine.ports.RemindersRepository: each rung key claimed once."""

    def __init__(self, *sent: str) -> None:
        self.claimed: dict[str, tuple[str, int, str, datetime]] = dict.fromkeys(
            sent, ("", 0, "", datetime.min.replace(tzinfo=UTC))
        )

    def sent_rungs(self, docs: Sequence[str]) -> set[str]:
        return {key for key in self.claimed if key.partition(":")[0] in docs}

    def claim_rungs(
        self, planned: Sequence[Planned], digest_keys: Mapping[int, str], at: datetime
    ) -> set[str]:
        new = set()
        for p in planned:
            if p.rung.key not in self.claimed:
                official = p.recipient.official.id
                self.claimed[p.rung.key] = (p.rung.name, official, digest_keys[official], at)
                new.add(p.rung.key)
        return new


class FakeReports:
    """The part of engine.ports.ReportRepository the daily tick uses: positions with an
    approved PK (`approved`), those with a report of the quarter (`existing`)."""

    def __init__(self, approved: Collection[int], existing: Collection[int]) -> None:
        self.approved = set(approved)
        self.existing = set(existing)
        self.opened: list[tuple[int, int, int]] = []

    def positions_with_approved_pk(self, year: int) -> set[int]:
        return set(self.approved)

    def report_positions(self, year: int, quarter: int) -> set[int]:
        return self.existing | {p for y, q, p in self.opened if (y, q) == (year, quarter)}

    def add_reports(
        self, year: int, quarter: int, position_ids: Sequence[int], now: datetime
    ) -> list[int]:
        self.opened += [(year, quarter, p) for p in position_ids]
        return list(range(100, 100 + len(position_ids)))


class FakeLock:
    """engine.ports.ClusterLock: held by us unless another instance has it."""

    def __init__(self, *, taken: bool = False) -> None:
        self.taken = taken
        self.asked: list[str] = []

    @contextmanager
    def __call__(self, name: str) -> Iterator[bool]:
        self.asked.append(name)
        yield not self.taken


class FakeOutboxStore(FakeOutbox):
    """The whole engine.ports.OutboxRepository in memory (ids in insertion order)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, OutboxEntry] = {}

    def add(self, messages: Sequence[OutboxDraft]) -> int:
        new = super().add(messages)
        for m in list(self.messages.values())[len(self.rows) :]:
            entry_id = len(self.rows) + 1
            self.rows[entry_id] = OutboxEntry(
                entry_id, m.dedupe_key, m.kind, m.recipient_official_id, m.recipient_email,
                m.recipient_name, m.payload, OutboxStatus.PENDING, 0, m.available_at,
                m.available_at,
            )  # fmt: skip
        return new

    def claim(self, *, now: datetime, limit: int, lease_until: datetime) -> list[OutboxEntry]:
        due = [
            e
            for e in self.rows.values()
            if e.status is OutboxStatus.PENDING
            and e.available_at <= now
            and (e.lease_until is None or e.lease_until <= now)
        ]
        due.sort(key=lambda e: (e.available_at, e.id))
        claimed = [replace(e, lease_until=lease_until) for e in due[:limit]]
        self.rows.update({e.id: e for e in claimed})
        return claimed

    def record(self, entry: OutboxEntry, change: OutboxChange) -> bool:
        row = self.rows[entry.id]
        if row.status is not OutboxStatus.PENDING:
            return False
        if change.own_lease and row.lease_until != entry.lease_until:
            return False
        self.rows[entry.id] = replace(
            row,
            status=change.status or row.status,
            attempts=row.attempts if change.attempts is None else change.attempts,
            available_at=change.available_at or row.available_at,
            sent_at=change.sent_at or row.sent_at,
            last_error=change.last_error or row.last_error,
            lease_until=None,
        )
        return True

    def release(self, entries: Sequence[OutboxEntry]) -> None:
        for entry in entries:
            self.record(entry, OutboxChange())

    def newest(self, status: OutboxStatus | None, limit: int) -> list[OutboxEntry]:
        found = [e for e in self.rows.values() if status is None or e.status is status]
        return sorted(found, key=lambda e: -e.id)[:limit]

    def counts(self) -> dict[OutboxStatus, int]:
        found = dict.fromkeys(OutboxStatus, 0)
        for entry in self.rows.values():
            found[entry.status] += 1
        return found

    def revive(self, ids: Sequence[int] | None, now: datetime) -> list[int]:
        revived = [
            e.id
            for e in self.rows.values()
            if e.status is OutboxStatus.DEAD and (ids is None or e.id in ids)
        ]
        for entry_id in revived:
            self.rows[entry_id] = replace(
                self.rows[entry_id],
                status=OutboxStatus.PENDING,
                attempts=0,
                available_at=now,
                lease_until=None,
            )
        return sorted(revived)

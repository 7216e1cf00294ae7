"""engine.usecases.outbox against the in-memory outbox: claims, outcomes, the admin's retry.

Backoff after an answered failure: 30 s, then doubling to an hour; without any answer a
message waits as long as it has waited (at least 30 s, at most an hour) and no attempt is
counted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from engine.events import OutboxDraft, OutboxStatus
from engine.outbox import Recorded, SendStatus
from engine.usecases.outbox import (
    KIND_WORDS,
    attempts_in_words,
    bury_unrenderable,
    claim_batch,
    kind_in_words,
    list_messages,
    outbox_counts,
    record_delivery,
    release_batch,
    retry_dead,
)
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.fakes_reminders import FakeOutboxStore

T0 = datetime(2021, 4, 1, 1, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def outbox_of(count: int) -> FakeUnitOfWork:
    store = FakeOutboxStore()
    store.add(
        [
            OutboxDraft(f"k{i}", "digest", 100 + i, f"p{i}@dinas.test", f"P {i}", {}, T0)
            for i in range(count)
        ]
    )
    return FakeUnitOfWork(outbox=store)


def test_a_claim_leases_the_oldest_due_messages_and_commits() -> None:
    uow = outbox_of(3)
    claimed = claim_batch(uow, now=T0, size=2, lease=LEASE)
    assert [e.dedupe_key for e in claimed] == ["k0", "k1"]
    assert {e.lease_until for e in claimed} == {T0 + LEASE}
    assert uow.commits == 1
    # Leased rows are not claimed again while the lease lasts; released ones are.
    assert [e.dedupe_key for e in claim_batch(uow, now=T0, size=5, lease=LEASE)] == ["k2"]
    release_batch(uow, claimed)
    assert [e.dedupe_key for e in claim_batch(uow, now=T0, size=5, lease=LEASE)] == ["k0", "k1"]


def test_outcomes_sent_retried_and_dead() -> None:
    uow = outbox_of(3)
    sent, busy, gone = claim_batch(uow, now=T0, size=3, lease=LEASE)
    common = {"now": T0, "max_attempts": 3}
    ok = record_delivery(uow, sent, SendStatus.SENT, code=250, answer="250 ok", **common)
    later = record_delivery(uow, busy, SendStatus.RETRY, code=451, answer="451 later", **common)
    refused = record_delivery(uow, gone, SendStatus.DEAD, code=550, answer="550 no", **common)
    assert (ok, later, refused) == ((Recorded.SENT, True), (Recorded.RETRY, True),
                                    (Recorded.DEAD, True))  # fmt: skip
    rows = uow.outbox.rows
    assert (rows[1].status, rows[1].sent_at) == (OutboxStatus.SENT, T0)
    assert (rows[2].attempts, rows[2].available_at) == (1, T0 + timedelta(seconds=30))
    assert (rows[3].status, rows[3].attempts, rows[3].last_error) == (
        OutboxStatus.DEAD, 1, "550 no",
    )  # fmt: skip
    assert uow.commits == 4  # the claim, then each outcome on its own


def test_the_last_allowed_attempt_dead_letters() -> None:
    uow = outbox_of(1)
    (entry,) = claim_batch(uow, now=T0, size=1, lease=LEASE)
    entry = uow.outbox.rows[1] = replace(entry, attempts=2)  # two answers already
    recorded, kept = record_delivery(
        uow, entry, SendStatus.RETRY, code=451, answer="451 later", now=T0, max_attempts=3
    )
    assert (recorded, kept) == (Recorded.DEAD, True)
    assert uow.outbox.rows[1].last_error == "gave up after 3 attempts; last answer: 451 later"


def test_no_answer_is_not_an_attempt_and_a_lost_lease_is_not_recorded() -> None:
    uow = outbox_of(1)
    (entry,) = claim_batch(uow, now=T0 + timedelta(minutes=10), size=1, lease=LEASE)
    later = T0 + timedelta(minutes=10)
    assert record_delivery(
        uow, entry, SendStatus.RETRY, code=None, answer="refused", now=later, max_attempts=3
    ) == (Recorded.RETRY, True)
    row = uow.outbox.rows[1]
    assert (row.attempts, row.available_at) == (0, later + timedelta(minutes=10))  # waited 10 min
    # The lease was given back: a record with the old lease is somebody else's now.
    assert record_delivery(
        uow, entry, SendStatus.AUTH_FAILED, code=535, answer="535", now=later, max_attempts=3
    ) == (Recorded.PAUSED, False)


def test_an_unrenderable_message_is_buried_without_an_attempt() -> None:
    uow = outbox_of(1)
    (entry,) = claim_batch(uow, now=T0, size=1, lease=LEASE)
    assert bury_unrenderable(uow, entry, "rendering failed: KeyError: 'items'")
    assert (uow.outbox.rows[1].status, uow.outbox.rows[1].attempts) == (OutboxStatus.DEAD, 0)


def test_the_admin_lists_counts_and_revives_dead_letters() -> None:
    uow = outbox_of(3)
    for entry in claim_batch(uow, now=T0, size=2, lease=LEASE):
        bury_unrenderable(uow, entry, "broken")
    assert [e.id for e in list_messages(uow)] == [3, 2, 1]
    assert [e.id for e in list_messages(uow, status=OutboxStatus.DEAD, limit=1)] == [2]
    assert outbox_counts(uow) == {OutboxStatus.PENDING: 1, OutboxStatus.SENT: 0,
                                  OutboxStatus.DEAD: 2}  # fmt: skip
    later = T0 + timedelta(hours=1)
    assert retry_dead(uow, [2, 3], now=later) == [2]  # 3 is not dead
    assert retry_dead(uow, None, now=later) == [1]
    assert (uow.outbox.rows[1].status, uow.outbox.rows[1].available_at) == (
        OutboxStatus.PENDING, later,
    )  # fmt: skip


def test_kinds_and_attempts_are_said_in_words() -> None:
    assert kind_in_words("workflow.approved") == "Disetujui"
    assert kind_in_words("workflow.returned") == "Dikembalikan untuk perbaikan"
    assert kind_in_words("digest") == "Ringkasan pengingat"
    assert kind_in_words("something.new") == "Email lain"
    assert all("." not in words for words in KIND_WORDS.values())
    assert [attempts_in_words(n) for n in (0, 1, 3)] == [
        "Belum dicoba",
        "Dicoba 1 kali",
        "Dicoba 3 kali",
    ]

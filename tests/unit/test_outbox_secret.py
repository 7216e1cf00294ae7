"""engine.outbox: a sent message's one-time secret is blanked, nothing else changes."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.events import OutboxStatus
from engine.outbox import OutboxEntry, SendStatus, delivery_change, sent_payload

NOW = datetime(2026, 12, 7, 2, tzinfo=UTC)


def entry(payload: dict[str, object]) -> OutboxEntry:
    return OutboxEntry(
        id=1, dedupe_key="k", kind="account.reset", recipient_official_id=7,
        recipient_email="a@x.test", recipient_name="A", payload=payload,
        status=OutboxStatus.PENDING, attempts=0, available_at=NOW, created_at=NOW,
        lease_until=NOW, sent_at=None, last_error=None,
    )  # fmt: skip


def test_the_secret_is_blanked_when_sent_and_kept_for_a_retry() -> None:
    live = {"secret": "abc123", "login": "rudi", "minutes": 60}
    assert sent_payload(live) == {"secret": "", "login": "rudi", "minutes": 60}
    assert sent_payload({"doc": "LAP-1"}) is None  # nothing to blank: the payload stays
    sent, _ = delivery_change(
        entry(live), SendStatus.SENT, code=250, answer="OK", now=NOW, max_attempts=5
    )
    assert sent.payload == {"secret": "", "login": "rudi", "minutes": 60}
    retry, _ = delivery_change(
        entry(live), SendStatus.RETRY, code=451, answer="later", now=NOW, max_attempts=5
    )
    assert retry.payload is None  # a message still to send keeps its link

"""engine.accounts: when a session signs in, when a token's use is noted, who an account is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.accounts import TOKEN_USE_RESOLUTION, account_actor, session_live, token_use_due
from engine.workflow import Actor

NOW = datetime(2021, 4, 1, 2, tzinfo=UTC)


def test_a_session_signs_in_until_it_expires_and_only_for_an_active_account() -> None:
    later = NOW + timedelta(seconds=1)
    assert session_live(later, True, NOW)
    assert not session_live(NOW, True, NOW)
    assert not session_live(later, False, NOW)


def test_a_tokens_use_is_noted_at_most_once_a_minute() -> None:
    assert token_use_due(None, NOW)
    assert not token_use_due(NOW - TOKEN_USE_RESOLUTION + timedelta(seconds=1), NOW)
    assert token_use_due(NOW - TOKEN_USE_RESOLUTION, NOW)


def test_an_account_acts_as_its_official_or_by_its_role() -> None:
    official = (7, "Budi", "197001011995011001")
    assert account_actor("budi", False, official) == Actor(7, "Budi", "197001011995011001", False)
    assert account_actor("root", True, None) == Actor(None, "Administrator", None, True)
    assert account_actor("tamu", False, None) == Actor(None, "tamu", None, False)

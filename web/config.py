"""The web layer's settings, kept free of web frameworks so the CLI can build them cheaply."""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path

from engine.accounts import ThrottlePolicy
from engine.deadlines import DeadlineRules


@dataclass(frozen=True)
class WebSettings:
    """Settings of the web layer, taken from kinerja.settings by the container."""

    evidence_dir: Path
    session_hours: int = 12
    invite_days: int = 7
    """Days an invitation's set-password link stays valid."""
    reset_minutes: int = 60
    """Minutes a "lupa kata sandi" link stays valid."""
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    secure_cookies: bool = False
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()
    """Reverse proxies whose X-Forwarded-For names the client (`web.auth.client_address`)."""
    second_factor_required: frozenset[str] = frozenset()
    """"admin" and/or "approver": who must have a TOTP second factor."""
    deadlines: DeadlineRules = field(default_factory=DeadlineRules)
    overview: tuple[tuple[str, str, str], ...] = ()
    """(name, value, meaning) of every setting, secrets masked, for the admin's settings page."""

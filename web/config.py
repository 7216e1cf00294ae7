"""The web layer's settings, kept free of web frameworks so the CLI can build them cheaply."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.accounts import ThrottlePolicy
from engine.deadlines import DeadlineRules


@dataclass(frozen=True)
class WebSettings:
    """Settings of the web layer, taken from kinerja.settings by the container."""

    evidence_dir: Path
    session_hours: int = 12
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    secure_cookies: bool = False
    deadlines: DeadlineRules = field(default_factory=DeadlineRules)
    overview: tuple[tuple[str, str], ...] = ()
    """(name, value) of every setting, secrets masked, for the admin's overview page."""

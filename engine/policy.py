"""The rules a regency configures, handed to the use cases with the unit of work.

Built once from settings by the bootstrap; everything here is data (domain.md marks
these rules configurable), so the use cases never read settings themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from engine.deadlines import DeadlineRules
from engine.evidence import EvidenceQuota
from engine.gate import DEFAULT_ACTING_RULES, ActingRules
from engine.ladder import LadderPolicy
from engine.workflow import DocKind, StateMachine

JAKARTA = ZoneInfo("Asia/Jakarta")
NARRATIVE_THRESHOLD = "Rendah"
"""The default capaian category at or below which kendala and upaya are required."""


@dataclass(frozen=True)
class Policy:
    """The configured rules the use cases apply."""

    machines: Mapping[DocKind, StateMachine]
    """The workflow definition of each kind of document (workflows.definitions.MACHINES)."""

    zone: ZoneInfo = JAKARTA
    """The regency's time zone: dates and deadlines are local to it."""
    acting_rules: ActingRules = field(default=DEFAULT_ACTING_RULES)
    """Which assignment statuses may take which workflow action."""
    deadlines: DeadlineRules = field(default_factory=DeadlineRules)
    """Working days allowed for each step of a report or PK (engine.deadlines)."""
    ladder: LadderPolicy = field(default_factory=LadderPolicy)
    """When reminders and escalations go out, in working days around a deadline."""
    evidence_quota: EvidenceQuota = field(default_factory=EvidenceQuota)
    """How much evidence a report may hold and a person may upload in a day."""
    narrative_threshold: str = NARRATIVE_THRESHOLD
    """The capaian category at or below which a report's result needs its kendala and upaya
    before it can be submitted (a category name of the year's scale; engine.completeness)."""

"""Which assignment statuses may take which workflow action, and who signs a PK.

Acting officials act for a position while their assignment is valid, but a Plh (who
covers a short absence) takes no strategic decision: by default (domain.md) only
definitif, Plt and Pj officials submit or approve a Perjanjian Kinerja or sign it as a
party. The rules are data (`KINERJA_ACTING_RULES`); the gate (engine.gate) applies them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from engine.errors import ValidationError
from engine.org import AssignmentStatus, Holding, OrgTree
from engine.workflow import Action, DocKind

ALL_STATUSES = frozenset(AssignmentStatus)
STRATEGIC = frozenset({AssignmentStatus.DEFINITIF, AssignmentStatus.PLT, AssignmentStatus.PJ})
"""Who may take a strategic decision (domain.md): not a Plh, who covers a short absence."""
PARTY = "party"
"""The rule key of who may sign a PK as a party: ``pk.party=definitif,plt,pj``."""


@dataclass(frozen=True)
class ActingRules:
    """Which assignment statuses may take which action (configurable per regency).

    Default (domain.md): every status may act on quarterly reports; only definitif,
    Plt and Pj may submit or approve a Perjanjian Kinerja or sign it as a party: a Plh
    covers a short absence and takes no strategic decision.
    """

    allowed: Mapping[tuple[DocKind, Action], frozenset[AssignmentStatus]] = field(
        default_factory=lambda: {
            (DocKind.PK, Action.SUBMIT): STRATEGIC,
            (DocKind.PK, Action.APPROVE): STRATEGIC,
        }
    )
    parties: frozenset[AssignmentStatus] = STRATEGIC
    """Who may be pihak pertama or pihak kedua of a PK."""

    @classmethod
    def parse(cls, text: str) -> ActingRules:
        """Read rules like ``pk.approve=definitif,plt; report.approve=definitif,plt,plh``;
        ``pk.party=...`` names who may sign a PK as a party.

        Pairs not named keep the default (a PK is submitted, approved and signed by
        definitif, Plt or Pj; everything else by every status).
        """
        default = cls()
        allowed, parties = dict(default.allowed), default.parties
        for part in filter(None, (p.strip() for p in text.split(";"))):
            key, _, statuses = part.partition("=")
            kind, _, action = key.strip().partition(".")
            try:
                chosen = frozenset(AssignmentStatus(s.strip()) for s in statuses.split(","))
                if (kind.strip(), action.strip()) == (DocKind.PK.value, PARTY):
                    parties = chosen
                    continue
                allowed[(DocKind(kind.strip()), Action(action.strip()))] = chosen
            except ValueError:
                raise ValidationError(
                    f"aturan pejabat pelaksana tidak sah: '{part}' "
                    "(contoh: pk.approve=definitif,plt,pj)",
                    log_message=f"bad acting rule {part!r}",
                ) from None
        return cls(allowed, parties)

    def permits(self, kind: DocKind, action: Action, status: AssignmentStatus) -> bool:
        """True when an official holding by `status` may take `action` on `kind`."""
        return status in self.allowed.get((kind, action), ALL_STATUSES)

    def may_sign(self, status: AssignmentStatus) -> bool:
        """True when an official holding by `status` may be a party to a PK."""
        return status in self.parties

    def who_may(self, kind: DocKind, action: Action) -> str:
        """The statuses allowed, as a sentence names them ("definitif, Plt. atau Pj.")."""
        return _statuses_named(self.allowed.get((kind, action), ALL_STATUSES))


def _statuses_named(statuses: frozenset[AssignmentStatus]) -> str:
    names = [s.prefix or s.value for s in AssignmentStatus if s in statuses]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} atau {names[-1]}"


DEFAULT_ACTING_RULES = ActingRules()


def pk_party(
    tree: OrgTree, position_id: int, on: date, rules: ActingRules = DEFAULT_ACTING_RULES
) -> Holding | None:
    """Who signs a PK for a position on `on`: the first holder who may be a party.

    An acting official (Plt, Pj) signs for the post; a Plh does not (by default), so
    the definitif holder whose absence the Plh covers signs in their own name.
    """
    for holding in tree.holders(position_id, on):
        if rules.may_sign(holding.status):
            return holding
    return None

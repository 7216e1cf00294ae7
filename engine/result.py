"""The outcome of a computation that may legitimately have no number.

A formula with a missing input, a division by zero or a positive-polarity target
of zero has no value, and users must see why ("tidak dapat dihitung: ..."),
never a zero and never an exception. A missing realisation is different again:
it is not yet known, and stays shown as missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Outcome(StrEnum):
    """Whether a value was computed, is not known yet, or cannot be computed."""

    OK = "ok"
    MISSING = "missing"
    NOT_COMPUTABLE = "not_computable"


@dataclass(frozen=True, slots=True)
class Result:
    """A value, or the reason (in Bahasa Indonesia) why there is none."""

    outcome: Outcome
    value: Decimal | None = None
    reason: str | None = None
    flag: str | None = None
    """A computed value the verifier must look at, and why (a capaian floored at 0)."""

    @classmethod
    def ok(cls, value: Decimal, *, flag: str | None = None) -> Result:
        """A computed value (flagged when a rule changed what the arithmetic gave)."""
        return cls(Outcome.OK, value, None, flag)

    @classmethod
    def missing(cls, reason: str) -> Result:
        """Not known yet (an input or the realisation has not been filled in)."""
        return cls(Outcome.MISSING, None, reason)

    @classmethod
    def not_computable(cls, reason: str) -> Result:
        """Known inputs that give no number (division by zero, target zero ...)."""
        return cls(Outcome.NOT_COMPUTABLE, None, reason)

    @property
    def computable(self) -> bool:
        """True when there is a value."""
        return self.outcome is Outcome.OK

    def __str__(self) -> str:
        if self.value is not None:
            return str(self.value)
        return f"{self.label}: {self.reason}"

    @property
    def label(self) -> str:
        """How the outcome is named to users."""
        return _LABELS[self.outcome]


_LABELS = {
    Outcome.OK: "terhitung",
    Outcome.MISSING: "belum diisi",
    Outcome.NOT_COMPUTABLE: "tidak dapat dihitung",
}

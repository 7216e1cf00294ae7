"""The vocabulary of the workflows: states, actions, roles, guards and what a document shows.

The definitions themselves (which action goes from where to where, by whom,
under which guards) are data in workflows/; the one gate in engine.gate reads
them through the `StateMachine` protocol, so engine depends on nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from engine.errors import ValidationError


class DocKind(StrEnum):
    """The two kinds of workflow documents."""

    PK = "pk"
    REPORT = "report"

    @property
    def label(self) -> str:
        """The document's name for users."""
        return "Perjanjian Kinerja" if self is DocKind.PK else "Laporan Realisasi"

    @property
    def prefix(self) -> str:
        """The prefix of document references: PK-12, LAP-34."""
        return "PK" if self is DocKind.PK else "LAP"


class State(StrEnum):
    """Where a document stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        """The state's name for users."""
        return _STATE_LABELS[self]


_STATE_LABELS = {
    State.DRAFT: "draf",
    State.SUBMITTED: "diajukan",
    State.VERIFIED: "diverifikasi",
    State.APPROVED: "disetujui",
}


class Action(StrEnum):
    """What someone does to a document."""

    SUBMIT = "submit"
    VERIFY = "verify"
    APPROVE = "approve"
    RETURN = "return"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        """The action's name for users (a button label)."""
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.SUBMIT: "ajukan",
    Action.VERIFY: "verifikasi",
    Action.APPROVE: "setujui",
    Action.RETURN: "kembalikan",
    Action.REOPEN: "buka kembali",
}


class Role(StrEnum):
    """In which capacity someone acts on a document, resolved from the organisation tree."""

    HOLDER = "holder"
    VERIFIER = "verifier"
    APPROVER = "approver"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role's name for users."""
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.HOLDER: "pemegang jabatan",
    Role.VERIFIER: "verifikator (atasan setingkat Administrator)",
    Role.APPROVER: "kepala perangkat daerah",
    Role.ADMIN: "administrator",
}


class Guard(StrEnum):
    """Conditions a transition checks besides the actor's role."""

    READY = "ready"
    """Every indicator has its target (PK) or its inputs or a no-data reason (report)."""
    PK_APPROVED = "pk_approved"
    """A report needs an approved PK for its year."""
    TWO_STEP = "two_step"
    """The verifier and the approver are different positions."""
    ONE_STEP = "one_step"
    """The verifier would be the approver: approval in one step."""
    COMMENT = "comment"
    """A reason is required (returns, reopening)."""
    SEPARATION = "separation"
    """The verifier is not the submitter; the approver is neither."""


@dataclass(frozen=True)
class TransitionSpec:
    """One arrow of a workflow: action from a source state to a target, by a role."""

    action: Action
    source: State
    target: State
    role: Role
    guards: tuple[Guard, ...] = ()


@dataclass(frozen=True)
class DocumentView:
    """What the gate needs to know about a document, loaded by the caller."""

    kind: DocKind
    id: int
    position_id: int
    year: int
    quarter: int | None
    state: State
    version: int
    visit: int
    missing: tuple[str, ...] = ()
    pk_approved: bool = True
    submitted_by: int | None = None
    verified_by: int | None = None
    audit_hash: str | None = None

    @property
    def ref(self) -> str:
        """The document's reference for people: PK-12, LAP-34."""
        return f"{self.kind.prefix}-{self.id}"


@dataclass(frozen=True)
class Actor:
    """Who asks: an official (by id), possibly with the administrator permission."""

    official_id: int | None
    name: str
    nip: str | None = None
    is_admin: bool = False


@dataclass(frozen=True)
class Facts:
    """Everything the guards of a transition look at, computed once per request."""

    document: DocumentView
    actor: Actor
    roles: frozenset[Role]
    one_step: bool
    comment: str | None
    guard_failures: dict[Guard, str] = field(default_factory=dict)


class StateMachine(Protocol):
    """A workflow definition as the gate uses it (implemented in workflows/)."""

    name: str

    def candidates(self, state: State, action: Action) -> Sequence[TransitionSpec]:
        """The transitions of `action` leaving `state`, in the order they are tried."""
        ...

    def available(self, state: State) -> Sequence[Action]:
        """Actions that exist from `state` (whoever may take them)."""
        ...

    def fire(self, state: State, action: Action, facts: Facts) -> TransitionSpec | None:
        """Run the machine: the transition it took, or None when no transition's guards pass."""
        ...


def parse_ref(text: str) -> tuple[DocKind, int]:
    """Read a document reference: ``PK-12`` or ``LAP-34`` (any case)."""
    prefix, _, number = text.strip().upper().partition("-")
    kinds = {kind.prefix: kind for kind in DocKind}
    if prefix in kinds and number.isdigit() and number.isascii():
        return kinds[prefix], int(number)
    raise ValidationError(
        f"'{text}' bukan nomor dokumen (contoh: PK-12 atau LAP-34)",
        log_message=f"bad document reference {text!r}",
    )

"""Workflow documents as the gate sees them, and the one writer of their state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from engine.org import OrgTree
from engine.workflow import Action, DocKind, DocumentView, State

# --- workflow ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedChange:
    """The last change of a document, to name it in a conflict."""

    actor_name: str
    at: datetime
    action: Action


@dataclass(frozen=True)
class StateChange:
    """Everything written by one transition: the new state and the log row."""

    document: DocumentView
    action: Action
    target: State
    visit: int
    at: datetime
    log: dict[str, object]
    hash: str


@dataclass(frozen=True)
class Party:
    """A signatory of a PK as printed: name, NIP and title with acting prefix."""

    name: str
    nip: str | None
    title: str


class WorkflowRepository(Protocol):
    """Workflow documents as the gate sees them, and the one writer of their state."""

    def document(
        self, kind: DocKind, doc_id: int, *, completeness: bool = True, with_org: bool = False
    ) -> DocumentView:
        """The document as the gate sees it (NotFoundError when absent).

        With `completeness` false, `missing` is left empty: only submitting needs it. With
        `with_org`, the repository may read what `org_tree_for` gives for the document's
        position in the same round trip (a hint: the answer is the same either way).
        """
        ...

    def org_tree_for(self, position_id: int) -> OrgTree:
        """The part of the organisation a document of `position_id` is decided on.

        The position and all its superiors up to the head of the agency, with every holder
        (acting officials included) of each: each question about them has the answer of the
        full tree.
        """
        ...

    def regency_head(self, on: date) -> Party:
        """The regency head on `on` (pihak kedua of a head of agency's PK): the Bupati's
        name (empty when none is recorded for that day) and title."""
        ...

    def last_change(self, kind: DocKind, doc_id: int) -> LoggedChange | None:
        """The latest log entry of the document."""
        ...

    def acted_on(self, kind: DocKind, doc_id: int, official_id: int) -> bool:
        """True when the official has a row in the document's transition log (submitted,
        verified, approved, returned or reopened it): such a reader may read it."""
        ...

    def acted_by(self, official_id: int) -> dict[tuple[DocKind, int], set[Action]]:
        """Every document the official acted on, with the actions taken (Dokumen saya)."""
        ...

    def apply(self, change: StateChange) -> bool:
        """Compare-and-swap the state and version, append the log row; False on conflict."""
        ...

    def record_parties(self, doc_id: int, first: Party, second: Party) -> None:
        """Snapshot the signatories of an approved PK."""
        ...

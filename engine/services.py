"""The workflow use case: take an action on a document, through the gate, in one unit of work.

`perform_action` runs against the `WorkflowStore` port (db/ implements it on one
transaction): it asks the gate, changes the state with compare-and-swap on the
version, appends the hash-chained log row and turns the domain event into
outbox rows, all of which the caller commits together. Nothing here sends mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from engine.audit import entry_hash
from engine.clock import local_date
from engine.errors import KinerjaError
from engine.formatting import format_date_id
from engine.gate import DEFAULT_ACTING_RULES, ActingRules, Parties, decide
from engine.org import Holding, OrgTree
from engine.periods import Quarter
from engine.workflow import Action, Actor, DocKind, DocumentView, Role, State, StateMachine


class ActionRefusedError(KinerjaError):
    """The gate said no; the message says why."""


class ConflictError(KinerjaError):
    """Somebody changed the document since it was read (HTTP 409)."""


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
    log: dict[str, Any]
    hash: str


@dataclass(frozen=True)
class OutboxDraft:
    """A message for the outbox; its dedupe key makes enqueueing idempotent."""

    dedupe_key: str
    kind: str
    recipient_official_id: int
    recipient_email: str
    recipient_name: str
    payload: dict[str, Any]
    available_at: datetime


@dataclass(frozen=True)
class Party:
    """A signatory of a PK as printed: name, NIP and title with acting prefix."""

    name: str
    nip: str | None
    title: str


class WorkflowStore(Protocol):
    """What the workflow use case needs from storage, within one transaction."""

    def document(
        self, kind: DocKind, doc_id: int, *, completeness: bool = True, with_org: bool = False
    ) -> DocumentView:
        """The document as the gate sees it (NotFoundError when absent).

        With `completeness` false, `missing` is left empty: only submitting needs it. With
        `with_org`, the store may read what `org_tree_for` gives for the document's position
        in the same round trip (a hint: the answer of `org_tree_for` is the same either way).
        """
        ...

    def org_tree(self) -> OrgTree:
        """The organisation, to resolve who acts on which day."""
        ...

    def org_tree_for(self, position_id: int) -> OrgTree:
        """The part of the organisation a document of `position_id` is decided on.

        The position and all its superiors up to the head of the agency, with every holder
        (acting officials included) of each: the gate, the signatories and the notified all
        come from there, and each question about them has the answer of the full tree.
        """
        ...

    def regency_head_title(self) -> str:
        """The title of the regency head (pihak kedua of a head of agency's PK)."""
        ...

    def last_change(self, kind: DocKind, doc_id: int) -> LoggedChange | None:
        """The latest log entry of the document."""
        ...

    def apply(self, change: StateChange) -> bool:
        """Compare-and-swap the state and version, append the log row; False on conflict."""
        ...

    def enqueue(self, messages: Sequence[OutboxDraft]) -> None:
        """Insert outbox rows, ignoring dedupe keys already present."""
        ...

    def record_parties(self, doc_id: int, first: Party, second: Party) -> None:
        """Snapshot the signatories of an approved PK."""
        ...


@dataclass(frozen=True)
class ActionResult:
    """What happened, for the CLI and the API."""

    ref: str
    action: Action
    from_state: State
    to_state: State
    version: int
    visit: int
    acting_title: str
    messages: int = 0
    log: dict[str, Any] = field(default_factory=dict)


def perform_action(
    store: WorkflowStore,
    kind: DocKind,
    doc_id: int,
    action: Action,
    actor: Actor,
    *,
    now: datetime,
    zone: ZoneInfo,
    machine: StateMachine,
    rules: ActingRules = DEFAULT_ACTING_RULES,
    comment: str | None = None,
    expected_version: int | None = None,
) -> ActionResult:
    """Take `action` on a document for `actor`; raise ActionRefusedError or ConflictError."""
    now = now.astimezone(UTC)  # the log stores UTC; hash what is stored
    document = store.document(kind, doc_id, completeness=action is Action.SUBMIT, with_org=True)
    if expected_version is not None and expected_version != document.version:
        raise _conflict(store, document, zone)
    tree = store.org_tree_for(document.position_id)
    on = local_date(now, zone)
    decision = decide(
        document, action, actor, on, tree=tree, machine=machine, rules=rules, comment=comment
    )
    if not decision.allowed or decision.target is None or decision.spec is None:
        raise ActionRefusedError(
            decision.reason or "ditolak",
            log_message=f"{document.ref} {action} by {actor.name} refused: {decision.reason}",
        )
    holding = decision.holding
    acting_title = holding.display_title if holding else Role.ADMIN.label
    visit = document.visit + 1 if decision.target is State.DRAFT else document.visit
    log = {
        "doc_type": kind.value,
        "doc_id": doc_id,
        "visit": document.visit,
        "action": action.value,
        "from_state": document.state.value,
        "to_state": decision.target.value,
        "actor_official_id": actor.official_id,
        "actor_name": actor.name,
        "actor_nip": actor.nip,
        "acting_status": holding.status.value if holding else None,
        "acting_position_id": holding.position.id if holding else None,
        "acting_title": acting_title,
        "comment": (comment or "").strip() or None,
        "at": now,
    }
    change = StateChange(
        document, action, decision.target, visit, now, log, entry_hash(log, document.audit_hash)
    )
    if not store.apply(change):
        raise _conflict(store, document, zone)
    assert decision.parties is not None
    if kind is DocKind.PK and decision.target is State.APPROVED:
        store.record_parties(doc_id, *signatories(store, tree, decision.parties, on))
    messages = _events(document, change, tree, decision.parties, on, now)
    store.enqueue(messages)
    return ActionResult(
        ref=document.ref,
        action=action,
        from_state=document.state,
        to_state=decision.target,
        version=document.version + 1,
        visit=visit,
        acting_title=acting_title,
        messages=len(messages),
        log=log,
    )


def _conflict(store: WorkflowStore, document: DocumentView, zone: ZoneInfo) -> ConflictError:
    last = store.last_change(document.kind, document.id)
    if last is None:
        detail = "dokumen sudah berubah"
    else:
        local = last.at.astimezone(zone)
        detail = (
            f"dokumen sudah diubah oleh {last.actor_name} ({last.action.label}) pada "
            f"{format_date_id(local.date())} pukul {local:%H.%M}"
        )
    return ConflictError(
        f"{document.kind.label} {document.ref}: {detail}; muat ulang lalu coba lagi",
        log_message=f"version conflict on {document.ref}",
    )


def signatories(store: WorkflowStore, tree: OrgTree, who: Parties, on: date) -> tuple[Party, Party]:
    """Pihak pertama (the holder) and pihak kedua (the direct superior, or the regency head)."""
    first = _party(tree.acting_holder(who.holder.id, on), who.holder.title)
    superior = tree.superior(who.holder.id)
    if superior is None:
        return first, Party(name="", nip=None, title=store.regency_head_title())
    return first, _party(tree.acting_holder(superior.id, on), superior.title)


def _party(holding: Holding | None, title: str) -> Party:
    if holding is None:
        return Party(name="", nip=None, title=title)
    return Party(holding.official.name, holding.official.nip, holding.display_title)


_EVENTS = {
    Action.SUBMIT: "submitted",
    Action.VERIFY: "verified",
    Action.APPROVE: "approved",
    Action.RETURN: "returned",
    Action.REOPEN: "reopened",
}


def _events(
    document: DocumentView,
    change: StateChange,
    tree: OrgTree,
    who: Parties,
    on: date,
    now: datetime,
) -> list[OutboxDraft]:
    """Who hears about a step: the next one to act, or the holder when it comes back."""
    event = _EVENTS[change.action]
    if change.target is State.SUBMITTED:
        position = who.approver if who.one_step else who.verifier
    elif change.target is State.VERIFIED:
        position = who.approver
    else:
        position = who.holder
    if position is None:
        return []
    holding = tree.acting_holder(position.id, on) or tree.nearest_held_superior(position.id, on)
    if holding is None:
        return []
    period = (
        Quarter(document.year, document.quarter).label
        if document.quarter is not None
        else str(document.year)
    )
    payload = {
        "event": event,
        "doc": document.ref,
        "doc_kind": document.kind.value,
        "doc_label": document.kind.label,
        "position": who.holder.title,
        "period": period,
        "state": change.target.value,
        "actor": change.log["actor_name"],
        "actor_title": change.log["acting_title"],
        "comment": change.log["comment"],
        "role": Role.HOLDER.value if position == who.holder else "next",
    }
    key = f"workflow.{event}:{document.ref}:visit{document.visit}:v{document.version + 1}"
    return [
        OutboxDraft(
            dedupe_key=f"{key}:to{holding.official.id}",
            kind=f"workflow.{event}",
            recipient_official_id=holding.official.id,
            recipient_email=holding.official.email,
            recipient_name=holding.official.name,
            payload=payload,
            available_at=now,
        )
    ]

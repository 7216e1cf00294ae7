"""Workflow actions: submit, verify, approve, return and reopen a document, through the gate.

`take_action` is the only way a document changes state. In the caller's unit of work
it reads the document and the part of the organisation it is decided on, asks the
gate (which runs the `transitions` machine of the document's workflow), changes the
state with compare-and-swap on the version, appends the hash-chained log row, records
the domain event for whoever acts next, and commits: all of it or nothing. Nothing
here sends mail; the event becomes an outbox row in the same commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.audit import entry_hash
from engine.capaian import DEFAULT_RULES
from engine.clock import local_date
from engine.completeness import missing_narratives
from engine.errors import ActionRefusedError, ConflictError, ForbiddenError, ValidationError
from engine.events import WORKFLOW_EVENTS, Recipient, WorkflowEvent
from engine.formatting import format_date_id
from engine.gate import DEFAULT_ACTING_RULES, ActingRules, Parties, decide, may_view, pk_party
from engine.org import Holding, OrgTree
from engine.periods import Quarter
from engine.policy import Policy
from engine.ports import LoggedChange, Party, StateChange, UnitOfWork, WorkflowRepository, writes
from engine.realisation import report_rows
from engine.workflow import Action, Actor, DocKind, DocumentView, Role, State, parse_ref

__all__ = [
    "ActionResult",
    "act_as",
    "apply_action",
    "parse_action",
    "signatories",
    "take_action",
]

NARRATIVE_LIMIT = 4000
"""Longest reason (or kendala / upaya) text accepted, in characters."""


@dataclass(frozen=True)
class ActionResult:
    """What happened, for the CLI, the pages and the API."""

    ref: str
    action: Action
    from_state: State
    to_state: State
    version: int
    visit: int
    acting_title: str
    messages: int = 0
    log: dict[str, Any] = field(default_factory=dict)


def parse_action(text: str) -> Action:
    """An action from its name, or a ValidationError listing the choices."""
    try:
        return Action(text.strip().lower())
    except ValueError:
        choices = ", ".join(a.value for a in Action)
        raise ValidationError(
            f"Aksi '{text}' tidak dikenal (pilihan: {choices})",
            log_message=f"unknown action {text!r}",
        ) from None


@writes
def take_action(
    uow: UnitOfWork,
    kind: DocKind,
    doc_id: int,
    action: Action,
    actor: Actor,
    *,
    now: datetime,
    policy: Policy,
    comment: str | None = None,
    expected_version: int | None = None,
    must_view: bool = False,
) -> ActionResult:
    """Take `action` on a document for `actor` and commit; ActionRefusedError or ConflictError.

    With `must_view` (the pages and the API), someone who may not even read the document
    is told so (ForbiddenError) before the gate is asked: the same transaction, the same
    part of the organisation.
    """
    result = apply_action(
        uow, kind, doc_id, action, actor, now=now, policy=policy, comment=comment,
        expected_version=expected_version, must_view=must_view,
    )  # fmt: skip
    uow.commit()
    return result


def apply_action(
    uow: UnitOfWork,
    kind: DocKind,
    doc_id: int,
    action: Action,
    actor: Actor,
    *,
    now: datetime,
    policy: Policy,
    comment: str | None = None,
    expected_version: int | None = None,
    must_view: bool = False,
) -> ActionResult:
    """`take_action` without the commit: a step of a use case holding its own transaction
    (saving a report and submitting it in one). The state change, the log row and the
    outbox rows are written exactly as by `take_action`; the caller commits."""
    if comment is not None and len(comment) > NARRATIVE_LIMIT:
        raise ValidationError(
            f"Alasan paling banyak {NARRATIVE_LIMIT} karakter", log_message="comment too long"
        )
    now = now.astimezone(UTC)  # the log stores UTC; hash what is stored
    repo = uow.workflow
    document = repo.document(kind, doc_id, completeness=action is Action.SUBMIT, with_org=True)
    if kind is DocKind.REPORT and action is Action.SUBMIT and document.state is State.DRAFT:
        gaps = low_results_unexplained(uow, doc_id, document.year, policy.narrative_threshold)
        document = replace(document, missing=(*document.missing, *gaps))
    tree = repo.org_tree_for(document.position_id)
    on = local_date(now, policy.zone)
    if must_view and not may_view(document.position_id, actor, on, tree=tree):
        raise ForbiddenError(
            f"Anda tidak berhak melihat {document.ref}",
            log_message=f"{actor.name} may not view {document.ref}",
        )
    if expected_version is not None and expected_version != document.version:
        raise stale_version(uow, document.kind, document.id, policy.zone)
    decision = decide(
        document,
        action,
        actor,
        on,
        tree=tree,
        machine=policy.machines[kind],
        rules=policy.acting_rules,
        comment=comment,
    )
    if not decision.allowed or decision.target is None or decision.spec is None:
        raise ActionRefusedError(
            decision.reason or "ditolak",
            log_message=f"{document.ref} {action} by {actor.name} refused: {decision.reason}",
        )
    holding = decision.holding
    acting_title = holding.display_title if holding else Role.ADMIN.label
    visit = document.visit + 1 if decision.target is State.DRAFT else document.visit
    log: dict[str, Any] = {
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
    if not repo.apply(change):
        raise stale_version(uow, document.kind, document.id, policy.zone)
    assert decision.parties is not None
    if kind is DocKind.PK and decision.target is State.APPROVED:
        parties = signatories(repo, tree, decision.parties, on, policy.acting_rules)
        repo.record_parties(doc_id, *parties)
    events = _events(document, change, tree, decision.parties, on, now)
    uow.collect(*events)
    return ActionResult(
        ref=document.ref,
        action=action,
        from_state=document.state,
        to_state=decision.target,
        version=document.version + 1,
        visit=visit,
        acting_title=acting_title,
        messages=len(events),
        log=log,
    )


def low_results_unexplained(
    uow: UnitOfWork, report_id: int, year: int, threshold: str
) -> list[str]:
    """The report's results at or below the `threshold` category without kendala and upaya
    (part of the READY guard of a submit: engine.completeness.missing_narratives)."""
    found = uow.reports.report_sources(report_id)
    rules = uow.admin.capaian_rules(year) or DEFAULT_RULES
    rows = report_rows(
        found.indicators, found.quarter, found.entries, found.earlier, found.targets, rules
    )
    return missing_narratives(rows, [c.name for c in rules.scale.categories], threshold)


def act_as(
    uow: UnitOfWork,
    ref: str,
    action: str,
    who: str,
    *,
    now: datetime,
    policy: Policy,
    comment: str | None = None,
    expected_version: int | None = None,
) -> ActionResult:
    """Take a workflow action on PK-n / LAP-n as `who` (a NIP or a login), as the CLI does."""
    kind, doc_id = parse_ref(ref)
    chosen = parse_action(action)
    actor = uow.accounts.resolve_actor(who)
    return take_action(
        uow, kind, doc_id, chosen, actor, now=now, policy=policy, comment=comment,
        expected_version=expected_version,
    )  # fmt: skip


def stale_version(uow: UnitOfWork, kind: DocKind, doc_id: int, zone: ZoneInfo) -> ConflictError:
    """The refusal of a change built on an older version of the document: names the last
    change (a save of the draft or a workflow action, whichever came later), who made it
    and when, and carries the current version (the API's 409 shows it)."""
    save = uow.documents.last_save(kind, doc_id)
    last = uow.workflow.last_change(kind, doc_id)
    ref = f"{kind.prefix}-{doc_id}"
    latest = _latest(save, last)
    if latest is None:
        detail, by, at = "dokumen sudah berubah", None, None
    else:
        by, at, what = latest
        local = at.astimezone(zone)
        detail = f"dokumen sudah {what} pada {format_date_id(local.date())} pukul {local:%H.%M}"
    current = uow.documents.record(kind, doc_id).version
    return ConflictError(
        f"{kind.label} {ref}: {detail}, setelah versi yang Anda buka; "
        "perubahan Anda belum disimpan. Periksa isi terbarunya (muat ulang), lalu coba lagi",
        log_message=f"version conflict on {ref}",
        version=current,
        changed_by=by,
        changed_at=at,
    )


def _latest(
    save: tuple[str, datetime] | None, last: LoggedChange | None
) -> tuple[str, datetime, str] | None:
    """(who, when, what they did) of the later of the last save and the last action."""
    action = (
        None
        if last is None
        else (last.actor_name, last.at, f"diubah oleh {last.actor_name} ({last.action.label})")
    )
    saved = None if save is None else (save[0], save[1], f"disimpan oleh {save[0]}")
    if action is None or (saved is not None and saved[1] > action[1]):
        return saved
    return action


def signatories(
    repo: WorkflowRepository,
    tree: OrgTree,
    who: Parties,
    on: date,
    rules: ActingRules = DEFAULT_ACTING_RULES,
) -> tuple[Party, Party]:
    """Pihak pertama (the holder) and pihak kedua (the direct superior, or the regency head
    on that day), each the official the acting rules let sign (engine.acting.pk_party)."""
    first = _party(pk_party(tree, who.holder.id, on, rules), who.holder.title)
    superior = tree.superior(who.holder.id)
    if superior is None:
        return first, repo.regency_head(on)
    return first, _party(pk_party(tree, superior.id, on, rules), superior.title)


def _party(holding: Holding | None, title: str) -> Party:
    if holding is None:
        return Party(name="", nip=None, title=title)
    return Party(holding.official.name, holding.official.nip, holding.display_title)


def _events(
    document: DocumentView,
    change: StateChange,
    tree: OrgTree,
    who: Parties,
    on: date,
    now: datetime,
) -> list[WorkflowEvent]:
    """Who hears about a step: the next one to act, or the holder when it comes back."""
    event_type = WORKFLOW_EVENTS[(document.kind, change.action)]
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
    name = event_type.kind.removeprefix("workflow.")
    payload = {
        "event": name,
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
    key = f"workflow.{name}:{document.ref}:visit{document.visit}:v{document.version + 1}"
    official = holding.official
    return [
        event_type(
            recipient=Recipient(official.id, official.email, official.name),
            at=now,
            dedupe_key=f"{key}:to{official.id}",
            payload=payload,
            doc_kind=document.kind,
            doc_id=document.id,
            action=change.action,
            state=change.target,
        )
    ]

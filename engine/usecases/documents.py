"""Reading a report or a PK: who may see it, what they may do with it, and what it says.

Reading needs `may_view` (the position's holders and everyone above them, whoever
held the position during the document's year, whoever acted on it, or the administrator);
changing a draft needs `may_edit` (whoever may submit it) and the draft itself
(engine.drafts). The rights are decided on the part of the organisation the document is
decided on, read with the document in the same round trip, on the regency's date.
The page, the API, the CLI and the Word files all read a document through here,
so they say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.clock import local_date
from engine.errors import ForbiddenError, ValidationError
from engine.evidence import PREVIEWABLE
from engine.formatting import format_moment_id
from engine.gate import decide, may_edit, may_view, parties
from engine.org import OrgTree
from engine.periods import Quarter
from engine.pk import is_pk_late, pk_deadline
from engine.policy import Policy
from engine.ports import UnitOfWork
from engine.records import DocumentRecord, EvidenceRecord, LogEntry, SignedParty
from engine.roles import reads_agency
from engine.usecases.workflow import low_results_unexplained, signatories, stale_version
from engine.workflow import Action, Actor, DocKind, DocumentView, State

__all__ = [
    "ActionChoice",
    "DocumentAccess",
    "PkDocument",
    "ReportDocument",
    "check_editable",
    "document_access",
    "pk_detail",
    "pk_document",
    "report_detail",
    "report_document",
    "view_pk",
    "view_report",
]

CONSOLE = "operator (baris perintah)"
"""Who a save from the command line is remembered as (it asks no one's rights)."""

USER_ACTIONS = (Action.SUBMIT, Action.VERIFY, Action.APPROVE, Action.RETURN, Action.REOPEN)


@dataclass(frozen=True)
class ActionChoice:
    """An action the page offers, and whether the gate would allow it now."""

    action: Action
    allowed: bool
    reason: str | None
    needs_comment: bool


@dataclass
class DocumentAccess:
    """A document as this user may see it."""

    kind: DocKind
    view: DocumentView
    tree: OrgTree
    """The part of the organisation the decisions were made on."""
    editable: bool
    choices: list[ActionChoice] = field(default_factory=list)


@dataclass(frozen=True)
class PkDocument:
    """What the PK's Word file is built from: the PK as shown, and its indicators' sasaran."""

    view: dict[str, Any]
    sasaran: dict[str, str]


@dataclass(frozen=True)
class ReportDocument:
    """What the report's Word file is built from: the report as shown, and the agency."""

    view: dict[str, Any]
    agency: str | None


def document_access(
    uow: UnitOfWork, kind: DocKind, doc_id: int, actor: Actor, *, now: datetime, policy: Policy
) -> DocumentAccess:
    """The document if `actor` may see it (ForbiddenError otherwise), with what they may do."""
    repo = uow.workflow
    view = repo.document(kind, doc_id, with_org=True)
    tree = repo.org_tree_for(view.position_id)
    today = local_date(now, policy.zone)
    readable = may_view(view.position_id, actor, today, tree=tree, year=view.year)
    if not readable and actor.official_id is not None:  # a role, read from the whole tree
        whole = uow.documents.org_tree()
        readable = reads_agency(actor, tree.position(view.position_id).agency_id, today, tree=whole)
    if not readable and not may_view(
        view.position_id, actor, today, tree=tree, acted=_acted(uow, view, actor)
    ):  # the log is read only for a reader the organisation does not admit
        raise ForbiddenError(
            f"Anda tidak berhak melihat {view.ref}",
            log_message=f"{actor.name} may not view {view.ref}",
        )
    if kind is DocKind.REPORT and view.state is State.DRAFT:
        gaps = low_results_unexplained(uow, doc_id, view.year, policy.narrative_threshold)
        view = replace(view, missing=(*view.missing, *gaps))
    rules = policy.acting_rules
    editable = may_edit(view, actor, today, tree=tree, rules=rules)
    choices = []
    machine = policy.machines[kind]
    for action in USER_ACTIONS:
        if action not in machine.available(view.state):
            continue
        needs_comment = action in (Action.RETURN, Action.REOPEN)
        decision = decide(
            view, action, actor, today, tree=tree, machine=machine, rules=rules,
            comment="(alasan)" if needs_comment else None,
        )  # fmt: skip
        if decision.allowed or decision.has_role:
            choices.append(ActionChoice(action, decision.allowed, decision.reason, needs_comment))
    return DocumentAccess(kind, view, tree, editable, choices)


def _acted(uow: UnitOfWork, view: DocumentView, actor: Actor) -> bool:
    """Whether `actor` is in the document's log (asked only of officials, one small query)."""
    me = actor.official_id
    return me is not None and not actor.is_admin and uow.workflow.acted_on(view.kind, view.id, me)


def check_editable(
    uow: UnitOfWork, kind: DocKind, doc_id: int, actor: Actor, *, now: datetime, policy: Policy
) -> DocumentAccess:
    """The document if `actor` may change this draft now; ValidationError when it is not a
    draft, ForbiddenError when it is not theirs to fill."""
    found = document_access(uow, kind, doc_id, actor, now=now, policy=policy)
    if not found.editable:
        ref = found.view.ref
        if found.view.state is not State.DRAFT:
            raise ValidationError(
                f"{ref} sedang {found.view.state.label}; hanya draf yang dapat diubah",
                log_message=f"{actor.name} edit of {ref} in state {found.view.state}",
            )
        raise ForbiddenError(
            f"Anda tidak berhak mengubah {ref}; yang mengisi adalah pemegang jabatannya",
            log_message=f"{actor.name} may not edit {ref}",
        )
    return found


def record_save(
    uow: UnitOfWork,
    kind: DocKind,
    doc_id: int,
    version: int,
    by: str,
    *,
    now: datetime,
    zone: ZoneInfo,
    expected_version: int | None,
) -> None:
    """Note a save of a draft's content (inside the use case's write transaction): refused
    with ConflictError when it was built on an older version than `version` (the one read
    in this transaction), or when another save moved it on meanwhile (compare-and-swap);
    otherwise the version moves on and the saver is remembered. Never a silent overwrite."""
    if expected_version is not None and expected_version != version:
        raise stale_version(uow, kind, doc_id, zone)
    if not uow.documents.mark_saved(kind, doc_id, version=version, by=by, now=now):
        raise stale_version(uow, kind, doc_id, zone)


# --- what a document says -------------------------------------------------------------------


def history(entries: list[LogEntry]) -> list[dict[str, Any]]:
    """Who did what, when, as what, with which comment (times as read in Jakarta)."""
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "when": format_moment_id(e.at),
            "action": e.fields["action"],
            "from": e.fields["from_state"],
            "to": e.fields["to_state"],
            "actor": e.fields["actor_name"],
            "nip": e.fields["actor_nip"],
            "as": e.fields["acting_title"],
            "acting_status": e.fields["acting_status"],
            "comment": e.fields["comment"],
            "visit": e.fields["visit"],
        }
        for e in entries
    ]


def _header(
    uow: UnitOfWork, kind: DocKind, record: DocumentRecord, view: DocumentView | None
) -> dict[str, Any]:
    if view is None or view.version != record.version:
        view = uow.workflow.document(kind, record.id)
    return {
        "ref": view.ref,
        "id": record.id,
        "kind": kind.value,
        "position": record.position_code,
        "position_id": record.position_id,
        "position_title": record.position_title,
        "year": record.year,
        "state": record.state.value,
        "version": record.version,
        "visit": record.visit,
        "missing": list(view.missing),
        "history": history(uow.audit.log(kind, record.id)),
    }


def _report(
    uow: UnitOfWork, report_id: int, view: DocumentView | None = None
) -> tuple[dict[str, Any], str | None]:
    record = uow.reports.report(report_id)
    data = _header(uow, DocKind.REPORT, record.document, view)
    data["quarter"] = record.quarter
    data["period"] = Quarter(record.document.year, record.quarter).label
    data["pk"] = None if record.pk_id is None else f"PK-{record.pk_id}"
    data["entries"] = record.entries
    return data, record.document.agency


def _pk(
    uow: UnitOfWork, pk_id: int, today: date, policy: Policy, view: DocumentView | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    record = uow.pks.pk(pk_id)
    document = record.document
    data = _header(uow, DocKind.PK, document, view)
    data["revision"] = record.revision
    data["revision_reason"] = record.revision_reason
    data["targets"] = record.targets
    data["budget"] = record.budget
    data["budget_total"] = str(record.budget_total)
    deadline = pk_deadline(record.dpa_date)
    data["deadline"] = deadline.isoformat() if deadline else None
    signed = None if record.approved_at is None else local_date(record.approved_at, policy.zone)
    data["late"] = is_pk_late(deadline, record.revision, signed, today)
    data["parties"] = {"first": _party(record.first), "second": _party(record.second)}
    data["parties_provisional"] = not record.first.name
    if data["parties_provisional"]:  # not approved yet: who would sign on `today`
        tree = uow.workflow.org_tree_for(document.position_id)
        who = parties(tree, document.position_id)
        one, two = signatories(uow.workflow, tree, who, today, policy.acting_rules)
        data["parties"] = {
            "first": _party(SignedParty(one.name or None, one.nip, one.title)),
            "second": _party(SignedParty(two.name or None, two.nip, two.title)),
        }
    data["agency"] = document.agency
    data["place"] = document.place
    approved = record.approved_at
    data["signed_on"] = (
        today if approved is None else local_date(approved, policy.zone)
    ).isoformat()
    return data, record.sasaran


def _party(party: SignedParty) -> dict[str, str | None]:
    return {"name": party.name, "nip": party.nip, "title": party.title}


def _labelled(data: dict[str, Any], found: DocumentAccess) -> dict[str, Any]:
    """Add the rights, the Indonesian labels of states and actions, and the last return's reason."""
    data["editable"] = found.editable
    data["choices"] = found.choices
    data["state_label"] = State(data["state"]).label
    returned = None
    for row in data["history"]:
        row["action_label"] = Action(row["action"]).label
        row["from_label"] = State(row["from"]).label
        row["to_label"] = State(row["to"]).label
        if row["to"] == State.DRAFT.value and row["comment"]:
            returned = row["comment"]
    data["returned_reason"] = returned
    return data


# --- the use cases ------------------------------------------------------------------------


def report_detail(uow: UnitOfWork, report_id: int) -> dict[str, Any]:
    """A report with each indicator's inputs, realisation, target, capaian and category, and
    its history (what `kinerja report show` prints; no rights: the operator's console)."""
    return _report(uow, report_id)[0]


def pk_detail(uow: UnitOfWork, pk_id: int, *, now: datetime, policy: Policy) -> dict[str, Any]:
    """A PK with its targets, budget lines, signatories, deadline and history (what
    `kinerja pk show` prints; no rights: the operator's console)."""
    return _pk(uow, pk_id, local_date(now, policy.zone), policy)[0]


def view_report(
    uow: UnitOfWork, report_id: int, actor: Actor, *, now: datetime, policy: Policy
) -> dict[str, Any]:
    """Everything the report page and the API show of a report `actor` may see: the report,
    its evidence, whether they may edit it and the actions offered."""
    found = document_access(uow, DocKind.REPORT, report_id, actor, now=now, policy=policy)
    data, _ = _report(uow, report_id, found.view)
    every = uow.evidence.of_report(report_id, include_replaced=True)
    data["evidence"] = [evidence_item(uow, e, every, policy.zone) for e in every if e.active]
    data["evidence_history"] = [
        evidence_item(uow, e, every, policy.zone) for e in every if not e.active
    ]
    return _labelled(data, found)


def evidence_item(
    uow: UnitOfWork, e: EvidenceRecord, every: list[EvidenceRecord], zone: ZoneInfo
) -> dict[str, Any]:
    """An evidence file as the report page lists it; a withdrawn or replaced one says who
    withdrew it, when, why, and which file replaced it."""
    item: dict[str, Any] = {
        "id": e.id,
        "filename": e.filename,
        "size": e.size,
        "content_type": e.content_type,
        "indicator_id": e.indicator_id,
        "uploaded_at": e.uploaded_at.isoformat(),
        "previewable": e.content_type in PREVIEWABLE,
    }
    if not e.active:
        who = None if e.withdrawn_by is None else uow.admin.official(e.withdrawn_by)
        after = next((n for n in every if n.replaces_id == e.id), None)
        item |= {
            "withdrawn_at": None if e.withdrawn_at is None else e.withdrawn_at.isoformat(),
            "withdrawn_when": None
            if e.withdrawn_at is None
            else format_moment_id(e.withdrawn_at, zone),
            "withdrawn_by": None if who is None else who.name,
            "withdrawn_reason": e.withdrawn_reason or (after and after.replace_reason),
            "replaced_by": None if after is None else after.filename,
        }
    return item


def view_pk(
    uow: UnitOfWork, pk_id: int, actor: Actor, *, now: datetime, policy: Policy
) -> dict[str, Any]:
    """Everything the PK page and the API show of a PK `actor` may see, with the signatories
    to print and the other revisions of the same PK."""
    found = document_access(uow, DocKind.PK, pk_id, actor, now=now, policy=policy)
    data, _ = _pk(uow, pk_id, local_date(now, policy.zone), policy, found.view)
    data = _labelled(data, found)
    data["revisions"] = [
        {
            "id": r.id,
            "revision": r.revision,
            "reason": r.reason,
            "state_label": r.state.label,
            "current": r.id == pk_id,
        }
        for r in uow.pks.revisions(found.view.position_id, found.view.year)
    ]
    return data


def pk_document(
    uow: UnitOfWork, pk_id: int, actor: Actor | None, *, now: datetime, policy: Policy
) -> PkDocument:
    """What the PK's Word file says: as `actor` may see it, or (None) as the console reads it."""
    today = local_date(now, policy.zone)
    if actor is None:
        data, sasaran = _pk(uow, pk_id, today, policy)
        return PkDocument(data, sasaran)
    found = document_access(uow, DocKind.PK, pk_id, actor, now=now, policy=policy)
    data, sasaran = _pk(uow, pk_id, today, policy, found.view)
    return PkDocument(_labelled(data, found), sasaran)


def report_document(
    uow: UnitOfWork, report_id: int, actor: Actor | None, *, now: datetime, policy: Policy
) -> ReportDocument:
    """What the report's Word file says: as `actor` may see it, or (None) as the console
    reads it."""
    if actor is None:
        data, agency = _report(uow, report_id)
        return ReportDocument(data, agency)
    found = document_access(uow, DocKind.REPORT, report_id, actor, now=now, policy=policy)
    data, agency = _report(uow, report_id, found.view)
    return ReportDocument(_labelled(data, found), agency)

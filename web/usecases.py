"""What the pages and the API both do, in one place, through the same gate as the CLI.

Reading a document needs `may_view` (its position's holders and everyone above
them, or the administrator); changing a draft needs `may_edit` (whoever may
submit it); every state change is `engine.usecases.workflow.take_action`. A page and an
endpoint differ only in how they show the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from db.database import transaction
from db.doc_views import pk_view, report_view
from db.documents import get_report
from db.evidence import list_evidence, open_evidence, store_evidence
from db.org_repo import committed_org_tree
from db.reports import fill_entry
from db.workflow_models import Evidence
from db.workflow_store import SqlWorkflowStore
from engine.errors import ForbiddenError, NotFoundError, ValidationError
from engine.gate import decide, may_edit, may_view
from engine.inputs import check_input
from engine.org import OrgTree
from engine.ports import UnitOfWork
from engine.usecases.workflow import NARRATIVE_LIMIT, ActionResult, take_action
from engine.workflow import Action, DocKind, DocumentView, State
from web.auth import CurrentUser
from web.deps import Web
from workflows.definitions import MACHINES

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
    """The committed organisation the decisions were made on."""
    editable: bool
    choices: list[ActionChoice] = field(default_factory=list)


def _forbidden(user: CurrentUser, ref: str) -> ForbiddenError:
    return ForbiddenError(
        f"Anda tidak berhak melihat {ref}",
        log_message=f"{user.login} may not view {ref}",
    )


def access(
    session: Session, web: Web, user: CurrentUser, kind: DocKind, doc_id: int
) -> DocumentAccess:
    """The document if the user may see it (ForbiddenError otherwise), with what they may do."""
    store = SqlWorkflowStore(session)
    view = store.document(kind, doc_id)
    # A read: the committed tree, one small query while the organisation is unchanged.
    # (The action itself is decided again by the gate in its own write transaction.)
    tree = committed_org_tree(session)
    today = web.today()
    if not may_view(view.position_id, user.actor, today, tree=tree):
        raise _forbidden(user, view.ref)
    rules = web.deps.acting_rules
    editable = may_edit(view, user.actor, today, tree=tree, rules=rules)
    choices = []
    machine = MACHINES[kind]
    for action in USER_ACTIONS:
        if action not in machine.available(view.state):
            continue
        needs_comment = action in (Action.RETURN, Action.REOPEN)
        decision = decide(
            view, action, user.actor, today, tree=tree, machine=machine, rules=rules,
            comment="(alasan)" if needs_comment else None,
        )  # fmt: skip
        if decision.allowed or decision.has_role:
            choices.append(ActionChoice(action, decision.allowed, decision.reason, needs_comment))
    return DocumentAccess(kind, view, tree, editable, choices)


def report_data(session: Session, web: Web, user: CurrentUser, report_id: int) -> dict[str, Any]:
    """Everything the report page and the API show of a report."""
    found = access(session, web, user, DocKind.REPORT, report_id)
    data = report_view(session, report_id, view=found.view)
    data["evidence"] = [
        {
            "id": e.id,
            "filename": e.filename,
            "size": e.size,
            "content_type": e.content_type,
            "indicator_id": e.indicator_id,
            "uploaded_at": e.uploaded_at.isoformat(),
        }
        for e in list_evidence(session, report_id)
    ]
    data["editable"] = found.editable
    data["choices"] = found.choices
    return _labelled(data)


def _labelled(data: dict[str, Any]) -> dict[str, Any]:
    """Add the Indonesian labels of states and actions, and the last return's reason."""
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


def pk_data(session: Session, web: Web, user: CurrentUser, pk_id: int) -> dict[str, Any]:
    """Everything the PK page and the API show of a PK, with the signatories to print."""
    found = access(session, web, user, DocKind.PK, pk_id)
    data = pk_view(session, pk_id, web.today(), web.deps.zone, view=found.view)
    data["editable"] = found.editable
    data["choices"] = found.choices
    return _labelled(data)


def require_edit(session: Session, web: Web, user: CurrentUser, kind: DocKind, doc_id: int) -> None:
    """ForbiddenError unless the user may change this draft now."""
    found = access(session, web, user, kind, doc_id)
    if not found.editable:
        ref = found.view.ref
        if found.view.state.value != "draft":
            raise ValidationError(
                f"{ref} sedang {found.view.state.label}; hanya draf yang dapat diubah",
                log_message=f"{user.login} edit of {ref} in state {found.view.state}",
            )
        raise ForbiddenError(
            f"Anda tidak berhak mengubah {ref}; yang mengisi adalah pemegang jabatannya",
            log_message=f"{user.login} may not edit {ref}",
        )


@dataclass(frozen=True)
class EntryInput:
    """What a user typed for one indicator of a report."""

    values: Mapping[str, str] = field(default_factory=dict)
    no_data_reason: str | None = None
    kendala: str | None = None
    upaya: str | None = None


def check_entries(
    session: Session, report_id: int, entries: Mapping[str, EntryInput]
) -> dict[str, str]:
    """Field errors (key "CODE.var" or "CODE.kendala" ...) for typed entries; empty when fine."""
    data = report_view(session, report_id)
    known = {row["indicator"]: row for row in data["entries"]}
    errors: dict[str, str] = {}
    for code, entry in entries.items():
        row = known.get(code)
        if row is None:
            errors[code] = f"Indikator '{code}' bukan bagian laporan ini"
            continue
        labels = {i["name"]: i["label"] or i["name"] for i in row["inputs"]}
        for name, raw in entry.values.items():
            if name not in labels:
                errors[f"{code}.{name}"] = f"Variabel '{name}' tidak dikenal untuk {code}"
            elif raw is not None and str(raw).strip():
                try:
                    check_input(str(raw))
                except ValidationError as exc:
                    errors[f"{code}.{name}"] = exc.message
        for part in ("no_data_reason", "kendala", "upaya"):
            text = getattr(entry, part)
            if text is not None and len(text) > NARRATIVE_LIMIT:
                errors[f"{code}.{part}"] = f"Paling banyak {NARRATIVE_LIMIT} karakter"
    return errors


def save_entries(
    web: Web, user: CurrentUser, report_id: int, entries: Mapping[str, EntryInput]
) -> dict[str, str]:
    """Store typed entries in a draft (all or nothing); returns field errors, empty on success."""
    with transaction(web.deps.engine) as session:
        require_edit(session, web, user, DocKind.REPORT, report_id)
        errors = check_entries(session, report_id, entries)
        if errors:
            return errors
        for code, entry in entries.items():
            fill_entry(
                session, report_id, code,
                values=dict(entry.values), no_data_reason=entry.no_data_reason,
                kendala=entry.kendala, upaya=entry.upaya,
            )  # fmt: skip
        report = get_report(session, report_id)
        report.updated_at = web.now()
        session.add(report)
    return {}


def preview_entries(
    web: Web, user: CurrentUser, report_id: int, entries: Mapping[str, EntryInput]
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Realisation, capaian and category as they would be with the typed inputs; nothing is kept.

    The same code computes them as everywhere: the entries are written in a
    transaction that is rolled back.
    """
    with Session(web.deps.engine) as session:
        access(session, web, user, DocKind.REPORT, report_id)
        errors = check_entries(session, report_id, entries)
        valid = {
            code: EntryInput(
                {k: v for k, v in e.values.items() if f"{code}.{k}" not in errors},
                e.no_data_reason,
            )
            for code, e in entries.items()
            if code not in errors
        }
        try:
            report = get_report(session, report_id)
            if report.state == "draft":
                for code, entry in valid.items():
                    fill_entry(
                        session, report_id, code, values=dict(entry.values),
                        no_data_reason=entry.no_data_reason,
                    )  # fmt: skip
            rows = report_view(session, report_id)["entries"]
        finally:
            session.rollback()
    return errors, rows


def act(
    uow: UnitOfWork,
    web: Web,
    user: CurrentUser,
    kind: DocKind,
    doc_id: int,
    action: Action,
    *,
    comment: str | None = None,
    expected_version: int | None = None,
) -> ActionResult:
    """A workflow action through the one gate (viewing rights checked first), in the
    request's unit of work."""
    return take_action(
        uow, kind, doc_id, action, user.actor, now=web.now(), policy=web.deps.policy,
        comment=comment, expected_version=expected_version, must_view=True,
    )  # fmt: skip


def upload_evidence(
    web: Web,
    user: CurrentUser,
    report_id: int,
    *,
    filename: str,
    data: bytes,
    indicator_id: int | None = None,
    replaces_id: int | None = None,
    reason: str | None = None,
) -> int:
    """Store an evidence file for a draft report the user may edit; returns its id."""
    with transaction(web.deps.engine) as session:
        require_edit(session, web, user, DocKind.REPORT, report_id)
        row = store_evidence(
            session, root=web.settings.evidence_dir, report_id=report_id, filename=filename,
            data=data, uploaded_by=user.actor.official_id, now=web.now(),
            indicator_id=indicator_id, replaces_id=replaces_id, reason=reason,
        )  # fmt: skip
        assert row.id is not None
        return row.id


def evidence_file(web: Web, user: CurrentUser, evidence_id: int) -> tuple[str, str, bytes]:
    """(filename, content type, bytes) of an evidence file the user may see, checksum verified."""
    with Session(web.deps.engine) as session:
        row = session.get(Evidence, evidence_id)
        if row is None:
            raise NotFoundError(
                f"Bukti dukung #{evidence_id} tidak ditemukan",
                log_message=f"evidence {evidence_id} not found",
            )
        access(session, web, user, DocKind.REPORT, row.report_id)  # rights before the disk
        row, path = open_evidence(session, root=web.settings.evidence_dir, evidence_id=evidence_id)
        return row.filename, row.content_type, path.read_bytes()

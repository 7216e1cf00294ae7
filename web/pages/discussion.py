"""What the report and PK pages add for the discussion and for a link from an email: the
comment threads, a comment refused (with what was typed), and the action a link asked for.

Called from render_report / render_pk after the document was read (and its view rights
checked), so the page shows the threads without a second rights check.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from engine.ports import UnitOfWork
from engine.usecases.comments import COMMENT_LIMIT, comment_threads
from engine.usecases.documents import ActionChoice
from engine.workflow import Action, DocKind

LINK_ACTIONS = {"submit": Action.SUBMIT, "verify": Action.VERIFY, "approve": Action.APPROVE}
"""The actions an email's link may get ready (`?aksi=`): never taken by the link itself."""

_VERBS = {
    Action.SUBMIT: ("mengajukan", "Ajukan"),
    Action.VERIFY: ("memverifikasi", "Verifikasi"),
    Action.APPROVE: ("menyetujui", "Setujui"),
}


def discussion(
    request: Request, uow: UnitOfWork, kind: DocKind, doc_id: int, doc: dict[str, Any]
) -> dict[str, Any]:
    """The page's context for _comments.html and _action_link.html."""
    state = request.state
    error = getattr(state, "comment_error", None)
    rows = doc.get("entries") or doc.get("targets") or []
    if error is not None and error[0] not in {str(row.get("indicator_id")) for row in rows}:
        error = ("dokumen", error[1])  # no such indicator here: say it by the document's form
    return {
        "threads": comment_threads(uow, kind, doc_id),
        "comment_url": f"/{'laporan' if kind is DocKind.REPORT else 'pk'}/{doc_id}/komentar",
        "comment_limit": COMMENT_LIMIT,
        "comment_error": error,
        "comment_typed": getattr(state, "comment_typed", None),
        "link_action": link_action(request.query_params.get("aksi", ""), doc.get("choices", [])),
    }


def link_action(asked: str, choices: list[ActionChoice]) -> dict[str, Any] | None:
    """What the banner says for `?aksi=`: the action ready (its verb and button), or that
    the document no longer waits for it from this reader. None without a known `aksi`.

    A submission sent to a head who approves in one step asks to verify; the approval
    offered instead is the same step."""
    wanted = LINK_ACTIONS.get(asked)
    if wanted is None:
        return None
    allowed = {c.action: c for c in choices if c.allowed}
    chosen = allowed.get(wanted)
    if chosen is None and wanted in (Action.VERIFY, Action.APPROVE):
        chosen = allowed.get(Action.APPROVE) or allowed.get(Action.VERIFY)
    if chosen is None:
        return {"ready": False, "verb": _VERBS[wanted][0], "action": wanted.value}
    verb, button = _VERBS[chosen.action]
    return {"ready": True, "verb": verb, "button": button, "action": chosen.action.value}

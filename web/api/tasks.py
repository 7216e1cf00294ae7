"""POST /api/v1/tasks/bulk: verify or approve several documents, each on its own.

The same use case as Tugas Saya's checkboxes (engine.usecases.bulk.act_on_many): each
document through the gate in its own transaction, expecting the version sent; one refusal
(the gate's reason, a conflict with a newer version) is reported and the others go on.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from engine.usecases.bulk import MAX_BULK, act_on_many, parse_choices
from engine.workflow import Action, State
from web.api.errors import responses
from web.auth import ApiUser
from web.deps import UowDep, web_of

router = APIRouter()


class BulkIn(BaseModel):
    """Verify or approve several documents, each with the version you listed."""

    model_config = ConfigDict(extra="forbid")

    action: Action = Field(description="verify or approve (a return needs a reason per document)")
    documents: list[Annotated[str, Field(max_length=40)]] = Field(
        description=f'"LAP-12@3": the reference and the version listed by /tasks; '
        f"at most {MAX_BULK}"
    )


class BulkOutcomeOut(BaseModel):
    """What happened to one document: done, or refused with the reason."""

    ref: str
    done: bool
    message: str
    state: State | None
    conflict: bool


class BulkOut(BaseModel):
    """One outcome per document, in the order sent."""

    outcomes: list[BulkOutcomeOut]


@router.post("/tasks/bulk", response_model=BulkOut, responses=responses(400, 401, 403, 422))
def bulk(request: Request, user: ApiUser, uow: UowDep, body: BulkIn) -> Any:
    """Verifikasi atau setujui beberapa dokumen sekaligus, masing-masing lewat gerbangnya
    sendiri; yang ditolak (beserta alasannya) tidak menghentikan yang lain."""
    web = web_of(request)
    action, choices = parse_choices(body.action.value, body.documents)
    outcomes = act_on_many(uow, action, choices, user.actor, now=web.now(), policy=web.deps.policy)
    return {"outcomes": [o.as_json() for o in outcomes]}

"""Driving documents through the workflow as the people would, for the demo and for tests.

Every step goes through `engine.usecases.workflow.take_action` (the one gate) in its
own unit of work, at an explicit moment, as the official who holds the right
position on that day.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from db.uow import SqlUnitOfWork
from engine.clock import JAKARTA, local_date
from engine.errors import NotFoundError
from engine.gate import DEFAULT_ACTING_RULES, ActingRules, Parties
from engine.org import OrgTree
from engine.policy import Policy
from engine.usecases.demo import document_parties
from engine.usecases.organisation import show_organisation
from engine.usecases.workflow import ActionResult, take_action
from engine.workflow import Action, Actor, DocKind, Role
from workflows.definitions import MACHINES

ADMIN = Actor(None, "Administrator", None, is_admin=True)
POLICY = Policy(machines=MACHINES, zone=JAKARTA)
"""The demo regency's rules (Jakarta time, the default acting rules)."""


def _snapshot(engine: Engine, kind: DocKind, doc_id: int) -> tuple[OrgTree, Parties]:
    """Who acts on the document, and the part of the organisation the gate decides it on."""
    with SqlUnitOfWork(engine) as uow:
        found = document_parties(uow, kind, doc_id)
    return found.tree, found.parties


def _holder(tree: OrgTree, position_id: int, when: datetime) -> Actor:
    holding = tree.acting_holder(position_id, local_date(when, JAKARTA))
    if holding is None:
        raise NotFoundError(
            f"Jabatan #{position_id} kosong pada {when:%Y-%m-%d}",
            log_message=f"position {position_id} empty at {when}",
        )
    official = holding.official
    return Actor(official.id, official.name, official.nip)


def _acting(tree: OrgTree, who: Parties, role: Role, when: datetime) -> Actor:
    position = who.position_for(role)
    return ADMIN if position is None else _holder(tree, position.id, when)


def holder_of(engine: Engine, position_id: int, when: datetime) -> Actor:
    """The official who acts for a position at `when` (acting officials first)."""
    with SqlUnitOfWork(engine) as uow:
        tree = show_organisation(uow, now=when, policy=POLICY).tree
    return _holder(tree, position_id, when)


def actor_for(engine: Engine, kind: DocKind, doc_id: int, role: Role, when: datetime) -> Actor:
    """Who acts in `role` on a document at `when` (the admin for the head's own approval)."""
    tree, who = _snapshot(engine, kind, doc_id)
    return _acting(tree, who, role, when)


def step(
    engine: Engine,
    kind: DocKind,
    doc_id: int,
    action: Action,
    actor: Actor,
    when: datetime,
    *,
    comment: str | None = None,
    rules: ActingRules = DEFAULT_ACTING_RULES,
) -> ActionResult:
    """One workflow action in its own unit of work."""
    policy = Policy(machines=MACHINES, zone=JAKARTA, acting_rules=rules)
    with SqlUnitOfWork(engine, write=True) as uow:
        return take_action(
            uow, kind, doc_id, action, actor, now=when, policy=policy, comment=comment
        )


def one_step(engine: Engine, kind: DocKind, doc_id: int) -> bool:
    """True when the head approves the document without a verification step."""
    return _snapshot(engine, kind, doc_id)[1].one_step


def approve_all_the_way(
    engine: Engine,
    kind: DocKind,
    doc_id: int,
    submit_at: datetime,
    verify_at: datetime,
    approve_at: datetime,
    *,
    return_first: str | None = None,
) -> list[ActionResult]:
    """Submit, (verify), approve; optionally returned once by the first reviewer and resubmitted."""
    tree, who = _snapshot(engine, kind, doc_id)
    results = []
    holder = _acting(tree, who, Role.HOLDER, submit_at)
    results.append(step(engine, kind, doc_id, Action.SUBMIT, holder, submit_at))
    first_role = Role.APPROVER if who.one_step else Role.VERIFIER
    if return_first:
        reviewer = _acting(tree, who, first_role, verify_at)
        results.append(
            step(engine, kind, doc_id, Action.RETURN, reviewer, verify_at, comment=return_first)
        )
        results.append(step(engine, kind, doc_id, Action.SUBMIT, holder, verify_at))
    if not who.one_step:
        verifier = _acting(tree, who, Role.VERIFIER, verify_at)
        results.append(step(engine, kind, doc_id, Action.VERIFY, verifier, verify_at))
    approver = _acting(tree, who, Role.APPROVER, approve_at)
    results.append(step(engine, kind, doc_id, Action.APPROVE, approver, approve_at))
    return results

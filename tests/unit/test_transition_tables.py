"""The gate's lookups of a workflow (workflows.definitions) come from tables built once, and
the transition a document takes is the one the `transitions` machine fired.

They must give exactly what reading the definition's transitions gives, for every state and
action of both workflows, in definition order.
"""

from __future__ import annotations

import pytest

from engine.gate import decide
from engine.workflow import (
    Action,
    Actor,
    DocKind,
    DocumentView,
    Facts,
    Guard,
    Role,
    State,
    TransitionSpec,
)
from tests.unit.fakes import KASI, O_KABID, START, TREE
from workflows.definitions import WORKFLOWS, WorkflowDefinition


@pytest.mark.parametrize("workflow", WORKFLOWS.values(), ids=list(WORKFLOWS))
def test_candidates_and_available_match_the_transitions(workflow: WorkflowDefinition) -> None:
    for state in State:
        expected_actions = list(
            dict.fromkeys(t.action for t in workflow.transitions if t.source is state)
        )
        assert list(workflow.available(state)) == expected_actions
        for action in Action:
            expected = [t for t in workflow.transitions if t.source is state and t.action is action]
            assert list(workflow.candidates(state, action)) == expected


def test_the_tables_are_what_the_gate_was_told() -> None:
    report = WORKFLOWS["report"]
    assert list(report.available(State.DRAFT)) == [Action.SUBMIT]
    assert list(report.available(State.SUBMITTED)) == [Action.VERIFY, Action.APPROVE, Action.RETURN]
    assert [c.target for c in report.candidates(State.SUBMITTED, Action.RETURN)] == [
        State.DRAFT,
        State.DRAFT,
    ]
    assert report.candidates(State.APPROVED, Action.SUBMIT) == ()


def _facts(roles: set[Role], *, one_step: bool, comment: str | None = None) -> Facts:
    document = DocumentView(DocKind.REPORT, 1, 3, 2021, 1, State.SUBMITTED, 2, 1)
    failures = {Guard.TWO_STEP: "satu tahap"} if one_step else {Guard.ONE_STEP: "dua tahap"}
    if comment is None:
        failures[Guard.COMMENT] = "alasan wajib diisi"
    return Facts(document, Actor(7, "X"), frozenset(roles), one_step, comment, failures)


def test_the_machine_names_the_transition_it_took() -> None:
    """A return from `submitted` exists twice (verifier in two steps, head in one): the machine
    says which one ran, and that is the transition the gate reports."""
    report = WORKFLOWS["report"]
    by_verifier, by_head = report.candidates(State.SUBMITTED, Action.RETURN)
    two = _facts({Role.VERIFIER}, one_step=False, comment="kurang")
    one = _facts({Role.APPROVER}, one_step=True, comment="kurang")
    assert report.fire(State.SUBMITTED, Action.RETURN, two) is by_verifier
    assert report.fire(State.SUBMITTED, Action.RETURN, one) is by_head
    assert (
        report.fire(State.SUBMITTED, Action.RETURN, _facts({Role.VERIFIER}, one_step=False)) is None
    )


class _Scripted:
    """A machine that always takes one given transition (to see that the gate obeys it)."""

    name = "scripted"

    def __init__(self, spec: TransitionSpec) -> None:
        self.spec = spec

    def candidates(self, state: State, action: Action) -> tuple[TransitionSpec, ...]:
        return (self.spec,)

    def available(self, state: State) -> tuple[Action, ...]:
        return (self.spec.action,)

    def fire(self, state: State, action: Action, facts: Facts) -> TransitionSpec | None:
        return self.spec


def test_the_gate_uses_the_machines_answer() -> None:
    spec = TransitionSpec(Action.VERIFY, State.SUBMITTED, State.APPROVED, Role.VERIFIER)
    document = DocumentView(DocKind.REPORT, 7, KASI, 2021, 1, State.SUBMITTED, 2, 1)
    kabid = Actor(O_KABID, "Citra Kabid")
    decision = decide(document, Action.VERIFY, kabid, START, tree=TREE, machine=_Scripted(spec))
    assert decision.allowed and decision.spec is spec and decision.target is State.APPROVED

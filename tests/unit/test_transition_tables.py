"""The gate's lookups of a workflow (workflows.definitions) come from tables built once.

They must give exactly what reading the definition's transitions gives, for every state and
action of both workflows, in definition order.
"""

from __future__ import annotations

import pytest

from engine.workflow import Action, State
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

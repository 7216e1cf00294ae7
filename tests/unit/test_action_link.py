"""web.pages.discussion.link_action: what the page says for an email's `?aksi=`.

The link never acts; it only decides which one form the banner points at."""

from __future__ import annotations

from engine.usecases.documents import ActionChoice
from engine.workflow import Action
from web.pages.discussion import link_action


def choice(action: Action, allowed: bool = True) -> ActionChoice:
    return ActionChoice(action, allowed, None if allowed else "belum", False)


def test_the_action_asked_is_ready_when_the_reader_may_take_it() -> None:
    found = link_action("approve", [choice(Action.APPROVE), choice(Action.RETURN)])
    assert found == {"ready": True, "verb": "menyetujui", "button": "Setujui", "action": "approve"}


def test_a_head_approving_in_one_step_gets_the_approval_for_a_verify_link() -> None:
    found = link_action("verify", [choice(Action.APPROVE)])
    assert found is not None and found["action"] == "approve"


def test_a_step_already_taken_is_said_not_offered() -> None:
    found = link_action("verify", [choice(Action.VERIFY, allowed=False)])
    assert found == {"ready": False, "verb": "memverifikasi", "action": "verify"}


def test_only_the_forward_steps_may_be_asked_for() -> None:
    assert link_action("return", [choice(Action.RETURN)]) is None
    assert link_action("", [choice(Action.SUBMIT)]) is None
    assert link_action("<script>", []) is None

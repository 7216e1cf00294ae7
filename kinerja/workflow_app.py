"""The workflow use case for the CLI: one unit of work per action."""

from __future__ import annotations

from engine.usecases.workflow import ActionResult, act_as
from kinerja.bootstrap import Container


def act(
    container: Container,
    ref: str,
    action: str,
    who: str,
    *,
    comment: str | None = None,
    expected_version: int | None = None,
) -> ActionResult:
    """Take a workflow action on PK-n / LAP-n as `who`, committed or not at all."""
    with container.uow(write=True) as uow:
        return act_as(
            uow, ref, action, who, now=container.clock.now(), policy=container.policy,
            comment=comment, expected_version=expected_version,
        )  # fmt: skip

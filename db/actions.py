"""The workflow use case wired to the database: one transaction per action.

The CLI, the pages and the API all call `take_action`; nothing else changes a
document's state.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from db.database import WRITE_OPTION
from db.workflow_store import SqlWorkflowStore
from engine.errors import ValidationError
from engine.gate import DEFAULT_ACTING_RULES, ActingRules
from engine.services import ActionResult, perform_action
from engine.workflow import Action, Actor, DocKind
from workflows.definitions import MACHINES


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


def take_action(
    engine: Engine,
    kind: DocKind,
    doc_id: int,
    action: Action,
    actor: Actor,
    *,
    now: datetime,
    zone: ZoneInfo,
    rules: ActingRules = DEFAULT_ACTING_RULES,
    comment: str | None = None,
    expected_version: int | None = None,
) -> ActionResult:
    """Take `action` through the gate, committed with its log and outbox rows or not at all.

    One transaction on one connection (a writer's: BEGIN IMMEDIATE on SQLite, as with
    `db.database.transaction`), committed when the action returns and rolled back when
    anything raises. The store runs Core statements on it; no ORM session is made unless
    an ORM read is needed.
    """
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            store = SqlWorkflowStore.on_connection(connection)
            try:
                return perform_action(
                    store,
                    kind,
                    doc_id,
                    action,
                    actor,
                    now=now,
                    zone=zone,
                    machine=MACHINES[kind],
                    rules=rules,
                    comment=comment,
                    expected_version=expected_version,
                )
            finally:
                store.close()

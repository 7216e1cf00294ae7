"""The two workflows as data, and the `transitions` machine that runs each of them.

One `transitions.Machine` per definition, built once with ``model=None`` and no
auto transitions; the gate fires it with ``machine.events[action].trigger(doc)``
on a small stand-in object, so nothing is ever added to a SQLModel row. Guards
are conditions that read the `Facts` computed by the gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from transitions import Machine, MachineError

from engine.workflow import Action, DocKind, Facts, Guard, Role, State, TransitionSpec

_COMMON: tuple[TransitionSpec, ...] = (
    TransitionSpec(Action.VERIFY, State.SUBMITTED, State.VERIFIED, Role.VERIFIER,
                   (Guard.TWO_STEP, Guard.SEPARATION)),
    TransitionSpec(Action.APPROVE, State.VERIFIED, State.APPROVED, Role.APPROVER,
                   (Guard.SEPARATION,)),
    TransitionSpec(Action.APPROVE, State.SUBMITTED, State.APPROVED, Role.APPROVER,
                   (Guard.ONE_STEP, Guard.SEPARATION)),
    TransitionSpec(Action.RETURN, State.SUBMITTED, State.DRAFT, Role.VERIFIER,
                   (Guard.TWO_STEP, Guard.COMMENT)),
    TransitionSpec(Action.RETURN, State.SUBMITTED, State.DRAFT, Role.APPROVER,
                   (Guard.ONE_STEP, Guard.COMMENT)),
    TransitionSpec(Action.RETURN, State.VERIFIED, State.DRAFT, Role.APPROVER, (Guard.COMMENT,)),
    TransitionSpec(Action.REOPEN, State.APPROVED, State.DRAFT, Role.ADMIN, (Guard.COMMENT,)),
)  # fmt: skip

PK_TRANSITIONS: tuple[TransitionSpec, ...] = (
    TransitionSpec(Action.SUBMIT, State.DRAFT, State.SUBMITTED, Role.HOLDER, (Guard.READY,)),
    *_COMMON,
)
REPORT_TRANSITIONS: tuple[TransitionSpec, ...] = (
    TransitionSpec(
        Action.SUBMIT, State.DRAFT, State.SUBMITTED, Role.HOLDER, (Guard.PK_APPROVED, Guard.READY)
    ),
    *_COMMON,
)


@dataclass
class _Token:
    """The stand-in the machine moves: only a state, never a database row; `fired` is the
    transition the machine took (set by its `after` callback)."""

    state: str
    fired: TransitionSpec | None = None


def _record(spec: TransitionSpec) -> Any:
    def after(event: Any) -> None:
        event.model.fired = spec

    return after


def _condition(guard: Guard | None, role: Role) -> Any:
    def check(event: Any) -> bool:
        facts: Facts = event.kwargs["facts"]
        if role not in facts.roles:
            return False
        return guard is None or guard not in facts.guard_failures

    return check


@dataclass
class WorkflowDefinition:
    """A workflow: its transitions as data, and the machine built from them once."""

    name: str
    title: str
    transitions: tuple[TransitionSpec, ...]
    _machine: Machine = field(init=False, repr=False)
    _candidates: dict[tuple[State, Action], tuple[TransitionSpec, ...]] = field(
        init=False, repr=False
    )
    _available: dict[State, tuple[Action, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # What the gate asks on every request, answered from tables made once.
        self._candidates = {
            (state, action): tuple(
                t for t in self.transitions if t.source is state and t.action is action
            )
            for state in State
            for action in Action
        }
        self._available = {
            state: tuple(dict.fromkeys(t.action for t in self.transitions if t.source is state))
            for state in State
        }
        self._machine = Machine(
            model=None,
            states=[s.value for s in State],
            initial=State.DRAFT.value,
            auto_transitions=False,
            send_event=True,
        )
        for spec in self.transitions:
            conditions = [_condition(None, spec.role)]
            conditions += [_condition(guard, spec.role) for guard in spec.guards]
            self._machine.add_transition(
                spec.action.value,
                spec.source.value,
                spec.target.value,
                conditions=conditions,
                after=_record(spec),
            )

    def candidates(self, state: State, action: Action) -> Sequence[TransitionSpec]:
        """The transitions of `action` leaving `state`, in definition order."""
        return self._candidates[state, action]

    def available(self, state: State) -> Sequence[Action]:
        """Actions defined from `state`."""
        return self._available[state]

    def fire(self, state: State, action: Action, facts: Facts) -> TransitionSpec | None:
        """Trigger `action` on a token in `state`: the transition the machine took, or None
        when no transition's conditions passed."""
        token = _Token(state.value)
        try:
            moved = self._machine.events[action.value].trigger(token, facts=facts)
        except (MachineError, KeyError):
            return None
        if not moved or token.fired is None:
            return None
        assert token.state == token.fired.target.value
        return token.fired

    def mermaid(self) -> str:
        """A Mermaid state diagram generated from the definition."""
        lines = ["stateDiagram-v2", f"    [*] --> {State.DRAFT.value}"]
        for spec in self.transitions:
            guards = ", ".join(g.value for g in spec.guards)
            label = f"{spec.action.value} ({spec.role.value}{'; ' + guards if guards else ''})"
            lines.append(f"    {spec.source.value} --> {spec.target.value}: {label}")
        lines.append(f"    {State.APPROVED.value} --> [*]")
        return "\n".join(lines)


PK_WORKFLOW = WorkflowDefinition("pk", "Perjanjian Kinerja", PK_TRANSITIONS)
REPORT_WORKFLOW = WorkflowDefinition("report", "Laporan Realisasi Triwulan", REPORT_TRANSITIONS)
WORKFLOWS = {w.name: w for w in (PK_WORKFLOW, REPORT_WORKFLOW)}
MACHINES = {DocKind.PK: PK_WORKFLOW, DocKind.REPORT: REPORT_WORKFLOW}
"""The workflow that runs each kind of document."""

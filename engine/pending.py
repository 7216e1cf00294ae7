"""What waits for whom, by when: the one pending-step model.

A document that is not approved waits for one step (submit, verify or approve). Who must
take it is the holder, the verifier or the approver position of the document (engine.gate
`parties`); by when is the step's deadline (engine.deadlines); since when is the document's
visit to its state (a return for revision starts a new visit, and a new reminder ladder).
The reminder sweep, Tugas Saya, the dashboard's progress and the API all ask `PendingWork`,
so they agree on who is late.

`PendingWork` works out what thousands of documents share once: the parties of each
position and the deadlines of each quarter (a sweep sees a few quarters and a few thousand
positions for tens of thousands of documents).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from engine.calendar import WorkingCalendar
from engine.deadlines import DeadlineRules, Step, pk_deadlines, pk_due, report_deadlines
from engine.gate import parties
from engine.org import OrgTree
from engine.periods import Quarter
from engine.workflow import DocKind, State

__all__ = [
    "PENDING_STATES",
    "WAITING_PK_REVISION",
    "PendingDoc",
    "PendingStep",
    "PendingWork",
    "Roles",
    "Step",
    "waiting_step",
]

PENDING_STATES = (State.DRAFT, State.SUBMITTED, State.VERIFIED)
"""The states of a document still waiting for someone (every state but approved)."""
WAITING_PK_REVISION = 1
"""The only PK revision with deadlines: a PK Perubahan revises a PK approved once."""


def waiting_step(state: State, one_step: bool) -> Step | None:
    """The step a document in `state` waits for (None once approved).

    `one_step`: the head approves the submission directly (no verification).
    """
    if state is State.DRAFT:
        return Step.SUBMIT
    if state is State.SUBMITTED:
        return Step.APPROVE if one_step else Step.VERIFY
    if state is State.VERIFIED:
        return Step.APPROVE
    return None


@dataclass(frozen=True, slots=True)
class PendingDoc:
    """A pending report or PK: only what the pending step needs (read for thousands at once)."""

    kind: DocKind
    doc_id: int
    position_id: int
    year: int
    quarter: int | None
    """The report's quarter; None for a PK."""
    state: State
    visit: int
    ref: str = field(init=False, compare=False)
    """The document's reference: LAP-12, PK-3."""
    version: int = 1
    """The document's version as read (a bulk action on the list expects it unchanged)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", f"{self.kind.prefix}-{self.doc_id}")


@dataclass(frozen=True, slots=True)
class PendingStep:
    """Who must act on which document, by which deadline, since which visit.

    `actor_position_id` is None for the head's own approval (the administrator records the
    Bupati's); `deadline` is None for a PK whose agency has no DPA date yet. Neither has a
    reminder ladder, but both are on someone's task list.
    """

    doc: str
    """The document's reference (LAP-12)."""
    visit: int
    step: Step
    deadline: date | None
    actor_position_id: int | None
    superior_position_id: int | None
    """The direct superior of the acting position (the ladder's first escalation)."""
    head_position_id: int | None
    document: PendingDoc | None = field(default=None, compare=False)
    key_prefix: str = field(init=False, repr=False, compare=False)
    """The start of the keys of this step's reminder rungs: (document, visit, step)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "key_prefix", f"{self.doc}:visit{self.visit}:{self.step.value}:")

    @property
    def remindable(self) -> bool:
        """Whether the step has a ladder: someone to remind and a deadline to count from."""
        return self.deadline is not None and self.actor_position_id is not None


@dataclass(frozen=True, slots=True)
class Roles:
    """Who acts on a position's documents: per step, the acting position and its superior."""

    one_step: bool
    actors: Mapping[Step, tuple[int, int | None]]
    head_id: int


class PendingWork:
    """The pending step of documents on one organisation tree, calendar and set of rules."""

    __slots__ = ("_calendar", "_dpa", "_pk", "_quarters", "_roles", "_rules", "tree")

    def __init__(
        self,
        tree: OrgTree,
        calendar: WorkingCalendar,
        rules: DeadlineRules,
        dpa_dates: Mapping[tuple[int, int], date] | None = None,
    ) -> None:
        """`dpa_dates`: (agency id, year) -> the day its DPA was ratified (PK deadlines)."""
        self.tree = tree
        self._calendar = calendar
        self._rules = rules
        self._dpa = dpa_dates or {}
        self._roles: dict[int, Roles] = {}
        self._quarters: dict[tuple[int, int, bool], dict[Step, date]] = {}
        self._pk: dict[tuple[date, bool], dict[Step, date]] = {}

    def roles(self, position_id: int) -> Roles:
        """Who acts for each step of the documents of `position_id` (worked out once)."""
        found = self._roles.get(position_id)
        if found is None:
            found = self._roles[position_id] = self._roles_of(position_id)
        return found

    def _roles_of(self, position_id: int) -> Roles:
        tree = self.tree
        who = parties(tree, position_id)
        actors: dict[Step, tuple[int, int | None]] = {}
        for step, actor in ((Step.SUBMIT, who.holder), (Step.VERIFY, who.verifier),
                            (Step.APPROVE, who.approver)):  # fmt: skip
            if actor is not None:  # the head's own approval is recorded by the admin
                superior = tree.superior(actor.id)
                actors[step] = (actor.id, None if superior is None else superior.id)
        return Roles(who.one_step, actors, tree.head_of_agency(position_id).id)

    def report_deadlines(self, year: int, quarter: int, *, one_step: bool) -> Mapping[Step, date]:
        """When each step of a quarter's report is due (worked out once per quarter)."""
        key = (year, quarter, one_step)
        found = self._quarters.get(key)
        if found is None:
            found = self._quarters[key] = report_deadlines(
                Quarter(year, quarter), self._calendar, self._rules, one_step=one_step
            )
        return found

    def pk_deadlines(self, position_id: int, year: int, *, one_step: bool) -> Mapping[Step, date]:
        """When each step of a PK is due; empty while its agency has no DPA date."""
        ratified = self._dpa.get((self.tree.position(position_id).agency_id, year))
        if ratified is None:
            return {}
        key = (ratified, one_step)
        found = self._pk.get(key)
        if found is None:
            found = self._pk[key] = pk_deadlines(
                pk_due(ratified), self._calendar, self._rules, one_step=one_step
            )
        return found

    def step_of(self, doc: PendingDoc) -> PendingStep:
        """The step `doc` waits for, who takes it and by when."""
        roles = self.roles(doc.position_id)
        step = waiting_step(doc.state, roles.one_step)
        if step is None:
            raise ValueError(f"{doc.ref} is approved: it waits for nobody")
        if doc.kind is DocKind.REPORT:
            assert doc.quarter is not None
            deadlines = self.report_deadlines(doc.year, doc.quarter, one_step=roles.one_step)
        else:
            deadlines = self.pk_deadlines(doc.position_id, doc.year, one_step=roles.one_step)
        actor, superior = roles.actors.get(step, (None, None))
        return PendingStep(
            doc.ref, doc.visit, step, deadlines.get(step), actor, superior, roles.head_id, doc
        )

    def report_step(
        self, position_id: int, quarter: Quarter, state: State | None
    ) -> tuple[Step | None, date | None]:
        """The step and deadline of a position's report in `state` (None: not created yet,
        so waiting for its submission); (None, None) once approved."""
        one_step = self.roles(position_id).one_step
        step = Step.SUBMIT if state is None else waiting_step(state, one_step)
        if step is None:
            return None, None
        deadlines = self.report_deadlines(quarter.year, quarter.number, one_step=one_step)
        return step, deadlines[step]

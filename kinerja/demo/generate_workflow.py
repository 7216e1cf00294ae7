"""The generated workflow history: PKs and quarterly reports in every state, hash-chained.

Nothing goes through the gate (too slow for a regency), so this module writes
what the gate would have written: each step's transition_log row with the fields
of engine.usecases.workflow.take_action, chained by engine.audit.entry_hash on the
document's previous row; the document's state, version, visit and head hash; the
signatories of an approved PK. Every step is taken by the official who holds the
right position on that day in the generated tree (acting officials included),
with separation of duties, so `kinerja audit verify` passes and the pages offer
the next step to the right person.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any

from engine.audit import entry_hash
from engine.clock import JAKARTA
from engine.gate import Parties, parties, pk_party
from engine.org import Holding, OrgTree, Position
from engine.periods import Quarter
from engine.workflow import Action, DocKind, Role, State
from kinerja.demo.generate_catalog import Catalogue, budget_rows, target_rows
from kinerja.demo.generate_names import (
    KENDALA,
    NO_DATA_REASON,
    REGENCY_HEAD_NAME,
    RETURN_REASONS,
    UPAYA,
)
from kinerja.demo.generate_org import Ids

Row = dict[str, Any]
PK_CREATED = (1, 11)  # the decree of IKU/IKI is dated early January; PKs start then
PAST_ROUND_DAYS = 20  # a past quarter's reports were all approved within this many days


class Outcome(Enum):
    """Where a document ends: its state, and whether it was returned once on the way."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    APPROVED = "approved"
    RETURNED = "returned"  # back in draft, visit 2, with the reviewer's reason
    RESUBMITTED = "resubmitted"  # returned, then submitted again (visit 2)
    APPROVED_AFTER_RETURN = "approved_after_return"


# The current reporting round: the first reports take each outcome in turn (so a small
# regency has every state), the rest are drawn with these weights.
CURRENT_ROUND: tuple[tuple[Outcome, float], ...] = (
    (Outcome.APPROVED, 0.30),
    (Outcome.VERIFIED, 0.15),
    (Outcome.SUBMITTED, 0.20),
    (Outcome.DRAFT, 0.20),
    (Outcome.RETURNED, 0.08),
    (Outcome.RESUBMITTED, 0.07),
)


def wib(day: date, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` on `day` in Jakarta, as an aware UTC datetime (what the log stores)."""
    return datetime.combine(day, time(hour, minute), JAKARTA).astimezone(UTC)


@dataclass
class Documents:
    """The rows of the workflow documents, their contents and their history."""

    agency_years: list[Row] = field(default_factory=list)
    pks: list[Row] = field(default_factory=list)
    targets: list[Row] = field(default_factory=list)
    budget_lines: list[Row] = field(default_factory=list)
    reports: list[Row] = field(default_factory=list)
    entries: list[Row] = field(default_factory=list)
    log: list[Row] = field(default_factory=list)


class Chain:
    """One document's state and hash chain, advanced step by step."""

    def __init__(self, kind: DocKind, doc_id: int, ids: Ids, log: list[Row]) -> None:
        self.kind, self.doc_id, self.ids, self.log = kind, doc_id, ids, log
        self.state, self.version, self.visit = State.DRAFT, 1, 1
        self.head: str | None = None
        self.submitted_at: datetime | None = None
        self.approved_at: datetime | None = None
        self.last_at: datetime | None = None

    def step(
        self,
        action: Action,
        target: State,
        holding: Holding | None,
        at: datetime,
        comment: str | None,
    ) -> None:
        """Append the log row exactly as perform_action builds it."""
        fields = {
            "doc_type": self.kind.value,
            "doc_id": self.doc_id,
            "visit": self.visit,
            "action": action.value,
            "from_state": self.state.value,
            "to_state": target.value,
            "actor_official_id": None if holding is None else holding.official.id,
            "actor_name": "Administrator" if holding is None else holding.official.name,
            "actor_nip": None if holding is None else holding.official.nip,
            "acting_status": None if holding is None else holding.status.value,
            "acting_position_id": None if holding is None else holding.position.id,
            "acting_title": Role.ADMIN.label if holding is None else holding.display_title,
            "comment": comment,
            "at": at,
        }
        digest = entry_hash(fields, self.head)
        self.log.append(
            {
                "id": self.ids.take("transition_log"),
                **fields,
                "prev_hash": self.head,
                "hash": digest,
            }
        )
        self.head, self.state, self.version, self.last_at = digest, target, self.version + 1, at
        if target is State.DRAFT:
            self.visit += 1
        if target is State.SUBMITTED:
            self.submitted_at = at
        if target is State.APPROVED:
            self.approved_at = at

    def columns(self) -> Row:
        """The document's workflow columns after the last step."""
        return {
            "state": self.state.value,
            "version": self.version,
            "visit": self.visit,
            "audit_hash": self.head,
            "submitted_at": self.submitted_at,
            "approved_at": self.approved_at,
        }


def _steps(outcome: Outcome, one_step: bool) -> list[tuple[Action, State, Role]]:
    submit = (Action.SUBMIT, State.SUBMITTED, Role.HOLDER)
    reviewer = Role.APPROVER if one_step else Role.VERIFIER
    back = (Action.RETURN, State.DRAFT, reviewer)
    verify = [] if one_step else [(Action.VERIFY, State.VERIFIED, Role.VERIFIER)]
    approve = (Action.APPROVE, State.APPROVED, Role.APPROVER)
    return {
        Outcome.DRAFT: [],
        Outcome.SUBMITTED: [submit],
        Outcome.VERIFIED: [submit, *verify],
        Outcome.APPROVED: [submit, *verify, approve],
        Outcome.RETURNED: [submit, back],
        Outcome.RESUBMITTED: [submit, back, submit],
        Outcome.APPROVED_AFTER_RETURN: [submit, back, submit, *verify, approve],
    }[outcome]


def _moments(count: int, first: date, last: date, rng: random.Random) -> list[datetime]:
    """`count` increasing office-hour moments on working days between `first` and `last`."""
    span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    workdays = [d for d in span if d.weekday() < 5] or span
    days = sorted(rng.choice(workdays) for _ in range(count))
    return [wib(day, 8 + 2 * i, rng.randint(0, 59)) for i, day in enumerate(days)]


def walk(
    chain: Chain,
    tree: OrgTree,
    who: Parties,
    outcome: Outcome,
    window: tuple[date, date],
    rng: random.Random,
) -> None:
    """Take the steps of `outcome`, each by whoever acts for the role on that day."""
    steps = _steps(outcome, who.one_step)
    for (action, target, role), at in zip(steps, _moments(len(steps), *window, rng), strict=True):
        position = who.position_for(role)
        holding = (
            None
            if position is None
            else tree.acting_holder(position.id, at.astimezone(JAKARTA).date())
        )
        comment = rng.choice(RETURN_REASONS) if action is Action.RETURN else None
        chain.step(action, target, holding, at, comment)


@dataclass(frozen=True)
class YearPlan:
    """One year of documents: which quarters have reports and until when the last round ran."""

    year: int
    quarters: int
    current: bool
    as_of: date
    regency_head: str


def plan_year_documents(
    docs: Documents,
    tree: OrgTree,
    catalogue: Catalogue,
    plan: YearPlan,
    ids: Ids,
    rng: random.Random,
) -> None:
    """PKs of every position (a few staff PKs still draft or submitted in the current year),
    then the reports of each quarter of `plan` for the positions whose PK is approved."""
    year = plan.year
    for agency_id in sorted({p.agency_id for p in tree.positions}):
        docs.agency_years.append(
            {"agency_id": agency_id, "year": year, "dpa_date": date(year, 1, rng.randint(4, 8))}
        )
    approved: list[Position] = []
    for position in tree.positions:
        outcome = Outcome.APPROVED
        if plan.current and position.level.value == "pelaksana":
            draw = rng.random()
            outcome = (
                Outcome.DRAFT if draw < 0.02 else Outcome.SUBMITTED if draw < 0.05 else outcome
            )
        if _pk(docs, tree, catalogue, position, outcome, plan, ids, rng):
            approved.append(position)
    turn = 0
    for number in range(1, plan.quarters + 1):
        quarter = Quarter(year, number)
        current = plan.current and number == plan.quarters
        for position in approved:
            who = parties(tree, position.id)
            if current:
                outcome = _current_outcome(turn, who.one_step, rng)
                turn += 0 if who.one_step else 1
                window = (quarter.last_day + timedelta(days=1), plan.as_of)
            else:
                outcome = Outcome.APPROVED_AFTER_RETURN if rng.random() < 0.03 else Outcome.APPROVED
                window = (
                    quarter.last_day + timedelta(days=1),
                    min(quarter.last_day + timedelta(days=PAST_ROUND_DAYS), plan.as_of),
                )
            _report(docs, tree, catalogue, position, quarter, outcome, who, window, ids, rng)


def _current_outcome(turn: int, one_step: bool, rng: random.Random) -> Outcome:
    if not one_step and turn < len(CURRENT_ROUND):
        return CURRENT_ROUND[turn][0]
    outcomes = [o for o, _ in CURRENT_ROUND]
    return rng.choices(outcomes, weights=[w for _, w in CURRENT_ROUND])[0]


def _pk(
    docs: Documents,
    tree: OrgTree,
    catalogue: Catalogue,
    position: Position,
    outcome: Outcome,
    plan: YearPlan,
    ids: Ids,
    rng: random.Random,
) -> bool:
    """One PK with targets and budget; True when it ends approved."""
    year = plan.year
    pk_id = ids.take("pk")
    created = wib(date(year, *PK_CREATED), 8)
    chain = Chain(DocKind.PK, pk_id, ids, docs.log)
    late = rng.random() < 0.04
    window = (
        (date(year, 2, 8), date(year, 2, 26)) if late else (date(year, 1, 12), date(year, 1, 29))
    )
    who = parties(tree, position.id)
    walk(chain, tree, who, outcome, window, rng)
    row: Row = {
        "id": pk_id,
        "position_id": position.id,
        "year": year,
        "revision": 1,
        "revision_reason": None,
        "created_at": created,
        "updated_at": chain.last_at or created,
        **chain.columns(),
        **_signatories(tree, who, chain, plan.regency_head),
    }
    docs.pks.append(row)
    docs.targets.extend(target_rows(catalogue, position.id, pk_id, ids, rng))
    docs.budget_lines.extend(budget_rows(tree, position, pk_id, ids, rng))
    return chain.state is State.APPROVED


def _signatories(tree: OrgTree, who: Parties, chain: Chain, regency_head: str) -> Row:
    """Pihak pertama and pihak kedua as engine.services.signatories records them."""
    names = ("name", "nip", "title")
    empty = {f"{side}_party_{n}": None for side in ("first", "second") for n in names}
    if chain.approved_at is None:
        return empty
    on = chain.approved_at.astimezone(JAKARTA).date()

    def party(position: Position) -> tuple[str, str | None, str]:
        holding = pk_party(tree, position.id, on)  # a Plh signs no PK
        if holding is None:
            return "", None, position.title
        return holding.official.name, holding.official.nip, holding.display_title

    first = party(who.holder)
    superior = tree.superior(who.holder.id)
    bupati = (REGENCY_HEAD_NAME, None, regency_head)
    second = bupati if superior is None else party(superior)
    return {
        **{f"first_party_{n}": v for n, v in zip(names, first, strict=True)},
        **{f"second_party_{n}": v for n, v in zip(names, second, strict=True)},
    }


def _report(
    docs: Documents,
    tree: OrgTree,
    catalogue: Catalogue,
    position: Position,
    quarter: Quarter,
    outcome: Outcome,
    who: Parties,
    window: tuple[date, date],
    ids: Ids,
    rng: random.Random,
) -> None:
    report_id = ids.take("report")
    created = wib(window[0], 8)
    chain = Chain(DocKind.REPORT, report_id, ids, docs.log)
    walk(chain, tree, who, outcome, window, rng)
    partly = outcome is Outcome.DRAFT
    docs.entries.extend(
        _entries(catalogue, position.id, report_id, quarter.number, partly, ids, rng)
    )
    docs.reports.append(
        {
            "id": report_id,
            "position_id": position.id,
            "year": quarter.year,
            "quarter": quarter.number,
            "created_at": created,
            "updated_at": chain.last_at or created,
            **chain.columns(),
        }
    )


def _entries(
    catalogue: Catalogue,
    position_id: int,
    report_id: int,
    quarter: int,
    partly: bool,
    ids: Ids,
    rng: random.Random,
) -> Sequence[Row]:
    """Formula inputs as exact decimal strings; a draft may be half filled, and now and then
    an indicator has no data with the reason why."""
    rows = []
    for indicator in catalogue.by_position.get(position_id, []):
        if partly and rng.random() < 0.4:
            continue
        no_data = rng.random() < 0.01
        values = catalogue.plans[indicator.id][quarter - 1]
        low = rng.random() < 0.25
        rows.append(
            {
                "id": ids.take("report_entry"),
                "report_id": report_id,
                "indicator_id": indicator.id,
                "inputs": {} if no_data else {k: format(v, "f") for k, v in values.items()},
                "no_data_reason": NO_DATA_REASON if no_data else None,
                "kendala": rng.choice(KENDALA) if low else None,
                "upaya": rng.choice(UPAYA) if low else None,
            }
        )
    return rows

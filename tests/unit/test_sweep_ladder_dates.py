"""The sweep's shared ladder schedules give the same rungs as working each document out alone.

`LadderDates` computes the days of a ladder once per deadline (for one calendar and policy)
and `due_rungs` / `superseded_reminders` read them for every pending step. The references
below are the per-document computations the sweep used before: every reminder and escalation
day from `WorkingCalendar.add_working_days`, the latest due reminder by `max`, then the keys.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar import WorkingCalendar
from engine.ladder import (
    Audience,
    LadderDates,
    LadderPolicy,
    Rung,
    due_rungs,
    ladder,
    schedule,
    superseded_reminders,
)
from engine.pending import PendingStep, Step
from tests.unit.test_ladder import CAL

DAY = timedelta(days=1)
POLICIES = (
    LadderPolicy(),
    LadderPolicy(reminder_offsets=(5, 2), superior_after=2, head_after=6),
    LadderPolicy(reminder_offsets=(0, 3, 3, 10), superior_after=1, head_after=1),
    LadderPolicy(reminder_offsets=(1,), superior_after=4, head_after=2),
)


def reference_ladder(
    pending: PendingStep, calendar: WorkingCalendar, policy: LadderPolicy
) -> list[tuple[str, str, Audience, date]]:
    """(name, kind, audience, day) of each rung, every day worked out for this one document."""
    deadline = pending.deadline
    rungs = [
        (
            f"remind-{offset}",
            "reminder",
            Audience.ACTOR,
            deadline if offset == 0 else calendar.add_working_days(deadline, -offset),
        )
        for offset in sorted(set(policy.reminder_offsets), reverse=True)
    ]
    superior, head, actor = (
        pending.superior_position_id,
        pending.head_position_id,
        pending.actor_position_id,
    )
    if superior is not None and superior != actor:
        rungs.append(
            (
                "escalate-superior",
                "escalation",
                Audience.SUPERIOR,
                calendar.add_working_days(deadline, policy.superior_after),
            )
        )
    if head is not None and head not in (actor, superior):
        rungs.append(
            (
                "escalate-head",
                "escalation",
                Audience.HEAD,
                calendar.add_working_days(deadline, policy.head_after),
            )
        )
    return rungs


def key(pending: PendingStep, name: str) -> str:
    return f"{pending.doc}:visit{pending.visit}:{pending.step.value}:{name}"


def reference_due(
    steps: list[PendingStep], sent: set[str], today: date, policy: LadderPolicy
) -> list[tuple[str, date]]:
    """(key, day) of the latest due reminder and each due escalation not sent, per step."""
    owed = []
    for step in steps:
        rungs = [r for r in reference_ladder(step, CAL, policy) if r[3] <= today]
        reminders = [r for r in rungs if r[1] == "reminder"]
        latest = max(reminders, key=lambda r: r[3], default=None)
        candidates = ([latest] if latest else []) + [r for r in rungs if r[1] == "escalation"]
        owed += [(key(step, r[0]), r[3]) for r in candidates if key(step, r[0]) not in sent]
    return owed


def reference_superseded(
    steps: list[PendingStep], sent: set[str], policy: LadderPolicy
) -> set[str]:
    """Reminders due no later than the latest reminder of the same step that was sent."""
    gone: set[str] = set()
    for step in steps:
        reminders = [r for r in reference_ladder(step, CAL, policy) if r[1] == "reminder"]
        last = max((r[3] for r in reminders if key(step, r[0]) in sent), default=None)
        if last is not None:
            gone |= {key(step, r[0]) for r in reminders if r[3] <= last}
    return gone


def step(
    deadline: date, actor: int = 3, superior: int | None = 2, head: int | None = 1
) -> PendingStep:
    return PendingStep("LAP-1", 1, Step.SUBMIT, deadline, actor, superior, head)


def test_every_2021_deadline_has_the_reference_days_under_every_policy() -> None:
    # Every day of 2021 as a deadline (weekends and holidays too: a PK is due one calendar
    # month after its DPA, whatever day that is), through one shared cache per policy.
    for policy in POLICIES:
        dates = LadderDates(CAL, policy)
        for n in range(365):
            deadline = date(2021, 1, 1) + n * DAY
            expected = reference_ladder(step(deadline), CAL, policy)
            shared = ladder(step(deadline), CAL, policy, dates=dates)
            alone = ladder(step(deadline), CAL, policy)
            assert [(r.name, r.kind, r.audience, r.due_on) for r in shared] == expected
            assert [(r.name, r.kind, r.audience, r.due_on) for r in alone] == expected
            assert dates.of(deadline) is dates.of(deadline)  # worked out once
            assert dates.of(deadline) == schedule(deadline, CAL, policy)


def test_a_schedule_lists_its_reminders_earliest_first() -> None:
    # TW I 2021, due Thu 8 Apr: remind-7 Mon 29 Mar (2 Apr is Good Friday), remind-3 Mon 5 Apr,
    # remind-1 Wed 7 Apr, remind-0 on the day; superior Fri 9 Apr, head Tue 13 Apr.
    days = schedule(date(2021, 4, 8), CAL, LadderPolicy())
    assert days.reminders == (
        ("remind-7", date(2021, 3, 29)),
        ("remind-3", date(2021, 4, 5)),
        ("remind-1", date(2021, 4, 7)),
        ("remind-0", date(2021, 4, 8)),
    )
    assert (days.superior_on, days.head_on) == (date(2021, 4, 9), date(2021, 4, 13))
    # On Tue 6 Apr the latest due reminder is remind-3 and no escalation is due yet.
    assert days.owed(date(2021, 4, 6)) == (("remind-3", date(2021, 4, 5)), False, False)
    assert days.owed(date(2021, 3, 26)) == (None, False, False)
    assert days.owed(date(2021, 4, 13)) == (("remind-0", date(2021, 4, 8)), True, True)


def test_a_rung_key_is_the_document_visit_step_and_rung() -> None:
    pending = PendingStep("PK-12", 3, Step.VERIFY, date(2021, 4, 8), 3, 2, 1)
    rung = Rung(pending, "escalate-head", "escalation", Audience.HEAD, date(2021, 4, 13))
    assert rung.key == "PK-12:visit3:verify:escalate-head"
    assert pending.key_prefix == "PK-12:visit3:verify:"
    # The key is derived, not compared: equal rungs are equal whatever was computed.
    assert rung == Rung(pending, "escalate-head", "escalation", Audience.HEAD, date(2021, 4, 13))


RUNG_NAMES = [f"remind-{n}" for n in (10, 7, 5, 3, 2, 1, 0)] + [
    "escalate-superior",
    "escalate-head",
]
positions = st.none() | st.integers(1, 4)
steps_strategy = st.lists(
    st.builds(
        PendingStep,
        doc=st.sampled_from(["LAP-1", "LAP-2", "LAP-3", "PK-1"]),
        visit=st.integers(1, 2),
        step=st.sampled_from(list(Step)),
        deadline=st.dates(date(2021, 3, 1), date(2021, 5, 31)),
        actor_position_id=st.integers(1, 4),
        superior_position_id=positions,
        head_position_id=positions,
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda p: (p.doc, p.visit, p.step),
)


@settings(max_examples=300, deadline=None, database=None)
@given(
    steps=steps_strategy,
    today=st.dates(date(2021, 2, 15), date(2021, 6, 30)),
    policy=st.sampled_from(POLICIES),
    sent_names=st.sets(st.sampled_from(RUNG_NAMES), max_size=5),
)
def test_shared_schedules_owe_exactly_what_per_document_ladders_owe(
    steps: list[PendingStep], today: date, policy: LadderPolicy, sent_names: set[str]
) -> None:
    sent = {key(s, name) for s in steps[::2] for name in sent_names}
    dates = LadderDates(CAL, policy)
    shared = due_rungs(steps, sent, today, CAL, policy, dates=dates)
    assert [(r.key, r.due_on) for r in shared] == reference_due(steps, sent, today, policy)
    assert due_rungs(steps, sent, today, CAL, policy) == shared  # without a shared cache
    for rung in shared:
        assert rung.key == key(rung.pending, rung.name)
    assert superseded_reminders(steps, sent, CAL, policy, dates=dates) == reference_superseded(
        steps, sent, policy
    )

"""Tests for engine.ladder: the reminder and escalation ladder as a pure policy.

The calendar is 2021's real Indonesian one, built from the `holidays` package (public and
government categories), as the application seeds its holiday table. The days that matter in
TW I 2021:

    Thu 11 Mar  Isra Mi'raj          (holiday on a weekday)
    Sun 14 Mar  Nyepi                (on a Sunday: changes nothing)
    Fri  2 Apr  Wafat Isa Almasih    (Good Friday: holiday on a weekday)

TW I ends on Wed 31 March. The submission deadline is 5 working days after it:
Thu 1 Apr (1), [Fri 2 Apr Good Friday], Mon 5 (2), Tue 6 (3), Wed 7 (4), Thu 8 Apr (5).

Every expected date below is worked out by hand in the comments, never derived from the code
under test.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from functools import cache

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar import WorkingCalendar
from engine.deadlines import DeadlineRules, report_deadlines
from engine.ladder import Audience, LadderPolicy, Rung, due_rungs, ladder
from engine.pending import PendingStep, Step
from engine.periods import Quarter

DAY = timedelta(days=1)
POLICY = LadderPolicy()

# Position ids of a small agency, as the sweep would pass them.
HEAD = 1  # Kepala Dinas
KABID = 2  # Kepala Bidang (superior: the head)
KASI = 3  # Kepala Seksi (superior: the Kepala Bidang)
STAFF = 4  # a pelaksana (superior: the Kepala Seksi)

SUBMIT_DEADLINE = date(2021, 4, 8)  # Thu; see the module docstring


@cache
def calendar_2021() -> WorkingCalendar:
    """2021's national holidays and cuti bersama (no network: the package ships its data)."""
    days = holidays.country_holidays("ID", years=[2021], categories=("public", "government"))
    return WorkingCalendar(days.keys())


CAL = calendar_2021()


def pending(
    *,
    doc: str = "LAP-1",
    visit: int = 1,
    step: Step = Step.SUBMIT,
    deadline: date = SUBMIT_DEADLINE,
    actor: int = KASI,
    superior: int | None = KABID,
    head: int | None = HEAD,
) -> PendingStep:
    return PendingStep(doc, visit, step, deadline, actor, superior, head)


def by_name(rungs: list[Rung]) -> dict[str, Rung]:
    names = [r.name for r in rungs]
    assert len(names) == len(set(names)), names
    return {r.name: r for r in rungs}


def working_days(first: date, last: date) -> list[date]:
    """Working days from `first` to `last` inclusive, walked one by one (reference)."""
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in {date(2021, 3, 11), date(2021, 4, 2)}:
            days.append(day)
        day += DAY
    return days


# -- the calendar the ladder stands on -------------------------------------------------------------


def test_2021_calendar_has_the_tw1_holidays() -> None:
    assert not CAL.is_working_day(date(2021, 3, 11))  # Thu, Isra Mi'raj
    assert not CAL.is_working_day(date(2021, 4, 2))  # Fri, Good Friday
    assert date(2021, 3, 14) in CAL.holidays  # Nyepi ...
    assert date(2021, 3, 14).weekday() == 6  # ... on a Sunday
    assert CAL.is_working_day(date(2021, 3, 12))  # Fri after Isra Mi'raj
    assert CAL.is_working_day(date(2021, 3, 15))  # Mon after Nyepi: no substitute day off
    # The reference walk above agrees with the package for March-April 2021.
    assert working_days(date(2021, 3, 1), date(2021, 4, 30)) == [
        d for d in (date(2021, 3, 1) + n * DAY for n in range(61)) if CAL.is_working_day(d)
    ]


def test_tw1_2021_report_deadlines() -> None:
    deadlines = report_deadlines(Quarter(2021, 1), CAL, DeadlineRules(), one_step=False)
    assert deadlines == {
        # 31 Mar + 5 wd: 1 Apr, (2 Apr Good Friday), 5, 6, 7, 8 Apr
        Step.SUBMIT: date(2021, 4, 8),
        # 8 Apr + 3 wd: Fri 9, Mon 12, Tue 13 Apr
        Step.VERIFY: date(2021, 4, 13),
        # 13 Apr + 3 wd: 14, 15, Fri 16 Apr
        Step.APPROVE: date(2021, 4, 16),
    }
    one_step = report_deadlines(Quarter(2021, 1), CAL, DeadlineRules(), one_step=True)
    # One step: approval 3 wd after the submission deadline: 9, 12, 13 Apr
    assert one_step == {Step.SUBMIT: date(2021, 4, 8), Step.APPROVE: date(2021, 4, 13)}


# -- the rungs and their days ----------------------------------------------------------------------


def test_tw1_2021_submission_ladder_by_hand() -> None:
    rungs = by_name(ladder(pending(), CAL, POLICY))
    assert {name: r.due_on for name, r in rungs.items()} == {
        # 8 Apr - 7 wd: 7 (1), 6 (2), 5 (3), [2 Apr Good Friday, 3-4 weekend], 1 Apr (4),
        # 31 Mar (5), 30 Mar (6), Mon 29 Mar (7). Without Good Friday it would be 30 Mar.
        "remind-7": date(2021, 3, 29),
        # 8 Apr - 3 wd: 7 (1), 6 (2), Mon 5 Apr (3)
        "remind-3": date(2021, 4, 5),
        # 8 Apr - 1 wd: Wed 7 Apr
        "remind-1": date(2021, 4, 7),
        # on the day
        "remind-0": date(2021, 4, 8),
        # 8 Apr + 1 wd: Fri 9 Apr
        "escalate-superior": date(2021, 4, 9),
        # 8 Apr + 3 wd: 9 (1), [10-11 weekend], Mon 12 (2), Tue 13 Apr (3)
        "escalate-head": date(2021, 4, 13),
    }
    assert {name: (r.kind, r.audience) for name, r in rungs.items()} == {
        "remind-7": ("reminder", Audience.ACTOR),
        "remind-3": ("reminder", Audience.ACTOR),
        "remind-1": ("reminder", Audience.ACTOR),
        "remind-0": ("reminder", Audience.ACTOR),
        "escalate-superior": ("escalation", Audience.SUPERIOR),
        "escalate-head": ("escalation", Audience.HEAD),
    }
    assert rungs["remind-7"].key == "LAP-1:visit1:submit:remind-7"
    assert rungs["escalate-head"].key == "LAP-1:visit1:submit:escalate-head"


def test_verification_ladder_by_hand() -> None:
    """Verification due 13 Apr: the reminder days cross Good Friday too."""
    step = pending(step=Step.VERIFY, deadline=date(2021, 4, 13), actor=KABID, superior=None)
    rungs = by_name(ladder(step, CAL, POLICY))
    assert {name: r.due_on for name, r in rungs.items()} == {
        # 13 Apr - 7 wd: 12 (1), 9 (2), 8 (3), 7 (4), 6 (5), 5 (6), [2 Apr], Thu 1 Apr (7)
        "remind-7": date(2021, 4, 1),
        # 13 Apr - 3 wd: 12 (1), 9 (2), Thu 8 Apr (3)
        "remind-3": date(2021, 4, 8),
        "remind-1": date(2021, 4, 12),  # Mon
        "remind-0": date(2021, 4, 13),
        # 13 Apr + 3 wd: 14, 15, Fri 16 Apr
        "escalate-head": date(2021, 4, 16),
    }


def test_a_deadline_right_after_isra_miraj() -> None:
    """Fri 12 Mar 2021: the day before is Isra Mi'raj, so -1 wd is Wed 10 Mar."""
    rungs = by_name(ladder(pending(deadline=date(2021, 3, 12)), CAL, POLICY))
    # -1: [11 Mar Isra Mi'raj] Wed 10 Mar; -3: 10 (1), 9 (2), Mon 8 Mar (3);
    # -7: 10, 9, 8, [6-7], 5, 4, 3, Tue 2 Mar (7)
    assert rungs["remind-1"].due_on == date(2021, 3, 10)
    assert rungs["remind-3"].due_on == date(2021, 3, 8)
    assert rungs["remind-7"].due_on == date(2021, 3, 2)
    # +1: [13-14 weekend, Nyepi on Sunday] Mon 15 Mar; +3: 15, 16, Wed 17 Mar
    assert rungs["escalate-superior"].due_on == date(2021, 3, 15)
    assert rungs["escalate-head"].due_on == date(2021, 3, 17)


def test_configured_offsets_shape_the_ladder() -> None:
    policy = LadderPolicy(reminder_offsets=(2, 0, 2), superior_after=2, head_after=5)
    rungs = by_name(ladder(pending(), CAL, policy))
    assert {name: r.due_on for name, r in rungs.items()} == {
        "remind-2": date(2021, 4, 6),  # 7 (1), Tue 6 Apr (2)
        "remind-0": date(2021, 4, 8),
        "escalate-superior": date(2021, 4, 12),  # 9 (1), Mon 12 (2)
        "escalate-head": date(2021, 4, 15),  # 9, 12, 13, 14, Thu 15 Apr (5)
    }


# -- who gets escalations --------------------------------------------------------------------------


def test_the_head_gets_no_escalation_about_their_own_step() -> None:
    # The head approves: nobody above to escalate to, and not to themselves.
    approve = pending(step=Step.APPROVE, deadline=date(2021, 4, 16), actor=HEAD, superior=None)
    assert [r.kind for r in ladder(approve, CAL, POLICY)] == ["reminder"] * 4
    # Even when the sweep passes the head as "superior" of their own step.
    odd = pending(actor=HEAD, superior=HEAD, head=HEAD)
    assert [r.kind for r in ladder(odd, CAL, POLICY)] == ["reminder"] * 4
    # A Kepala Bidang's superior is the head: one escalation, to the head, at +1 wd.
    kabid = by_name(ladder(pending(actor=KABID, superior=HEAD), CAL, POLICY))
    assert "escalate-head" not in kabid
    assert kabid["escalate-superior"].audience is Audience.SUPERIOR
    assert kabid["escalate-superior"].due_on == date(2021, 4, 9)


def test_positions_with_no_superior() -> None:
    # No direct superior known (e.g. verification): straight to the head at +3 wd.
    no_superior = by_name(ladder(pending(superior=None), CAL, POLICY))
    assert set(no_superior) == {"remind-7", "remind-3", "remind-1", "remind-0", "escalate-head"}
    assert no_superior["escalate-head"].due_on == date(2021, 4, 13)
    # A root position of a tree with no head above it: reminders only.
    alone = ladder(pending(actor=HEAD, superior=None, head=None), CAL, POLICY)
    assert [r.name for r in alone] == ["remind-7", "remind-3", "remind-1", "remind-0"]
    # A superior but no head: only the superior is escalated to.
    no_head = by_name(ladder(pending(head=None), CAL, POLICY))
    assert "escalate-head" not in no_head
    assert no_head["escalate-superior"].due_on == date(2021, 4, 9)
    # Nothing is due to nobody in due_rungs either.
    due = due_rungs([pending(actor=HEAD, superior=None, head=None)], set(), date(2021, 4, 30),
                    CAL, POLICY)  # fmt: skip
    assert [r.name for r in due] == ["remind-0"]


# -- due and not yet sent --------------------------------------------------------------------------


def simulate(
    steps: list[PendingStep], days: list[date], sent: set[str] | None = None
) -> list[tuple[date, str]]:
    """Sweeps on `days` that mark what they send; returns (day, key) in sending order."""
    sent = set() if sent is None else sent
    log = []
    for day in days:
        for rung in due_rungs(steps, sent, day, CAL, POLICY):
            assert rung.key not in sent
            sent.add(rung.key)
            log.append((day, rung.key))
    return log


def test_a_daily_sweep_sends_each_rung_once_on_its_day() -> None:
    log = simulate([pending()], working_days(date(2021, 3, 1), date(2021, 4, 30)))
    assert log == [
        (date(2021, 3, 29), "LAP-1:visit1:submit:remind-7"),
        (date(2021, 4, 5), "LAP-1:visit1:submit:remind-3"),
        (date(2021, 4, 7), "LAP-1:visit1:submit:remind-1"),
        (date(2021, 4, 8), "LAP-1:visit1:submit:remind-0"),
        (date(2021, 4, 9), "LAP-1:visit1:submit:escalate-superior"),
        (date(2021, 4, 13), "LAP-1:visit1:submit:escalate-head"),
    ]


def test_a_sweep_on_a_day_off_sends_what_is_owed_no_more() -> None:
    # Sweeps on every calendar day (weekends and holidays included) send the same rungs, the
    # reminder due Mon 29 Mar is not sent on the weekend before it.
    every_day = [date(2021, 3, 1) + n * DAY for n in range(61)]
    assert [k for _d, k in simulate([pending()], every_day)] == [
        "LAP-1:visit1:submit:remind-7",
        "LAP-1:visit1:submit:remind-3",
        "LAP-1:visit1:submit:remind-1",
        "LAP-1:visit1:submit:remind-0",
        "LAP-1:visit1:submit:escalate-superior",
        "LAP-1:visit1:submit:escalate-head",
    ]


def test_nothing_is_due_before_the_first_rung() -> None:
    assert due_rungs([pending()], set(), date(2021, 3, 26), CAL, POLICY) == []  # Fri before 29 Mar


def test_after_five_days_of_downtime_only_the_latest_reminder_and_owed_escalations() -> None:
    sent: set[str] = set()
    # Sweeps ran up to Thu 1 Apr (remind-7 went out on 29 Mar) ...
    simulate([pending()], working_days(date(2021, 3, 1), date(2021, 4, 1)), sent)
    assert sent == {"LAP-1:visit1:submit:remind-7"}
    # ... then none on 5, 6, 7, 8 and 9 Apr (5 working days). Mon 12 Apr owes the latest
    # reminder (remind-0 of 8 Apr, not remind-3 nor remind-1) and the superior's escalation
    # of 9 Apr; the head's is not due before 13 Apr.
    due = due_rungs([pending()], sent, date(2021, 4, 12), CAL, POLICY)
    assert sorted(r.name for r in due) == ["escalate-superior", "remind-0"]
    sent |= {r.key for r in due}
    # The next day only the head's escalation is new; older reminders are never owed again.
    due = due_rungs([pending()], sent, date(2021, 4, 13), CAL, POLICY)
    assert [r.name for r in due] == ["escalate-head"]
    sent |= {r.key for r in due}
    assert due_rungs([pending()], sent, date(2021, 4, 30), CAL, POLICY) == []


def test_a_long_downtime_owes_one_reminder_and_both_escalations_at_once() -> None:
    due = due_rungs([pending()], set(), date(2021, 4, 20), CAL, POLICY)
    assert sorted(r.name for r in due) == ["escalate-head", "escalate-superior", "remind-0"]


def test_a_resweep_the_same_day_sends_nothing() -> None:
    day = date(2021, 4, 9)
    first = due_rungs([pending()], set(), day, CAL, POLICY)
    assert first
    assert due_rungs([pending()], {r.key for r in first}, day, CAL, POLICY) == []


def test_a_completed_step_has_a_different_ladder() -> None:
    """Submitted on 5 Apr: the submit ladder stops, the verification one (due 13 Apr) starts."""
    submit = pending()
    verify = pending(step=Step.VERIFY, deadline=date(2021, 4, 13), actor=KABID, superior=None)
    sent = {k for _d, k in simulate([submit], working_days(date(2021, 3, 1), date(2021, 4, 5)))}
    assert sent == {"LAP-1:visit1:submit:remind-7", "LAP-1:visit1:submit:remind-3"}
    # From 6 Apr the sweep sees only the verification step: no submit rung is owed any more,
    # and the submit rungs already sent do not hide the verification ones.
    log = simulate([verify], working_days(date(2021, 4, 6), date(2021, 4, 30)), sent)
    assert log == [
        # 6 Apr: the verification's remind-7 (due 1 Apr, before the step began) is the latest due
        (date(2021, 4, 6), "LAP-1:visit1:verify:remind-7"),
        (date(2021, 4, 8), "LAP-1:visit1:verify:remind-3"),
        (date(2021, 4, 12), "LAP-1:visit1:verify:remind-1"),
        (date(2021, 4, 13), "LAP-1:visit1:verify:remind-0"),
        (date(2021, 4, 16), "LAP-1:visit1:verify:escalate-head"),
    ]
    assert not any(":submit:" in k for _d, k in log)


def test_a_new_visit_restarts_the_ladder() -> None:
    """Returned for revision on 12 Apr: visit 2 of the submit step owes its rungs again."""
    first = simulate([pending()], working_days(date(2021, 3, 1), date(2021, 4, 9)))
    sent = {k for _d, k in first}
    assert len(sent) == 5  # four reminders and the superior's escalation of visit 1
    again = pending(visit=2)
    due = due_rungs([again], sent, date(2021, 4, 12), CAL, POLICY)
    # The deadline has passed: the latest reminder and the superior's escalation, new keys.
    assert sorted(r.key for r in due) == [
        "LAP-1:visit2:submit:escalate-superior",
        "LAP-1:visit2:submit:remind-0",
    ]
    assert {r.key for r in ladder(again, CAL, POLICY)}.isdisjoint(
        {r.key for r in ladder(pending(), CAL, POLICY)}
    )


def test_documents_have_their_own_ladders() -> None:
    a, b = pending(doc="LAP-1"), pending(doc="LAP-2", actor=STAFF, superior=KASI)
    due = due_rungs([a, b], {"LAP-1:visit1:submit:remind-3"}, date(2021, 4, 5), CAL, POLICY)
    assert [r.key for r in due] == ["LAP-2:visit1:submit:remind-3"]


# -- property: simulated sweeps --------------------------------------------------------------------

FIRST, LAST = date(2021, 2, 1), date(2021, 6, 30)

pending_steps = st.lists(
    st.builds(
        PendingStep,
        doc=st.sampled_from(["LAP-1", "LAP-2", "PK-1"]),
        visit=st.integers(1, 3),
        step=st.sampled_from(list(Step)),
        deadline=st.dates(date(2021, 3, 1), date(2021, 5, 31)).filter(CAL.is_working_day),
        actor_position_id=st.integers(1, 4),
        superior_position_id=st.none() | st.integers(1, 4),
        head_position_id=st.none() | st.integers(1, 4),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda p: (p.doc, p.visit, p.step),
)
sweep_days = st.sets(st.dates(FIRST, LAST), min_size=1, max_size=60).map(sorted)


@settings(max_examples=300, deadline=None, database=None)
@given(steps=pending_steps, days=sweep_days)
def test_simulated_sweeps_never_send_twice_and_send_every_owed_escalation(
    steps: list[PendingStep], days: list[date]
) -> None:
    sent: set[str] = set()
    log: list[tuple[date, Rung]] = []
    for day in days:
        due = due_rungs(steps, sent, day, CAL, POLICY)
        for rung in due:
            assert rung.due_on <= day  # never early
            log.append((day, rung))
        sent |= {r.key for r in due}
    counts = Counter(r.key for _d, r in log)
    assert [k for k, n in counts.items() if n > 1] == []
    last = days[-1]
    for step in steps:
        rungs = ladder(step, CAL, POLICY)
        for rung in rungs:
            if rung.kind == "escalation" and rung.due_on <= last:
                assert counts[rung.key] == 1, rung
                # ... on the first sweep on or after its day
                (when,) = [d for d, r in log if r.key == rung.key]
                assert when == min(d for d in days if d >= rung.due_on)
        # The latest reminder due by the last sweep always went out; per sweep at most one.
        reminders = [r for r in rungs if r.kind == "reminder" and r.due_on <= last]
        if reminders:
            assert counts[max(reminders, key=lambda r: r.due_on).key] == 1
        per_day = Counter(d for d, r in log if r.pending == step and r.kind == "reminder")
        assert all(n == 1 for n in per_day.values())


@pytest.mark.parametrize("deadline", [date(2021, 4, 8), date(2021, 3, 12), date(2021, 4, 1)])
def test_reminder_days_precede_the_deadline_in_order(deadline: date) -> None:
    rungs = ladder(pending(deadline=deadline), CAL, POLICY)
    days = [r.due_on for r in rungs]
    assert days == sorted(days)
    assert len(set(days)) == len(days)
    assert all(CAL.is_working_day(d) for d in days)

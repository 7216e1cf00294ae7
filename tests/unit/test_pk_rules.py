"""The PK rules of issue 16, item 9, worked by hand: when a PK is late, when each step is due,
who may sign it (the acting rules) and whose name the Kepala Dinas's PK prints for the Bupati."""

from __future__ import annotations

from datetime import date

import pytest

from engine.acting import DEFAULT_ACTING_RULES, ActingRules, pk_party
from engine.calendar import WorkingCalendar
from engine.deadlines import DeadlineRules, Step, pk_deadlines, pk_due
from engine.gate import decide, parties
from engine.org import Assignment, AssignmentStatus, OrgTree, RegencyHead, regency_head_on
from engine.pk import is_pk_late, pk_deadline
from engine.usecases.workflow import signatories
from engine.workflow import Action, DocKind, State
from tests.unit.fakes import FakeWorkflow
from tests.unit.test_gate_matrix import (
    ASSIGNMENTS,
    KABID_A,
    KADIS,
    O_KABID_A,
    O_KADIS,
    O_PLH_KABID_A,
    O_PLH_KADIS,
    OFFICIALS,
    PLH_DAY,
    PLH_KADIS_DAY,
    POSITIONS,
    START,
    TREE,
    official,
    view,
)
from workflows.definitions import PK_WORKFLOW

DUE = date(2021, 2, 4)  # DPA ratified 4 January 2021


# -- late: approved (signed) more than a month after the DPA ------------------------------------


@pytest.mark.parametrize(
    ("approved", "today", "late"),
    [
        (date(2021, 2, 4), date(2021, 3, 1), False),  # signed on the last day
        (date(2021, 2, 5), date(2021, 3, 1), True),  # signed a day late
        (date(2021, 1, 26), date(2021, 12, 31), False),  # signed in January, seen in December
        (None, date(2021, 2, 4), False),  # unsigned, not yet due
        (None, date(2021, 2, 5), True),  # unsigned past the day
    ],
)
def test_late_means_signed_after_a_month(approved: date | None, today: date, late: bool) -> None:
    assert pk_deadline(date(2021, 1, 4)) == DUE
    assert is_pk_late(DUE, 1, approved, today) is late


def test_a_pk_perubahan_or_an_unknown_dpa_is_never_late() -> None:
    assert is_pk_late(DUE, 2, date(2021, 8, 1), date(2021, 8, 1)) is False
    assert is_pk_late(None, 1, None, date(2021, 12, 31)) is False


def test_month_end_is_clamped() -> None:
    assert pk_due(date(2021, 1, 31)) == date(2021, 2, 28)
    assert pk_due(date(2021, 12, 15)) == date(2022, 1, 15)


def test_pk_steps_count_back_from_the_signing_day() -> None:
    # 4 Feb 2021 is a Thursday; 3 working days back: 1 Feb (Mon); 3 more: 27 Jan (Wed).
    calendar = WorkingCalendar([])
    two = pk_deadlines(DUE, calendar, DeadlineRules(), one_step=False)
    assert two == {
        Step.SUBMIT: date(2021, 1, 27),
        Step.VERIFY: date(2021, 2, 1),
        Step.APPROVE: DUE,
    }
    one = pk_deadlines(DUE, calendar, DeadlineRules(), one_step=True)
    assert one == {Step.SUBMIT: date(2021, 2, 1), Step.APPROVE: DUE}
    # A holiday in the span moves the earlier steps back one more working day.
    holiday = pk_deadlines(DUE, WorkingCalendar([date(2021, 2, 2)]), DeadlineRules(), one_step=True)
    assert holiday[Step.SUBMIT] == date(2021, 1, 29)


# -- the acting rules: who submits, approves and signs a PK ------------------------------------


def test_a_plh_may_not_submit_a_pk_and_is_told_why() -> None:
    decision = decide(
        view("kabid_a", DocKind.PK, State.DRAFT), Action.SUBMIT, official(O_PLH_KABID_A),
        PLH_DAY, tree=TREE, machine=PK_WORKFLOW,
    )  # fmt: skip
    assert not decision.allowed
    assert decision.reason is not None
    assert "sebagai Plh. Kepala Bidang A (Plh) Anda tidak boleh ajukan Perjanjian Kinerja" in (
        decision.reason
    )
    assert "hanya pejabat definitif, Plt. atau Pj. yang boleh" in decision.reason


def test_the_rules_can_let_a_plh_submit_and_sign() -> None:
    rules = ActingRules.parse("pk.submit=definitif,plt,pj,plh; pk.party=definitif,plt,pj,plh")
    decision = decide(
        view("kabid_a", DocKind.PK, State.DRAFT), Action.SUBMIT, official(O_PLH_KABID_A),
        PLH_DAY, tree=TREE, machine=PK_WORKFLOW, rules=rules,
    )  # fmt: skip
    assert decision.allowed, decision.reason
    assert rules.may_sign(AssignmentStatus.PLH)
    assert not DEFAULT_ACTING_RULES.may_sign(AssignmentStatus.PLH)
    assert pk_party(TREE, KABID_A, PLH_DAY, rules).official.id == O_PLH_KABID_A  # type: ignore[union-attr]


def test_a_plh_is_no_party_the_definitif_holder_signs() -> None:
    # The Kepala Dinas is away and a Plh covers: the Kepala Bidang's PK still names the
    # definitif Kepala Dinas as pihak kedua (before issue 16 it named the Plh).
    party = pk_party(TREE, KADIS, PLH_KADIS_DAY)
    assert party is not None
    assert (party.official.id, party.status) == (O_KADIS, AssignmentStatus.DEFINITIF)
    assert TREE.acting_holder(KADIS, PLH_KADIS_DAY).official.id == O_PLH_KADIS  # type: ignore[union-attr]
    _, second = signatories(FakeWorkflow(), TREE, parties(TREE, KABID_A), PLH_KADIS_DAY)
    assert second.title == "Kepala Dinas"
    assert second.name == TREE.official(O_KADIS).name


def test_a_pk_is_not_approved_while_a_party_post_has_only_a_plh() -> None:
    # Kepala Bidang A left; only a Plh holds the post in April: nobody may sign as pihak
    # pertama, so the Kepala Dinas's approval is refused with the reason.
    left = Assignment(O_KABID_A, KABID_A, AssignmentStatus.DEFINITIF, START, date(2021, 3, 31))
    kept = [a for a in ASSIGNMENTS if (a.position_id, a.official_id) != (KABID_A, O_KABID_A)]
    only_plh = OrgTree(POSITIONS, OFFICIALS, (*kept, left))
    decision = decide(
        view("kabid_a", DocKind.PK, State.SUBMITTED), Action.APPROVE, official(O_KADIS), PLH_DAY,
        tree=only_plh, machine=PK_WORKFLOW,
    )  # fmt: skip
    assert not decision.allowed
    assert decision.reason is not None
    assert "pihak pertama (Kepala Bidang A)" in decision.reason
    assert "hanya dijabat Plh. Kepala Bidang A" in decision.reason
    assert "tunjuk Plt./Pj." in decision.reason


def test_bad_party_rule_is_refused() -> None:
    with pytest.raises(Exception, match="aturan pejabat pelaksana tidak sah"):
        ActingRules.parse("pk.party=kepala")


# -- the Bupati on the Kepala Dinas's PK ----------------------------------------------------


def test_the_regency_head_is_the_one_in_office_that_day() -> None:
    heads = [
        RegencyHead("Bupati Lama", date(2016, 2, 17), date(2021, 2, 17)),
        RegencyHead("Penjabat", date(2021, 2, 18), date(2021, 2, 25), AssignmentStatus.PJ),
        RegencyHead("Bupati Baru", date(2021, 2, 26)),
    ]
    assert regency_head_on(heads, date(2021, 1, 26)).name == "Bupati Lama"  # type: ignore[union-attr]
    acting = regency_head_on(heads, date(2021, 2, 20))
    assert acting is not None and acting.display_title("Bupati Gresik") == "Pj. Bupati Gresik"
    assert regency_head_on(heads, date(2021, 7, 1)).name == "Bupati Baru"  # type: ignore[union-attr]
    assert regency_head_on(heads, date(2015, 1, 1)) is None


def test_the_head_of_agency_signs_with_the_bupati_of_the_day() -> None:
    who = parties(TREE, KADIS)
    _, january = signatories(FakeWorkflow(), TREE, who, date(2021, 1, 26))
    _, march = signatories(FakeWorkflow(), TREE, who, date(2021, 3, 1))
    assert (january.name, january.title) == ("Bupati Lama (fiktif)", "Bupati Gresik")
    assert march.name == "Bupati Baru (fiktif)"

"""The gate's answers for pages: may_view, may_edit, and whether a refusal concerns the actor."""

from __future__ import annotations

from datetime import date

from engine.gate import acting_holding, decide, may_edit, may_view
from engine.org import Assignment, AssignmentStatus, OrgTree, PositionRole
from engine.roles import held_roles, may_plan, may_view_regency, planning_agencies
from engine.workflow import Action, Actor, DocKind, DocumentView, State
from tests.unit.test_gate_matrix import (
    KABID_A,
    KABID_B,
    KASI_A1,
    KASI_B1,
    MAIN_DAY,
    O_INSPEKTUR,
    O_KABID_A,
    O_KABID_B_OLD,
    O_KADIS,
    O_KASI_A1,
    O_KASI_B1,
    O_KASI_B1_OLD,
    O_PERENCANA,
    O_PLH_KABID_A,
    O_PLT_KABID_B,
    O_STAFF,
    PLH_DAY,
    STAFF_A1A,
    START,
    TREE,
)
from workflows.definitions import REPORT_WORKFLOW


def report(position: int, state: State, *, missing: tuple[str, ...] = ()) -> DocumentView:
    return DocumentView(DocKind.REPORT, 1, position, 2021, 1, state, 1, 1, missing=missing)


def who(official: int | None, *, admin: bool = False) -> Actor:
    return Actor(official, f"Pegawai {official}", None, admin)


def test_the_position_and_everyone_above_it_may_view() -> None:
    for official in (O_STAFF, O_KASI_A1, O_KABID_A, O_KADIS):
        assert may_view(STAFF_A1A, who(official), MAIN_DAY, tree=TREE)
    assert not may_view(STAFF_A1A, who(O_KASI_B1), MAIN_DAY, tree=TREE)  # another bidang
    assert not may_view(KABID_A, who(O_STAFF), MAIN_DAY, tree=TREE)  # below it
    assert may_view(KABID_A, who(None, admin=True), MAIN_DAY, tree=TREE)
    assert not may_view(KABID_A, who(None), MAIN_DAY, tree=TREE)
    # The Plh reads the bidang's documents while the window lasts.
    assert may_view(KASI_A1, who(O_PLH_KABID_A), PLH_DAY, tree=TREE)
    assert not may_view(KASI_A1, who(O_PLH_KABID_A), MAIN_DAY, tree=TREE)


def test_a_former_holder_reads_the_documents_of_the_years_held_but_never_edits() -> None:
    # The old Kepala Seksi B1 left on 28 February 2021: her 2021 and 2020 documents
    # stay readable to her, not those of 2022, and she no longer fills any of them.
    assert not may_view(KASI_B1, who(O_KASI_B1_OLD), MAIN_DAY, tree=TREE)
    assert may_view(KASI_B1, who(O_KASI_B1_OLD), MAIN_DAY, tree=TREE, year=2021)
    assert may_view(KASI_B1, who(O_KASI_B1_OLD), MAIN_DAY, tree=TREE, year=2020)
    assert not may_view(KASI_B1, who(O_KASI_B1_OLD), MAIN_DAY, tree=TREE, year=2022)
    draft = report(KASI_B1, State.DRAFT)
    assert not may_edit(draft, who(O_KASI_B1_OLD), MAIN_DAY, tree=TREE)
    refused = decide(draft, Action.SUBMIT, who(O_KASI_B1_OLD), MAIN_DAY, tree=TREE,
                     machine=REPORT_WORKFLOW)  # fmt: skip
    assert not refused.allowed and not refused.has_role


def test_a_verifier_who_acted_then_moved_post_still_reads_but_acts_no_more() -> None:
    # The old Kepala Bidang B verified Kasi B1's report, then left on 31 March 2021.
    on = MAIN_DAY.replace(year=2022)
    assert not may_view(KASI_B1, who(O_KABID_B_OLD), on, tree=TREE, year=2022)
    assert may_view(KASI_B1, who(O_KABID_B_OLD), on, tree=TREE, year=2022, acted=True)
    verified = report(KASI_B1, State.VERIFIED)
    refused = decide(verified, Action.RETURN, who(O_KABID_B_OLD), on, tree=TREE,
                     machine=REPORT_WORKFLOW, comment="alasan")  # fmt: skip
    assert not refused.allowed


def test_a_stranger_still_may_not_read() -> None:
    # Neither holder (then or now), nor above, nor in the log: refused, whatever the year.
    for year in (None, 2020, 2021):
        assert not may_view(KASI_A1, who(O_KASI_B1), MAIN_DAY, tree=TREE, year=year)
        assert not may_view(KASI_A1, who(None), MAIN_DAY, tree=TREE, year=year, acted=True)


def test_only_whoever_may_submit_edits_and_only_a_draft() -> None:
    draft = report(KASI_A1, State.DRAFT)
    assert may_edit(draft, who(O_KASI_A1), MAIN_DAY, tree=TREE)
    assert not may_edit(draft, who(O_KABID_A), MAIN_DAY, tree=TREE)  # the verifier reads
    assert not may_edit(draft, who(None, admin=True), MAIN_DAY, tree=TREE)
    assert not may_edit(report(KASI_A1, State.SUBMITTED), who(O_KASI_A1), MAIN_DAY, tree=TREE)
    # A vacant Kepala Bidang B: the Plt fills the bidang's own report.
    assert may_edit(report(KABID_B, State.DRAFT), who(O_PLT_KABID_B), MAIN_DAY, tree=TREE)


def test_a_refusal_says_whether_the_actor_had_the_role() -> None:
    incomplete = report(KASI_A1, State.DRAFT, missing=("isian X",))
    own = decide(incomplete, Action.SUBMIT, who(O_KASI_A1), MAIN_DAY, tree=TREE,
                 machine=REPORT_WORKFLOW)  # fmt: skip
    assert not own.allowed and own.has_role and "belum lengkap" in (own.reason or "")
    stranger = decide(incomplete, Action.SUBMIT, who(O_KASI_B1), MAIN_DAY, tree=TREE,
                      machine=REPORT_WORKFLOW)  # fmt: skip
    assert not stranger.allowed and not stranger.has_role


def test_acting_holding_follows_the_acting_rules() -> None:
    held = acting_holding(TREE, KABID_A, O_PLH_KABID_A, PLH_DAY, kind=DocKind.REPORT,
                          action=Action.VERIFY)  # fmt: skip
    assert held is not None and held.display_title.startswith("Plh.")
    # While the Plh acts, the definitif holder does not.
    assert acting_holding(TREE, KABID_A, O_KABID_A, PLH_DAY, kind=DocKind.REPORT,
                          action=Action.VERIFY) is None  # fmt: skip
    # PK approval by a Plh is not allowed by the default acting rules.
    assert acting_holding(TREE, KABID_A, O_PLH_KABID_A, PLH_DAY, kind=DocKind.PK,
                          action=Action.APPROVE) is None  # fmt: skip


def test_the_planning_role_reads_its_own_agency_and_plans_it_but_never_acts() -> None:
    planner = who(O_PERENCANA)
    for position in (STAFF_A1A, KASI_A1, KABID_A, KASI_B1):  # outside its own branch
        assert may_view(position, planner, MAIN_DAY, tree=TREE)
    assert planning_agencies(planner, MAIN_DAY, TREE) == {1}
    assert may_plan(planner, 1, MAIN_DAY, tree=TREE)
    assert not may_plan(planner, 2, MAIN_DAY, tree=TREE)  # another agency
    assert not may_view_regency(planner, MAIN_DAY, tree=TREE)
    draft = report(KASI_A1, State.DRAFT)
    assert not may_edit(draft, planner, MAIN_DAY, tree=TREE)
    refused = decide(draft, Action.SUBMIT, planner, MAIN_DAY, tree=TREE, machine=REPORT_WORKFLOW)
    assert not refused.allowed and not refused.has_role


def test_a_regency_role_reads_every_agency_and_the_regency_view_but_plans_none() -> None:
    inspektur = who(O_INSPEKTUR)
    assert held_roles(inspektur, MAIN_DAY, TREE) == {(PositionRole.INSPEKTORAT, 2)}
    assert may_view(KASI_B1, inspektur, MAIN_DAY, tree=TREE)  # agency 1, not its own
    assert may_view_regency(inspektur, MAIN_DAY, tree=TREE)
    assert not may_plan(inspektur, 1, MAIN_DAY, tree=TREE)
    submitted = report(KASI_B1, State.SUBMITTED)
    refused = decide(submitted, Action.VERIFY, inspektur, MAIN_DAY, tree=TREE,
                     machine=REPORT_WORKFLOW)  # fmt: skip
    assert not refused.allowed


def test_a_role_lasts_as_long_as_the_assignment_and_the_administrator_has_every_one() -> None:
    left = OrgTree(
        TREE.positions,
        [TREE.official(O_PERENCANA), TREE.official(O_INSPEKTUR)],
        [Assignment(O_PERENCANA, 9, AssignmentStatus.PLT, START, date(2021, 3, 31))],
    )
    planner = who(O_PERENCANA)
    assert may_plan(planner, 1, date(2021, 3, 31), tree=left)  # a Plt has the role too
    assert not may_plan(planner, 1, MAIN_DAY, tree=left)  # ... until the assignment ends
    assert not may_view(KASI_B1, planner, MAIN_DAY, tree=left)
    assert not held_roles(who(O_INSPEKTUR), MAIN_DAY, left)  # never assigned
    admin = who(None, admin=True)
    assert may_plan(admin, 2, MAIN_DAY, tree=TREE) and may_view_regency(admin, MAIN_DAY, tree=TREE)
    assert not may_view_regency(who(O_KADIS), MAIN_DAY, tree=TREE)  # a head is no regency role

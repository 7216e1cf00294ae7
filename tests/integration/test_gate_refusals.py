"""Refusals through the workflow use case on a real database (SQLite and PostgreSQL).

The demo organisation and the 2021 catalogue are loaded (without the demo year),
the PK of the Kepala Seksi IKM is signed through the gate in January 2021 and the
TW I reports are opened. A refused action must raise with the gate's reason and
leave no trace; a stale version must name who changed the document; only drafts
may be edited; a return is logged with its reason, starts a new visit and tells
the holder; an approved PK keeps a snapshot of who signed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from importlib import resources
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from db.catalogue import load_indicators
from db.database import transaction
from db.documents import get_pk, get_report, open_reports, position_by_code
from db.models import (
    AssignmentRow,
    OfficialRow,
    PerjanjianKinerja,
    QuarterlyReport,
    ReportEntry,
)
from db.pks import create_pk, set_target
from db.uow import SqlUnitOfWork
from db.workflow import SqlWorkflowStore
from db.workflow_models import OutboxMessage, TransitionLog
from engine.clock import JAKARTA, local_date
from engine.drafts import require_draft
from engine.errors import ActionRefusedError, ConflictError, ValidationError
from engine.gate import Decision, decide
from engine.policy import Policy
from engine.targets import TargetMode
from engine.usecases.workflow import take_action
from engine.workflow import Action, Actor, DocKind, DocumentView, Role, State
from kinerja.demo.scenario import ADMIN, MACHINES, actor_for, approve_all_the_way, step
from kinerja.demo.seed import GRESIK_CATALOG_FILE, demo_org_text, demo_people
from tests.integration.entries import fill_entry
from tests.integration.files import import_catalog_text, import_org_text

YEAR = 2021
POLICY = Policy(machines=MACHINES, zone=JAKARTA)
RETURN_REASON = "Data OSS triwulan I belum dilampirkan; lengkapi bukti dukung."
PEOPLE = {position: (nip, name) for position, nip, name, _email in demo_people()}


def wib(day: date, hour: int = 9) -> datetime:
    """`hour` o'clock in Jakarta (UTC+7) on `day`, as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour - 7, tzinfo=UTC)


PK_SUBMIT, PK_VERIFY, PK_APPROVE = (
    wib(date(2021, 1, 20)),
    wib(date(2021, 1, 22)),
    wib(date(2021, 1, 26)),
)
REPORTS_OPEN = wib(date(2021, 4, 1), 8)
SUBMIT_AT, VERIFY_AT, APPROVE_AT = (
    wib(date(2021, 4, 5)),
    wib(date(2021, 4, 7)),
    wib(date(2021, 4, 9)),
)
FULL_INPUTS = {"ikm_oss_kbli_industri": "120", "ikm_oss_vertek_siinas": "30"}


@dataclass(frozen=True)
class World:
    """The loaded database and the ids the tests use."""

    engine: Engine
    positions: dict[str, int]
    pk_id: int
    report_id: int

    def actor(self, kind: DocKind, doc_id: int, role: Role, when: datetime) -> Actor:
        return actor_for(self.engine, kind, doc_id, role, when)


def draft_pk(engine: Engine, code: str) -> int:
    """A draft PK of the position for 2021 with a target for each of its indicators."""
    with transaction(engine) as session:
        position = position_by_code(session, code)
        assert position.id is not None
        pk = create_pk(session, position.id, YEAR, wib(date(2021, 1, 11)))
        assert pk.id is not None
        indicators = load_indicators(session, year=YEAR, position_ids=[position.id])
        assert indicators
        for indicator in indicators:
            # cumulative targets rising to the annual one: no warning, no TW IV reason needed
            assert indicator.target_mode is TargetMode.CUMULATIVE, indicator.code
            _row, warnings = set_target(
                session, pk.id, indicator.code, annual="80", quarters=["20", "40", "60", "80"]
            )
            assert warnings == []
        return pk.id


@pytest.fixture
def world(engine: Engine) -> World:
    import_org_text(engine, demo_org_text(), "test:demo-org")
    catalog = resources.files("kinerja.data").joinpath(GRESIK_CATALOG_FILE).read_text("utf-8")
    import_catalog_text(engine, catalog, f"test:{GRESIK_CATALOG_FILE}")
    pk_id = draft_pk(engine, "kasi-ikm")
    results = approve_all_the_way(engine, DocKind.PK, pk_id, PK_SUBMIT, PK_VERIFY, PK_APPROVE)
    assert [r.to_state for r in results] == [State.SUBMITTED, State.VERIFIED, State.APPROVED]
    with transaction(engine) as session:
        opened = open_reports(session, YEAR, 1, REPORTS_OPEN)
        positions = {}
        for code in ("kasi-ikm", "kabid-perindustrian", "kepala-dinas", "sekretaris"):
            row = position_by_code(session, code)
            assert row.id is not None
            positions[code] = row.id
    (report,) = opened
    assert report.id is not None and report.position_id == positions["kasi-ikm"]
    return World(engine, positions, pk_id, report.id)


# -- what a refused action must not change ----------------------------------------------------


def footprint(engine: Engine, kind: DocKind, doc_id: int) -> dict[str, Any]:
    """Everything a workflow step writes, to compare before and after a refusal."""
    with Session(engine) as session:
        row: PerjanjianKinerja | QuarterlyReport | None = (
            session.get(PerjanjianKinerja, doc_id)
            if kind is DocKind.PK
            else session.get(QuarterlyReport, doc_id)
        )
        assert row is not None
        entries = sorted(
            (e.indicator_id, sorted(e.inputs.items()), e.no_data_reason)
            for e in session.exec(select(ReportEntry).where(ReportEntry.report_id == doc_id))
        )
        return {
            "state": row.state,
            "version": row.version,
            "visit": row.visit,
            "audit_hash": row.audit_hash,
            "updated_at": row.updated_at,
            "log": session.exec(select(func.count()).select_from(TransitionLog)).one(),
            "outbox": session.exec(select(func.count()).select_from(OutboxMessage)).one(),
            "entries": entries if kind is DocKind.REPORT else None,
        }


def gate_decision(
    engine: Engine,
    kind: DocKind,
    doc_id: int,
    action: Action,
    actor: Actor,
    when: datetime,
    comment: str | None,
) -> Decision:
    """What the gate itself says about this request, asked directly (nothing written)."""
    with Session(engine) as session:
        store = SqlWorkflowStore(session)
        return decide(
            store.document(kind, doc_id),
            action,
            actor,
            local_date(when, JAKARTA),
            tree=store.org_tree(),
            machine=MACHINES[kind],
            comment=comment,
        )


def gate_reason(
    engine: Engine,
    kind: DocKind,
    doc_id: int,
    action: Action,
    actor: Actor,
    when: datetime,
    comment: str | None,
) -> str:
    decision = gate_decision(engine, kind, doc_id, action, actor, when, comment)
    assert not decision.allowed and decision.reason
    return decision.reason


def refuse_inside_committed_transaction(
    engine: Engine,
    kind: DocKind,
    doc_id: int,
    action: Action,
    actor: Actor,
    when: datetime,
    comment: str | None,
) -> str:
    """Call take_action and commit the unit of work anyway: a refusal must have written
    nothing before raising (a rollback cannot hide it here)."""
    with SqlUnitOfWork(engine, write=True) as uow:
        with pytest.raises(ActionRefusedError) as caught:
            take_action(uow, kind, doc_id, action, actor, now=when, policy=POLICY, comment=comment)
        uow.commit()
    return str(caught.value)


def fill_complete(engine: Engine, report_id: int) -> None:
    with transaction(engine) as session:
        fill_entry(session, report_id, "kasi-ikm-1", values=FULL_INPUTS, kendala="-", upaya="-")


def test_refused_actions_raise_the_gate_reason_and_write_nothing(world: World) -> None:
    engine, pk, report = world.engine, world.pk_id, world.report_id
    holder = world.actor(DocKind.REPORT, report, Role.HOLDER, SUBMIT_AT)
    verifier = world.actor(DocKind.REPORT, report, Role.VERIFIER, SUBMIT_AT)
    head = world.actor(DocKind.REPORT, report, Role.APPROVER, SUBMIT_AT)
    assert (holder.name, verifier.name, head.name) == (
        PEOPLE["kasi-ikm"][1],
        PEOPLE["kabid-perindustrian"][1],
        PEOPLE["kepala-dinas"][1],
    )
    fill_complete(engine, report)
    # (document, action, actor, comment, what the reason must say), the report in draft
    in_draft: list[Refusal] = [
        (DocKind.REPORT, report, Action.SUBMIT, verifier, None, "tidak berhak"),
        (DocKind.REPORT, report, Action.SUBMIT, head, None, "tidak berhak"),
        (DocKind.REPORT, report, Action.SUBMIT, ADMIN, None, "tidak berhak"),
        (DocKind.REPORT, report, Action.VERIFY, verifier, None, "tidak tersedia"),
        (DocKind.REPORT, report, Action.APPROVE, head, None, "tidak tersedia"),
        (DocKind.PK, pk, Action.REOPEN, holder, RETURN_REASON, "tidak berhak"),
        (DocKind.PK, pk, Action.REOPEN, head, RETURN_REASON, "tidak berhak"),
        (DocKind.PK, pk, Action.REOPEN, ADMIN, "  ", "alasan wajib diisi"),
        (DocKind.PK, pk, Action.APPROVE, ADMIN, None, "tidak tersedia"),
    ]
    for refusal in in_draft:
        check_refusal(engine, refusal, SUBMIT_AT)
    step(engine, DocKind.REPORT, report, Action.SUBMIT, holder, SUBMIT_AT)
    submitted: list[Refusal] = [
        (DocKind.REPORT, report, Action.VERIFY, holder, None, "tidak berhak"),
        (DocKind.REPORT, report, Action.APPROVE, head, None, "harus diverifikasi lebih dulu"),
        (DocKind.REPORT, report, Action.RETURN, verifier, None, "alasan wajib diisi"),
        (DocKind.REPORT, report, Action.RETURN, holder, RETURN_REASON, "tidak berhak"),
        (DocKind.REPORT, report, Action.SUBMIT, holder, None, "tidak tersedia"),
    ]
    for refusal in submitted:
        check_refusal(engine, refusal, VERIFY_AT)


Refusal = tuple[DocKind, int, Action, Actor, str | None, str]


def check_refusal(engine: Engine, refusal: Refusal, when: datetime) -> None:
    """Refused through `step` (own unit of work) and through `take_action` in a unit of work
    that commits: the gate's reason both times, and nothing written."""
    kind, doc_id, action, actor, comment, marker = refusal
    case = (kind.value, action.value, actor.name, marker)
    before = footprint(engine, kind, doc_id)
    expected = gate_reason(engine, kind, doc_id, action, actor, when, comment)
    assert marker in expected, (case, expected)
    with pytest.raises(ActionRefusedError) as caught:
        step(engine, kind, doc_id, action, actor, when, comment=comment)
    assert str(caught.value) == expected, case
    assert footprint(engine, kind, doc_id) == before, case
    committed = refuse_inside_committed_transaction(
        engine, kind, doc_id, action, actor, when, comment
    )
    assert committed == expected, case
    assert footprint(engine, kind, doc_id) == before, case


def official_actor(engine: Engine, position_code: str) -> Actor:
    """The demo official first assigned to a position, as an actor."""
    nip, name = PEOPLE[position_code]
    with Session(engine) as session:
        row = session.exec(select(OfficialRow).where(OfficialRow.nip == nip)).one()
    assert row.id is not None
    return Actor(row.id, name, nip)


def test_the_submitter_may_not_verify_in_the_same_visit(world: World) -> None:
    """The Kepala Bidang, also Plt. Kepala Seksi IKM for a few days, submits the Seksi's
    report as its acting holder: he may not verify that submission, but may after a new
    visit submitted by the definitif Kepala Seksi once the Plt window is over."""
    engine, report = world.engine, world.report_id
    kabid = official_actor(engine, "kabid-perindustrian")
    kasi = official_actor(engine, "kasi-ikm")
    kabid_id = kabid.official_id
    assert kabid_id is not None
    with transaction(engine) as session:
        session.add(
            AssignmentRow(
                official_id=kabid_id,
                position_id=world.positions["kasi-ikm"],
                status="plt",
                valid_from=date(2021, 4, 1),
                valid_to=VERIFY_AT.date() - timedelta(days=1),
                decree="Surat Perintah Plt. (uji)",
            )
        )
    fill_complete(engine, report)
    submitted = step(engine, DocKind.REPORT, report, Action.SUBMIT, kabid, SUBMIT_AT)
    assert submitted.acting_title == "Plt. Kepala Seksi Industri Kecil dan Menengah"
    before = footprint(engine, DocKind.REPORT, report)
    with pytest.raises(ActionRefusedError) as caught:
        step(engine, DocKind.REPORT, report, Action.VERIFY, kabid, VERIFY_AT)
    assert str(caught.value) == (
        f"Laporan Realisasi LAP-{report}: verifikator tidak boleh orang yang mengajukan"
    )
    assert footprint(engine, DocKind.REPORT, report) == before
    # the definitif Kepala Seksi is a holder, not the verifier
    with pytest.raises(ActionRefusedError, match="tidak berhak"):
        step(engine, DocKind.REPORT, report, Action.VERIFY, kasi, VERIFY_AT)
    # returned, submitted again by the definitif holder: a new visit, so he may verify now
    step(engine, DocKind.REPORT, report, Action.RETURN, kabid, VERIFY_AT, comment=RETURN_REASON)
    step(engine, DocKind.REPORT, report, Action.SUBMIT, kasi, VERIFY_AT)
    verified = step(engine, DocKind.REPORT, report, Action.VERIFY, kabid, VERIFY_AT)
    assert verified.to_state is State.VERIFIED
    assert verified.acting_title == "Kepala Bidang Perindustrian"
    # the head, who neither submitted nor verified in this visit, approves
    head = world.actor(DocKind.REPORT, report, Role.APPROVER, APPROVE_AT)
    assert step(engine, DocKind.REPORT, report, Action.APPROVE, head, APPROVE_AT).to_state is (
        State.APPROVED
    )


def test_an_ended_assignment_gives_no_rights(world: World) -> None:
    """The definitif Kepala Bidang Perindustrian retires on 30 September 2021; from
    1 October the Sekretaris verifies as Plt."""
    engine, report = world.engine, world.report_id
    retired = official_actor(engine, "kabid-perindustrian")
    plt = official_actor(engine, "sekretaris")
    fill_complete(engine, report)
    holder = world.actor(DocKind.REPORT, report, Role.HOLDER, SUBMIT_AT)
    step(engine, DocKind.REPORT, report, Action.SUBMIT, holder, SUBMIT_AT)
    october = wib(date(2021, 10, 1))
    assert world.actor(DocKind.REPORT, report, Role.VERIFIER, october) == plt
    before = footprint(engine, DocKind.REPORT, report)
    with pytest.raises(ActionRefusedError) as caught:
        step(engine, DocKind.REPORT, report, Action.VERIFY, retired, october)
    assert "tidak berhak" in str(caught.value)
    assert "yang berhak adalah Kepala Bidang Perindustrian pada 2021-10-01" in str(caught.value)
    assert footprint(engine, DocKind.REPORT, report) == before
    # on his last day he still could; the Plt could not before the decree
    assert gate_decision(
        engine, DocKind.REPORT, report, Action.VERIFY, retired, wib(date(2021, 9, 30)), None
    ).allowed
    with pytest.raises(ActionRefusedError, match="tidak berhak"):
        step(engine, DocKind.REPORT, report, Action.VERIFY, plt, wib(date(2021, 9, 30)))
    result = step(engine, DocKind.REPORT, report, Action.VERIFY, plt, october)
    assert result.acting_title == "Plt. Kepala Bidang Perindustrian"


# -- conflicts --------------------------------------------------------------------------------


def test_stale_expected_version_names_who_changed_the_document(world: World) -> None:
    engine, report = world.engine, world.report_id
    fill_complete(engine, report)
    holder = world.actor(DocKind.REPORT, report, Role.HOLDER, SUBMIT_AT)
    verifier = world.actor(DocKind.REPORT, report, Role.VERIFIER, VERIFY_AT)
    read_version = footprint(engine, DocKind.REPORT, report)["version"]
    step(engine, DocKind.REPORT, report, Action.SUBMIT, holder, SUBMIT_AT)
    before = footprint(engine, DocKind.REPORT, report)
    assert before["version"] == read_version + 1
    with SqlUnitOfWork(engine, write=True) as uow, pytest.raises(ConflictError) as caught:
        take_action(
            uow, DocKind.REPORT, report, Action.VERIFY, verifier, now=VERIFY_AT, policy=POLICY,
            expected_version=read_version,
        )  # fmt: skip
    message = str(caught.value)
    assert f"LAP-{report}" in message
    assert f"diubah oleh {holder.name} (ajukan) pada 5 April 2021 pukul 09.00" in message
    assert "muat ulang" in message
    assert footprint(engine, DocKind.REPORT, report) == before
    # with the current version the same step goes through
    with SqlUnitOfWork(engine, write=True) as uow:
        result = take_action(
            uow, DocKind.REPORT, report, Action.VERIFY, verifier, now=VERIFY_AT, policy=POLICY,
            expected_version=before["version"],
        )  # fmt: skip
    assert result.to_state is State.VERIFIED


class StaleStore(SqlWorkflowStore):
    """A store that serves a document as it was read earlier (a concurrent request)."""

    stale: DocumentView

    def document(self, kind: DocKind, doc_id: int, *args: Any, **kwargs: Any) -> DocumentView:
        assert (kind, doc_id) == (self.stale.kind, self.stale.id)
        return self.stale


class StaleUnitOfWork(SqlUnitOfWork):
    """A unit of work whose workflow repository serves a stale document."""

    def __init__(self, engine: Engine, stale: DocumentView) -> None:
        super().__init__(engine, write=True)
        self.stale = stale

    @cached_property
    def workflow(self) -> SqlWorkflowStore:
        store = StaleStore(self.session)
        store.stale = self.stale
        return store


def test_lost_race_is_a_conflict_and_writes_nothing(world: World) -> None:
    """Two submits of the same draft: the second one's compare-and-swap fails."""
    engine, report = world.engine, world.report_id
    fill_complete(engine, report)
    holder = world.actor(DocKind.REPORT, report, Role.HOLDER, SUBMIT_AT)
    with Session(engine) as session:
        stale = SqlWorkflowStore(session).document(DocKind.REPORT, report)
    assert stale.state is State.DRAFT and not stale.missing
    step(engine, DocKind.REPORT, report, Action.SUBMIT, holder, SUBMIT_AT)
    before = footprint(engine, DocKind.REPORT, report)
    with (
        StaleUnitOfWork(engine, stale) as uow,
        pytest.raises(ConflictError, match=re.escape(f"diubah oleh {holder.name}")),
    ):
        take_action(
            uow, DocKind.REPORT, report, Action.SUBMIT, holder, now=VERIFY_AT, policy=POLICY
        )
    assert footprint(engine, DocKind.REPORT, report) == before


# -- guards and editing -----------------------------------------------------------------------


def test_submit_with_missing_inputs_is_refused_listing_them(world: World) -> None:
    engine, report = world.engine, world.report_id
    holder = world.actor(DocKind.REPORT, report, Role.HOLDER, SUBMIT_AT)
    for values in (None, {"ikm_oss_kbli_industri": "120"}):
        if values is not None:
            with transaction(engine) as session:
                fill_entry(session, report, "kasi-ikm-1", values=values)
        before = footprint(engine, DocKind.REPORT, report)
        with pytest.raises(ActionRefusedError) as caught:
            step(engine, DocKind.REPORT, report, Action.SUBMIT, holder, SUBMIT_AT)
        message = str(caught.value)
        assert message.startswith(f"Laporan Realisasi LAP-{report}: belum lengkap"), message
        assert "isian kasi-ikm-1 (atau alasan tidak ada data)" in message
        assert footprint(engine, DocKind.REPORT, report) == before
    # a no-data reason is enough, and so are the inputs
    with transaction(engine) as session:
        fill_entry(session, report, "kasi-ikm-1", no_data_reason="Data OSS belum dirilis")
    with Session(engine) as session:
        assert SqlWorkflowStore(session).document(DocKind.REPORT, report).missing == ()
    with transaction(engine) as session:
        fill_entry(session, report, "kasi-ikm-1", values=FULL_INPUTS, no_data_reason="")
    result = step(engine, DocKind.REPORT, report, Action.SUBMIT, holder, SUBMIT_AT)
    assert result.to_state is State.SUBMITTED


def expect_edit_refused(engine: Engine, report_id: int, state_words: str) -> None:
    with Session(engine) as session:
        row = get_report(session, report_id)
        with pytest.raises(ValidationError) as expected:
            require_draft(DocKind.REPORT, report_id, State(row.state))
    assert state_words in str(expected.value)
    before = footprint(engine, DocKind.REPORT, report_id)
    with transaction(engine) as session, pytest.raises(ValidationError) as caught:
        fill_entry(session, report_id, "kasi-ikm-1", values={"ikm_oss_vertek_siinas": "99"})
    assert str(caught.value) == str(expected.value)
    assert footprint(engine, DocKind.REPORT, report_id) == before


def test_only_a_draft_report_can_be_filled(world: World) -> None:
    engine, report = world.engine, world.report_id
    fill_complete(engine, report)
    holder = world.actor(DocKind.REPORT, report, Role.HOLDER, SUBMIT_AT)
    step(engine, DocKind.REPORT, report, Action.SUBMIT, holder, SUBMIT_AT)
    expect_edit_refused(engine, report, f"LAP-{report} sedang diajukan; kembalikan ke draf")
    verifier = world.actor(DocKind.REPORT, report, Role.VERIFIER, VERIFY_AT)
    step(engine, DocKind.REPORT, report, Action.VERIFY, verifier, VERIFY_AT)
    expect_edit_refused(engine, report, "sedang diverifikasi")
    head = world.actor(DocKind.REPORT, report, Role.APPROVER, APPROVE_AT)
    step(engine, DocKind.REPORT, report, Action.APPROVE, head, APPROVE_AT)
    expect_edit_refused(engine, report, f"LAP-{report} sudah disetujui dan tidak dapat diubah")
    # the approved PK's targets are locked the same way
    with (
        transaction(engine) as session,
        pytest.raises(ValidationError, match=f"PK-{world.pk_id} sudah disetujui"),
    ):
        set_target(session, world.pk_id, "kasi-ikm-1", annual="90", quarters=["1"] * 4)
    with Session(engine) as session:
        assert get_pk(session, world.pk_id).state == State.APPROVED.value


# -- returns ----------------------------------------------------------------------------------


def test_return_logs_the_reason_starts_a_new_visit_and_tells_the_holder(world: World) -> None:
    engine, report = world.engine, world.report_id
    fill_complete(engine, report)
    holder = world.actor(DocKind.REPORT, report, Role.HOLDER, SUBMIT_AT)
    verifier = world.actor(DocKind.REPORT, report, Role.VERIFIER, VERIFY_AT)
    step(engine, DocKind.REPORT, report, Action.SUBMIT, holder, SUBMIT_AT)
    before = footprint(engine, DocKind.REPORT, report)
    result = step(
        engine, DocKind.REPORT, report, Action.RETURN, verifier, VERIFY_AT, comment=RETURN_REASON
    )
    assert (result.from_state, result.to_state) == (State.SUBMITTED, State.DRAFT)
    after = footprint(engine, DocKind.REPORT, report)
    assert after["state"] == State.DRAFT.value
    assert after["visit"] == before["visit"] + 1
    assert after["version"] == before["version"] + 1
    assert after["log"] == before["log"] + 1
    assert after["outbox"] == before["outbox"] + 1
    with Session(engine) as session:
        log = session.exec(
            select(TransitionLog)
            .where(TransitionLog.doc_type == "report", TransitionLog.doc_id == report)
            .order_by(col(TransitionLog.id).desc())
        ).first()
        assert log is not None
        assert (log.action, log.from_state, log.to_state) == ("return", "submitted", "draft")
        assert log.comment == RETURN_REASON
        assert log.visit == before["visit"]  # logged in the visit it ended
        assert log.actor_official_id == verifier.official_id
        assert log.acting_title == "Kepala Bidang Perindustrian"
        messages = list(
            session.exec(select(OutboxMessage).where(OutboxMessage.kind == "workflow.returned"))
        )
    assert len(messages) == 1
    (message,) = messages
    assert message.recipient_official_id == holder.official_id
    assert message.recipient_name == holder.name
    assert message.payload["comment"] == RETURN_REASON
    assert message.payload["doc"] == f"LAP-{report}"
    assert message.payload["state"] == State.DRAFT.value
    assert message.payload["role"] == Role.HOLDER.value
    # the new visit: submitted again and verified by the same verifier
    step(engine, DocKind.REPORT, report, Action.SUBMIT, holder, VERIFY_AT)
    again = step(engine, DocKind.REPORT, report, Action.VERIFY, verifier, VERIFY_AT)
    assert again.to_state is State.VERIFIED and again.visit == after["visit"]


# -- signatories of an approved PK ------------------------------------------------------------


def pk_parties(engine: Engine, pk_id: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    with Session(engine) as session:
        pk = get_pk(session, pk_id)
        return (
            (pk.first_party_name, pk.first_party_nip, pk.first_party_title),
            (pk.second_party_name, pk.second_party_nip, pk.second_party_title),
        )


def test_approved_pk_keeps_its_signatories(world: World) -> None:
    engine = world.engine
    kasi = PEOPLE["kasi-ikm"]
    kabid = PEOPLE["kabid-perindustrian"]
    assert pk_parties(engine, world.pk_id) == (
        (kasi[1], kasi[0], "Kepala Seksi Industri Kecil dan Menengah"),
        (kabid[1], kabid[0], "Kepala Bidang Perindustrian"),
    )


def test_head_of_agency_pk_is_signed_with_the_bupati(world: World) -> None:
    engine = world.engine
    pk_id = draft_pk(engine, "kepala-dinas")
    with Session(engine) as session:
        assert get_pk(session, pk_id).second_party_title is None
    results = approve_all_the_way(engine, DocKind.PK, pk_id, PK_SUBMIT, PK_VERIFY, PK_APPROVE)
    assert [(r.action, r.to_state) for r in results] == [
        (Action.SUBMIT, State.SUBMITTED),
        (Action.APPROVE, State.APPROVED),
    ]
    # recorded by the administrator, who holds no position
    assert results[-1].log["actor_official_id"] is None
    assert results[-1].log["actor_name"] == ADMIN.name
    assert results[-1].log["acting_status"] is None
    head = PEOPLE["kepala-dinas"]
    first, second = pk_parties(engine, pk_id)
    assert first == (
        head[1],
        head[0],
        "Kepala Dinas Koperasi, Usaha Mikro, Perindustrian dan Perdagangan",
    )
    # The Bupati in office on 26 January (the organisation file's regency.heads; issue 16,
    # item 9: before, the title was recorded over an empty name).
    assert second == ("H. Darmawan Sasongko, S.H., M.Si.", None, "Bupati Gresik")


def test_pk_approved_under_a_plt_shows_the_acting_superior(world: World) -> None:
    engine = world.engine
    october = (wib(date(2021, 10, 4)), wib(date(2021, 10, 5)), wib(date(2021, 10, 6)))
    pk_id = draft_pk(engine, "kasi-industri-mikro")
    results = approve_all_the_way(engine, DocKind.PK, pk_id, *october)
    assert results[1].acting_title == "Plt. Kepala Bidang Perindustrian"
    first, second = pk_parties(engine, pk_id)
    sekretaris = PEOPLE["sekretaris"]
    assert first[0] == PEOPLE["kasi-industri-mikro"][1]
    assert second == (sekretaris[1], sekretaris[0], "Plt. Kepala Bidang Perindustrian")

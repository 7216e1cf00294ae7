"""engine.usecases.workflow against the in-memory unit of work: the action, its event, commit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.errors import ActionRefusedError, ConflictError, ForbiddenError, ValidationError
from engine.events import ReportSubmitted, ReportVerified
from engine.gate import parties
from engine.policy import Policy
from engine.records import ReportSources
from engine.usecases.workflow import (
    act_as,
    parse_action,
    signatories,
    stale_version,
    take_action,
)
from engine.workflow import Action, Actor, DocKind, DocumentView, State
from tests.unit.fakes import (
    KASI,
    O_KABID,
    O_KADIS,
    O_KASI,
    TREE,
    FakeUnitOfWork,
    FakeWorkflow,
)
from tests.unit.fakes_accounts import FakeAdmin
from tests.unit.fakes_documents import DocumentsUnitOfWork, tables
from workflows.definitions import MACHINES


class NoEntries:
    """The reports of these tests: no indicators, so no low result needs a narrative."""

    def report_sources(self, report_id: int) -> ReportSources:
        return ReportSources(1, [], {}, {}, {})


POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 5, 2, 0, tzinfo=UTC)  # 5 April 2021, 09.00 WIB
KASI_ACTOR = Actor(O_KASI, "Dewi Kasi", "198001012005012003")
KABID_ACTOR = Actor(O_KABID, "Citra Kabid", "197501012000011002")
STRANGER = Actor(999, "Orang Lain", None)


def report(
    state: State = State.DRAFT, *, version: int = 1, missing: tuple[str, ...] = ()
) -> DocumentView:
    return DocumentView(DocKind.REPORT, 7, KASI, 2021, 1, state, version, 1, missing=missing)


class FakeAccounts:
    def __init__(self, **actors: Actor) -> None:
        self.actors = actors

    def resolve_actor(self, who: str) -> Actor:
        return self.actors[who]


def test_submit_moves_the_report_records_the_event_and_commits_once() -> None:
    uow = FakeUnitOfWork(
        reports=NoEntries(),
        admin=FakeAdmin(),
        workflow=FakeWorkflow(TREE, report()),
    )
    result = take_action(uow, DocKind.REPORT, 7, Action.SUBMIT, KASI_ACTOR, now=NOW, policy=POLICY)
    assert (result.from_state, result.to_state, result.version) == (State.DRAFT, State.SUBMITTED, 2)
    assert uow.commits == 1
    (message,) = uow.outbox.messages.values()
    assert message.kind == ReportSubmitted.kind
    assert message.recipient_official_id == O_KABID  # the verifier hears of it
    assert message.payload["doc"] == "LAP-7" and message.payload["period"] == "TW I 2021"
    assert uow.workflow.documents[(DocKind.REPORT, 7)].state is State.SUBMITTED


def test_verify_tells_the_head() -> None:
    uow = FakeUnitOfWork(
        reports=NoEntries(),
        admin=FakeAdmin(),
        workflow=FakeWorkflow(TREE, report(State.SUBMITTED, version=2)),
    )
    take_action(uow, DocKind.REPORT, 7, Action.VERIFY, KABID_ACTOR, now=NOW, policy=POLICY)
    (message,) = uow.outbox.messages.values()
    assert (message.kind, message.recipient_official_id) == (ReportVerified.kind, O_KADIS)


def test_a_refusal_commits_nothing() -> None:
    uow = FakeUnitOfWork(
        reports=NoEntries(),
        admin=FakeAdmin(),
        workflow=FakeWorkflow(TREE, report(missing=("isian x",))),
    )
    with pytest.raises(ActionRefusedError, match="belum lengkap"):
        take_action(uow, DocKind.REPORT, 7, Action.SUBMIT, KASI_ACTOR, now=NOW, policy=POLICY)
    assert uow.commits == 0 and not uow.outbox.messages


def test_a_stale_version_is_a_conflict_naming_the_last_change() -> None:
    db = tables(report())
    uow = DocumentsUnitOfWork(db)
    take_action(uow, DocKind.REPORT, 7, Action.SUBMIT, KASI_ACTOR, now=NOW, policy=POLICY)
    with pytest.raises(
        ConflictError, match="diubah oleh Dewi Kasi \\(ajukan\\) pada 5 April 2021"
    ) as stale:
        take_action(
            uow, DocKind.REPORT, 7, Action.VERIFY, KABID_ACTOR, now=NOW, policy=POLICY,
            expected_version=1,
        )  # fmt: skip
    assert uow.commits == 1
    assert (stale.value.version, stale.value.changed_by) == (2, "Dewi Kasi")


def test_a_later_save_is_named_rather_than_the_earlier_action() -> None:
    db = tables(report())
    uow = DocumentsUnitOfWork(db)
    take_action(uow, DocKind.REPORT, 7, Action.SUBMIT, KASI_ACTOR, now=NOW, policy=POLICY)
    db.saved[(DocKind.REPORT, 7)] = ("Citra Kabid", NOW.replace(hour=5, minute=30))
    found = stale_version(uow, DocKind.REPORT, 7, POLICY.zone)
    assert "LAP-7: dokumen sudah disimpan oleh Citra Kabid pada 5 April 2021 pukul 12.30" in (
        found.message
    )
    assert (found.version, found.changed_by) == (2, "Citra Kabid")


def test_must_view_refuses_strangers_before_the_gate() -> None:
    uow = FakeUnitOfWork(
        reports=NoEntries(),
        admin=FakeAdmin(),
        workflow=FakeWorkflow(TREE, report()),
    )
    with pytest.raises(ForbiddenError, match="tidak berhak melihat LAP-7"):
        take_action(
            uow, DocKind.REPORT, 7, Action.SUBMIT, STRANGER, now=NOW, policy=POLICY, must_view=True
        )
    assert uow.commits == 0


def test_a_too_long_reason_is_refused() -> None:
    uow = FakeUnitOfWork(
        reports=NoEntries(),
        admin=FakeAdmin(),
        workflow=FakeWorkflow(TREE, report(State.SUBMITTED)),
    )
    with pytest.raises(ValidationError, match="paling banyak"):
        take_action(
            uow, DocKind.REPORT, 7, Action.RETURN, KABID_ACTOR, now=NOW, policy=POLICY,
            comment="x" * 4001,
        )  # fmt: skip


def test_act_as_resolves_the_actor_and_the_reference() -> None:
    uow = FakeUnitOfWork(
        reports=NoEntries(),
        admin=FakeAdmin(),
        workflow=FakeWorkflow(TREE, report()),
        accounts=FakeAccounts(dewi=KASI_ACTOR),
    )
    result = act_as(uow, "lap-7", "Submit", "dewi", now=NOW, policy=POLICY)
    assert (result.ref, result.to_state) == ("LAP-7", State.SUBMITTED)


def test_parse_action_lists_the_choices() -> None:
    assert parse_action(" VERIFY ") is Action.VERIFY
    with pytest.raises(ValidationError, match="pilihan: submit, verify"):
        parse_action("sign")


def test_signatories_are_the_holder_and_the_direct_superior() -> None:
    workflow = FakeWorkflow(TREE)
    first, second = signatories(workflow, TREE, parties(TREE, KASI), NOW.date())
    assert (first.name, first.title) == ("Dewi Kasi", "Kepala Seksi IKM")
    assert (second.name, second.title) == ("Citra Kabid", "Kepala Bidang Industri")
    head_first, head_second = signatories(workflow, TREE, parties(TREE, 1), NOW.date())
    assert (head_first.name, head_second.title) == ("Budi Kadis", "Bupati Gresik")

"""engine.usecases.bulk: several documents verified at once, each through the gate alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.errors import ValidationError
from engine.policy import Policy
from engine.usecases.bulk import MAX_BULK, BulkChoice, act_on_many, parse_choices
from engine.workflow import Action, Actor, DocKind, DocumentView, State
from tests.unit.fakes import KASI, O_KABID, TREE, FakeUnitOfWork, FakeWorkflow
from tests.unit.fakes_documents import DocumentsUnitOfWork, tables
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 8, 2, 0, tzinfo=UTC)
KABID_ACTOR = Actor(O_KABID, "Citra Kabid", "197501012000011002")


def submitted(doc_id: int, *, missing: tuple[str, ...] = ()) -> DocumentView:
    return DocumentView(
        DocKind.REPORT, doc_id, KASI, 2021, 1, State.SUBMITTED, 2, 1, missing=missing
    )


def test_one_refusal_among_three_stops_nothing_and_each_has_its_own_audit_row() -> None:
    # LAP-2 is still a draft (nothing to verify): the gate refuses it, the others pass.
    draft = DocumentView(DocKind.REPORT, 2, KASI, 2021, 1, State.DRAFT, 2, 1)
    uow = FakeUnitOfWork(workflow=FakeWorkflow(TREE, submitted(1), draft, submitted(3)))
    choices = [BulkChoice(DocKind.REPORT, n, 2) for n in (1, 2, 3)]
    outcomes = act_on_many(uow, Action.VERIFY, choices, KABID_ACTOR, now=NOW, policy=POLICY)
    assert [(o.ref, o.done) for o in outcomes] == [
        ("LAP-1", True),
        ("LAP-2", False),
        ("LAP-3", True),
    ]
    assert outcomes[1].message and not outcomes[1].conflict
    assert uow.commits == 2 and uow.writes == 3  # one transaction per document
    assert [row["doc_id"] for row in uow.workflow.log] == [1, 3]  # one audit row each
    docs = uow.workflow.documents
    assert docs[(DocKind.REPORT, 1)].state is State.VERIFIED
    assert docs[(DocKind.REPORT, 2)].state is State.DRAFT
    assert len(uow.outbox.messages) == 2  # the head hears of each verified report


def test_a_document_changed_since_the_list_is_a_conflict_and_the_rest_go_on() -> None:
    uow = DocumentsUnitOfWork(tables(submitted(1), submitted(3)))
    choices = [BulkChoice(DocKind.REPORT, 1, 1), BulkChoice(DocKind.REPORT, 3, 2)]
    outcomes = act_on_many(uow, Action.VERIFY, choices, KABID_ACTOR, now=NOW, policy=POLICY)
    assert [(o.ref, o.done, o.conflict) for o in outcomes] == [
        ("LAP-1", False, True),
        ("LAP-3", True, False),
    ]
    assert "muat ulang" in outcomes[0].message


def test_the_choices_are_parsed_and_bounded() -> None:
    action, choices = parse_choices("verify", ["LAP-1@2", "PK-4@1", "LAP-1@2"])
    assert action is Action.VERIFY
    assert [c.token for c in choices] == ["LAP-1@2", "PK-4@1"]
    with pytest.raises(ValidationError, match="alasan per dokumen"):
        parse_choices("return", ["LAP-1@2"])
    with pytest.raises(ValidationError, match="Pilih dulu"):
        parse_choices("approve", [])
    with pytest.raises(ValidationError, match=f"Paling banyak {MAX_BULK}"):
        parse_choices("approve", [f"LAP-{n}@1" for n in range(1, MAX_BULK + 2)])
    with pytest.raises(ValidationError, match="tidak sah"):
        parse_choices("approve", ["LAP-1"])
    with pytest.raises(ValidationError, match="dua kali"):
        parse_choices("approve", ["LAP-1@1", "LAP-1@2"])

"""Saving a report and submitting it in one transaction ("Simpan dan ajukan", issue 17),
and the low results that need their kendala and upaya before a submit (item 4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from engine.completeness import missing_in_rows, missing_narratives, narratives_needed
from engine.errors import ActionRefusedError, ConflictError
from engine.policy import Policy
from engine.records import StoredEntry, StoredTargets
from engine.usecases.reports import EntryInput, save_and_submit
from engine.usecases.workflow import apply_action
from engine.workflow import Action, Actor, DocKind, State
from tests.unit.fakes import KASI, O_KASI
from tests.unit.fakes_documents import DocumentsUnitOfWork, pk, report
from tests.unit.fakes_documents import tables as make_tables
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 5, 2, 0, tzinfo=UTC)
KASI_ACTOR = Actor(O_KASI, "Dewi Kasi", "198001012005012003")
SCALE = ["Sangat Tinggi", "Tinggi", "Sedang", "Rendah", "Sangat Rendah"]


def test_save_and_submit_stores_the_entries_and_submits_in_one_commit() -> None:
    db = make_tables(report(7))
    uow = DocumentsUnitOfWork(db)
    typed = {"ind-11": EntryInput({"a": "1", "b": "2"}), "ind-12": EntryInput({"a": "3"})}
    errors, result = save_and_submit(
        uow, 7, typed, KASI_ACTOR, now=NOW, policy=POLICY, expected_version=1
    )
    assert errors == {} and result is not None
    assert result.to_state is State.SUBMITTED and uow.commits == 1
    assert db.entries[(7, 11)].inputs == {"a": "1", "b": "2"}
    assert db.view(DocKind.REPORT, 7).state is State.SUBMITTED
    assert db.workflow.log[-1]["action"] == "submit"  # the same log row as a plain submit
    assert len(uow.outbox.messages) == 1  # and the same message to the verifier


def test_a_refused_submit_stores_nothing_of_the_save() -> None:
    incomplete = replace(report(7), missing=("isian ind-12 (atau alasan tidak ada data)",))
    db = make_tables(incomplete)
    uow = DocumentsUnitOfWork(db)
    with pytest.raises(ActionRefusedError, match="belum lengkap: isian ind-12"):
        save_and_submit(
            uow, 7, {"ind-11": EntryInput({"a": "1"})}, KASI_ACTOR, now=NOW, policy=POLICY,
            expected_version=1,
        )  # fmt: skip
    assert db.entries == {} and uow.commits == 0
    assert db.view(DocKind.REPORT, 7).version == 1 and db.workflow.log == []


def test_save_and_submit_returns_field_errors_and_stores_nothing() -> None:
    db = make_tables(report(7))
    uow = DocumentsUnitOfWork(db)
    errors, result = save_and_submit(
        uow, 7, {"ind-11": EntryInput({"a": "x"})}, KASI_ACTOR, now=NOW, policy=POLICY
    )
    assert set(errors) == {"ind-11.a"} and result is None
    assert db.entries == {} and db.view(DocKind.REPORT, 7).state is State.DRAFT


def test_save_and_submit_on_a_stale_form_is_a_conflict() -> None:
    db = make_tables(report(7))
    uow = DocumentsUnitOfWork(db)
    with pytest.raises(ConflictError):
        save_and_submit(
            uow, 7, {"ind-11": EntryInput({"a": "1"})}, KASI_ACTOR, now=NOW, policy=POLICY,
            expected_version=5,
        )  # fmt: skip
    assert db.entries == {} and db.view(DocKind.REPORT, 7).state is State.DRAFT


def test_apply_action_leaves_the_commit_to_its_caller() -> None:
    db = make_tables(report(7))
    uow = DocumentsUnitOfWork(db)
    with uow.writing():
        result = apply_action(
            uow, DocKind.REPORT, 7, Action.SUBMIT, KASI_ACTOR, now=NOW, policy=POLICY
        )
        assert result.to_state is State.SUBMITTED and uow.commits == 0
    assert db.view(DocKind.REPORT, 7).state is State.DRAFT  # left without commit: undone


def _row(code: str, category: str | None, kendala: str | None = None, upaya: str | None = None):  # type: ignore[no-untyped-def]
    return {"indicator": code, "category": category, "kendala": kendala, "upaya": upaya,
            "inputs": [{"value": "1"}], "no_data_reason": None}  # fmt: skip


def test_a_result_at_or_below_the_threshold_needs_kendala_and_upaya() -> None:
    rows = [
        _row("IK-1", "Tinggi"),
        _row("IK-2", "Rendah", kendala="hujan"),
        _row("IK-3", "Sangat Rendah"),
        _row("IK-4", "Rendah", kendala="hujan", upaya="lembur"),
        _row("IK-5", None),
    ]
    assert narratives_needed(rows, SCALE, "Rendah") == {
        "IK-2": ["upaya"],
        "IK-3": ["kendala", "upaya"],
    }
    assert missing_narratives(rows, SCALE, "Rendah") == [
        "upaya IK-2 (capaian Rendah: kendala dan upaya wajib diisi)",
        "kendala dan upaya IK-3 (capaian Sangat Rendah: kendala dan upaya wajib diisi)",
    ]
    # A higher threshold asks more; a name the scale does not know asks nothing.
    assert set(narratives_needed(rows, SCALE, "Sedang")) == {"IK-2", "IK-3"}
    assert narratives_needed(rows, SCALE, "Tinggi")["IK-1"] == ["kendala", "upaya"]
    assert narratives_needed(rows, SCALE, "Buruk") == {}


def test_the_live_gaps_follow_the_typed_values() -> None:
    empty = {"indicator": "IK-1", "inputs": [{"value": None}], "no_data_reason": None}
    assert missing_in_rows([empty]) == ["isian IK-1 (atau alasan tidak ada data)"]
    assert missing_in_rows([{**empty, "no_data_reason": "BPS belum rilis"}]) == []
    low = {**empty, "inputs": [{"value": "1"}], "category": "Rendah",
           "narrative_needed": ["kendala"]}  # fmt: skip
    assert missing_in_rows([low]) == [
        "kendala IK-1 (capaian Rendah: kendala dan upaya wajib diisi)"
    ]
    assert missing_in_rows([]) == ["jabatan ini belum punya indikator untuk tahun ini"]


def test_a_submit_is_refused_while_a_low_result_lacks_its_narrative() -> None:
    db = make_tables(pk(1, KASI, State.APPROVED), report(7))
    db.targets[(1, 11)] = StoredTargets("80", "20", "40", "60", "80")
    db.entries[(7, 11)] = StoredEntry({"a": "1", "b": "100"})  # 1 % against 20: 5 % capaian
    uow = DocumentsUnitOfWork(db)
    refused = pytest.raises(ActionRefusedError, match="kendala dan upaya ind-11 \\(capaian Sangat")
    with refused, uow.writing():
        apply_action(uow, DocKind.REPORT, 7, Action.SUBMIT, KASI_ACTOR, now=NOW, policy=POLICY)
    lenient = replace(POLICY, narrative_threshold="Buruk")  # not in the scale: asks nothing
    with uow.writing():
        result = apply_action(
            uow, DocKind.REPORT, 7, Action.SUBMIT, KASI_ACTOR, now=NOW, policy=lenient
        )
    assert result.to_state is State.SUBMITTED
    db.entries[(7, 11)] = StoredEntry({"a": "1", "b": "100"}, kendala="Hujan", upaya="Lembur")
    db2 = make_tables(pk(1, KASI, State.APPROVED), report(7))
    db2.targets, db2.entries = db.targets, {(7, 11): db.entries[(7, 11)]}
    uow2 = DocumentsUnitOfWork(db2)
    with uow2.writing():
        explained = apply_action(
            uow2, DocKind.REPORT, 7, Action.SUBMIT, KASI_ACTOR, now=NOW, policy=POLICY
        )
    assert explained.to_state is State.SUBMITTED

"""engine.usecases.reports against the in-memory unit of work: opening, filling, previewing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engine.capaian import CapaianRules, Scale
from engine.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from engine.policy import Policy
from engine.realisation import report_rows
from engine.records import StoredEntry, StoredTargets
from engine.usecases.reports import (
    EntryInput,
    add_missing_reports,
    fill_entry,
    open_reports,
    preview_entries,
    save_entries,
    write_entry,
)
from engine.workflow import Actor, DocKind, State
from tests.unit.fakes import KABID, KASI, O_KABID, O_KASI
from tests.unit.fakes_accounts import FakeAdmin
from tests.unit.fakes_documents import (
    DocumentsUnitOfWork,
    FakeDocuments,
    FakeReports,
    Tables,
    pk,
    report,
)
from tests.unit.fakes_documents import tables as make_tables
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 5, 2, 0, tzinfo=UTC)
KASI_ACTOR = Actor(O_KASI, "Dewi Kasi", "198001012005012003")
KABID_ACTOR = Actor(O_KABID, "Citra Kabid", "197501012000011002")


def test_reports_open_for_positions_with_an_approved_pk_once() -> None:
    db = make_tables(pk(1, KASI, State.APPROVED), pk(2, KABID, State.DRAFT))
    uow = DocumentsUnitOfWork(db)
    opened = open_reports(uow, 2021, 1, now=NOW)
    assert [db.workflow.documents[(DocKind.REPORT, i)].position_id for i in opened] == [KASI]
    assert uow.commits == 1
    assert open_reports(uow, 2021, 1, now=NOW) == []
    assert add_missing_reports(FakeReports(db), 2021, 2, NOW) != []  # the next quarter


def test_an_entry_merges_inputs_and_an_empty_value_clears_one() -> None:
    db = make_tables(report(7))
    db.entries[(7, 11)] = StoredEntry({"a": "5", "b": "10"}, None, "lama", None)
    uow = DocumentsUnitOfWork(db)
    typed = EntryInput({"a": "12,5", "b": " "}, upaya=" Rapat ")
    entry = fill_entry(uow, 7, "ind-11", typed, now=NOW)
    assert dict(entry.inputs) == {"a": "12.5"}
    assert (entry.kendala, entry.upaya) == ("lama", "Rapat")
    assert db.entries[(7, 11)] == entry and uow.commits == 1


def test_an_entry_is_refused_outside_a_draft_or_for_an_unknown_variable() -> None:
    db = make_tables(report(7), report(8, state=State.APPROVED, quarter=2))
    documents, reports = FakeDocuments(db), FakeReports(db)
    with pytest.raises(ValidationError, match="sudah disetujui dan tidak dapat diubah"):
        write_entry(documents, reports, 8, "ind-11", EntryInput({"a": "1"}))
    with pytest.raises(ValidationError, match="variabel tidak dikenal: z \\(yang ada: a, b\\)"):
        write_entry(documents, reports, 7, "ind-11", EntryInput({"z": "1"}))
    with pytest.raises(ValidationError, match="ind-11 Realisasi: nilai tidak boleh negatif"):
        write_entry(documents, reports, 7, "ind-11", EntryInput({"a": "-1"}))
    with pytest.raises(NotFoundError, match="Indikator 'ind-21' jabatan ini tahun 2021"):
        write_entry(documents, reports, 7, "ind-21", EntryInput({"a": "1"}))
    assert db.entries == {}


def test_typed_entries_are_stored_all_or_nothing() -> None:
    db = make_tables(report(7))
    uow = DocumentsUnitOfWork(db)
    typed = {"ind-11": EntryInput({"a": "1"}), "ind-12": EntryInput({"a": "x", "q": "1"})}
    errors = save_entries(uow, 7, typed, KASI_ACTOR, now=NOW, policy=POLICY)
    assert set(errors) == {"ind-12.a", "ind-12.q"}
    assert db.entries == {} and uow.commits == 0
    errors = save_entries(
        uow, 7, {"ind-11": EntryInput({"a": "1"}, kendala="k" * 4001)}, KASI_ACTOR,
        now=NOW, policy=POLICY,
    )  # fmt: skip
    assert errors == {"ind-11.kendala": "Paling banyak 4000 karakter"}
    assert save_entries(uow, 7, {"ind-11": EntryInput({"a": "1"})}, KASI_ACTOR, now=NOW,
                        policy=POLICY) == {}  # fmt: skip
    assert db.entries[(7, 11)].inputs == {"a": "1"}
    assert db.saved[(DocKind.REPORT, 7)] == ("Dewi Kasi", NOW) and uow.commits == 1


def test_a_save_built_on_an_older_version_is_refused_and_names_the_last_save() -> None:
    db = make_tables(report(7))
    uow = DocumentsUnitOfWork(db)
    first = {"ind-11": EntryInput({"a": "1"})}
    assert save_entries(uow, 7, first, KASI_ACTOR, now=NOW, policy=POLICY,
                        expected_version=1) == {}  # fmt: skip
    assert db.view(DocKind.REPORT, 7).version == 2  # a save moves the version on
    later = NOW.replace(hour=3, minute=15)  # 10.15 WIB
    second = {"ind-11": EntryInput({"a": "2"})}
    with pytest.raises(ConflictError) as stale:
        save_entries(uow, 7, second, KASI_ACTOR, now=later, policy=POLICY, expected_version=1)
    assert "LAP-7: dokumen sudah disimpan oleh Dewi Kasi pada 5 April 2021 pukul 09.00" in (
        stale.value.message
    )
    assert (stale.value.version, stale.value.changed_by, stale.value.changed_at) == (
        2, "Dewi Kasi", NOW,
    )  # fmt: skip
    assert db.entries[(7, 11)].inputs == {"a": "1"} and uow.commits == 1  # the first stays
    assert save_entries(uow, 7, second, KASI_ACTOR, now=later, policy=POLICY,
                        expected_version=2) == {}  # fmt: skip
    assert db.entries[(7, 11)].inputs == {"a": "2"} and db.view(DocKind.REPORT, 7).version == 3


def test_a_refused_save_leaves_the_version_where_it_was() -> None:
    db = make_tables(report(7))
    uow = DocumentsUnitOfWork(db)
    bad = {"ind-11": EntryInput({"a": "x"})}
    assert save_entries(uow, 7, bad, KASI_ACTOR, now=NOW, policy=POLICY, expected_version=1)
    assert db.view(DocKind.REPORT, 7).version == 1 and (DocKind.REPORT, 7) not in db.saved


def test_the_console_fill_moves_the_version_and_checks_it_when_asked() -> None:
    db = make_tables(report(7))
    uow = DocumentsUnitOfWork(db)
    fill_entry(uow, 7, "ind-11", EntryInput({"a": "3"}), now=NOW)
    assert db.saved[(DocKind.REPORT, 7)] == ("operator (baris perintah)", NOW)
    with pytest.raises(ConflictError, match="disimpan oleh operator"):
        fill_entry(uow, 7, "ind-11", EntryInput({"a": "4"}), now=NOW, expected_version=1)
    assert db.entries[(7, 11)].inputs == {"a": "3"}


def test_only_the_holder_saves_entries() -> None:
    uow = DocumentsUnitOfWork(make_tables(report(7)))
    with pytest.raises(ForbiddenError):
        save_entries(uow, 7, {"ind-11": EntryInput({"a": "1"})}, KABID_ACTOR, now=NOW,
                     policy=POLICY)  # fmt: skip


def _preview_tables() -> Tables:
    """KASI's draft report of quarter 2 (LAP-7) on an approved PK with targets, a stored
    entry in it, and the first quarter's report (LAP-6) with its entry."""
    db = make_tables(pk(1, KASI, State.APPROVED), report(6), report(7, quarter=2))
    db.targets[(1, 11)] = StoredTargets("80", "20", "40", "60", "80")
    db.entries[(6, 11)] = StoredEntry({"a": "1", "b": "10"})
    db.entries[(7, 11)] = StoredEntry({"a": "5", "b": "10"}, None, "lama", None)
    return db


def test_a_preview_computes_with_the_valid_inputs_and_writes_nothing() -> None:
    db = _preview_tables()
    stored = dict(db.entries)
    uow = DocumentsUnitOfWork(db)
    typed = {
        "ind-11": EntryInput({"a": "3,5", "b": "abc"}),  # b unreadable: the stored 10 stays
        "ind-12": EntryInput({"a": "9", "b": "12"}),
        "nope": EntryInput({"a": "1"}),
    }
    errors, rows = preview_entries(uow, 7, typed, KABID_ACTOR, now=NOW, policy=POLICY)
    assert set(errors) == {"ind-11.b", "nope"}
    by_code = {row["indicator"]: row for row in rows}
    # ind-11: 3.5 / 10 * 100 = 35 against the quarter-2 target 40: capaian 35 / 40 = 87.5
    # (cumulative, measured by the last quarter's value).
    first = by_code["ind-11"]
    assert [i["value"] for i in first["inputs"]] == ["3.5", "10"]
    assert Decimal(first["realisation"]) == Decimal("35")
    assert first["target"] == "40" and Decimal(first["capaian"]) == Decimal("87.5")
    assert first["kendala"] == "lama"
    # ind-12: 9 / 12 * 100 = 75, no target in the PK: no capaian.
    second = by_code["ind-12"]
    assert Decimal(second["realisation"]) == Decimal("75") and second["capaian"] is None
    assert db.entries == stored and uow.commits == 0 and uow.rollbacks == 0


def test_a_preview_gives_the_numbers_the_saved_report_shows() -> None:
    db = _preview_tables()
    uow = DocumentsUnitOfWork(db)
    typed = {"ind-11": EntryInput({"a": "2"}), "ind-12": EntryInput({"a": "1", "b": "4"})}
    _, preview = preview_entries(uow, 7, typed, KASI_ACTOR, now=NOW, policy=POLICY)
    assert save_entries(uow, 7, typed, KASI_ACTOR, now=NOW, policy=POLICY) == {}
    found = FakeReports(db).report_sources(7)
    saved = report_rows(found.indicators, found.quarter, found.entries, found.earlier,
                        found.targets)  # fmt: skip
    # The preview adds to each row the narrative a low result still needs (ind-11: upaya).
    assert [row.pop("narrative_needed") for row in preview] == [["upaya"], []]
    assert preview == saved


def test_a_preview_of_a_submitted_report_shows_what_is_stored() -> None:
    db = _preview_tables()
    db.workflow.documents[(DocKind.REPORT, 7)] = replace(
        db.workflow.documents[(DocKind.REPORT, 7)], state=State.SUBMITTED
    )
    uow = DocumentsUnitOfWork(db)
    _, rows = preview_entries(
        uow, 7, {"ind-11": EntryInput({"a": "3"})}, KABID_ACTOR, now=NOW, policy=POLICY
    )
    assert [i["value"] for i in rows[0]["inputs"]] == ["5", "10"]
    assert Decimal(rows[0]["realisation"]) == Decimal("50")


def test_only_who_may_view_the_report_gets_a_preview() -> None:
    uow = DocumentsUnitOfWork(_preview_tables())
    stranger = Actor(None, "Tamu")
    with pytest.raises(ForbiddenError, match="tidak berhak melihat LAP-7"):
        preview_entries(uow, 7, {}, stranger, now=NOW, policy=POLICY)


def test_a_preview_computes_capaian_under_the_years_rules() -> None:
    # ind-11: 87,5 % as above, "Tinggi" under Permendagri 86/2017; under the year's own
    # two-step scale (Baik from 90) it is "Cukup".
    admin = FakeAdmin()
    scale = Scale.from_rows("Perbup", [("Baik", "90", "#00aa00"), ("Cukup", None, "#aa0000")])
    admin.rules[2021] = CapaianRules(scale=scale)
    uow = DocumentsUnitOfWork(_preview_tables(), admin=admin)
    typed = {"ind-11": EntryInput({"a": "3,5", "b": "10"})}
    _, rows = preview_entries(uow, 7, typed, KABID_ACTOR, now=NOW, policy=POLICY)
    first = next(row for row in rows if row["indicator"] == "ind-11")
    assert Decimal(first["capaian"]) == Decimal("87.5")
    assert (first["category"], first["capaian_flag"]) == ("Cukup", None)

"""engine.realisation: realisations from stored inputs, targets from stored text, report rows."""

from __future__ import annotations

from decimal import Decimal

from engine.realisation import quarter_targets, realisation, report_rows
from engine.records import StoredEntry, StoredTargets
from engine.result import Outcome
from tests.unit.fakes_documents import indicator

IND = indicator(11)  # a / b * 100, cumulative targets, the last quarter's value


def test_a_realisation_is_the_formula_over_the_stored_inputs() -> None:
    assert realisation(IND, StoredEntry({"a": "30", "b": "40"})).value == Decimal(75)
    assert realisation(IND, None).reason == "laporan belum dibuat"
    no_data = realisation(IND, StoredEntry({"a": "30"}, no_data_reason="BPS belum rilis"))
    assert (no_data.outcome, no_data.reason) == (Outcome.MISSING, "tidak ada data: BPS belum rilis")
    assert realisation(IND, StoredEntry({"a": "x", "b": "40"})).value is None


def test_targets_are_read_from_their_text_and_unreadable_ones_are_none() -> None:
    targets = quarter_targets(IND, StoredTargets("80", "20", "40", "60", "80"))
    assert targets is not None and targets.for_quarter(2) is not None
    assert str(targets.for_quarter(2)) == "40"
    assert quarter_targets(IND, StoredTargets("banyak", "20", "40", "60", "80")) is None
    assert quarter_targets(IND, None) is None


def test_a_report_row_shows_the_inputs_the_target_and_the_capaian() -> None:
    entry = StoredEntry({"a": "30", "b": "40"}, kendala="hujan", upaya="lembur")
    targets = StoredTargets("80", "20", "50", "60", "80")
    (row,) = report_rows([IND], 2, {IND.id: entry}, {(IND.id, 2): entry}, {IND.id: targets})
    assert [(i["name"], i["value"]) for i in row["inputs"]] == [("a", "30"), ("b", "40")]
    assert (row["kendala"], row["upaya"], row["target"]) == ("hujan", "lembur", "50")
    assert row["realisation"] == row["measured_to_date"] == "75.00"
    assert (row["capaian"], row["category"]) == ("150.00", "Sangat Tinggi")

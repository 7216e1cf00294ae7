"""engine.completeness: what keeps a PK or a report from being submitted."""

from __future__ import annotations

from engine.capaian import parse_target
from engine.completeness import NO_INDICATORS, missing_inputs, missing_targets
from engine.targets import QuarterTargets
from tests.unit.fakes_documents import indicator

IND = indicator(11)


def targets(*quarters: str | None, annual: str = "80") -> QuarterTargets:
    parsed = tuple(None if q is None else parse_target(q) for q in quarters)
    return QuarterTargets(parse_target(annual), parsed)  # type: ignore[arg-type]


def test_a_position_without_indicators_cannot_submit() -> None:
    assert missing_targets([]) == [NO_INDICATORS] == missing_inputs([])


def test_every_quarter_needs_a_target_and_a_differing_tw4_a_reason() -> None:
    assert missing_targets([(IND, None, None)]) == ["target ind-11 (tahunan dan TW I-IV)"]
    assert missing_targets([(IND, targets("20", None, "60", "80"), None)]) == [
        "target ind-11 (tahunan dan TW I-IV)"
    ]
    differing = targets("20", "40", "60", "90")
    assert missing_targets([(IND, differing, None)]) == [
        "alasan target TW IV ind-11 berbeda dari tahunan"
    ]
    assert missing_targets([(IND, differing, "APBD Perubahan")]) == []


def test_every_input_or_a_no_data_reason() -> None:
    formula = IND.formula
    assert missing_inputs([("ind-11", formula, None)]) == [
        "isian ind-11 (atau alasan tidak ada data)"
    ]
    assert missing_inputs([("ind-11", formula, ({"a": "1", "b": " "}, None))]) != []
    assert missing_inputs([("ind-11", formula, ({"a": "1", "b": "2"}, None))]) == []
    assert missing_inputs([("ind-11", formula, ({}, "Data OSS belum dirilis"))]) == []

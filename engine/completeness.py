"""What keeps a document from being submitted: the gate's READY guard, as a list of gaps.

A PK is complete when every indicator of its position has an annual target and all four
quarterly targets, and a TW IV that differs from the annual target says why. A report is
complete when every indicator has all its formula inputs, or a reason there is no data.
The workflow repository reads the rows; these rules name what is missing, in catalogue
order, in the words the page and the refusal show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.formulas import Formula
from engine.indicators import Indicator
from engine.targets import QuarterTargets

NO_INDICATORS = "jabatan ini belum punya indikator untuk tahun ini"


def missing_targets(
    items: Sequence[tuple[Indicator, QuarterTargets | None, str | None]],
) -> list[str]:
    """The gaps of a PK: each indicator with its targets (None when absent or unreadable)
    and the reason typed for a TW IV that differs from the annual target."""
    if not items:
        return [NO_INDICATORS]
    problems: list[str] = []
    for indicator, targets, tw4_reason in items:
        if targets is None or None in targets.quarters:
            problems.append(f"target {indicator.code} (tahunan dan TW I-IV)")
        elif targets.check(indicator.rollup).reason_required and not tw4_reason:
            problems.append(f"alasan target TW IV {indicator.code} berbeda dari tahunan")
    return problems


def missing_inputs(
    items: Sequence[tuple[str, Formula, tuple[Mapping[str, Any], str | None] | None]],
) -> list[str]:
    """The gaps of a report: each indicator's code and formula with its entry (the inputs
    given and the no-data reason), None when nothing was typed."""
    if not items:
        return [NO_INDICATORS]
    problems: list[str] = []
    for code, formula, entry in items:
        if entry is not None and (entry[1] or "").strip():
            continue
        given = {} if entry is None else entry[0]
        if any(str(given.get(name, "")).strip() == "" for name in formula.variables):
            problems.append(f"isian {code} (atau alasan tidak ada data)")
    return problems

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


def narratives_needed(
    rows: Sequence[Mapping[str, Any]], categories: Sequence[str], threshold: str
) -> dict[str, list[str]]:
    """For each report row whose capaian category is `threshold` or worse (`categories` run
    from best to worst), the narrative parts still empty ("kendala", "upaya"), by indicator
    code. A threshold the scale does not name asks for nothing."""
    if threshold not in categories:
        return {}
    low = set(categories[list(categories).index(threshold) :])
    needed: dict[str, list[str]] = {}
    for row in rows:
        if row.get("category") not in low:
            continue
        parts = [part for part in ("kendala", "upaya") if not (row.get(part) or "").strip()]
        if parts:
            needed[str(row["indicator"])] = parts
    return needed


def missing_narratives(
    rows: Sequence[Mapping[str, Any]], categories: Sequence[str], threshold: str
) -> list[str]:
    """The gaps of a report whose low results are not explained: a capaian at or below
    `threshold` needs its kendala and its upaya before the report is submitted."""
    by_code = {str(row["indicator"]): row for row in rows}
    return [
        f"{' dan '.join(parts)} {code} (capaian {by_code[code]['category']}: "
        f"kendala dan upaya wajib diisi)"
        for code, parts in narratives_needed(rows, categories, threshold).items()
    ]


def missing_in_rows(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The gaps of a report as the live preview computes it: rows of
    `engine.realisation.report_rows` (with typed values merged in) and, when set, each row's
    `narrative_needed` parts; the same words as `missing_inputs` and `missing_narratives`."""
    if not rows:
        return [NO_INDICATORS]
    problems: list[str] = []
    for row in rows:
        code = row["indicator"]
        given = [item.get("value") for item in row.get("inputs", [])]
        if not (row.get("no_data_reason") or "").strip() and any(
            value is None or str(value).strip() == "" for value in given
        ):
            problems.append(f"isian {code} (atau alasan tidak ada data)")
    for row in rows:
        parts = row.get("narrative_needed") or []
        if parts:
            problems.append(
                f"{' dan '.join(parts)} {row['indicator']} (capaian {row['category']}: "
                f"kendala dan upaya wajib diisi)"
            )
    return problems

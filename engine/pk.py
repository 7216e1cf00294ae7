"""The rules of a Perjanjian Kinerja's content: its deadline, lateness and typed targets.

A PK is due one calendar month after the agency's DPA is ratified (engine.deadlines.pk_due):
PermenPAN-RB 53/2014 asks that it be signed (approved) by then, so one approved later (or
still unapproved past it) is flagged, never blocked. Targets
are checked as typed ("80", "80-90", "1.027.733,50"); in a PK Perubahan, a quarter whose
report is already verified keeps the target it was measured against.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from engine.capaian import parse_target
from engine.deadlines import pk_due
from engine.errors import ValidationError
from engine.indicators import Indicator
from engine.records import StoredTargets
from engine.targets import ROMAN, QuarterTargets
from engine.workflow import State

LOCKED_REPORT_STATES = frozenset({State.VERIFIED, State.APPROVED})
"""A quarter whose report is in one of these keeps its target in a PK Perubahan."""


def pk_deadline(dpa_date: date | None) -> date | None:
    """One month after the DPA of the PK's agency and year, if the DPA date is known."""
    return None if dpa_date is None else pk_due(dpa_date)


def needs_lateness_check(deadline: date | None, revision: int) -> bool:
    """Only a first revision with a known deadline can be late."""
    return deadline is not None and revision == 1


def is_pk_late(deadline: date | None, revision: int, approved: date | None, today: date) -> bool:
    """Flag a PK approved (signed) after its deadline, or still unapproved past it.

    The approval counts, on the regency's calendar date: a PK submitted in time but
    returned and approved after the deadline is late. A PK Perubahan is never late.
    """
    if deadline is None or not needs_lateness_check(deadline, revision):
        return False
    if approved is not None:
        return approved > deadline
    return today > deadline


def clean(text: str | None) -> str | None:
    """A typed text without surrounding blanks; None when nothing is left."""
    return None if text is None or not text.strip() else text.strip()


def same_target(typed: str | None, stored: str | None) -> bool:
    """Whether two typed targets mean the same ("1.000" and "1000" do)."""
    typed, stored = clean(typed), clean(stored)
    if typed is None or stored is None:
        return typed == stored
    return parse_target(typed) == parse_target(stored)


def checked_targets(
    indicator: Indicator,
    *,
    annual: str,
    quarters: Sequence[str | None],
    tw4_reason: str | None = None,
    locked: Mapping[int, str | None] | None = None,
) -> tuple[StoredTargets, list[str]]:
    """The targets to store for an indicator, and the warnings to show; ValidationError if
    they cannot be stored.

    `locked`: the quarters whose report is verified (in a PK Perubahan), with the target
    of the previous revision each must keep.
    """
    if len(quarters) != 4:
        raise ValidationError("Isi target TW I sampai TW IV", log_message="need four quarters")
    parsed_annual = parse_target(annual)
    parsed = [None if not q or not q.strip() else parse_target(q) for q in quarters]
    for quarter, before in sorted((locked or {}).items()):
        if same_target(quarters[quarter - 1], before) is False:
            raise ValidationError(
                f"Target TW {ROMAN[quarter - 1]} tidak dapat diubah: laporannya sudah diverifikasi",
                log_message=f"quarter {quarter} target locked for {indicator.code}",
            )
    check = QuarterTargets(
        parsed_annual, (parsed[0], parsed[1], parsed[2], parsed[3]), indicator.target_mode
    ).check(indicator.rollup, indicator.polarity)
    if check.reason_required and not (tw4_reason or "").strip() and None not in parsed:
        raise ValidationError(
            f"{indicator.code}: {check.reason_required}; isi alasannya",
            log_message=f"tw4 reason required for {indicator.code}",
        )
    stored = StoredTargets(
        annual=annual.strip(),
        tw1=clean(quarters[0]),
        tw2=clean(quarters[1]),
        tw3=clean(quarters[2]),
        tw4=clean(quarters[3]),
        tw4_reason=clean(tw4_reason),
    )
    return stored, list(check.warnings)

"""Quarterly reports: opened for each position with an approved PK, then filled in draft.

An entry is the formula's inputs of one indicator, typed the Indonesian way ("12,5"),
or the reason there is no data, with the kendala and upaya behind it. Inputs merge
with what was already stored; an empty value clears one. The page and the API store
all typed entries or none (`save_entries`); the CLI stores one (`fill_entry`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.clock import local_date
from engine.completeness import narratives_needed
from engine.drafts import require_draft
from engine.errors import ForbiddenError, NotFoundError, ValidationError
from engine.gate import may_view
from engine.indicators import Indicator
from engine.inputs import check_input
from engine.policy import JAKARTA, Policy
from engine.ports import DocumentRepository, ReportRepository, UnitOfWork, writes
from engine.realisation import report_rows
from engine.records import DocumentHead, StoredEntry
from engine.usecases.capaian_rules import capaian_rules
from engine.usecases.documents import CONSOLE, check_editable, record_save
from engine.usecases.organisation import closed_positions
from engine.usecases.workflow import NARRATIVE_LIMIT, ActionResult, apply_action
from engine.workflow import Action, Actor, DocKind, DocumentView, State

__all__ = [
    "EntryInput",
    "add_missing_reports",
    "fill_entry",
    "open_reports",
    "preview_entries",
    "save_and_submit",
    "save_entries",
    "write_entry",
]


@dataclass(frozen=True)
class EntryInput:
    """What a user typed for one indicator of a report (None: leave that part as it is)."""

    values: Mapping[str, str] = field(default_factory=dict)
    no_data_reason: str | None = None
    kendala: str | None = None
    upaya: str | None = None


def find_indicator(documents: DocumentRepository, head: DocumentHead, code: str) -> Indicator:
    """An indicator of the document's position and year by its code (NotFoundError if none)."""
    for indicator in documents.indicators(head.position_id, head.year):
        if indicator.code == code:
            return indicator
    what = f"Indikator '{code}' jabatan ini tahun {head.year}"
    raise NotFoundError(f"{what} tidak ditemukan", log_message=f"{what} not found")


def _head(view: DocumentView) -> DocumentHead:
    return DocumentHead(view.kind, view.id, view.position_id, view.year, view.state, view.quarter)


def add_missing_reports(
    reports: ReportRepository,
    year: int,
    quarter: int,
    now: datetime,
    closed: Collection[int] = frozenset(),
) -> list[int]:
    """Open the quarter's report for every position with an approved PK that has none yet
    but those `closed` before the quarter (no commit); the ids of the reports opened."""
    approved = reports.positions_with_approved_pk(year)
    existing = reports.report_positions(year, quarter)
    return reports.add_reports(year, quarter, sorted(approved - existing - set(closed)), now)


def quarter_start(year: int, quarter: int) -> date:
    """The first day of a quarter (a position closed before it gets no report of it)."""
    return date(year, 3 * quarter - 2, 1)


@writes
def open_reports(uow: UnitOfWork, year: int, quarter: int, *, now: datetime) -> list[int]:
    """Open the quarter's report for every position with an approved PK (safe to repeat)
    and commit; the ids of the reports opened now."""
    first = quarter_start(year, quarter)
    approved = uow.reports.positions_with_approved_pk(year)
    closed = closed_positions(filter(None, map(uow.admin.position, approved)), first)
    opened = add_missing_reports(uow.reports, year, quarter, now, closed)
    uow.commit()
    return opened


def _merged(indicator: Indicator, stored: StoredEntry, typed: EntryInput) -> StoredEntry:
    """The entry as it is once what was typed is merged into what is stored (an empty value
    clears an input; ValidationError for an unknown variable or an unreadable number)."""
    unknown = sorted(set(typed.values) - set(indicator.formula.variables))
    if unknown:
        known = ", ".join(indicator.formula.variables)
        raise ValidationError(
            f"{indicator.code}: variabel tidak dikenal: {', '.join(unknown)} (yang ada: {known})",
            log_message=f"unknown variables {unknown} for {indicator.code}",
        )
    inputs = dict(stored.inputs)
    for name, raw in typed.values.items():
        if raw is None or not str(raw).strip():
            inputs.pop(name, None)
        else:
            variable = indicator.formula.variables[name]
            label = f"{indicator.code} {variable.display}"
            inputs[name] = str(check_input(str(raw), label, variable))

    def kept(text: str | None, before: str | None) -> str | None:
        return before if text is None else text.strip() or None

    return StoredEntry(
        inputs,
        kept(typed.no_data_reason, stored.no_data_reason),
        kept(typed.kendala, stored.kendala),
        kept(typed.upaya, stored.upaya),
    )


def _store(
    reports: ReportRepository, head: DocumentHead, indicator: Indicator, typed: EntryInput
) -> StoredEntry:
    """Merge what was typed into the stored entry and store it."""
    entry = _merged(indicator, reports.entry(head.id, indicator.id) or StoredEntry(), typed)
    reports.save_entry(head.id, indicator.id, entry)
    return entry


def write_entry(
    documents: DocumentRepository, reports: ReportRepository, report_id: int, code: str,
    typed: EntryInput,
) -> StoredEntry:  # fmt: skip
    """Store one indicator's entry in a draft report (no commit: a step of a use case or of a
    bulk writer holding its own transaction); the entry as stored."""
    head = documents.head(DocKind.REPORT, report_id)
    require_draft(head.kind, head.id, head.state)
    return _store(reports, head, find_indicator(documents, head, code), typed)


@writes
def fill_entry(
    uow: UnitOfWork,
    report_id: int,
    code: str,
    typed: EntryInput,
    *,
    now: datetime,
    zone: ZoneInfo = JAKARTA,
    expected_version: int | None = None,
    by: str = CONSOLE,
) -> StoredEntry:
    """Store one indicator's inputs (or a no-data reason) in a draft report and commit
    (`kinerja report fill`: the operator's console, no rights asked). The report's version
    moves on like a save from the page; `expected_version` refuses a stale one."""
    entry = write_entry(uow.documents, uow.reports, report_id, code, typed)
    version = uow.documents.record(DocKind.REPORT, report_id).version
    record_save(
        uow, DocKind.REPORT, report_id, version, by, now=now,
        zone=zone, expected_version=expected_version,
    )  # fmt: skip
    uow.commit()
    return entry


def check_entries(indicators: list[Indicator], entries: Mapping[str, EntryInput]) -> dict[str, str]:
    """Field errors (key "CODE.var" or "CODE.kendala" ...) for typed entries; empty when fine."""
    known = {indicator.code: indicator for indicator in indicators}
    errors: dict[str, str] = {}
    for code, entry in entries.items():
        indicator = known.get(code)
        if indicator is None:
            errors[code] = f"Indikator '{code}' bukan bagian laporan ini"
            continue
        for name, raw in entry.values.items():
            if name not in indicator.formula.variables:
                errors[f"{code}.{name}"] = f"Variabel '{name}' tidak dikenal untuk {code}"
            elif raw is not None and str(raw).strip():
                try:
                    check_input(str(raw), variable=indicator.formula.variables[name])
                except ValidationError as exc:
                    errors[f"{code}.{name}"] = exc.message
        for part in ("no_data_reason", "kendala", "upaya"):
            text = getattr(entry, part)
            if text is not None and len(text) > NARRATIVE_LIMIT:
                errors[f"{code}.{part}"] = f"Paling banyak {NARRATIVE_LIMIT} karakter"
    return errors


@writes
def save_entries(
    uow: UnitOfWork,
    report_id: int,
    entries: Mapping[str, EntryInput],
    actor: Actor,
    *,
    now: datetime,
    policy: Policy,
    expected_version: int | None = None,
) -> dict[str, str]:
    """Store typed entries in a draft `actor` may fill, all or nothing, and commit; the
    field errors (nothing stored), empty on success. ConflictError (nothing stored) when
    `expected_version`, the version the form was built on, is not the report's any more."""
    errors = _save_entries(
        uow, report_id, entries, actor, now=now, policy=policy, expected_version=expected_version
    )
    if not errors:
        uow.commit()
    return errors  # with errors nothing is stored: leaving writing() rolls the version back


@writes
def save_and_submit(
    uow: UnitOfWork,
    report_id: int,
    entries: Mapping[str, EntryInput],
    actor: Actor,
    *,
    now: datetime,
    policy: Policy,
    expected_version: int | None = None,
) -> tuple[dict[str, str], ActionResult | None]:
    """Store typed entries and submit the report through the gate, in one transaction
    ("Simpan dan ajukan"): the field errors and no result when an entry is refused; the
    gate's ActionRefusedError (or a ConflictError for a stale form) otherwise. On any
    refusal nothing is stored. The submit writes its log row and outbox rows exactly as
    a plain submit does (`engine.usecases.workflow.apply_action`)."""
    errors = _save_entries(
        uow, report_id, entries, actor, now=now, policy=policy, expected_version=expected_version
    )
    if errors:
        return errors, None
    result = apply_action(
        uow, DocKind.REPORT, report_id, Action.SUBMIT, actor, now=now, policy=policy,
        must_view=True,
    )  # fmt: skip
    uow.commit()
    return {}, result


def _save_entries(
    uow: UnitOfWork,
    report_id: int,
    entries: Mapping[str, EntryInput],
    actor: Actor,
    *,
    now: datetime,
    policy: Policy,
    expected_version: int | None,
) -> dict[str, str]:
    """`save_entries` without the commit."""
    view = check_editable(uow, DocKind.REPORT, report_id, actor, now=now, policy=policy).view
    head = _head(view)  # a draft: `check_editable` saw it in this transaction
    record_save(
        uow, DocKind.REPORT, report_id, view.version, actor.name, now=now, zone=policy.zone,
        expected_version=expected_version,
    )  # fmt: skip
    indicators = uow.documents.indicators(view.position_id, view.year)
    errors = check_entries(indicators, entries)
    if errors:
        return errors
    by_code = {indicator.code: indicator for indicator in indicators}
    for code, typed in entries.items():
        _store(uow.reports, head, by_code[code], typed)
    return {}


def preview_entries(
    uow: UnitOfWork,
    report_id: int,
    entries: Mapping[str, EntryInput],
    actor: Actor,
    *,
    now: datetime,
    policy: Policy,
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Realisation, capaian and category as they would be with the typed inputs, for a
    report `actor` may see; the field errors of what was typed, and the report's rows (each
    with `narrative_needed`: the kendala / upaya a low result still lacks).

    A pure read: the stored entries, targets and indicators are read, the valid typed
    values merged in memory as a save would merge them (a draft only), and the rows
    computed by `engine.realisation.report_rows`, the code the report page shows. Nothing
    is written and no action is asked of the gate.
    """
    view = uow.workflow.document(DocKind.REPORT, report_id, with_org=True)
    tree = uow.workflow.org_tree_for(view.position_id)
    if not may_view(view.position_id, actor, local_date(now, policy.zone), tree=tree):
        raise ForbiddenError(
            f"Anda tidak berhak melihat {view.ref}",
            log_message=f"{actor.name} may not view {view.ref}",
        )
    found = uow.reports.report_sources(report_id)
    errors = check_entries(found.indicators, entries)
    own, earlier = dict(found.entries), dict(found.earlier)
    if view.state is State.DRAFT:
        by_code = {indicator.code: indicator for indicator in found.indicators}
        for code, typed in entries.items():
            if code in errors:
                continue
            indicator = by_code[code]
            values = {k: v for k, v in typed.values.items() if f"{code}.{k}" not in errors}
            entry = _merged(
                indicator, own.get(indicator.id) or StoredEntry(),
                EntryInput(values, typed.no_data_reason, typed.kendala, typed.upaya),
            )  # fmt: skip
            own[indicator.id] = earlier[(indicator.id, found.quarter)] = entry
    rules = capaian_rules(uow, view.year)
    rows = report_rows(found.indicators, found.quarter, own, earlier, found.targets, rules)
    names = [category.name for category in rules.scale.categories]
    needed = narratives_needed(rows, names, policy.narrative_threshold)
    for row in rows:
        row["narrative_needed"] = needed.get(row["indicator"], [])
    return errors, rows

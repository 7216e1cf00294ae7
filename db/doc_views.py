"""Read models of workflow documents: what `show` prints and the API returns.

Plain dicts of JSON-ready values (numbers as exact decimal strings), built
with a few queries per document; the same computation (formulas, capaian) as
everywhere else.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from db.documents import get_pk, get_report, is_pk_late, pk_deadline
from db.indicator_repo import load_indicators
from db.models import (
    Agency,
    PerjanjianKinerja,
    PkTarget,
    PositionRow,
    QuarterlyReport,
    ReportEntry,
)
from db.recap_query import quarter_targets, realisation
from db.workflow_models import PkBudgetLine, TransitionLog
from db.workflow_store import SqlWorkflowStore
from engine.capaian import capaian, category
from engine.clock import JAKARTA, local_date
from engine.formatting import format_date_id
from engine.gate import parties
from engine.periods import Quarter
from engine.targets import period_realisation
from engine.usecases.workflow import signatories
from engine.workflow import DocKind, DocumentView


def _number(value: Any) -> str | None:
    return None if value is None else str(value)


def when(moment: datetime, zone: ZoneInfo = JAKARTA) -> str:
    """A moment as people read it: "20 Januari 2021 09.00 WIB"."""
    local = moment.astimezone(zone)
    suffix = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(
        str(zone), str(zone)
    )
    return f"{format_date_id(local.date())} {local:%H.%M} {suffix}"


def history(
    session: Session, kind: DocKind, doc_id: int, zone: ZoneInfo = JAKARTA
) -> list[dict[str, Any]]:
    """Who did what, when, as what, with which comment."""
    rows = session.exec(
        select(TransitionLog)
        .where(TransitionLog.doc_type == kind.value, TransitionLog.doc_id == doc_id)
        .order_by(col(TransitionLog.id))
    )
    return [
        {
            "id": r.id,
            "at": r.at.isoformat(),
            "when": when(r.at, zone),
            "action": r.action,
            "from": r.from_state,
            "to": r.to_state,
            "actor": r.actor_name,
            "nip": r.actor_nip,
            "as": r.acting_title,
            "acting_status": r.acting_status,
            "comment": r.comment,
            "visit": r.visit,
        }
        for r in rows
    ]


def _header(
    session: Session,
    row: PerjanjianKinerja | QuarterlyReport,
    kind: DocKind,
    view: DocumentView | None = None,
) -> dict[str, Any]:
    position = session.get(PositionRow, row.position_id)
    assert position is not None and row.id is not None
    if view is None or view.version != row.version:
        view = SqlWorkflowStore(session).document(kind, row.id)
    return {
        "ref": view.ref,
        "id": row.id,
        "kind": kind.value,
        "position": position.code,
        "position_title": position.title,
        "year": row.year,
        "state": row.state,
        "version": row.version,
        "visit": row.visit,
        "missing": list(view.missing),
        "history": history(session, kind, row.id),
    }


def pk_view(
    session: Session,
    pk_id: int,
    today: date,
    zone: ZoneInfo = JAKARTA,
    *,
    view: DocumentView | None = None,
) -> dict[str, Any]:
    """A PK with its targets, budget lines, parties, deadline and history.

    `view`: the workflow's view of this PK if the caller already read it in this session
    (the gate's check), so that its completeness is not worked out twice.
    """
    pk = get_pk(session, pk_id)
    data = _header(session, pk, DocKind.PK, view)
    targets = {
        t.indicator_id: t for t in session.exec(select(PkTarget).where(PkTarget.pk_id == pk.id))
    }
    indicators = load_indicators(session, year=pk.year, position_ids=[pk.position_id])
    data["revision"] = pk.revision
    data["revision_reason"] = pk.revision_reason
    data["targets"] = [
        {
            "indicator": i.code,
            "name": i.name,
            "unit": i.unit,
            "annual": t.annual if (t := targets.get(i.id)) else None,
            "quarters": [getattr(t, f"tw{q}") for q in range(1, 5)] if t else [None] * 4,
            "tw4_reason": t.tw4_reason if t else None,
            "mode": i.target_mode.value,
        }
        for i in indicators
    ]
    lines = lines_list(session, pk.id)
    budget = [
        {"program": b.program, "kegiatan": b.kegiatan, "sub_kegiatan": b.sub_kegiatan,
         "anggaran": str(b.anggaran)}
        for b in lines
    ]  # fmt: skip
    data["budget"] = budget
    data["budget_total"] = str(sum((b.anggaran for b in lines), Decimal(0)))
    deadline = pk_deadline(session, pk)
    data["deadline"] = deadline.isoformat() if deadline else None
    data["late"] = is_pk_late(session, pk, today, zone)
    data["parties"] = {
        "first": _party(pk.first_party_name, pk.first_party_nip, pk.first_party_title),
        "second": _party(pk.second_party_name, pk.second_party_nip, pk.second_party_title),
    }
    data["parties_provisional"] = not pk.first_party_name
    if data["parties_provisional"]:  # not approved yet: who would sign on `today`
        store = SqlWorkflowStore(session)
        tree = store.org_tree()
        first, second = signatories(store, tree, parties(tree, pk.position_id), today)
        data["parties"] = {
            "first": _party(first.name or None, first.nip, first.title),
            "second": _party(second.name or None, second.nip, second.title),
        }
    position = session.get(PositionRow, pk.position_id)
    agency = None if position is None else session.get(Agency, position.agency_id)
    data["agency"] = None if agency is None else agency.name
    data["place"] = None if agency is None else agency.place
    signed = today if pk.approved_at is None else local_date(pk.approved_at, zone)
    data["signed_on"] = signed.isoformat()
    return data


def _party(name: str | None, nip: str | None, title: str | None) -> dict[str, str | None]:
    return {"name": name, "nip": nip, "title": title}


def lines_list(session: Session, pk_id: int | None) -> list[PkBudgetLine]:
    """The budget lines of a PK in order."""
    return list(
        session.exec(
            select(PkBudgetLine)
            .where(PkBudgetLine.pk_id == pk_id)
            .order_by(col(PkBudgetLine.ordinal))
        )
    )


def report_view(
    session: Session, report_id: int, *, view: DocumentView | None = None
) -> dict[str, Any]:
    """A report with each indicator's inputs, realisation, target, capaian and category.

    `view`: as for `pk_view`.
    """
    report = get_report(session, report_id)
    data = _header(session, report, DocKind.REPORT, view)
    data["quarter"] = report.quarter
    data["period"] = Quarter(report.year, report.quarter).label
    store = SqlWorkflowStore(session)
    pk = store.approved_pk(report.position_id, report.year)
    data["pk"] = None if pk is None else f"PK-{pk.id}"
    targets = {}
    if pk is not None:
        targets = {
            t.indicator_id: t for t in session.exec(select(PkTarget).where(PkTarget.pk_id == pk.id))
        }
    entries = {
        e.indicator_id: e
        for e in session.exec(select(ReportEntry).where(ReportEntry.report_id == report.id))
    }
    # Earlier quarters' entries, for cumulative targets measured to date.
    earlier = {
        (e.indicator_id, q): e
        for e, q in session.exec(
            select(ReportEntry, QuarterlyReport.quarter)
            .join(QuarterlyReport)
            .where(
                QuarterlyReport.position_id == report.position_id,
                QuarterlyReport.year == report.year,
                QuarterlyReport.quarter <= report.quarter,
            )
        )
    }
    rows = []
    for indicator in load_indicators(session, year=report.year, position_ids=[report.position_id]):
        entry = entries.get(indicator.id)
        own = realisation(indicator, entry)
        goals = quarter_targets(indicator, targets.get(indicator.id))
        results = [realisation(indicator, earlier.get((indicator.id, q))) for q in range(1, 5)]
        target = None if goals is None else goals.for_quarter(report.quarter)
        measured = (
            own if goals is None
            else period_realisation(goals.mode, results, report.quarter, indicator.rollup)
        )  # fmt: skip
        score = capaian(target, measured, indicator.polarity)
        group = category(score)
        rows.append(
            {
                "indicator": indicator.code,
                "indicator_id": indicator.id,
                "name": indicator.name,
                "unit": indicator.unit,
                "expression": indicator.formula.expression,
                "inputs": [
                    {
                        "name": v.name,
                        "label": v.label,
                        "unit": v.unit,
                        "value": None if entry is None else entry.inputs.get(v.name),
                    }
                    for v in indicator.formula.variables.values()
                ],
                "no_data_reason": None if entry is None else entry.no_data_reason,
                "kendala": None if entry is None else entry.kendala,
                "upaya": None if entry is None else entry.upaya,
                "realisation": _number(own.value),
                "realisation_status": own.outcome.value,
                "realisation_reason": own.reason,
                "measured_to_date": _number(measured.value),
                "target": None if target is None else str(target),
                "capaian": _number(score.value),
                "capaian_status": score.outcome.value,
                "capaian_reason": score.reason,
                "category": None if group is None else group.name,
                "decimals": indicator.decimals,
            }
        )
    data["entries"] = rows
    return data

"""Writing a checked organisation document: idempotent, in the caller's transaction.

Positions are matched by (agency, code), officials by NIP and assignments by
(NIP, position, status, start); a second import of the same file finds
everything equal and changes nothing. Positions, officials and assignments
that are in the database but not in the file are left alone (documents may
refer to them); the report lists such positions so the admin can see them.
The checks (the file's and those against the database) are done before, by the
import use case (engine/usecases/organisation.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from sqlmodel import Session, select

from db.import_report import apply_values
from db.models import Agency, AssignmentRow, OfficialRow, PositionRow, Regency
from engine.imports import ImportReport
from engine.orgspec import OrgDocument

T = TypeVar("T", Regency, Agency)


def write_org(session: Session, document: OrgDocument) -> ImportReport:
    """Upsert the document's rows; the caller owns the transaction."""
    report = ImportReport()
    regency = _upsert_regency(session, document, report)
    agency = _upsert_agency(session, document, regency, report)
    positions = _upsert_positions(session, document, agency, report)
    officials = _upsert_officials(session, document, report)
    _upsert_assignments(session, document, positions, officials, report)
    return report


def _upsert_regency(session: Session, document: OrgDocument, report: ImportReport) -> Regency:
    spec = document.regency
    row = session.exec(select(Regency).where(Regency.code == spec.code)).first()
    values = {"code": spec.code, "name": spec.name, "head_title": spec.head_title}
    return _upsert_one(session, row, Regency, values, "pemda", report)


def _upsert_agency(
    session: Session, document: OrgDocument, regency: Regency, report: ImportReport
) -> Agency:
    spec = document.agency
    row = session.exec(select(Agency).where(Agency.code == spec.code)).first()
    assert regency.id is not None
    values = {
        "regency_id": regency.id,
        "code": spec.code,
        "name": spec.name,
        "short_name": spec.short_name,
        "place": spec.place,
    }
    return _upsert_one(session, row, Agency, values, "perangkat daerah", report)


def _upsert_one(
    session: Session,
    row: T | None,
    model: type[T],
    values: Mapping[str, object],
    kind: str,
    report: ImportReport,
) -> T:
    if row is None:
        row = model.model_validate(values)
        session.add(row)
        session.flush()
        report.count(kind, "created")
    else:
        report.count(kind, "updated" if apply_values(row, values) else "unchanged")
    return row


def _upsert_positions(
    session: Session, document: OrgDocument, agency: Agency, report: ImportReport
) -> dict[str, int]:
    assert agency.id is not None
    rows = {
        row.code: row
        for row in session.exec(select(PositionRow).where(PositionRow.agency_id == agency.id))
    }
    outcome: dict[str, str] = {}
    for order, spec in enumerate(document.positions):
        values: dict[str, object] = {
            "title": spec.title,
            "unit_name": spec.unit,
            "level": spec.level.value,
            "sort_order": order,
        }
        row = rows.get(spec.code)
        if row is None:
            row = PositionRow(agency_id=agency.id, code=spec.code, **values)  # type: ignore[arg-type]
            session.add(row)
            rows[spec.code] = row
            outcome[spec.code] = "created"
        else:
            outcome[spec.code] = "updated" if apply_values(row, values) else "unchanged"
    session.flush()
    for spec in document.positions:
        row = rows[spec.code]
        parent_id = rows[spec.superior].id if spec.superior else None
        if row.parent_id != parent_id:
            row.parent_id = parent_id
            if outcome[spec.code] == "unchanged":
                outcome[spec.code] = "updated"
    for result in outcome.values():
        report.count("jabatan", result)
    in_file = {spec.code for spec in document.positions}
    report.not_in_file = sorted(code for code in rows if code not in in_file)
    session.flush()
    return {code: row.id for code, row in rows.items() if row.id is not None}


def _upsert_officials(
    session: Session, document: OrgDocument, report: ImportReport
) -> dict[str, int]:
    rows = {row.nip: row for row in session.exec(select(OfficialRow))}
    for spec in document.officials:
        row = rows.get(spec.nip)
        if row is None:
            row = OfficialRow(nip=spec.nip, name=spec.name, email=spec.email)
            session.add(row)
            rows[spec.nip] = row
            report.count("pegawai", "created")
        else:
            changed = apply_values(row, {"name": spec.name, "email": spec.email})
            report.count("pegawai", "updated" if changed else "unchanged")
    session.flush()
    return {nip: row.id for nip, row in rows.items() if row.id is not None}


def _upsert_assignments(
    session: Session,
    document: OrgDocument,
    positions: dict[str, int],
    officials: dict[str, int],
    report: ImportReport,
) -> None:
    rows = {
        (row.official_id, row.position_id, row.status, row.valid_from): row
        for row in session.exec(select(AssignmentRow))
    }
    # Updates first: closing an old definitif window must happen before its
    # successor's open window is inserted (one open definitif per position).
    new: list[AssignmentRow] = []
    for spec in document.assignments:
        official_id, position_id = officials[spec.nip], positions[spec.position]
        key = (official_id, position_id, spec.status.value, spec.valid_from)
        row = rows.get(key)
        if row is None:
            row = AssignmentRow(
                official_id=official_id,
                position_id=position_id,
                status=spec.status.value,
                valid_from=spec.valid_from,
                valid_to=spec.valid_to,
                decree=spec.decree,
            )
            rows[key] = row
            new.append(row)
            report.count("penugasan", "created")
        else:
            changed = apply_values(row, {"valid_to": spec.valid_to, "decree": spec.decree})
            report.count("penugasan", "updated" if changed else "unchanged")
    session.flush()
    session.add_all(new)
    session.flush()

"""Writing checked organisation and catalogue documents: idempotent, in the caller's transaction.

The checks (the file's, and those against the database: `catalogue_facts`, the
organisation repository's `facts`) are done before, by the import use cases
(engine/usecases/organisation.py and catalogue.py); these only upsert rows. Rows are
matched by their natural keys and changed only where a value differs (`apply_values`),
so a second import of the same file finds everything equal and changes nothing. Rows
in the database but not in the file stay (documents may refer to them); the report
lists them so the admin can see them.

The organisation: positions by (agency, code), officials by NIP, assignments by (NIP,
position, status, start). The catalogue: the duties (tugas and fungsi), indicators and
formula variables of one agency and year, indicators by (agency, year, code).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from sqlmodel import Session, col, delete, select

from db.models import (
    Agency,
    AssignmentRow,
    IndicatorRow,
    IndicatorVariable,
    OfficialRow,
    PositionDuty,
    PositionRow,
    Regency,
)
from db.workflow_models import IndicatorManual
from engine.catalogue import CatalogDocument, CatalogueFacts, IndicatorSpec, PositionSpec
from engine.imports import ImportReport
from engine.manual import MANUAL_FIELDS, ManualEntry
from engine.orgspec import OrgDocument


def apply_values(row: object, values: Mapping[str, object]) -> bool:
    """Set the attributes that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


# --- the organisation ------------------------------------------------------------------

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
        if spec.role is not None:
            values["role"] = spec.role.value
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


# --- the catalogue ---------------------------------------------------------------------


def catalogue_facts(session: Session) -> CatalogueFacts:
    """Every agency with its position codes, and the indicator codes stored per year."""
    rows = session.exec(select(Agency.code, PositionRow.code).join(PositionRow))
    positions: dict[str, set[str]] = {}
    for agency_code, position_code in rows:
        positions.setdefault(agency_code, set()).add(position_code)
    for agency in session.exec(select(Agency)):
        positions.setdefault(agency.code, set())
    stored: dict[tuple[str, int], set[str]] = {}
    for agency_code, year, code in session.exec(
        select(Agency.code, IndicatorRow.year, IndicatorRow.code).join(IndicatorRow)
    ):
        stored.setdefault((agency_code, year), set()).add(code)
    return CatalogueFacts(
        {code: frozenset(items) for code, items in positions.items()},
        {key: frozenset(items) for key, items in stored.items()},
    )


def write_catalog(session: Session, document: CatalogDocument) -> ImportReport:
    """Upsert the catalogue's duties, indicators and variables; the caller owns the transaction."""
    report = ImportReport()
    agency = session.exec(select(Agency).where(Agency.code == document.agency)).one()
    assert agency.id is not None
    positions = {
        row.code: row.id
        for row in session.exec(select(PositionRow).where(PositionRow.agency_id == agency.id))
        if row.id is not None
    }
    for position in document.positions:
        _write_duties(session, positions[position.position], document.year, position, report)
    rows = {
        row.code: row
        for row in session.exec(
            select(IndicatorRow).where(
                IndicatorRow.agency_id == agency.id, IndicatorRow.year == document.year
            )
        )
    }
    outcome: dict[str, str] = {}
    for order, spec in enumerate(document.indicators):
        values = _values(spec, positions[spec.position], order)
        row = rows.get(spec.code)
        if row is None:
            row = IndicatorRow.model_validate(
                {"agency_id": agency.id, "year": document.year, "code": spec.code, **values}
            )
            session.add(row)
            rows[spec.code] = row
            outcome[spec.code] = "created"
        else:
            outcome[spec.code] = "updated" if apply_values(row, values) else "unchanged"
    session.flush()
    for spec in document.indicators:
        row = rows[spec.code]
        parent_id = rows[spec.parent].id if spec.parent else None
        changed = apply_values(row, {"parent_id": parent_id})
        changed |= _write_variables(session, row, spec)
        changed |= write_manual(session, row, spec)
        if changed and outcome[spec.code] == "unchanged":
            outcome[spec.code] = "updated"
    for result in outcome.values():
        report.count("indikator", result)
    in_file = {spec.code for spec in document.indicators}
    report.not_in_file = sorted(code for code in rows if code not in in_file)
    session.flush()
    return report


def _values(spec: IndicatorSpec, position_id: int, order: int) -> dict[str, object]:
    return {
        "position_id": position_id,
        "kind": spec.kind.value,
        "kinerja": spec.kinerja,
        "name": spec.name,
        "unit": spec.unit,
        "expression": spec.expression,
        "preset": None if spec.preset is None else spec.preset.value,
        "data_source": spec.data_source,
        "polarity": spec.polarity.value,
        "rollup": spec.rollup.value,
        "target_mode": spec.target_mode.value,
        "decimals": spec.decimals,
        "note": spec.note,
        "sort_order": order,
        "origin": spec.origin.value,
        "origin_note": spec.origin_note,
        "growth_basis": None if spec.growth_basis is None else spec.growth_basis.value,
    }


_VARIABLE_FIELDS = ("ordinal", "name", "label", "unit", "kind", "negative")


def _write_variables(session: Session, row: IndicatorRow, spec: IndicatorSpec) -> bool:
    assert row.id is not None
    current = [
        (v.ordinal, v.name, v.label, v.unit, v.kind, v.negative)
        for v in session.exec(
            select(IndicatorVariable)
            .where(IndicatorVariable.indicator_id == row.id)
            .order_by(col(IndicatorVariable.ordinal))
        )
    ]
    wanted = [
        (i, v.name, v.label, v.unit, None if v.kind is None else v.kind.value, v.negative)
        for i, v in enumerate(spec.variables)
    ]
    if current == wanted:
        return False
    session.exec(delete(IndicatorVariable).where(col(IndicatorVariable.indicator_id) == row.id))
    rows = [dict(zip(_VARIABLE_FIELDS, item, strict=True), indicator_id=row.id) for item in wanted]
    session.add_all(IndicatorVariable.model_validate(values) for values in rows)
    return True


def write_manual(session: Session, row: IndicatorRow, spec: IndicatorSpec) -> bool:
    """The indicator's Manual IK entry as the file states it (no `manual:`: no row)."""
    assert row.id is not None
    stored = session.get(IndicatorManual, row.id)
    if spec.manual is None:
        if stored is None:
            return False
        session.delete(stored)
        return True
    values = {name: getattr(spec.manual, name) for name in MANUAL_FIELDS}
    if stored is None:
        session.add(IndicatorManual(indicator_id=row.id, **values))
        return True
    return apply_values(stored, values)


def stored_manuals(session: Session, indicator_ids: Sequence[int]) -> dict[int, ManualEntry]:
    """The stored Manual IK entries of these indicators, by indicator id (none stated: absent)."""
    if not indicator_ids:
        return {}
    rows = session.exec(
        select(IndicatorManual).where(col(IndicatorManual.indicator_id).in_(list(indicator_ids)))
    )
    return {
        row.indicator_id: ManualEntry(**{name: getattr(row, name) for name in MANUAL_FIELDS})
        for row in rows
    }


def _write_duties(
    session: Session, position_id: int, year: int, spec: PositionSpec, report: ImportReport
) -> None:
    current = [
        (d.kind, d.ordinal, d.text)
        for d in session.exec(
            select(PositionDuty)
            .where(PositionDuty.position_id == position_id, PositionDuty.year == year)
            .order_by(col(PositionDuty.kind), col(PositionDuty.ordinal))
        )
    ]
    wanted = sorted(_duty_rows("fungsi", spec.fungsi) + _duty_rows("tugas", spec.tugas))
    if current == wanted:
        report.count("tugas dan fungsi jabatan", "unchanged")
        return
    session.exec(
        delete(PositionDuty).where(
            col(PositionDuty.position_id) == position_id, col(PositionDuty.year) == year
        )
    )
    session.add_all(
        PositionDuty(position_id=position_id, year=year, kind=kind, ordinal=ordinal, text=text)
        for kind, ordinal, text in wanted
    )
    report.count("tugas dan fungsi jabatan", "updated" if current else "created")


def _duty_rows(kind: str, texts: Sequence[str]) -> list[tuple[str, int, str]]:
    return [(kind, ordinal, text) for ordinal, text in enumerate(texts, start=1)]

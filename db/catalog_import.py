"""Writing a checked catalogue, idempotent, in the caller's transaction; what it is checked
against.

Indicators are matched by (agency, year, code); a changed text, formula or parent
is updated in place and variables and duties are replaced only when they
differ, so a second import of the same file changes nothing. Indicators in the
database but not in the file stay (PK targets and reports may refer to them);
the report lists them. The checks are done before, by the import use case
(engine/usecases/catalogue.py), against `catalogue_facts`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, delete, select

from db.import_report import apply_values
from db.models import Agency, IndicatorRow, IndicatorVariable, PositionDuty, PositionRow
from engine.catalogue import CatalogDocument, CatalogueFacts, IndicatorSpec, PositionSpec
from engine.imports import ImportReport


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
    }


def _write_variables(session: Session, row: IndicatorRow, spec: IndicatorSpec) -> bool:
    assert row.id is not None
    current = [
        (v.ordinal, v.name, v.label, v.unit)
        for v in session.exec(
            select(IndicatorVariable)
            .where(IndicatorVariable.indicator_id == row.id)
            .order_by(col(IndicatorVariable.ordinal))
        )
    ]
    wanted = [(i, v.name, v.label, v.unit) for i, v in enumerate(spec.variables)]
    if current == wanted:
        return False
    session.exec(delete(IndicatorVariable).where(col(IndicatorVariable.indicator_id) == row.id))
    session.add_all(
        IndicatorVariable(indicator_id=row.id, ordinal=i, name=name, label=label, unit=unit)
        for i, name, label, unit in wanted
    )
    return True


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

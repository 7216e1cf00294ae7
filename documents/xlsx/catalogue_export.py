"""A catalogue's contents as the rows of the workbook (template and export).

The export is the import's inverse: every value is written as the import reads it
back (enums by their value, TUGAS and FUNGSI one item per line, variables numbered
in their order), so importing an export changes nothing.
"""

from __future__ import annotations

from documents.xlsx.catalogue_layout import (
    BUDGET,
    INDICATORS,
    MANUAL,
    POSITIONS,
    TARGETS,
    VARIABLES,
)
from documents.xlsx.catalogue_manual import manual_rows
from documents.xlsx.catalogue_writer import Row, WorkbookContent, write_workbook
from engine.catalogue import IndicatorSpec
from engine.catalogue_workbook import CatalogueContents, PositionEntry

__all__ = ["catalogue_workbook", "workbook_content"]


def catalogue_workbook(contents: CatalogueContents) -> bytes:
    """The .xlsx bytes of the template or the export."""
    return write_workbook(workbook_content(contents))


def workbook_content(contents: CatalogueContents) -> WorkbookContent:
    """The rows of each sheet."""
    content = WorkbookContent(
        contents.agency, contents.year, rows={POSITIONS: [_position(p) for p in contents.positions]}
    )
    content.rows[INDICATORS] = [_indicator(spec) for spec in contents.indicators]
    content.rows[VARIABLES] = [
        {
            "indicator": spec.code,
            "name": variable.name,
            "label": variable.label,
            "unit": variable.unit or None,
            "order": order,
            "kind": None if variable.kind is None else variable.kind.value,
            "negative": "ya" if variable.negative else None,
        }
        for spec in contents.indicators
        for order, variable in enumerate(spec.variables, start=1)
    ]
    content.rows[TARGETS] = [
        {
            "position": target.position,
            "indicator": target.indicator,
            "annual": target.annual,
            "tw1": target.quarters[0],
            "tw2": target.quarters[1],
            "tw3": target.quarters[2],
            "tw4": target.quarters[3],
            "tw4_reason": target.reason,
        }
        for target in contents.targets
    ]
    content.rows[MANUAL] = manual_rows(contents.indicators)
    content.rows[BUDGET] = [
        {
            "position": entry.position,
            "program": entry.line.program,
            "kegiatan": entry.line.kegiatan,
            "sub_kegiatan": entry.line.sub_kegiatan,
            "anggaran": entry.line.anggaran,
        }
        for entry in contents.budget
    ]
    return content


def _position(position: PositionEntry) -> Row:
    return {
        "position": position.code,
        "title": position.title,
        "tugas": "\n".join(position.tugas) or None,
        "fungsi": "\n".join(position.fungsi) or None,
    }


def _indicator(spec: IndicatorSpec) -> Row:
    return {
        "position": spec.position,
        "code": spec.code,
        "kind": spec.kind.value,
        "kinerja": spec.kinerja,
        "name": spec.name,
        "unit": spec.unit,
        "preset": None if spec.preset is None else spec.preset.value,
        "expression": spec.expression,
        "polarity": spec.polarity.value,
        "rollup": spec.rollup.value,
        "quarterly_targets": spec.target_mode.value,
        "decimals": spec.decimals,
        "parent": spec.parent,
        "data_source": spec.data_source,
        "note": spec.note,
        "origin": spec.origin.value,
        "origin_note": spec.origin_note,
        "growth_basis": None if spec.growth_basis is None else spec.growth_basis.value,
    }

"""Reading the catalogue sheets (Petunjuk, Jabatan, Indikator, Variabel) into a `CatalogDocument`.

The rules are the YAML catalogue's (docs/catalogue.md) and use the same parts:
`CODE_PATTERN`, the enums, `engine.formulas` (presets, `parse`, variable names)
and `engine.org.find_cycles`. Every problem is recorded with its cell; the
caller raises once with all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from documents.xlsx.catalogue_cells import Cells, SheetRow, WorkbookSheets
from documents.xlsx.catalogue_layout import (
    AGENCY_CELL,
    COLUMNS,
    FORMAT,
    FORMAT_CELL,
    GUIDE,
    INDICATORS,
    MANUAL,
    POSITIONS,
    SOURCE_CELL,
    VARIABLES,
    YEAR_CELL,
    YES_NO,
)
from documents.xlsx.catalogue_manual import with_manuals
from documents.yaml.catalogue import (
    CODE_PATTERN,
    MAX_YEAR,
    MIN_YEAR,
)
from engine.capaian import Polarity
from engine.catalogue import CatalogDocument, IndicatorSpec, PositionSpec
from engine.catalogue_workbook import Duties, Known, StoredIndicator
from engine.formulas import (
    FormulaError,
    GrowthBasis,
    InputKind,
    Preset,
    Variable,
    check_variable_name,
    parse,
    preset_expression,
)
from engine.indicators import IndicatorKind, Origin
from engine.org import find_cycles
from engine.targets import Rollup, TargetMode
from engine.text import SINGLE_LINE_PROBLEM, bad_character

__all__ = ["CatalogSheets", "Duties", "Known", "StoredIndicator", "read_catalog", "read_guide"]


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(item.value for item in enum)


def read_guide(
    cells: Cells, sheets: WorkbookSheets, agencies: frozenset[str]
) -> tuple[str | None, int | None, str | None]:
    """The agency code, year and source written on the guide sheet (checked)."""
    if GUIDE not in sheets.present:
        only = next(iter(agencies)) if len(agencies) == 1 else None
        return only, None, None
    guide = sheets.guide

    def problem(cell: str, message: str) -> None:
        cells.add(GUIDE, int(cell[1:]), 2, message)

    if guide.get(FORMAT_CELL) != FORMAT:
        problem(FORMAT_CELL, f"harus '{FORMAT}' (buat buku kerja dari templat Kinerja)")
    agency = guide.get(AGENCY_CELL)
    agency = agency.strip() if isinstance(agency, str) and agency.strip() else None
    if agency is None:
        problem(AGENCY_CELL, "kode perangkat daerah wajib diisi")
    elif agency not in agencies:
        problem(AGENCY_CELL, f"perangkat daerah '{agency}' tidak dikenal; impor organisasinya dulu")
    raw_year = guide.get(YEAR_CELL)
    year = raw_year if isinstance(raw_year, int) and not isinstance(raw_year, bool) else None
    if isinstance(raw_year, str) and raw_year.strip().isdigit():
        year = int(raw_year.strip())
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        problem(YEAR_CELL, f"tahun wajib diisi, {MIN_YEAR} sampai {MAX_YEAR}")
        year = None
    source = guide.get(SOURCE_CELL)
    source = source.strip() if isinstance(source, str) and source.strip() else None
    if source is not None and bad_character(source) is not None:
        problem(SOURCE_CELL, f"sumber {SINGLE_LINE_PROBLEM}")
        source = None
    return agency, year, source


@dataclass
class _Draft:
    """What the Indikator sheet says of one indicator, before it becomes a spec."""

    row: SheetRow
    code: str | None
    parent: str | None
    spec: IndicatorSpec | None = None


@dataclass
class CatalogSheets:
    """The catalogue read from the workbook, with the indicators' rows for later messages."""

    document: CatalogDocument | None
    indicators: dict[str, IndicatorSpec]
    codes: frozenset[str]
    """Every indicator code on the Indikator sheet, valid row or not."""


def read_catalog(
    cells: Cells,
    sheets: WorkbookSheets,
    agency: str | None,
    year: int | None,
    source: str | None,
    known: Known,
) -> CatalogSheets:
    """Check the Jabatan, Indikator and Variabel sheets; build the document when all is well."""
    duties = _positions(cells, sheets.rows.get(POSITIONS, []), known.positions)
    variables = _variables(cells, sheets.rows.get(VARIABLES, []))
    drafts = [
        _indicator(cells, row, known.positions, variables)
        for row in sheets.rows.get(INDICATORS, [])
    ]
    _check_duplicates(cells, drafts)
    codes = frozenset(d.code for d in drafts if d.code)
    for code, rows in variables.items():
        if code not in codes:
            for row, _ in rows:
                cells.at(row, "indicator", f"indikator '{code}' tidak ada di lembar {INDICATORS}")
    _check_parents(cells, drafts, codes | frozenset(known.indicators))
    specs = {d.spec.code: d.spec for d in drafts if d.spec is not None}
    specs = with_manuals(cells, sheets.rows.get(MANUAL, []), specs, codes)
    document = None
    if agency is not None and year is not None:
        document = CatalogDocument(agency, year, source, _document_positions(specs, duties, known))
    return CatalogSheets(document, specs, codes)


def _positions(
    cells: Cells, rows: list[SheetRow], known: frozenset[str] | None
) -> dict[str, Duties]:
    result: dict[str, Duties] = {}
    first: dict[str, int] = {}
    for row in rows:
        code = cells.line(row, "position")
        tugas, fungsi = cells.lines(row, "tugas"), cells.lines(row, "fungsi")
        if code is None:
            continue
        if known is not None and code not in known:
            cells.at(row, "position", f"jabatan '{code}' tidak dikenal")
        elif code in first:
            cells.at(row, "position", f"jabatan '{code}' ganda (pertama di baris {first[code]})")
        else:
            first[code] = row.number
            result[code] = (tugas, fungsi)
    return result


def _variables(
    cells: Cells, rows: list[SheetRow]
) -> dict[str, list[tuple[SheetRow, Variable | None]]]:
    """Variables by indicator code, in their order; None marks a row with a problem."""
    grouped: dict[str, list[tuple[SheetRow, Variable | None, int | None]]] = {}
    for row in rows:
        indicator = cells.line(row, "indicator")
        name = cells.line(row, "name")
        label = cells.line(row, "label")
        unit = cells.line(row, "unit", required=False) or ""
        order = cells.integer(row, "order", low=1, high=999, default=None)
        kind = _optional_choice(cells, row, "kind", _values(InputKind))
        negative = _optional_choice(cells, row, "negative", YES_NO) == "ya"
        if name is not None:
            try:
                check_variable_name(name)
            except FormulaError as exc:
                cells.at(row, "name", exc.problem)
                name = None
        if indicator is None:
            continue
        group = grouped.setdefault(indicator, [])
        if name is not None and any(v is not None and v.name == name for _, v, _ in group):
            cells.at(row, "name", f"variabel '{name}' ganda untuk indikator '{indicator}'")
            name = None
        variable = (
            Variable(name, label, unit, None if kind is None else InputKind(kind), negative)
            if name is not None and label is not None
            else None
        )
        group.append((row, variable, order))
    result: dict[str, list[tuple[SheetRow, Variable | None]]] = {}
    for code, group in grouped.items():
        orders = [order for _, _, order in group]
        if any(o is not None for o in orders) and (
            None in orders or len(set(orders)) != len(orders)
        ):
            cells.at(
                group[0][0], "order",
                "isi Urutan yang berbeda untuk semua variabel indikator ini, atau kosongkan semua",
            )  # fmt: skip
            group = [(row, None, order) for row, _, order in group]
        ordered = sorted(enumerate(group), key=lambda item: (item[1][2] or 0, item[0]))
        result[code] = [(row, variable) for _, (row, variable, _) in ordered]
    return result


def _indicator(
    cells: Cells,
    row: SheetRow,
    known: frozenset[str] | None,
    variables: dict[str, list[tuple[SheetRow, Variable | None]]],
) -> _Draft:
    before = len(cells.problems)
    position = cells.line(row, "position")
    if position is not None and known is not None and position not in known:
        cells.at(row, "position", f"jabatan '{position}' tidak dikenal")
    code = cells.line(row, "code")
    if code is not None and not CODE_PATTERN.fullmatch(code):
        cells.at(row, "code", "huruf kecil, angka dan '-' saja, paling panjang 80")
    kind = cells.choice(row, "kind", _values(IndicatorKind))
    kinerja = cells.line(row, "kinerja")
    name = cells.line(row, "name")
    unit = cells.line(row, "unit")
    data_source = cells.line(row, "data_source")
    polarity = cells.choice(row, "polarity", _values(Polarity))
    rollup = cells.choice(row, "rollup", _values(Rollup))
    mode: str | None = TargetMode.CUMULATIVE.value
    if cells.text(row, "quarterly_targets", required=False) is not None:
        mode = cells.choice(row, "quarterly_targets", _values(TargetMode))
    decimals = cells.integer(row, "decimals", low=0, high=6, default=2)
    parent = cells.line(row, "parent", required=False)
    note = cells.text(row, "note", required=False)
    origin = _optional_choice(cells, row, "origin", _values(Origin)) or Origin.DECREE.value
    origin_note = cells.text(row, "origin_note", required=False)
    if origin == Origin.DERIVED.value and origin_note is None:
        cells.at(row, "origin", "indikator turunan wajib diisi Alasan asal")
    basis = _optional_choice(cells, row, "growth_basis", _values(GrowthBasis))
    draft = _Draft(row, code, parent)
    formula = _formula(cells, row, code, variables.get(code or "", []))
    missing = any(c.key not in row.columns for c in COLUMNS[INDICATORS] if not c.optional)
    if len(cells.problems) > before or formula is None or missing:
        return draft
    assert position and code and kind and kinerja and name and unit and data_source
    assert polarity and rollup and mode and decimals is not None
    expression, preset, declared = formula
    if basis is not None and preset is not Preset.GROWTH:
        cells.at(row, "growth_basis", "hanya untuk rumus pertumbuhan (preset growth)")
        return draft
    if basis is None and preset is Preset.GROWTH:
        basis = GrowthBasis.SAME_PERIOD.value
    draft.spec = IndicatorSpec(
        code, position, IndicatorKind(kind), kinerja, name, unit, expression, preset, declared,
        data_source, Polarity(polarity), Rollup(rollup), TargetMode(mode), decimals, parent, note,
        origin=Origin(origin), origin_note=origin_note,
        growth_basis=None if basis is None else GrowthBasis(basis),
    )  # fmt: skip
    return draft


def _optional_choice(cells: Cells, row: SheetRow, key: str, allowed: tuple[str, ...]) -> str | None:
    """One of `allowed` when the cell is filled, None when it is empty or its column absent."""
    if cells.text(row, key, required=False) is None:
        return None
    return cells.choice(row, key, allowed)


def _squash(text: str) -> str:
    return "".join(text.split())


def _formula(
    cells: Cells, row: SheetRow, code: str | None, rows: list[tuple[SheetRow, Variable | None]]
) -> tuple[str, Preset | None, tuple[Variable, ...]] | None:
    preset_name = cells.line(row, "preset", required=False)
    typed = cells.text(row, "expression", required=False)
    variables = tuple(v for _, v in rows if v is not None)
    if code is None or len(variables) < len(rows):
        return None  # the code or a variable row has a problem already
    preset: Preset | None = None
    key = "expression"
    if preset_name is None and typed is None:
        cells.at(row, "expression", "isi salah satu: Preset rumus atau Rumus")
        return None
    try:
        expression = typed or ""
        if preset_name is not None:
            key = "preset"
            if preset_name.lower() not in _values(Preset):
                cells.at(row, key, f"'{preset_name}' bukan salah satu dari {', '.join(Preset)}")
                return None
            preset = Preset(preset_name.lower())
            expression = preset_expression(preset, [v.name for v in variables])
            if typed is not None and _squash(typed) != _squash(expression):
                cells.at(
                    row, "expression",
                    f"rumus tidak sama dengan preset '{preset}' ({expression}); "
                    "kosongkan salah satu",
                )  # fmt: skip
                return None
            key = "expression"
        formula = parse(expression, variables)
    except FormulaError as exc:
        cells.at(row, key, exc.message)
        return None
    if formula.unused:
        for variable_row, variable in rows:
            if variable is not None and variable.name in formula.unused:
                cells.at(
                    variable_row, "name",
                    f"variabel '{variable.name}' tidak dipakai rumus indikator '{code}'",
                )  # fmt: skip
        return None
    return formula.expression, preset, variables


def _check_duplicates(cells: Cells, drafts: list[_Draft]) -> None:
    first: dict[str, _Draft] = {}
    for draft in drafts:
        if draft.code is None:
            continue
        if draft.code in first:
            earlier = first[draft.code].row.number
            message = f"kode indikator '{draft.code}' ganda (pertama di baris {earlier})"
            cells.at(draft.row, "code", message)
            draft.spec = None
        else:
            first[draft.code] = draft


def _check_parents(cells: Cells, drafts: list[_Draft], codes: frozenset[str]) -> None:
    """Parents must exist and the cascade must not loop (rows with other problems included)."""
    for draft in drafts:
        if draft.parent is not None and draft.parent not in codes:
            cells.at(draft.row, "parent", f"indikator induk '{draft.parent}' tidak dikenal")
    by_code = {d.code: d for d in reversed(drafts) if d.code is not None}
    parent_of = {
        code: d.parent for code, d in by_code.items() if d.parent is None or d.parent in by_code
    }
    for cycle in find_cycles(parent_of):
        first = min(cycle, key=lambda code: by_code[code].row.number)
        cells.at(by_code[first].row, "parent", "induk berputar: " + " -> ".join([*cycle, cycle[0]]))
        for code in cycle:
            by_code[code].spec = None


def _document_positions(
    specs: dict[str, IndicatorSpec], duties: dict[str, Duties], known: Known
) -> tuple[PositionSpec, ...]:
    """Positions in the order of their first indicator, then the rest of the Jabatan sheet.

    Empty TUGAS and FUNGSI leave what is stored (the template lists every position).
    """
    order = list(dict.fromkeys([s.position for s in specs.values()] + list(duties)))
    result = []
    for code in order:
        tugas, fungsi = duties.get(code, ((), ()))
        if not tugas and not fungsi:
            tugas, fungsi = known.duties.get(code, ((), ()))
        indicators = tuple(s for s in specs.values() if s.position == code)
        result.append(PositionSpec(code, tugas, fungsi, indicators))
    return tuple(result)

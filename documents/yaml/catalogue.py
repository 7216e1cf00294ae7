"""The indicator catalogue file (``format: kinerja-catalog/1``): parse and validate it whole.

Documented in docs/catalogue.md. Every formula is parsed with the same
evaluator that computes reports, every variable must be declared and used,
parents must exist (in the file or already in the database for that year) and
the cascade must have no cycle. Problems are collected with their lines; the
caller gets a clean `CatalogDocument` or a `CatalogFileError` listing all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from documents.yaml.checks import Checker
from documents.yaml.lines import LineDict, LineList, load_yaml
from documents.yaml.manual import manual_entry
from engine.capaian import Polarity
from engine.catalogue import (
    CatalogDocument,
    CatalogFileError,
    CatalogueFacts,
    CatalogueParser,
    IndicatorSpec,
    PositionSpec,
)
from engine.formulas import (
    FormulaError,
    GrowthBasis,
    InputKind,
    Preset,
    Variable,
    parse,
    preset_expression,
)
from engine.indicators import IndicatorKind, Origin
from engine.org import find_cycles
from engine.targets import Rollup, TargetMode

FORMAT = "kinerja-catalog/1"
CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_catalog_file(
    text: str,
    source: str,
    *,
    agencies: Mapping[str, frozenset[str]],
    existing_parents: Mapping[tuple[str, int], frozenset[str]] | None = None,
) -> CatalogDocument:
    """Validate a catalogue; raise `CatalogFileError` listing every problem.

    `agencies` maps agency code to its position codes (from the database);
    `existing_parents` maps (agency, year) to indicator codes already stored,
    which parents may name.
    """
    check = Checker()
    doc = check.mapping(load_yaml(text, source), 1, "berkas")
    if doc is None:
        raise CatalogFileError(source, check.problems)
    if doc.get("format") != FORMAT:
        check.add(doc.key_lines.get("format", 1), "format", f"harus '{FORMAT}'")
    agency = check.line(doc, "agency", "berkas")
    positions_known: frozenset[str] = frozenset()
    if agency is not None:
        if agency not in agencies:
            check.add(
                doc.key_lines.get("agency"),
                "agency",
                f"perangkat daerah '{agency}' tidak dikenal; impor organisasinya dulu",
            )
        positions_known = agencies.get(agency, frozenset())
    year = check.integer(doc, "year", "berkas", low=MIN_YEAR, high=MAX_YEAR, default=0)
    if year == 0:
        check.add(doc.line, "year", "tahun wajib diisi")
    source_text = check.line(doc, "source", "berkas", required=False)
    positions = _positions(check, doc, positions_known if agency in agencies else None)
    stored = (existing_parents or {}).get((agency or "", year or 0), frozenset())
    _check_parents(check, doc, stored)
    if check.problems or agency is None or not year:
        raise CatalogFileError(source, check.problems)
    return CatalogDocument(agency, year, source_text, tuple(positions))


def catalogue_parser(text: str, source: str) -> CatalogueParser:
    """The parser of this file for the import use case, which gives it the database's facts."""

    def parse(facts: CatalogueFacts) -> CatalogDocument:
        return parse_catalog_file(
            text, source, agencies=facts.agencies, existing_parents=facts.indicators
        )

    return parse


def _positions(check: Checker, doc: LineDict, known: frozenset[str] | None) -> list[PositionSpec]:
    specs: list[PositionSpec] = []
    seen_positions: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    for index, item in check.items(doc, "positions", required=True):
        where = f"positions[{index + 1}]"
        code = check.line(item, "position", where)
        if code is not None:
            if known is not None and code not in known:
                check.add(
                    item.key_lines.get("position"),
                    f"{where}.position",
                    f"jabatan '{code}' tidak dikenal",
                )
            elif code in seen_positions:
                check.add(
                    item.line,
                    f"{where}.position",
                    f"jabatan '{code}' ganda (pertama di baris {seen_positions[code]})",
                )
            seen_positions.setdefault(code, item.line)
        tugas = tuple(check.texts(item, "tugas", where))
        fungsi = tuple(check.texts(item, "fungsi", where))
        indicators = []
        for number, entry in check.items(item, "indicators", required=False):
            spec = _indicator(check, entry, f"{where}.indicators[{number + 1}]", code or "?")
            if spec is None:
                continue
            if spec.code in seen_codes:
                check.add(
                    entry.line,
                    f"indikator '{spec.code}'",
                    f"kode ganda (pertama di baris {seen_codes[spec.code]})",
                )
                continue
            seen_codes[spec.code] = entry.line
            indicators.append(spec)
        if code is not None:
            specs.append(PositionSpec(code, tugas, fungsi, tuple(indicators)))
    return specs


def _indicator(check: Checker, item: LineDict, where: str, position: str) -> IndicatorSpec | None:
    before = len(check.problems)
    code = check.line(item, "code", where)
    if code is not None and not CODE_PATTERN.fullmatch(code):
        check.add(
            item.key_lines.get("code"),
            f"{where}.code",
            "huruf kecil, angka dan '-' saja, paling panjang 80",
        )
    where = f"indikator '{code}'" if code else where
    kind = check.choice(item, "kind", where, IndicatorKind, "iku, iki")
    kinerja = check.line(item, "kinerja", where)
    name = check.line(item, "name", where)
    unit = check.line(item, "unit", where)
    data_source = check.line(item, "data_source", where)
    polarity = check.choice(item, "polarity", where, Polarity, "positive, negative")
    rollup = check.choice(item, "rollup", where, Rollup, "sum, last, average")
    mode = check.choice(
        item,
        "quarterly_targets",
        where,
        TargetMode,
        "cumulative, per_quarter",
        default=TargetMode.CUMULATIVE,
    )
    decimals = check.integer(item, "decimals", where, low=0, high=6, default=2)
    parent = check.line(item, "parent", where, required=False)
    note = check.text(item, "note", where, required=False)
    formula = _formula(check, item, where)
    origin, origin_note, basis = _origin_basis(check, item, where, formula)
    if len(check.problems) > before or formula is None or origin is None:
        return None
    assert code and kind and kinerja and name and unit and data_source and polarity and rollup
    assert mode is not None and decimals is not None
    expression, preset, variables = formula
    return IndicatorSpec(
        code, position, kind, kinerja, name, unit, expression, preset, variables,
        data_source, polarity, rollup, mode, decimals, parent, note,
        manual=manual_entry(check, item, where),
        origin=origin, origin_note=origin_note, growth_basis=basis,
    )  # fmt: skip


def _origin_basis(
    check: Checker,
    item: LineDict,
    where: str,
    formula: tuple[str, Preset | None, tuple[Variable, ...]] | None,
) -> tuple[Origin | None, str | None, GrowthBasis | None]:
    """`origin` (decree by default; a derived one says why in `origin_note`) and, for a
    growth formula, `growth_basis` (same_period by default; refused on any other formula)."""
    origin = check.choice(
        item, "origin", where, Origin, "decree, derived, agency", default=Origin.DECREE
    )
    origin_note = check.text(item, "origin_note", where, required=False)
    if origin is Origin.DERIVED and not origin_note:
        check.add(
            item.key_lines.get("origin", item.line),
            f"{where}.origin_note",
            "indikator turunan wajib menyebut asalnya (origin_note)",
        )
    growth = formula is not None and formula[1] is Preset.GROWTH
    basis = (
        check.choice(item, "growth_basis", where, GrowthBasis, "same_period, whole_year")
        if "growth_basis" in item
        else None
    )
    if basis is None and growth:
        basis = GrowthBasis.SAME_PERIOD
    if basis is not None and formula is not None and not growth:
        check.add(
            item.key_lines.get("growth_basis"),
            f"{where}.growth_basis",
            "hanya untuk rumus pertumbuhan (preset growth)",
        )
    return origin, origin_note, basis


def _formula(
    check: Checker, item: LineDict, where: str
) -> tuple[str, Preset | None, tuple[Variable, ...]] | None:
    line = item.key_lines.get("formula", item.line)
    block = check.mapping(item.get("formula"), line, f"{where}.formula")
    if block is None:
        return None
    here = f"{where}.formula"
    before = len(check.problems)
    variables: list[Variable] = []
    for index, entry in check.items(block, "variables", required=True):
        name = check.line(entry, "name", f"{here}.variables[{index + 1}]")
        label = check.line(entry, "label", f"{here}.variables[{index + 1}]")
        unit = check.line(entry, "unit", f"{here}.variables[{index + 1}]", required=False)
        kind = check.choice(
            entry,
            "kind",
            f"{here}.variables[{index + 1}]",
            InputKind,
            "count, amount, percentage, index",
            default=None,
        ) if "kind" in entry else None  # fmt: skip
        negative = check.boolean(entry, "negative", f"{here}.variables[{index + 1}]", default=False)
        if name is not None and label is not None:
            variables.append(Variable(name, label, unit or "", kind, bool(negative)))
    preset_name = check.line(block, "preset", here, required=False)
    expression = check.text(block, "expression", here, required=False)
    if len(check.problems) > before:
        return None  # a variable has a problem already: the formula would only echo it
    if (preset_name is None) == (expression is None):
        check.add(line, here, "isi salah satu: preset atau expression")
        return None
    try:
        preset = Preset(preset_name) if preset_name is not None else None
        if preset is not None:
            expression = preset_expression(preset, [v.name for v in variables])
        assert expression is not None
        formula = parse(expression, variables)
    except ValueError:
        check.add(
            block.key_lines.get("preset"),
            f"{here}.preset",
            f"'{preset_name}' bukan salah satu dari {', '.join(Preset)}",
        )
        return None
    except FormulaError as exc:
        key = "preset" if preset_name is not None else "expression"
        check.add(block.key_lines.get(key, line), f"{here}.{key}", exc.message)
        return None
    if formula.unused:
        check.add(
            block.key_lines.get("variables", line),
            f"{here}.variables",
            "variabel tidak dipakai rumus: " + ", ".join(formula.unused),
        )
        return None
    return formula.expression, preset, tuple(variables)


def _check_parents(check: Checker, doc: LineDict, stored: frozenset[str]) -> None:
    """Parents must exist and the cascade must not loop; checked on every indicator with a
    code, including those with other problems, so that one import reports everything."""
    links = _raw_links(doc)
    codes = {code for code, _, _ in links}
    lines = {code: line for code, _, line in reversed(links)}
    for code, parent, line in links:
        if parent is not None and parent not in codes | stored:
            check.add(
                line, f"indikator '{code}'.parent", f"indikator induk '{parent}' tidak dikenal"
            )
    parent_of = {code: parent for code, parent, _ in links if parent in codes or parent is None}
    for cycle in find_cycles(parent_of):
        first = min(cycle, key=lambda code: lines.get(code, 0))
        check.add(
            lines.get(first),
            f"indikator '{first}'",
            "induk berputar: " + " -> ".join([*cycle, cycle[0]]),
        )


def _raw_links(doc: LineDict) -> list[tuple[str, str | None, int]]:
    """(code, parent, line) of every indicator entry that has a code, valid or not."""
    links: list[tuple[str, str | None, int]] = []
    positions = doc.get("positions")
    if not isinstance(positions, LineList):
        return links
    for position in positions:
        entries = position.get("indicators") if isinstance(position, LineDict) else None
        if not isinstance(entries, LineList):
            continue
        for entry in entries:
            if isinstance(entry, LineDict) and isinstance(entry.get("code"), str):
                parent = entry.get("parent")
                parent_line = entry.key_lines.get("parent", entry.line)
                links.append(
                    (entry["code"], parent if isinstance(parent, str) else None, parent_line)
                )
    return links

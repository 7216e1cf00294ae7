"""The catalogue file's issue-16 fields: origin, a growth indicator's basis, input kinds."""

from __future__ import annotations

import pytest

from documents.yaml.catalogue import parse_catalog_file
from engine.catalogue import CatalogFileError, IndicatorSpec
from engine.formulas import GrowthBasis, InputKind
from engine.indicators import Origin

AGENCIES = {"dinas": frozenset({"kasi"})}


def document(indicator: str, variables: str = "") -> str:
    variables = variables or (
        "            - {name: a, label: Nilai tahun n, unit: Rp, kind: amount}\n"
        "            - {name: b, label: Nilai tahun n-1, unit: Rp, kind: amount}\n"
    )
    return (
        "format: kinerja-catalog/1\nagency: dinas\nyear: 2021\npositions:\n"
        "  - position: kasi\n    tugas: []\n    fungsi: []\n    indicators:\n"
        "      - code: iki-1\n        kind: iki\n        kinerja: K\n        name: N\n"
        "        unit: '%'\n        data_source: D\n        polarity: positive\n"
        "        rollup: last\n        formula:\n          preset: growth\n"
        "          variables:\n" + variables + indicator
    )


def parsed(text: str) -> IndicatorSpec:
    [spec] = parse_catalog_file(text, "k.yaml", agencies=AGENCIES).indicators
    return spec


def problems(text: str) -> str:
    with pytest.raises(CatalogFileError) as caught:
        parse_catalog_file(text, "k.yaml", agencies=AGENCIES)
    return str(caught.value)


def test_defaults_decree_origin_and_same_period_basis_for_growth() -> None:
    spec = parsed(document(""))
    assert (spec.origin, spec.origin_note, spec.growth_basis) == (
        Origin.DECREE,
        None,
        GrowthBasis.SAME_PERIOD,
    )
    assert [(v.kind, v.negative) for v in spec.variables] == [(InputKind.AMOUNT, False)] * 2


def test_a_derived_indicator_with_its_reason_and_a_whole_year_basis() -> None:
    spec = parsed(
        document(
            "        origin: derived\n        origin_note: dari kabid-1\n"
            "        growth_basis: whole_year\n"
        )
    )
    assert (spec.origin, spec.origin_note, spec.growth_basis) == (
        Origin.DERIVED,
        "dari kabid-1",
        GrowthBasis.WHOLE_YEAR,
    )


def test_a_derived_indicator_must_say_where_it_comes_from() -> None:
    assert "wajib menyebut asalnya" in problems(document("        origin: derived\n"))


def test_unknown_origin_basis_and_kind_are_refused() -> None:
    assert "bukan salah satu dari decree, derived, agency" in problems(
        document("        origin: sk\n")
    )
    assert "bukan salah satu dari same_period, whole_year" in problems(
        document("        growth_basis: c-to-c\n")
    )
    bad_kind = (
        "            - {name: a, label: A, kind: money}\n"
        "            - {name: b, label: B, negative: ya}\n"
    )
    found = problems(document("", bad_kind))
    assert "bukan salah satu dari count, amount, percentage, index" in found
    assert "harus true atau false" in found


def test_a_basis_on_a_formula_that_is_not_growth_is_refused() -> None:
    text = document("        growth_basis: same_period\n").replace(
        "preset: growth", "preset: ratio"
    )
    assert "hanya untuk rumus pertumbuhan" in problems(text)

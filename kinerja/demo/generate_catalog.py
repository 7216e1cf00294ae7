"""The generated catalogue: indicators, their variables, targets and budget lines.

The indicators are copied from the Gresik 2021 decree (kinerja/data), so every
formula kind of the decree appears (ratio, growth, value, sum, average and the
written-out expressions), with the agency's own name put in the texts. Numbers
come from kinerja.demo.numbers, the same plausible quarterly inputs and targets
near them that the small demo uses, so capaian spread over the categories.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from documents.yaml.catalogue import parse_catalog_file
from engine.catalogue import IndicatorSpec
from engine.formulas import Formula, parse
from engine.indicators import Indicator, IndicatorKind
from engine.org import Level, OrgTree, Position
from kinerja.demo.generate_names import FIELD_KEGIATAN, SUPPORT_KEGIATAN, SUPPORT_PROGRAM
from kinerja.demo.generate_org import Ids
from kinerja.demo.numbers import GresikWorld, demo_plan
from kinerja.demo.seed import GRESIK_CATALOG_FILE, GRESIK_FILE

Row = dict[str, Any]
GRESIK_AGENCY = re.compile(r"Dinas Koperasi,? Usaha Mikro,? Perindustrian dan Perdagangan")
# Which of the decree's positions lend their indicators to a generated position.
POOLS: dict[Level, tuple[Level, ...]] = {
    Level.JPT_PRATAMA: (Level.JPT_PRATAMA, Level.ADMINISTRATOR),
    Level.ADMINISTRATOR: (Level.ADMINISTRATOR, Level.JPT_PRATAMA),
    Level.PENGAWAS: (Level.PENGAWAS,),
    Level.PELAKSANA: (Level.PELAKSANA, Level.PENGAWAS),
}


@dataclass(frozen=True)
class Template:
    """One indicator of the decree, its formula parsed once."""

    spec: IndicatorSpec
    formula: Formula


@cache
def templates() -> dict[Level, tuple[Template, ...]]:
    """The decree's indicators grouped by the level of the position that holds them."""
    data = resources.files("kinerja.data")
    org = yaml.safe_load(data.joinpath(GRESIK_FILE).read_text(encoding="utf-8"))
    levels = {p["code"]: Level(p["level"]) for p in org["positions"]}
    document = parse_catalog_file(
        data.joinpath(GRESIK_CATALOG_FILE).read_text(encoding="utf-8"),
        GRESIK_CATALOG_FILE,
        agencies={org["agency"]["code"]: frozenset(levels)},
    )
    grouped: dict[Level, list[Template]] = {level: [] for level in Level}
    for spec in document.indicators:
        grouped[levels[spec.position]].append(
            Template(spec, parse(spec.expression, spec.variables))
        )
    return {level: tuple(t for source in POOLS[level] for t in grouped[source]) for level in Level}


@dataclass
class Catalogue:
    """Rows of one year's catalogue, and the engine indicators with their planned inputs."""

    indicators: list[Row]
    variables: list[Row]
    by_position: dict[int, list[Indicator]]
    plans: dict[int, list[dict[str, Decimal]]]
    targets: dict[int, dict[str, str]]
    """Each indicator's targets, from the plan made before the year (kinerja.demo.numbers)."""


def plan_catalogue(
    tree: OrgTree, offices: dict[int, str], year: int, ids: Ids, rng: random.Random
) -> Catalogue:
    """3-5 indicators per position (IKU for the heads, IKI otherwise), parents first so each
    indicator can cascade to one of its superior's."""
    pools = templates()
    catalogue = Catalogue([], [], {}, {}, {})
    worlds: dict[int, GresikWorld] = {}
    for position in tree.positions:
        level = position.level
        count = min(rng.randint(3, 5), len(pools[level]))
        parents = catalogue.by_position.get(position.parent_id or 0, [])
        for number, template in enumerate(rng.sample(pools[level], count), start=1):
            indicator = _indicator(
                template, position, offices[position.agency_id], year, number, ids
            )
            parent_id = rng.choice(parents).id if parents else None
            row = _indicator_row(indicator, template, parent_id, position.agency_id)
            row["sort_order"] = len(catalogue.indicators)
            catalogue.indicators.append(row)
            for ordinal, variable in enumerate(template.spec.variables, start=1):
                catalogue.variables.append(
                    {
                        "id": ids.take("indicator_variable"),
                        "indicator_id": indicator.id,
                        "ordinal": ordinal,
                        "name": variable.name,
                        "label": _own(variable.label, offices[position.agency_id]),
                        "unit": variable.unit,
                    }
                )
            catalogue.by_position.setdefault(position.id, []).append(indicator)
            world = worlds.setdefault(position.agency_id, GresikWorld(rng))
            plan = demo_plan(indicator, world)
            catalogue.plans[indicator.id] = plan.inputs
            catalogue.targets[indicator.id] = plan.targets
    return catalogue


def _own(text: str, office: str) -> str:
    return GRESIK_AGENCY.sub(office, text)


def _indicator(
    template: Template, position: Position, office: str, year: int, number: int, ids: Ids
) -> Indicator:
    spec = template.spec
    return Indicator(
        id=ids.take("indicator"),
        code=f"{position.code}-{number}",
        position_id=position.id,
        year=year,
        kind=IndicatorKind.IKU if position.parent_id is None else IndicatorKind.IKI,
        kinerja=_own(spec.kinerja, office),
        name=_own(spec.name, office),
        unit=spec.unit,
        formula=template.formula,
        data_source=_own(spec.data_source, office),
        polarity=spec.polarity,
        rollup=spec.rollup,
        target_mode=spec.target_mode,
        decimals=spec.decimals,
        preset=spec.preset,
    )


def _indicator_row(
    indicator: Indicator, template: Template, parent_id: int | None, agency_id: int
) -> Row:
    return {
        "id": indicator.id,
        "agency_id": agency_id,
        "position_id": indicator.position_id,
        "year": indicator.year,
        "code": indicator.code,
        "kind": indicator.kind.value,
        "kinerja": indicator.kinerja,
        "name": indicator.name,
        "unit": indicator.unit,
        "expression": template.spec.expression,
        "preset": None if indicator.preset is None else indicator.preset.value,
        "data_source": indicator.data_source,
        "polarity": indicator.polarity.value,
        "rollup": indicator.rollup.value,
        "target_mode": indicator.target_mode.value,
        "decimals": indicator.decimals,
        "parent_id": parent_id,
        "note": None,
        "sort_order": 0,
    }


def target_rows(
    catalogue: Catalogue, position_id: int, pk_id: int, ids: Ids, rng: random.Random
) -> list[Row]:
    """Annual and TW I-IV targets of a position's indicators, near what it will realise."""
    rows = []
    for indicator in catalogue.by_position.get(position_id, []):
        targets = catalogue.targets[indicator.id]
        rows.append(
            {
                "id": ids.take("pk_target"),
                "pk_id": pk_id,
                "indicator_id": indicator.id,
                "annual": targets["annual"],
                "tw1": targets["tw1"],
                "tw2": targets["tw2"],
                "tw3": targets["tw3"],
                "tw4": targets["tw4"],
                "tw4_reason": None,
            }
        )
    return rows


def budget_rows(
    tree: OrgTree, position: Position, pk_id: int, ids: Ids, rng: random.Random
) -> list[Row]:
    """1-3 programme / kegiatan / sub kegiatan lines with their anggaran."""
    bidang = next(
        (
            p
            for p in [position, *tree.ancestors(position.id)]
            if p.level is Level.ADMINISTRATOR and p.unit_name.startswith("Bidang ")
        ),
        None,
    )
    rows = []
    for ordinal in range(1, rng.randint(1, 3) + 1):
        if bidang is None:
            program = SUPPORT_PROGRAM
            kegiatan, sub = SUPPORT_KEGIATAN[rng.randrange(len(SUPPORT_KEGIATAN))]
        else:
            theme = bidang.unit_name.removeprefix("Bidang ")
            program = f"Program Pengelolaan dan Pengembangan {theme}"
            pattern = FIELD_KEGIATAN[rng.randrange(len(FIELD_KEGIATAN))]
            kegiatan, sub = (part.format(theme=theme) for part in pattern)
        rows.append(
            {
                "id": ids.take("pk_budget_line"),
                "pk_id": pk_id,
                "ordinal": ordinal,
                "program": program,
                "kegiatan": kegiatan,
                "sub_kegiatan": sub,
                "anggaran": Decimal(rng.randint(25, 1500)) * 1_000_000,
            }
        )
    return rows

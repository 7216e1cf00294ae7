"""The capaian rules of a year: the category scale, the cap, the target-zero and the
negative-target rules (engine.capaian.CapaianRules).

Regencies differ (domain.md): some use Permendagri 86/2017's scale, others a Perbup's,
some cap the displayed capaian at 100, 110 or 120. So the rules are data, set by the
administrator per year (the deployment serves one regency); a year without its own uses
the defaults, Permendagri 86/2017 and domain.md. Every reader of capaian (report page,
preview, recap, dashboard, exports, API, CLI) asks `capaian_rules` for the year's rules,
and every change is in the admin log with the rules before and after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from engine.capaian import (
    DEFAULT_RULES,
    CapaianRules,
    Category,
    NegativeTargetRule,
    Scale,
)
from engine.errors import ValidationError
from engine.formatting import parse_number_id
from engine.ports import UnitOfWork, writes
from engine.text import single_line
from engine.usecases.audit import SYSTEM_ACTOR, record_admin

__all__ = ["RulesOfYear", "capaian_rules", "set_capaian_rules", "show_capaian_rules"]

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
MAX_CATEGORIES = 8
NEGATIVE_TARGET_LABELS = {
    NegativeTargetRule.RELATIVE: "(1 ± (R - T) / |T|) x 100",
    NegativeTargetRule.NOT_COMPUTABLE: "tidak dapat dihitung",
}
"""The negative-target rules as the admin page and the CLI name them."""


@dataclass(frozen=True)
class RulesOfYear:
    """The rules a year is computed with, and whether the administrator set them."""

    year: int
    rules: CapaianRules
    stored: bool


def capaian_rules(uow: UnitOfWork, year: int) -> CapaianRules:
    """The rules capaian of `year` is computed with: the year's own, or the defaults."""
    return uow.admin.capaian_rules(year) or DEFAULT_RULES


def show_capaian_rules(uow: UnitOfWork, year: int) -> RulesOfYear:
    """The rules of `year` for the admin page and `kinerja capaian-rules show`."""
    _check_year(year)
    stored = uow.admin.capaian_rules(year)
    return RulesOfYear(year, stored or DEFAULT_RULES, stored is not None)


@writes
def set_capaian_rules(
    uow: UnitOfWork,
    year: int,
    *,
    scale_name: str,
    categories: Sequence[tuple[str, str | None, str]],
    cap: str | None,
    zero_target_met: str,
    zero_target_missed: str,
    negative_target: str,
    now: datetime,
    actor: str = SYSTEM_ACTOR,
) -> RulesOfYear:
    """Set the rules of `year` as typed (numbers Indonesian style; a blank cap: none).

    `categories` are (name, lower bound, colour) from best to worst; the last has no
    lower bound. ValidationError (in Bahasa Indonesia) when they do not make a scale.
    """
    _check_year(year)
    rules = CapaianRules(
        cap=_optional_number(cap, "Batas atas capaian"),
        negative_zero_target_met=_number(zero_target_met, "Capaian target 0 tercapai"),
        negative_zero_target_missed=_number(zero_target_missed, "Capaian target 0 terlampaui"),
        negative_target=_negative_rule(negative_target),
        scale=_scale(scale_name, categories),
    )
    before = uow.admin.capaian_rules(year)
    if not uow.admin.put_capaian_rules(year, rules, now):
        raise ValidationError(
            "Aturan capaian belum dapat disimpan: impor struktur organisasi lebih dulu",
            log_message="capaian rules without a regency",
        )
    record_admin(
        uow,
        actor,
        "capaian_rules.set",
        f"Aturan capaian tahun {year}",
        None if before is None else _logged(before),
        _logged(rules),
        now=now,
    )
    uow.commit()
    return RulesOfYear(year, rules, True)


def _logged(rules: CapaianRules) -> dict[str, str | None]:
    """The rules as the admin log shows them: one line per rule."""
    data = rules.as_json()
    steps = [
        c["name"] if c["minimum"] is None else f"{c['name']} >= {c['minimum']}"
        for c in data["categories"]
    ]
    return {
        "scale": data["scale"],
        "categories": "; ".join(steps),
        "cap": data["cap"],
        "negative_zero_target_met": data["negative_zero_target_met"],
        "negative_zero_target_missed": data["negative_zero_target_missed"],
        "negative_target": data["negative_target"],
    }


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError(f"Tahun {year} di luar rentang", log_message=f"bad year {year}")


def _number(text: str, label: str) -> Decimal:
    value = parse_number_id(single_line(text, label).strip() or "-")
    if value < 0:
        raise ValidationError(f"{label} tidak boleh negatif", log_message=f"{label} < 0")
    return value


def _optional_number(text: str | None, label: str) -> Decimal | None:
    if text is None or not text.strip():
        return None
    value = _number(text, label)
    if value < 100:
        raise ValidationError(
            f"{label} paling kecil 100 (kosongkan bila tanpa batas)",
            log_message=f"cap {value} below 100",
        )
    return value


def _negative_rule(text: str) -> NegativeTargetRule:
    try:
        return NegativeTargetRule(text.strip())
    except ValueError:
        choices = ", ".join(rule.value for rule in NegativeTargetRule)
        raise ValidationError(
            f"Aturan target negatif '{text}' tidak dikenal (pilih: {choices})",
            log_message=f"unknown negative-target rule {text!r}",
        ) from None


def _scale(name: str, rows: Sequence[tuple[str, str | None, str]]) -> Scale:
    name = single_line(name, "Nama skala").strip()
    if not name:
        raise ValidationError("Nama skala wajib diisi", log_message="scale name missing")
    if not 2 <= len(rows) <= MAX_CATEGORIES:
        raise ValidationError(
            f"Skala harus berisi 2 sampai {MAX_CATEGORIES} kategori",
            log_message=f"{len(rows)} categories",
        )
    categories = []
    for label, minimum, colour in rows:
        label = single_line(label, "Nama kategori").strip()
        if not label:
            raise ValidationError("Nama kategori wajib diisi", log_message="category name missing")
        if not _COLOUR.fullmatch(colour.strip()):
            raise ValidationError(
                f"Warna kategori '{label}' harus berbentuk #RRGGBB",
                log_message=f"bad colour {colour!r}",
            )
        bound = None if minimum is None or not minimum.strip() else parse_number_id(minimum)
        categories.append(Category(label, bound, colour.strip().lower()))
    return Scale(name, tuple(categories))

"""engine.usecases.capaian_rules against the in-memory unit of work: the capaian rules of a
year as the administrator sets them (issue 16, item 7)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engine.capaian import DEFAULT_RULES, PERMENDAGRI_86_2017, NegativeTargetRule
from engine.errors import ValidationError
from engine.usecases.capaian_rules import capaian_rules, set_capaian_rules, show_capaian_rules
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.fakes_accounts import FakeAdmin

NOW = datetime(2021, 1, 4, 2, 0, tzinfo=UTC)
PERBUP = [("Baik", "85", "#1A7F37"), ("Cukup", "60,5", "#d4a106"), ("Kurang", None, "#c62828")]


def given() -> tuple[FakeUnitOfWork, FakeAdmin]:
    admin = FakeAdmin()
    return FakeUnitOfWork(admin=admin), admin


def set_perbup(uow: FakeUnitOfWork, **changes: object) -> None:
    fields: dict[str, object] = {
        "scale_name": "Perbup Gresik 12/2020",
        "categories": PERBUP,
        "cap": "110",
        "zero_target_met": "100",
        "zero_target_missed": "0",
        "negative_target": "relative",
    } | changes
    set_capaian_rules(uow, 2021, now=NOW, actor="Admin Satu", **fields)  # type: ignore[arg-type]


def test_a_year_without_rules_uses_permendagri_86_2017() -> None:
    uow, _ = given()
    assert capaian_rules(uow, 2021) is DEFAULT_RULES
    shown = show_capaian_rules(uow, 2021)
    assert (shown.year, shown.rules.scale, shown.stored) == (2021, PERMENDAGRI_86_2017, False)


def test_setting_the_rules_stores_them_for_that_year_and_logs_before_and_after() -> None:
    uow, admin = given()
    set_perbup(uow)
    rules = capaian_rules(uow, 2021)
    assert rules.scale.name == "Perbup Gresik 12/2020"
    assert [(c.name, c.minimum, c.color) for c in rules.scale.categories] == [
        ("Baik", Decimal(85), "#1a7f37"),
        ("Cukup", Decimal("60.5"), "#d4a106"),
        ("Kurang", None, "#c62828"),
    ]
    assert rules.cap == Decimal(110)
    assert rules.negative_target is NegativeTargetRule.RELATIVE
    assert capaian_rules(uow, 2022) is DEFAULT_RULES  # per year
    assert show_capaian_rules(uow, 2021).stored
    assert uow.commits == 1
    (row,) = uow.admin_log.committed
    assert (row.actor, row.action, row.subject) == (
        "Admin Satu",
        "capaian_rules.set",
        "Aturan capaian tahun 2021",
    )
    assert row.before is None
    assert json.loads(row.after or "")["scale"] == "Perbup Gresik 12/2020"
    set_perbup(uow, cap="", negative_target="not_computable")
    assert admin.rules[2021].cap is None
    second = uow.admin_log.committed[-1]
    assert json.loads(second.before or "")["cap"] == "110"
    assert json.loads(second.after or "")["negative_target"] == "not_computable"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"categories": [("Baik", "85", "#00aa00")]}, "Skala harus berisi 2 sampai 8 kategori"),
        ({"categories": [("Baik", "50", "#00aa00"), ("Kurang", "60", "#aa0000")]},
         "kategori terakhir harus tanpa batas bawah"),
        ({"categories": [("Baik", "50", "#00aa00"), ("Sedang", "60", "#00aa00"),
                         ("Kurang", None, "#aa0000")]}, "batas bawah harus menurun"),
        ({"categories": [("Baik", "85", "hijau"), ("Kurang", None, "#aa0000")]},
         "Warna kategori 'Baik' harus berbentuk #RRGGBB"),
        ({"scale_name": " "}, "Nama skala wajib diisi"),
        ({"cap": "90"}, "paling kecil 100"),
        ({"zero_target_met": "-5"}, "tidak boleh negatif"),
        ({"negative_target": "abc"}, "Aturan target negatif 'abc' tidak dikenal"),
    ],
)  # fmt: skip
def test_rules_that_make_no_scale_are_refused(changes: dict[str, object], message: str) -> None:
    uow, admin = given()
    with pytest.raises(ValidationError, match=message):
        set_perbup(uow, **changes)
    assert admin.rules == {} and uow.admin_log.committed == []


def test_without_a_regency_nothing_is_stored() -> None:
    uow, admin = given()
    admin.has_regency = False
    with pytest.raises(ValidationError, match="impor struktur organisasi"):
        set_perbup(uow)
    assert uow.admin_log.committed == [] and uow.commits == 0

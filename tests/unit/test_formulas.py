"""Tests for engine.formulas (the safe formula language) and engine.result."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from engine.errors import ValidationError
from engine.formulas import (
    MAX_DEPTH,
    MAX_LENGTH,
    Formula,
    FormulaError,
    Preset,
    Variable,
    check_variable_name,
    parse,
    preset_expression,
)
from engine.result import Outcome, Result

D = Decimal

# ---------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------


def test_result_ok() -> None:
    result = Result.ok(D("12.5"))
    assert result.outcome is Outcome.OK
    assert result.value == D("12.5")
    assert result.reason is None
    assert result.computable is True
    assert result.label == "terhitung"
    assert str(result) == "12.5"


def test_result_ok_zero_is_a_value_not_a_reason() -> None:
    result = Result.ok(D(0))
    assert result.computable
    assert str(result) == "0"


@pytest.mark.parametrize(
    ("factory", "outcome", "label"),
    [
        (Result.missing, Outcome.MISSING, "belum diisi"),
        (Result.not_computable, Outcome.NOT_COMPUTABLE, "tidak dapat dihitung"),
    ],
)
def test_result_without_value(factory: object, outcome: Outcome, label: str) -> None:
    result = factory("pembagian dengan nol")  # type: ignore[operator]
    assert result.outcome is outcome
    assert result.value is None
    assert result.reason == "pembagian dengan nol"
    assert result.computable is False
    assert result.label == label
    assert str(result) == f"{label}: pembagian dengan nol"


def test_result_is_frozen_and_compares_by_value() -> None:
    result = Result.ok(D(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = D(2)  # type: ignore[misc]
    assert Result.missing("x") == Result.missing("x")
    assert Result.missing("x") != Result.not_computable("x")


def test_outcome_values() -> None:
    assert [o.value for o in Outcome] == ["ok", "missing", "not_computable"]


# ---------------------------------------------------------------------------
# Evaluation: exact Decimal results
# ---------------------------------------------------------------------------

ABC = ["a", "b", "c", "x", "y", "z"]


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("a / b * 100", {"a": D(150), "b": D(1200)}, D("12.5")),
        ("a / b * 100", {"a": 150, "b": 1200}, D("12.5")),  # ints are accepted too
        ("a / b * 100", {"a": D(3), "b": D(4)}, D(75)),
        ("1 / 3", {}, D("0.3333333333333333333333333333333333")),  # 34 significant digits
        ("a / b", {"a": D(2), "b": D(3)}, D("0.6666666666666666666666666666666667")),
        ("1 / 3 * 3", {}, D("0.9999999999999999999999999999999999")),
        ("0.1 + 0.2", {}, D("0.3")),  # exact decimal, not binary float
        ("a * 100", {"a": D("0.125")}, D("12.5")),
        ("(a - b) / b * 100", {"a": D(110), "b": D(100)}, D(10)),  # growth
        ("(a - b) / b * 100", {"a": D(90), "b": D(100)}, D(-10)),
        ("(a - b) / b * 100", {"a": D("1027733750.37"), "b": D("1027733750.37")}, D(0)),
        ("x / (y - z) * 100", {"x": D(30), "y": D(200), "z": D(50)}, D(20)),
        ("x / (y - z) * 100", {"x": D(1), "y": D(10), "z": D(2)}, D("12.5")),
        ("abs(a - b)", {"a": D(3), "b": D(5)}, D(2)),
        ("abs(a)", {"a": D("-0.5")}, D("0.5")),
        ("min(a, b)", {"a": D(3), "b": D(-5)}, D(-5)),
        ("min(a, b, c)", {"a": D(3), "b": D(2), "c": D(7)}, D(2)),
        ("max(a, b)", {"a": D(3), "b": D(-5)}, D(3)),
        ("max(a, 100)", {"a": D(120)}, D(120)),
        ("min(max(a, 0), 100)", {"a": D(130)}, D(100)),
        ("min(max(a, 0), 100)", {"a": D(-4)}, D(0)),
        ("-a", {"a": D(5)}, D(-5)),
        ("--a", {"a": D(5)}, D(5)),
        ("-(a - b)", {"a": D(2), "b": D(7)}, D(5)),
        ("2 * -a", {"a": D(4)}, D(-8)),
        ("-a * -b", {"a": D(4), "b": D(3)}, D(12)),
        ("a + b * c", {"a": D(1), "b": D(2), "c": D(3)}, D(7)),  # precedence
        ("(a + b) * c", {"a": D(1), "b": D(2), "c": D(3)}, D(9)),
        ("a - b - c", {"a": D(10), "b": D(3), "c": D(2)}, D(5)),  # left associative
        ("a / b / c", {"a": D(100), "b": D(5), "c": D(4)}, D(5)),
        ("((a + b) * (c - (a - b))) / 2", {"a": D(1), "b": D(2), "c": D(3)}, D(6)),
        ("((((a))))", {"a": D(7)}, D(7)),
        (".5 * a + 1.", {"a": D(4)}, D(3)),
        ("a * b", {"a": D(10) ** 17, "b": D(10) ** 17}, D(10) ** 34),
        ("a + b", {"a": D("0.000001"), "b": D("1000000")}, D("1000000.000001")),
        ("(a + b + c) / 3", {"a": D(100), "b": D(101), "c": D(105)}, D(102)),  # IHK average
        ("a + b + c", {"a": D(12), "b": D(0), "c": D(30)}, D(42)),  # counts summed
        ("  a / b * 100  ", {"a": D(1), "b": D(8)}, D("12.5")),
    ],
)
def test_evaluate_exact(
    expression: str, values: dict[str, Decimal | int], expected: Decimal
) -> None:
    result = parse(expression, ABC).evaluate(values)
    assert result.outcome is Outcome.OK, result
    assert isinstance(result.value, Decimal)
    assert result.value == expected
    assert result.reason is None


def test_precision_is_34_significant_digits() -> None:
    result = parse("a / b", ["a", "b"]).evaluate({"a": D(1), "b": D(3)})
    assert result.value is not None
    assert len(result.value.as_tuple().digits) == 34


def test_expression_is_stored_stripped() -> None:
    formula = parse("   a / b * 100 ", ["a", "b"])
    assert formula.expression == "a / b * 100"
    assert repr(formula) == "Formula('a / b * 100')"
    assert isinstance(formula, Formula)


def test_extra_values_are_ignored() -> None:
    result = parse("a + 1", ["a"]).evaluate({"a": D(1), "zz": D(100), "b": None})
    assert result == Result.ok(D(2))


# ---------------------------------------------------------------------------
# Reasons: labels, missing versus not computable
# ---------------------------------------------------------------------------

UM_FASILITASI = Variable("um_difasilitasi", "Jumlah usaha mikro yang difasilitasi", "unit usaha")
UM_SELURUH = Variable("um_seluruh", "Jumlah seluruh usaha mikro", "unit usaha")


def _ratio() -> Formula:
    return parse("um_difasilitasi / um_seluruh * 100", [UM_FASILITASI, UM_SELURUH])


def test_division_by_zero_names_the_variable_label() -> None:
    result = _ratio().evaluate({"um_difasilitasi": D(12), "um_seluruh": D(0)})
    assert result.outcome is Outcome.NOT_COMPUTABLE
    assert result.value is None
    assert result.reason == "pembagian dengan nol: 'Jumlah seluruh usaha mikro' bernilai 0"
    assert str(result) == (
        "tidak dapat dihitung: pembagian dengan nol: 'Jumlah seluruh usaha mikro' bernilai 0"
    )


def test_division_by_negative_zero_is_not_computable() -> None:
    result = _ratio().evaluate({"um_difasilitasi": D(12), "um_seluruh": D("-0.00")})
    assert result.outcome is Outcome.NOT_COMPUTABLE


def test_division_by_zero_without_label_names_the_variable() -> None:
    result = parse("a / b", ["a", "b"]).evaluate({"a": D(1), "b": D(0)})
    assert result.reason == "pembagian dengan nol: 'b' bernilai 0"


def test_division_by_zero_compound_denominator_quotes_the_subexpression() -> None:
    formula = parse("x / (y - z) * 100", ["x", "y", "z"])
    result = formula.evaluate({"x": D(5), "y": D(40), "z": D(40)})
    assert result.outcome is Outcome.NOT_COMPUTABLE
    assert result.reason == "pembagian dengan nol: 'y - z' bernilai 0"


def test_division_by_literal_zero_is_not_computable_not_a_crash() -> None:
    result = parse("a / 0", ["a"]).evaluate({"a": D(1)})
    assert result.outcome is Outcome.NOT_COMPUTABLE
    assert result.reason == "pembagian dengan nol: '0' bernilai 0"


def test_zero_divided_by_zero_is_not_computable() -> None:
    result = parse("a / b", ["a", "b"]).evaluate({"a": D(0), "b": D(0)})
    assert result.outcome is Outcome.NOT_COMPUTABLE


def test_missing_inputs_are_listed_by_label_in_declaration_order() -> None:
    result = _ratio().evaluate({})
    assert result.outcome is Outcome.MISSING
    assert result.value is None
    assert result.reason == "Jumlah usaha mikro yang difasilitasi; Jumlah seluruh usaha mikro"
    assert str(result) == (
        "belum diisi: Jumlah usaha mikro yang difasilitasi; Jumlah seluruh usaha mikro"
    )


def test_none_value_is_missing_not_zero() -> None:
    result = _ratio().evaluate({"um_difasilitasi": D(12), "um_seluruh": None})
    assert result.outcome is Outcome.MISSING
    assert result.reason == "Jumlah seluruh usaha mikro"


def test_missing_wins_over_division_by_zero() -> None:
    result = _ratio().evaluate({"um_difasilitasi": None, "um_seluruh": D(0)})
    assert result.outcome is Outcome.MISSING
    assert result.reason == "Jumlah usaha mikro yang difasilitasi"


def test_unused_variable_is_not_reported_missing() -> None:
    formula = parse("a * 2", [Variable("a", "Nilai A"), Variable("b", "Nilai B")])
    assert formula.evaluate({"a": D(4)}) == Result.ok(D(8))


def test_missing_variable_without_label_uses_its_name() -> None:
    result = parse("a + b", ["a", "b"]).evaluate({"a": D(1)})
    assert result == Result.missing("b")


@pytest.mark.parametrize(
    "bad",
    [D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity"), True, False, float("nan"), "abc"],
)
def test_invalid_input_value_is_not_computable(bad: object) -> None:
    result = _ratio().evaluate({"um_difasilitasi": bad, "um_seluruh": D(10)})  # type: ignore[dict-item]
    assert result.outcome is Outcome.NOT_COMPUTABLE
    assert result.reason == "nilai 'Jumlah usaha mikro yang difasilitasi' tidak sah"


def test_overflow_is_not_computable() -> None:
    result = parse("a * 10", ["a"]).evaluate({"a": D("9e999999")})
    assert result.outcome is Outcome.NOT_COMPUTABLE
    assert result.reason == "angka terlalu besar"


def test_overflow_in_division_is_not_computable() -> None:
    result = parse("a / b", ["a", "b"]).evaluate({"a": D("1e999999"), "b": D("1e-999999")})
    assert result.outcome is Outcome.NOT_COMPUTABLE


def test_huge_int_input_does_not_raise() -> None:
    result = parse("a", ["a"]).evaluate({"a": 10**5000})
    assert isinstance(result, Result)
    assert result.outcome is Outcome.NOT_COMPUTABLE


# ---------------------------------------------------------------------------
# Formula.unused / used
# ---------------------------------------------------------------------------


def test_unused_lists_declared_but_unused_in_declaration_order() -> None:
    formula = parse("a + c", ["d", "a", "b", "c"])
    assert formula.unused == ["d", "b"]
    assert formula.used == frozenset({"a", "c"})


def test_unused_is_empty_when_all_used() -> None:
    assert parse("min(a, b) + abs(c)", ["a", "b", "c"]).unused == []


def test_constant_formula_uses_nothing() -> None:
    formula = parse("100", ["a"])
    assert formula.unused == ["a"]
    assert formula.evaluate({}) == Result.ok(D(100))


# ---------------------------------------------------------------------------
# Presets
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "names", "expression"),
    [
        ("ratio", ["part", "whole"], "part / whole * 100"),
        (Preset.RATIO, ["part", "whole"], "part / whole * 100"),
        ("growth", ["n", "n_1"], "(n - n_1) / n_1 * 100"),
        ("value", ["nilai_ikm"], "nilai_ikm"),
        ("sum", ["m1"], "m1"),
        ("sum", ["m1", "m2", "m3"], "m1 + m2 + m3"),
        ("average", ["m1"], "m1"),
        ("average", ["m1", "m2", "m3"], "(m1 + m2 + m3) / 3"),
    ],
)
def test_preset_expression(kind: str, names: list[str], expression: str) -> None:
    assert preset_expression(kind, names) == expression


@pytest.mark.parametrize(
    ("kind", "names", "values", "expected"),
    [
        ("ratio", ["p", "w"], {"p": D(150), "w": D(1200)}, D("12.5")),
        ("growth", ["n", "n_1"], {"n": D(1320), "n_1": D(1200)}, D(10)),
        ("growth", ["n", "n_1"], {"n": D(900), "n_1": D(1200)}, D(-25)),
        ("value", ["v"], {"v": D("82.75")}, D("82.75")),
        ("sum", ["m1", "m2", "m3"], {"m1": D(4), "m2": D(0), "m3": D(9)}, D(13)),
        ("average", ["m1", "m2", "m3"], {"m1": D(100), "m2": D(101), "m3": D(105)}, D(102)),
        ("average", ["m1", "m2"], {"m1": D(1), "m2": D(2)}, D("1.5")),
    ],
)
def test_every_preset_parses_and_evaluates(
    kind: str, names: list[str], values: dict[str, Decimal], expected: Decimal
) -> None:
    formula = parse(preset_expression(kind, names), names)
    assert formula.unused == []
    assert formula.evaluate(values) == Result.ok(expected)


def test_growth_preset_with_zero_base_is_not_computable() -> None:
    names = [
        Variable("ekspor_n", "Nilai ekspor tahun n"),
        Variable("ekspor_n_1", "Nilai ekspor tahun n-1"),
    ]
    formula = parse(preset_expression("growth", ["ekspor_n", "ekspor_n_1"]), names)
    result = formula.evaluate({"ekspor_n": D(10), "ekspor_n_1": D(0)})
    assert result.outcome is Outcome.NOT_COMPUTABLE
    assert result.reason == "pembagian dengan nol: 'Nilai ekspor tahun n-1' bernilai 0"


def test_preset_kinds_are_exactly_the_five() -> None:
    assert {p.value for p in Preset} == {"ratio", "growth", "value", "sum", "average"}


@pytest.mark.parametrize(
    ("kind", "names", "message"),
    [
        ("ratio", ["a"], "rumus 'ratio' butuh 2 variabel, diberikan 1"),
        ("ratio", ["a", "b", "c"], "rumus 'ratio' butuh 2 variabel, diberikan 3"),
        ("ratio", [], "rumus 'ratio' butuh 2 variabel, diberikan 0"),
        ("growth", ["a"], "rumus 'growth' butuh 2 variabel, diberikan 1"),
        ("growth", ["a", "b", "c"], "rumus 'growth' butuh 2 variabel, diberikan 3"),
        ("value", [], "rumus 'value' butuh 1 variabel, diberikan 0"),
        ("value", ["a", "b"], "rumus 'value' butuh 1 variabel, diberikan 2"),
        ("sum", [], "rumus 'sum' butuh paling sedikit 1 variabel, diberikan 0"),
        ("average", [], "rumus 'average' butuh paling sedikit 1 variabel, diberikan 0"),
    ],
)
def test_preset_wrong_arity(kind: str, names: list[str], message: str) -> None:
    with pytest.raises(FormulaError) as info:
        preset_expression(kind, names)
    assert info.value.problem == message
    assert str(info.value) == f"Rumus tidak sah: {message}"


@pytest.mark.parametrize("kind", ["rasio", "RATIO", "", "percent"])
def test_preset_unknown_kind(kind: str) -> None:
    with pytest.raises(FormulaError, match="tidak dikenal") as info:
        preset_expression(kind, ["a", "b"])
    assert "ratio, growth, value, sum, average" in str(info.value)


# ---------------------------------------------------------------------------
# Variable names
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["a", "x", "um_difasilitasi", "ikm_2021", "n_1", "a_", "a" * 40, "minimum", "absen", "none"],
)
def test_valid_variable_names(name: str) -> None:
    check_variable_name(name)
    assert parse(name, [name]).used == frozenset({name})


@pytest.mark.parametrize(
    "name",
    [
        "",
        "A",
        "Um",
        "umKecil",
        "1a",
        "_a",
        "__import__",
        "a-b",
        "a b",
        "a.b",
        "a\n",
        "é",
        "ａ",  # full-width a
        "a" * 41,
        "abs",
        "min",
        "max",
    ],
)
def test_invalid_variable_names(name: str) -> None:
    with pytest.raises(FormulaError) as info:
        check_variable_name(name)
    assert "nama variabel" in str(info.value)
    assert str(info.value).startswith("Rumus tidak sah: ")
    with pytest.raises(FormulaError):
        parse("1", [name])


@pytest.mark.parametrize("name", ["if", "lambda", "import"])
def test_keyword_is_not_a_valid_variable_name(name: str) -> None:
    with pytest.raises(FormulaError):
        check_variable_name(name)


def test_keyword_variable_cannot_be_used_in_a_formula() -> None:
    # Why keywords are refused as names: a formula could never use them.
    with pytest.raises(FormulaError):
        parse("if / b * 100", ["if", "b"])


def test_duplicate_declaration_is_rejected() -> None:
    with pytest.raises(FormulaError, match="dua kali"):
        parse("a", ["a", Variable("a", "Nilai A")])


def test_variable_display() -> None:
    assert Variable("a", "Nilai A").display == "Nilai A"
    assert Variable("a").display == "a"


def test_undeclared_name_lists_declared_variables() -> None:
    with pytest.raises(FormulaError) as info:
        parse("a + zz", ["a", "b"])
    assert info.value.column == 5
    assert info.value.problem == "nama 'zz' tidak dikenal (variabel yang dideklarasikan: a, b)"


def test_undeclared_name_without_declarations() -> None:
    with pytest.raises(FormulaError) as info:
        parse("a", [])
    assert info.value.problem == "nama 'a' tidak dikenal (variabel yang dideklarasikan: tidak ada)"


# ---------------------------------------------------------------------------
# FormulaError: column and Indonesian message
# ---------------------------------------------------------------------------


def test_formula_error_is_a_validation_error() -> None:
    error = FormulaError("masalah", column=3, expression="a + b")
    assert isinstance(error, ValidationError)
    assert error.column == 3
    assert error.problem == "masalah"
    assert str(error) == "Rumus tidak sah: kolom 3: masalah"
    assert error.log_message == "invalid formula 'a + b' at column 3: masalah"


@pytest.mark.parametrize(
    ("expression", "column", "fragment"),
    [
        ("a.__class__", 1, "'a.__class__' tidak diizinkan"),
        ("a + b.c", 5, "'b.c' tidak diizinkan"),
        ("a + 'x'", 5, "bukan angka yang diizinkan"),
        ("a + zz", 5, "nama 'zz' tidak dikenal"),
        ("a + b % c", 5, "operator dalam 'b % c' tidak diizinkan (hanya + - * /)"),
        ("a * b ** 2", 5, "operator dalam 'b ** 2' tidak diizinkan"),
        ("abs(a) + eval('1')", 10, "pemanggilan 'eval' tidak diizinkan (hanya abs, min, max)"),
        ("min(a, *b)", 8, "argumen berbintang tidak diizinkan"),
        ("max(a, b, key=c)", 1, "max() tidak menerima argumen bernama"),
        ("abs(a, b)", 1, "abs() butuh tepat 1 argumen, diberikan 2"),
        ("a + min(b)", 5, "min() butuh paling sedikit 2 argumen, diberikan 1"),
        ("(x:=1)", 2, "tidak diizinkan"),
        ("a + 1e5", 5, "bukan angka yang diizinkan"),
        ("a + 1" + "0" * 30, 5, "angka terlalu panjang (paling banyak 30 digit)"),
        ("-" * 41 + "a", 42, f"rumus terlalu bertingkat (lebih dari {MAX_DEPTH} tingkat)"),
        ("a + * b", 5, "susunan rumus salah"),
        ("a + b)", 6, "susunan rumus salah"),
        ("a x b", 3, "gunakan * untuk perkalian (bukan x)"),
    ],
)
def test_error_column_points_at_the_offending_node(
    expression: str, column: int, fragment: str
) -> None:
    with pytest.raises(FormulaError) as info:
        parse(expression, ["a", "b", "c"])
    assert info.value.column == column
    assert fragment in info.value.problem
    assert str(info.value).startswith(f"Rumus tidak sah: kolom {column}: ")


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("80%", "tulis * 100 untuk persen (tanpa tanda %)"),
        ("a / b × 100", "gunakan * untuk perkalian (bukan x)"),
        ("a , b +", "gunakan titik untuk desimal"),
    ],
)
def test_syntax_hints_in_indonesian(expression: str, fragment: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse(expression, ["a", "b"])
    assert fragment in info.value.problem
    assert "susunan rumus salah" in info.value.problem


def test_non_ascii_look_alikes_are_refused_at_their_column() -> None:
    # 'ａ' (full-width) would be NFKC-normalised by Python to the declared name 'a'.
    with pytest.raises(FormulaError) as info:
        parse("ａ + a.b", ["a"])
    assert info.value.column == 1
    assert info.value.problem == "karakter 'ａ' tidak diizinkan dalam rumus"
    with pytest.raises(FormulaError) as info:
        parse("a + ａ", ["a"])
    assert info.value.column == 5


def test_comments_and_continuations_are_refused() -> None:
    for expression, column in (("a # catatan", 3), ("a + \\", 5)):
        with pytest.raises(FormulaError) as info:
            parse(expression, ["a"])
        assert info.value.column == column


# ---------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------


def test_length_limit_boundary() -> None:
    at_limit = "a" + " " * (MAX_LENGTH - 4) + "+ a"
    assert len(at_limit) == MAX_LENGTH
    assert parse(at_limit, ["a"]).evaluate({"a": D(2)}) == Result.ok(D(4))
    over = "a" + " " * (MAX_LENGTH - 3) + "+ a"
    with pytest.raises(FormulaError) as info:
        parse(over, ["a"])
    assert info.value.problem == "rumus terlalu panjang (501 karakter, paling banyak 500)"


def test_surrounding_whitespace_does_not_count_towards_length() -> None:
    assert parse(" " * 600 + "a" + " " * 600, ["a"]).expression == "a"


def test_depth_limit_boundary() -> None:
    at_limit = "-" * MAX_DEPTH + "a"
    assert parse(at_limit, ["a"]).evaluate({"a": D(5)}) == Result.ok(D(5))
    with pytest.raises(FormulaError, match="terlalu bertingkat"):
        parse("-" * (MAX_DEPTH + 1) + "a", ["a"])


def test_number_length_boundary() -> None:
    assert parse("1" * 30, []).evaluate({}) == Result.ok(D("1" * 30))
    assert parse("0." + "5" * 28, []).evaluate({}) == Result.ok(D("0." + "5" * 28))
    with pytest.raises(FormulaError, match="angka terlalu panjang"):
        parse("1" * 31, [])


@pytest.mark.parametrize("expression", ["", "   ", "\t"])
def test_empty_formula(expression: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse(expression, ["a"])
    assert info.value.problem == "rumus kosong"


# ---------------------------------------------------------------------------
# Known escape attempts: every one must raise FormulaError, nothing else
# ---------------------------------------------------------------------------

ESCAPES = [
    # attribute access
    "a.__class__",
    "(1).real",
    "a.b",
    "a.__dict__",
    "[].__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "abs.__self__",
    "min.__call__(a, b)",
    # dunder names
    "__import__('os')",
    "__import__('os').system('ls')",
    "__builtins__",
    "__import__",
    "__class__",
    # calls
    "eval('1')",
    "exec('1')",
    "open('x')",
    "print(1)",
    "getattr(a, 'b')",
    "globals()",
    "vars()",
    "compile('1', '', 'eval')",
    "breakpoint()",
    "a()",
    "(a)(b)",
    "a.b()",
    "abs",
    "abs(a)(b)",
    # lambda, comprehensions, generators
    "lambda: 1",
    "lambda a: a",
    "(lambda: 1)()",
    "[x for x in a]",
    "{x for x in a}",
    "{x: 1 for x in a}",
    "(x for x in a)",
    "min(x for x in a)",
    "max(a, (x for x in b))",
    # subscripts and containers
    "a[0]",
    "a[1:2]",
    "[a]",
    "(a, b)",
    "{a}",
    "{'a': 1}",
    "0,5 * a",
    # strings, bytes, f-strings
    "'abc'",
    '"a"',
    "b'a'",
    "f'{a}'",
    "a + 'x'",
    # power and other operators
    "2**1000000",
    "a**b",
    "a ** 2",
    "a % b",
    "a // b",
    "a @ b",
    "a << 1",
    "a >> 1",
    "a | b",
    "a & b",
    "a ^ b",
    "~a",
    "+a",
    # literals that are not plain numbers
    "1e999999",
    "1e5",
    "1E5",
    "0x10",
    "0X1f",
    "0o17",
    "0b101",
    "1_000",
    "1j",
    "2 + 3j",
    "True",
    "False",
    "None",
    "...",
    "9" * 31,
    # walrus, comparison, boolean, conditional
    "(x:=1)",
    "(a:=1)",
    "a < b",
    "a == b",
    "a is b",
    "a in b",
    "a and b",
    "a or b",
    "not a",
    "a if b else 1",
    # starred and keyword arguments, wrong arities
    "min(*a)",
    "min(a, *b)",
    "max(*a, *b)",
    "max(a, b, key=abs)",
    "abs(x=a)",
    "min(a)",
    "max()",
    "abs(a, b)",
    "abs()",
    # await / yield
    "await a",
    "yield a",
    # over-long input and deep nesting
    "a + " * 126 + "a",
    "1" * (MAX_LENGTH + 1),
    "-" * 60 + "a",
    "abs(" * 45 + "a" + ")" * 45,
    "(" * 250 + "a" + ")" * 250,
    "(" * 201 + "a" + ")" * 201,
    "a" + "+a" * 45,
    # statements, semicolons, newlines, control characters
    "import os",
    "from os import system",
    "a = 1",
    "a += 1",
    "del a",
    "pass",
    "a; b",
    "a;",
    "a\nb",
    "a\n+ b",
    "a\r+b",
    "a \\\n+ b",
    "a\x00b",
    "\x00",
    "a\x1b",
    # syntax errors
    "a +",
    "(a",
    "a)",
    "",
    "'\\d'",
]


@pytest.mark.parametrize("expression", ESCAPES)
def test_escape_attempt_raises_formula_error(expression: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse(expression, ["a", "b"])
    error = info.value
    assert str(error).startswith("Rumus tidak sah: ")
    assert error.problem
    if error.column is not None:
        assert 1 <= error.column <= len(expression) + 1


def test_deeply_nested_parentheses_are_rejected() -> None:
    with pytest.raises(FormulaError):
        parse("(" * 45 + "a" + ")" * 45, ["a", "b"])


@pytest.mark.parametrize("expression", [None, 123, 1.5, b"a", ["a"], D(1), object()])
def test_non_string_expression_raises_formula_error(expression: object) -> None:
    with pytest.raises(FormulaError) as info:
        parse(expression, ["a"])  # type: ignore[arg-type]
    assert info.value.problem == "rumus harus berupa teks"


def test_surrogate_character_raises_formula_error() -> None:
    with pytest.raises(FormulaError):
        parse("a + \ud800", ["a"])

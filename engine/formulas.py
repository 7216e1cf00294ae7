"""Indicator formulas: a small, safe, exact expression language.

Planning staff write formulas such as ``um_difasilitasi / um_seluruh * 100``.
They are parsed with Python's `ast` and checked against a whitelist (numbers,
declared variables, ``+ - * /``, parentheses, unary minus, ``abs``/``min``/``max``)
and then compiled into closures over `Decimal`; nothing is ever passed to
`eval`. Whatever the input, parsing raises only `FormulaError` (in Bahasa
Indonesia, with the column of the problem) and evaluation never raises: a
missing input or a division by zero yields a `Result` with the reason.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from enum import StrEnum

from engine.errors import ValidationError
from engine.result import Result

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_NUMBER_LENGTH = 30
MAX_NAME_LENGTH = 40
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)")
_FUNCTIONS: dict[str, tuple[int, int | None]] = {"abs": (1, 1), "min": (2, None), "max": (2, None)}
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
# 34 significant digits (IEEE decimal128): far beyond any indicator, and exact for
# every sum and product of the numbers agencies type.
_CONTEXT = Context(
    prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)

Evaluator = Callable[[Mapping[str, Decimal]], Decimal]


class FormulaError(ValidationError):
    """A formula that is not allowed; `column` (1-based) points at the problem when known."""

    def __init__(self, problem: str, *, column: int | None = None, expression: str = "") -> None:
        where = f"kolom {column}: " if column is not None else ""
        super().__init__(
            f"Rumus tidak sah: {where}{problem}",
            log_message=f"invalid formula {expression[:80]!r} at column {column}: {problem}",
        )
        self.problem = problem
        self.column = column


class InputKind(StrEnum):
    """What an input holds: a count takes whole numbers only; amounts (rupiah, USD, tonnes),
    percentages and indices may have decimals."""

    COUNT = "count"
    AMOUNT = "amount"
    PERCENTAGE = "percentage"
    INDEX = "index"

    @property
    def label(self) -> str:
        """The kind as pages name it."""
        return {
            "count": "jumlah (bilangan bulat)",
            "amount": "nilai",
            "percentage": "persen",
            "index": "indeks",
        }[self.value]


class GrowthBasis(StrEnum):
    """What a growth indicator compares its value of year n with. `same_period` (c-to-c,
    the default): a quarter's value to date with the same period of year n-1, the annual
    figure with the whole of year n-1; `whole_year`: every quarter with the whole of year n-1
    (a quarter's growth is then strongly negative until the year is nearly over)."""

    SAME_PERIOD = "same_period"
    WHOLE_YEAR = "whole_year"

    @property
    def label(self) -> str:
        """The basis as pages name it."""
        if self is GrowthBasis.SAME_PERIOD:
            return "s.d. periode yang sama tahun lalu (c-to-c)"
        return "seluruh tahun lalu"


@dataclass(frozen=True, slots=True)
class Variable:
    """A labelled input of a formula (the label is the decree's own words).

    `kind` says what the input holds (None: not declared, any non-negative number with
    decimals); `negative` whether it may be below zero (a monthly price change: deflation).
    """

    name: str
    label: str = ""
    unit: str = ""
    kind: InputKind | None = None
    negative: bool = False

    @property
    def display(self) -> str:
        """The label when there is one, else the name."""
        return self.label or self.name


class Preset(StrEnum):
    """The formula kinds found in the decrees, which expand to expressions."""

    RATIO = "ratio"
    GROWTH = "growth"
    VALUE = "value"
    SUM = "sum"
    AVERAGE = "average"


_PRESET_ARITY: dict[Preset, tuple[int, int | None]] = {
    Preset.RATIO: (2, 2),
    Preset.GROWTH: (2, 2),
    Preset.VALUE: (1, 1),
    Preset.SUM: (1, None),
    Preset.AVERAGE: (1, None),
}


def preset_expression(kind: str, names: Sequence[str]) -> str:
    """The expression a preset stands for, over the given variable names (in order).

    ratio: part / whole x 100; growth: (n - n_1) / n_1 x 100; value: the value;
    sum and average: over all names (e.g. the three months of a quarter).
    """
    try:
        preset = Preset(kind)
    except ValueError:
        raise FormulaError(
            f"jenis rumus '{kind}' tidak dikenal (pilihan: {', '.join(Preset)})"
        ) from None
    low, high = _PRESET_ARITY[preset]
    if len(names) < low or (high is not None and len(names) > high):
        wanted = str(low) if low == high else f"paling sedikit {low}"
        raise FormulaError(f"rumus '{preset}' butuh {wanted} variabel, diberikan {len(names)}")
    if preset is Preset.RATIO:
        return f"{names[0]} / {names[1]} * 100"
    if preset is Preset.GROWTH:
        return f"({names[0]} - {names[1]}) / {names[1]} * 100"
    if preset is Preset.VALUE:
        return names[0]
    total = " + ".join(names)
    if preset is Preset.SUM:
        return total
    return f"({total}) / {len(names)}" if len(names) > 1 else names[0]


def check_variable_name(name: str) -> None:
    """Raise `FormulaError` unless `name` is a lowercase identifier of at most 40 characters."""
    if (
        not isinstance(name, str)
        or not NAME_PATTERN.fullmatch(name)
        or len(name) > MAX_NAME_LENGTH
        or name in _FUNCTIONS
        or keyword.iskeyword(name)
    ):
        raise FormulaError(
            f"nama variabel '{name}' tidak sah: huruf kecil, angka dan garis bawah, "
            f"diawali huruf, paling panjang {MAX_NAME_LENGTH} karakter, bukan abs/min/max "
            "dan bukan kata kunci Python"
        )


class _NotComputableError(Exception):
    """Internal: raised during evaluation, turned into a Result at the top."""


class Formula:
    """A parsed, checked formula; `evaluate` computes it exactly from input values."""

    __slots__ = ("_evaluate", "expression", "used", "variables")

    def __init__(
        self,
        expression: str,
        variables: Mapping[str, Variable],
        used: frozenset[str],
        evaluator: Evaluator,
    ) -> None:
        self.expression = expression
        self.variables = variables
        self.used = used
        self._evaluate = evaluator

    @property
    def unused(self) -> list[str]:
        """Declared variables the expression does not use (a catalogue refuses these)."""
        return [name for name in self.variables if name not in self.used]

    def evaluate(self, values: Mapping[str, Decimal | int | None]) -> Result:
        """The value of the formula, or why there is none. Never raises.

        A variable absent from `values` (or None) is missing; the result then
        lists every missing input by its label.
        """
        missing = [
            self.variables[n].display
            for n in self.variables
            if n in self.used and values.get(n) is None
        ]
        if missing:
            return Result.missing("; ".join(missing))
        clean: dict[str, Decimal] = {}
        for name in self.used:
            raw = values[name]
            try:
                value = raw if isinstance(raw, Decimal) else Decimal(str(raw))
            except (InvalidOperation, ValueError):
                value = Decimal("NaN")
            if isinstance(raw, bool) or not value.is_finite():
                return Result.not_computable(f"nilai '{self.variables[name].display}' tidak sah")
            clean[name] = value
        try:
            return Result.ok(self._evaluate(clean))
        except _NotComputableError as exc:
            return Result.not_computable(str(exc))
        except (InvalidOperation, DivisionByZero):
            return Result.not_computable("pembagian dengan nol")
        except Overflow:
            return Result.not_computable("angka terlalu besar")

    def __repr__(self) -> str:
        return f"Formula({self.expression!r})"


def parse(expression: str, variables: Iterable[str | Variable]) -> Formula:
    """Check `expression` against the whitelist and the declared `variables`.

    Raises `FormulaError` for anything not allowed: syntax errors, undeclared
    names, attributes, calls other than abs/min/max, subscripts, strings,
    powers, comparisons, over-long input or too deep nesting.
    """
    declared: dict[str, Variable] = {}
    for item in variables:
        variable = item if isinstance(item, Variable) else Variable(str(item))
        check_variable_name(variable.name)
        if variable.name in declared:
            raise FormulaError(f"variabel '{variable.name}' dideklarasikan dua kali")
        declared[variable.name] = variable
    if not isinstance(expression, str):
        raise FormulaError("rumus harus berupa teks")
    text = expression.strip()
    if not text:
        raise FormulaError("rumus kosong")
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"rumus terlalu panjang ({len(text)} karakter, paling banyak {MAX_LENGTH})"
        )
    _check_characters(text)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        column = exc.offset if exc.offset and exc.offset <= len(text) + 1 else None
        raise FormulaError(_syntax_hint(text, exc), column=column, expression=text) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("rumus tidak dapat dibaca", expression=text) from None
    compiler = _Compiler(text, declared)
    evaluator = compiler.compile(tree.body, depth=0)
    return Formula(text, declared, frozenset(compiler.used), evaluator)


_CHARACTER_HINTS = {
    "×": "susunan rumus salah; gunakan * untuk perkalian (bukan x)",
    "÷": "susunan rumus salah; gunakan / untuk pembagian",
}


def _check_characters(text: str) -> None:
    """Printable ASCII only, no comments or line continuations; nesting bounded.

    Refusing non-ASCII up front closes Unicode look-alikes that Python folds
    into names ('ａ' becomes 'a') and keeps every column a character column;
    the remaining ASCII is judged by the AST whitelist, whose messages say more.
    """
    depth = 0
    for index, char in enumerate(text):
        if not char.isascii() or not char.isprintable() or char in "#\\":
            shown = repr(char) if not char.isprintable() else f"'{char}'"
            problem = _CHARACTER_HINTS.get(char, f"karakter {shown} tidak diizinkan dalam rumus")
            raise FormulaError(problem, column=index + 1, expression=text)
        if char == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise FormulaError(
                    f"rumus terlalu bertingkat (lebih dari {MAX_DEPTH} tingkat kurung)",
                    column=index + 1,
                    expression=text,
                )
        elif char == ")":
            depth = max(0, depth - 1)


def _syntax_hint(text: str, exc: SyntaxError) -> str:
    if "x" in text.lower().split():
        return "susunan rumus salah; gunakan * untuk perkalian (bukan x)"
    if "%" in text:
        return "susunan rumus salah; tulis * 100 untuk persen (tanpa tanda %)"
    if "," in text and "(" not in text:
        return "susunan rumus salah; gunakan titik untuk desimal (0.5), bukan koma"
    return "susunan rumus salah"


class _Compiler:
    """Walks the AST once: checks every node against the whitelist, returns a closure."""

    def __init__(self, text: str, declared: Mapping[str, Variable]) -> None:
        self.text = text
        self.declared = declared
        self.used: set[str] = set()

    def fail(self, node: ast.AST, problem: str) -> FormulaError:
        column = getattr(node, "col_offset", None)
        return FormulaError(
            problem, column=None if column is None else column + 1, expression=self.text
        )

    def source(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or "?"

    def compile(self, node: ast.expr, depth: int) -> Evaluator:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"rumus terlalu bertingkat (lebih dari {MAX_DEPTH} tingkat)")
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.BinOp):
            return self._binary(node, depth)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            operand = self.compile(node.operand, depth + 1)
            return lambda values: _CONTEXT.minus(operand(values))
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        if isinstance(node, ast.Tuple):
            raise self.fail(
                node, "koma hanya untuk memisahkan argumen min/max; desimal pakai titik"
            )
        raise self.fail(node, f"'{self.source(node)}' tidak diizinkan dalam rumus")

    def _number(self, node: ast.Constant) -> Evaluator:
        literal = self.source(node)
        if type(node.value) not in (int, float) or not _NUMBER.fullmatch(literal):
            raise self.fail(
                node,
                f"'{literal}' bukan angka yang diizinkan (tulis angka biasa, misal 100 atau 0.5)",
            )
        if len(literal) > MAX_NUMBER_LENGTH:
            raise self.fail(
                node, f"angka terlalu panjang (paling banyak {MAX_NUMBER_LENGTH} digit)"
            )
        constant = Decimal(literal)
        return lambda _values: constant

    def _name(self, node: ast.Name) -> Evaluator:
        name = node.id
        if name not in self.declared:
            known = ", ".join(self.declared) or "tidak ada"
            raise self.fail(
                node, f"nama '{name}' tidak dikenal (variabel yang dideklarasikan: {known})"
            )
        self.used.add(name)
        return lambda values: values[name]

    def _binary(self, node: ast.BinOp, depth: int) -> Evaluator:
        operator = _OPERATORS.get(type(node.op))
        if operator is None:
            raise self.fail(
                node, f"operator dalam '{self.source(node)}' tidak diizinkan (hanya + - * /)"
            )
        left = self.compile(node.left, depth + 1)
        right = self.compile(node.right, depth + 1)
        if operator == "+":
            return lambda values: _CONTEXT.add(left(values), right(values))
        if operator == "-":
            return lambda values: _CONTEXT.subtract(left(values), right(values))
        if operator == "*":
            return lambda values: _CONTEXT.multiply(left(values), right(values))
        divisor_text = self._describe(node.right)

        def divide(values: Mapping[str, Decimal]) -> Decimal:
            divisor = right(values)
            if divisor.is_zero():
                raise _NotComputableError(f"pembagian dengan nol: {divisor_text} bernilai 0")
            return _CONTEXT.divide(left(values), divisor)

        return divide

    def _describe(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name) and node.id in self.declared:
            return f"'{self.declared[node.id].display}'"
        return f"'{self.source(node)}'"

    def _call(self, node: ast.Call, depth: int) -> Evaluator:
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            raise self.fail(
                node,
                f"pemanggilan '{self.source(node.func)}' tidak diizinkan (hanya abs, min, max)",
            )
        name = node.func.id
        if node.keywords:
            raise self.fail(node, f"{name}() tidak menerima argumen bernama")
        low, high = _FUNCTIONS[name]
        count = len(node.args)
        if count < low or (high is not None and count > high):
            wanted = "tepat 1" if high == 1 else f"paling sedikit {low}"
            raise self.fail(node, f"{name}() butuh {wanted} argumen, diberikan {count}")
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail(arg, "argumen berbintang tidak diizinkan")
            args.append(self.compile(arg, depth + 1))
        if name == "abs":
            (only,) = args
            return lambda values: _CONTEXT.abs(only(values))
        if name == "min":
            return lambda values: min(arg(values) for arg in args)
        return lambda values: max(arg(values) for arg in args)

"""Property tests for engine.formulas (Hypothesis).

(a) Whatever the text, `parse` returns a Formula or raises FormulaError; an accepted
    formula contains only whitelisted syntax (checked independently with `ast`) and
    its evaluation never raises.
(b) Random well-formed expression trees evaluate to the value of an independent
    reference computed with Decimal at high precision, or are not computable exactly
    when the reference divides by zero.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, localcontext

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from engine.formulas import MAX_DEPTH, MAX_LENGTH, Formula, FormulaError, parse
from engine.result import Outcome, Result

DECLARED = ["a", "b", "c"]

# ---------------------------------------------------------------------------
# (a) arbitrary text
# ---------------------------------------------------------------------------

NAMES = ["a", "b", "c", "d", "x", "foo", "A", "_", "__import__", "__class__", "__builtins__"]
NUMBERS = [
    "0",
    "1",
    "2",
    "10",
    "100",
    "0.5",
    ".5",
    "1.",
    "007",
    "00",
    "1e5",
    "1e999999",
    "0x1f",
    "0o7",
    "0b1",
    "1_000",
    "1j",
    "9" * 31,
    "1" * 30,
]
OPERATORS = ["+", "-", "*", "/", "**", "%", "//", "@", "<", "==", "=", ":=", "~", "<<"]
PUNCTUATION = ["(", ")", "(", ")", ",", ".", "[", "]", "{", "}", ":", ";", "'", '"', "#", "\\"]
FUNCTIONS = ["abs", "min", "max", "eval", "open", "getattr", "print", "__import__"]
SPACES = [" ", " ", "  ", "\t", "\n", "\x00", "\u00a0"]
KEYWORDS = [
    "if",
    "else",
    "for",
    "in",
    "not",
    "and",
    "or",
    "is",
    "True",
    "None",
    "lambda",
    "import",
    "yield",
    "await",
    "f'",
    "b'",
]
TOKENS = NAMES + NUMBERS + OPERATORS + PUNCTUATION + FUNCTIONS + SPACES + KEYWORDS

# Hypothesis is comparatively slow per draw on small machines, and this test runs
# 10,000 examples: each input is therefore decoded from one `binary` draw (which still
# shrinks well) instead of dozens of separate draws.


def tokens_from(data: bytes) -> str:
    """Any sequence of tokens, most of them not a valid formula."""
    return "".join(TOKENS[byte % len(TOKENS)] for byte in data)


SIMPLE_LEAVES = ["a", "b", "c", "0", "1", "100", "0.5", ".5", "7.", "12.75"]


def formula_from(data: bytes) -> str:
    """A well-formed formula over a, b, c whose shape is decoded from `data`."""
    stream = iter(data)

    def build(budget: int) -> str:
        byte = next(stream, 0)
        if budget <= 1 or byte % 8 < 3:
            return SIMPLE_LEAVES[byte // 8 % len(SIMPLE_LEAVES)]
        kind = byte % 8
        if kind in (3, 4):
            operator = "+-*/"[byte // 8 % 4]
            left, right = build(budget // 2), build(budget // 2)
            return f"({left} {operator} {right})" if kind == 3 else f"{left} {operator} {right}"
        if kind == 5:
            return f"-{build(budget - 1)}"
        if kind == 6:
            return f"abs({build(budget - 1)})"
        count = 1 + byte // 8 % 3
        args = ", ".join(build(budget // count) for _ in range(count))
        return f"{('min', 'max')[byte // 64 % 2]}({args})"

    return build(12)


def spliced_from(parts: tuple[bytes, bytes]) -> str:
    """A well-formed formula with a few random tokens inserted."""
    shape, extra = parts
    text = formula_from(shape)
    for index in range(0, len(extra) - 1, 2):
        at = extra[index] % (len(text) + 1)
        text = text[:at] + TOKENS[extra[index + 1] % len(TOKENS)] + text[at:]
    return text


any_expression = st.one_of(
    st.binary(max_size=40).map(tokens_from),
    st.text(),
    st.binary(min_size=1, max_size=40).map(formula_from),
    st.tuples(st.binary(min_size=1, max_size=40), st.binary(min_size=2, max_size=6)).map(
        spliced_from
    ),
)

MISSING = object()
VALUE_POOL: list[object] = [
    MISSING,
    None,
    Decimal(0),
    Decimal("-0"),
    Decimal("0E+5"),
    Decimal("0.000"),
    Decimal(1),
    Decimal(-1),
    Decimal("0.5"),
    Decimal("-12.75"),
    Decimal(100),
    Decimal("1e30"),
    Decimal("-1e30"),
    Decimal("1e-30"),
    Decimal("9e999999"),
    Decimal("-9e999999"),
    Decimal("1e-999999"),
    Decimal("1e9999999"),
    Decimal("NaN"),
    Decimal("-Infinity"),
    Decimal("123456789012345678901234567890123456789"),
    0,
    7,
    -(10**40),
]


def values_from(data: bytes) -> dict[str, object]:
    """Input values for a, b, c: from the pool (missing keys, None, zero, extremes)
    or a random Decimal decoded from the bytes."""
    values: dict[str, object] = {}
    for index, name in enumerate(DECLARED):
        chunk = data[index * 8 : index * 8 + 8]
        if not chunk:
            continue  # missing key
        if chunk[0] < 128 or len(chunk) < 8:
            choice = VALUE_POOL[chunk[0] % len(VALUE_POOL)]
            if choice is not MISSING:
                values[name] = choice
            continue
        coefficient = int.from_bytes(chunk[1:7], "big", signed=True)
        values[name] = Decimal(coefficient).scaleb(chunk[7] % 80 - 40)
    return values


value_maps = st.binary(max_size=24).map(values_from)

ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Constant,
    ast.Name,
    ast.Call,
    ast.Load,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
)


def assert_only_whitelisted(text: str) -> None:
    """Independent check of an accepted formula's syntax tree."""
    tree = ast.parse(text.strip(), mode="eval")
    function_names: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name), ast.dump(node)
            assert node.func.id in ("abs", "min", "max"), ast.dump(node)
            assert not node.keywords, ast.dump(node)
            assert not any(isinstance(arg, ast.Starred) for arg in node.args)
            function_names.add(id(node.func))
    for node in ast.walk(tree):
        assert type(node) in ALLOWED_NODES, f"{type(node).__name__} in {text!r}"
        if isinstance(node, ast.BinOp):
            assert type(node.op) in (ast.Add, ast.Sub, ast.Mult, ast.Div)
        elif isinstance(node, ast.UnaryOp):
            assert type(node.op) is ast.USub
        elif isinstance(node, ast.Constant):
            assert type(node.value) in (int, float), repr(node.value)
        elif isinstance(node, ast.Name):
            assert isinstance(node.ctx, ast.Load)
            if id(node) not in function_names:
                assert node.id in DECLARED, node.id


@settings(
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(expression=any_expression, values=value_maps)
@example(expression="a / b * 100", values={"a": Decimal(150), "b": Decimal(1200)})
@example(expression="min(a, b, c) - abs(-c) / 0.5", values={"a": Decimal(0)})
@example(expression="max(a, 1) / (b - c)", values={"a": 1, "b": Decimal(2), "c": Decimal(2)})
@example(expression="a * b", values={"a": Decimal("9e999999"), "b": Decimal(10)})
@example(expression="a.__class__", values={})
@example(expression="(" * 45 + "a" + ")" * 45, values={"a": Decimal(1)})
def test_parse_only_raises_formula_error_and_accepts_only_the_whitelist(
    expression: str, values: dict[str, object]
) -> None:
    try:
        formula = parse(expression, DECLARED)
    except FormulaError as error:
        message = str(error)
        event("rejected")
        assert message.startswith("Rumus tidak sah: "), message
        return
    event("accepted")
    assert isinstance(formula, Formula)
    assert len(formula.expression) <= MAX_LENGTH
    assert_only_whitelisted(expression)
    result = formula.evaluate(values)  # type: ignore[arg-type]
    assert isinstance(result, Result)
    if result.outcome is Outcome.OK:
        assert isinstance(result.value, Decimal)
        assert result.value.is_finite()
        assert result.reason is None
    else:
        assert result.value is None
        assert isinstance(result.reason, str)
        assert result.reason


# ---------------------------------------------------------------------------
# (b) well-formed trees against an independent high-precision reference
# ---------------------------------------------------------------------------

VARIABLES = ["a", "b", "c", "d", "e"]
ENGINE_DIGITS = 34
# Half a unit in the last of 34 significant digits, relative; plus the reference's own.
ROUNDING = Decimal("5e-34") + Decimal("1e-190")
REPRESENTABLE = Context(prec=ENGINE_DIGITS)


@dataclass(frozen=True)
class Leaf:
    text: str


@dataclass(frozen=True)
class Unary:
    kind: str  # "neg" or "abs"
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Extreme:
    kind: str  # "min" or "max"
    args: tuple[Node, ...]


Node = Leaf | Unary | Binary | Extreme


def render(node: Node) -> str:
    if isinstance(node, Leaf):
        return node.text
    if isinstance(node, Unary):
        inner = render(node.operand)
        return f"-({inner})" if node.kind == "neg" else f"abs({inner})"
    if isinstance(node, Binary):
        return f"({render(node.left)} {node.op} {render(node.right)})"
    return f"{node.kind}({', '.join(render(arg) for arg in node.args)})"


def height(node: Node) -> int:
    """The engine's nesting depth of the deepest node (root = 0)."""
    if isinstance(node, Leaf):
        return 0
    if isinstance(node, Unary):
        return 1 + height(node.operand)
    if isinstance(node, Binary):
        return 1 + max(height(node.left), height(node.right))
    return 1 + max(height(arg) for arg in node.args)


literals = st.one_of(
    st.sampled_from(["0", "1", "2", "3", "7", "10", "100", "0.5", "0.25", "1.5", "12.75", "0.001"]),
    st.integers(min_value=0, max_value=10**6).map(str),
)
leaves = st.one_of(st.sampled_from(VARIABLES), literals).map(Leaf)


def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.builds(Binary, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(Binary, st.just("/"), children, children),
        st.builds(Unary, st.sampled_from(["neg", "abs"]), children),
        st.builds(
            Extreme,
            st.sampled_from(["min", "max"]),
            st.lists(children, min_size=2, max_size=3).map(tuple),
        ),
    )


trees = st.recursive(leaves, extend, max_leaves=10)
small_decimals = st.integers(min_value=0, max_value=3).flatmap(
    lambda places: st.decimals(
        min_value=-1000, max_value=1000, places=places, allow_nan=False, allow_infinity=False
    )
)
tree_values = st.fixed_dictionaries(
    {name: st.one_of(st.just(Decimal(0)), small_decimals) for name in VARIABLES}
)


@dataclass
class Reference:
    """Reference evaluation: a value and a bound on |engine - reference| (None: unbounded)."""

    divides_by_zero: bool = False
    undecidable: bool = False


def reference(
    node: Node, values: dict[str, Decimal], notes: Reference
) -> tuple[Decimal, Decimal | None]:
    """Evaluate `node` in the current (high-precision) context.

    Returns the value and a rigorous bound on how far the engine's 34-digit value can
    be from it; the bound is 0 while every step is exact in both.
    """
    if isinstance(node, Leaf):
        if node.text in values:
            return values[node.text], Decimal(0)
        return Decimal(node.text), Decimal(0)
    if isinstance(node, Unary):
        value, bound = reference(node.operand, values, notes)
        return (-value if node.kind == "neg" else abs(value)), bound
    if isinstance(node, Extreme):
        pairs = [reference(arg, values, notes) for arg in node.args]
        chosen = min(v for v, _ in pairs) if node.kind == "min" else max(v for v, _ in pairs)
        bounds = [b for _, b in pairs]
        return chosen, None if None in bounds else max(b for b in bounds if b is not None)
    left, left_bound = reference(node.left, values, notes)
    right, right_bound = reference(node.right, values, notes)
    if node.op == "/" and right.is_zero() and right_bound == 0:
        notes.divides_by_zero = True
        return Decimal(0), None
    if left_bound is None or right_bound is None:
        return Decimal(0), None
    if node.op == "/" and abs(right) <= right_bound:
        notes.undecidable = True  # the engine's divisor may or may not be zero
        return Decimal(0), None
    with localcontext() as ctx:
        ctx.clear_flags()
        if node.op == "+":
            value = left + right
            spread = left_bound + right_bound
        elif node.op == "-":
            value = left - right
            spread = left_bound + right_bound
        elif node.op == "*":
            value = left * right
            spread = abs(left) * right_bound + abs(right) * left_bound + left_bound * right_bound
        else:
            value = left / right
            spread = (left_bound * abs(right) + abs(left) * right_bound) / (
                abs(right) * (abs(right) - right_bound)
            )
        exact = not ctx.flags[Inexact]
    if spread == 0 and exact and REPRESENTABLE.plus(value) == value:
        return value, Decimal(0)
    return value, spread + ROUNDING * (abs(value) + spread)


@settings(max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees, values=tree_values)
@example(
    tree=Binary("/", Leaf("a"), Binary("-", Leaf("b"), Leaf("c"))),
    values=dict.fromkeys(VARIABLES, Decimal(3)),
)
@example(
    tree=Binary("*", Binary("/", Leaf("1"), Leaf("3")), Leaf("3")),
    values=dict.fromkeys(VARIABLES, Decimal(0)),
)
@example(
    tree=Binary(
        "/",
        Leaf("1"),
        Binary("-", Binary("*", Binary("/", Leaf("1"), Leaf("3")), Leaf("3")), Leaf("1")),
    ),
    values=dict.fromkeys(VARIABLES, Decimal(0)),
)
def test_trees_match_high_precision_reference(tree: Node, values: dict[str, Decimal]) -> None:
    expression = render(tree)
    if len(expression) > MAX_LENGTH or height(tree) > MAX_DEPTH:
        event("too long or too deep")
        try:
            parse(expression, VARIABLES)
        except FormulaError:
            return
        raise AssertionError(f"accepted over the limits: {expression!r}")
    result = parse(expression, VARIABLES).evaluate(values)
    notes = Reference()
    with localcontext() as ctx:
        ctx.prec = 200
        expected, bound = reference(tree, values, notes)
    if notes.divides_by_zero:
        event("divides by zero")
        assert result.outcome is Outcome.NOT_COMPUTABLE, (expression, values, result)
        assert result.reason is not None
        assert result.reason.startswith("pembagian dengan nol")
        return
    if notes.undecidable:
        event("divisor within rounding of zero")
        assert isinstance(result, Result)
        return
    assert result.outcome is Outcome.OK, (expression, values, result)
    assert result.value is not None
    assert bound is not None
    if bound == 0:
        event("exact")
        assert result.value == expected, (expression, values, result.value, expected)
    else:
        event("rounded")
        with localcontext() as ctx:
            ctx.prec = 200
            assert abs(result.value - expected) <= 2 * bound, (
                expression,
                values,
                result.value,
                expected,
                bound,
            )

"""Every public use case (the `__all__` of each engine/usecases module) has a unit test.

A unit test of a use case lives in tests/unit/test_usecases_*.py and runs against the
in-memory unit of work (tests/unit/fakes.py); this test finds the use cases by reading
the modules' `__all__` and fails for any name no such test module calls.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[2]
USECASES = ROOT / "engine" / "usecases"


def public_use_cases() -> dict[str, str]:
    """Name -> module of every function listed in an `__all__` of engine/usecases (the
    capitalised names there are the types they answer with, not use cases)."""
    found: dict[str, str] = {}
    for path in sorted(USECASES.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
                and isinstance(node.value, ast.List | ast.Tuple)
            ):
                for item in node.value.elts:
                    assert isinstance(item, ast.Constant) and isinstance(item.value, str)
                    if item.value[0].islower():
                        found[item.value] = path.stem
    return found


def names_called_in_unit_tests() -> set[str]:
    """Every function name called or referenced in the use-case unit tests."""
    called: set[str] = set()
    for path in (ROOT / "tests" / "unit").glob("test_usecases_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name):
                    called.add(func.id)
                elif isinstance(func, ast.Attribute):
                    called.add(func.attr)
    return called


def test_the_use_cases_are_found() -> None:
    cases = public_use_cases()
    assert cases["take_action"] == "workflow"
    assert len(cases) >= 4


def test_every_public_use_case_has_a_unit_test() -> None:
    untested = sorted(
        f"{module}.{name}"
        for name, module in public_use_cases().items()
        if name not in names_called_in_unit_tests()
    )
    assert untested == []


def test_every_use_case_module_declares_its_public_names() -> None:
    missing = [
        path.name
        for path in sorted(USECASES.glob("*.py"))
        if path.name != "__init__.py" and "__all__" not in path.read_text(encoding="utf-8")
    ]
    assert missing == []

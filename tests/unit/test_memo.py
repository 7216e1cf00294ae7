"""engine.memo: a value is built once per key while the key stays among the newest."""

from __future__ import annotations

from engine.memo import Memo


def test_values_are_built_once_and_the_oldest_key_goes_first() -> None:
    built: list[str] = []

    def build(key: str) -> str:
        built.append(key)
        return key.upper()

    memo: Memo[str, str] = Memo(size=2)
    assert memo.get("a", build) == "A"
    assert memo.get("b", build) == "B"
    assert memo.get("a", build) == "A"  # remembered, and now the newest
    assert memo.get("c", build) == "C"  # "b" was the least recently used: dropped
    assert memo.get("a", build) == "A"
    assert memo.get("b", build) == "B"  # built again
    assert built == ["a", "b", "c", "b"]
    memo.clear()
    assert memo.get("a", build) == "A"
    assert built == ["a", "b", "c", "b", "a"]

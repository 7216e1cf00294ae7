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


def test_with_a_weight_the_size_bounds_the_total_weight() -> None:
    built: list[str] = []

    def build(key: str) -> str:
        built.append(key)
        return key

    memo: Memo[str, str] = Memo(size=6, weigh=len)
    for key in ("aaaa", "b", "c"):  # 6 in all
        memo.get(key, build)
    memo.get("dd", build)  # 8: the oldest ("aaaa") goes, 4 remain
    memo.get("b", build)
    memo.get("c", build)
    assert built == ["aaaa", "b", "c", "dd"]
    memo.get("eeeeeeee", build)  # heavier than the size: stays alone, the newest
    memo.get("eeeeeeee", build)
    memo.get("b", build)
    assert built == ["aaaa", "b", "c", "dd", "eeeeeeee", "b"]

"""A small thread-safe memo of immutable values, keyed on what they are built from.

The organisation tree and the working calendar are rebuilt only when the rows they come from
change; the rows (or a value derived from them) are the key, so an entry can never be stale,
and the least recently used entries go first. The API's recap body is serialised once per
recap the same way. Pure Python (a lock, no I/O), so every layer may use it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """The value built from `key`, built once while it stays among the `size` newest keys.

    With `weigh`, `size` bounds the keys' total weight instead of their number (the newest
    entry always stays): a few large values and many small ones can share one memo.
    """

    def __init__(self, size: int, *, weigh: Callable[[K], int] | None = None) -> None:
        self._size = size
        self._weigh = weigh
        self._weight = 0
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, build: Callable[[K], V]) -> V:
        """The value for `key`: remembered, or built (outside the lock) and remembered."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][0]
        value = build(key)
        weight = 1 if self._weigh is None else self._weigh(key)
        with self._lock:
            found = self._entries.get(key)
            self._weight += weight - (0 if found is None else found[1])
            self._entries[key] = (value, weight)
            while self._weight > self._size and len(self._entries) > 1:
                self._weight -= self._entries.popitem(last=False)[1][1]
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._entries.clear()
            self._weight = 0

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
    """The value built from `key`, built once while it stays among the `size` newest keys."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, build: Callable[[K], V]) -> V:
        """The value for `key`: remembered, or built (outside the lock) and remembered."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = build(key)
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._entries.clear()

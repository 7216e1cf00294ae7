"""The memo of immutable values now lives in `engine.memo` (the web uses it too).

Kept so that db modules importing `db.memo.Memo` keep working until they import it from
`engine.memo`.
"""

from __future__ import annotations

from engine.memo import Memo

__all__ = ["Memo"]

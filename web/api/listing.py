"""Pages of lists: which page was asked for, and the envelope every list answers with.

Which documents a list holds (only those the reader may see) is the use case's
(engine.usecases.listing); this module only reads the paging parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query

from engine.records import DocumentFilter

__all__ = ["DocumentFilter", "Pagination", "pagination"]

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Pagination:
    """Which page of a list was asked for."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        """How many items come before this page."""
        return (self.page - 1) * self.per_page

    def envelope(self, items: Sequence[Any], total: int) -> dict[str, Any]:
        """The page as the API answers it."""
        return {"items": list(items), "page": self.page, "per_page": self.per_page, "total": total}

    def slice(self, items: Sequence[Any]) -> dict[str, Any]:
        """A page of a list already in memory."""
        return self.envelope(items[self.offset : self.offset + self.per_page], len(items))


def pagination(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Nomor halaman, dari 1")] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=MAX_PER_PAGE, description="Banyak butir per halaman (1-100)")
    ] = DEFAULT_PER_PAGE,
) -> Pagination:
    """The `page` and `per_page` query parameters of every list."""
    return Pagination(page, per_page)

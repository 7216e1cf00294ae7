"""PK rules and counted realisations (issue 16, items 8, 9)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

Reserved in order so that the work of issue 16 lands in any order; no schema change yet.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

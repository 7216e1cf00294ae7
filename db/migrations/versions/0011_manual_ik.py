"""Manual Indikator Kinerja (issue 16, items 10, 11)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

Reserved in order so that the work of issue 16 lands in any order; no schema change yet.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

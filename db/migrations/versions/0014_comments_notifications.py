"""Comment threads and in-app notifications (issue 17, items 6-8)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

Reserved so that work on issue 17 can proceed in parallel; filled in by that work.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

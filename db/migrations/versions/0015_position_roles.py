"""Position roles: planning and regency roles (issue 18, items 1 and 4)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08

Reserved on main so that parallel branches keep a linear history; filled by its branch.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""

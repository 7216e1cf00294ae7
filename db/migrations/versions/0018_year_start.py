"""Year start and PK Perubahan prompts (issue 18, item 2)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08

Reserved on main so that parallel branches keep a linear history; filled by its branch.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""

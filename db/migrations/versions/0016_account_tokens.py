"""Account tokens: invitation and password reset (issue 18, item 10)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08

Reserved on main so that parallel branches keep a linear history; filled by its branch.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""

"""Position roles: planning and regency roles (issue 18, items 1 and 4)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08

`position.role`: a duty the administrator gives a position beyond the tree (engine.org
PositionRole): `perencanaan` for the agency's planning sub-unit, `bupati`, `sekda`,
`bappeda` or `inspektorat` for the regency roles. Empty for every existing position.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the column (nullable: no position has a role until the administrator gives one)."""
    with op.batch_alter_table("position") as batch:
        batch.add_column(sa.Column("role", sa.String(length=20), nullable=True))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("position") as batch:
        batch.drop_column("role")

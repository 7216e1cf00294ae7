"""indicator origin and input kinds (issue 16, items 1, 2, 3, 5)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

An indicator's origin (decree, derived, agency), its reason and the agency's confirmation; a
growth indicator's comparison basis; an input variable's kind and whether it may be negative.
Existing indicators become decree indicators, unconfirmed, with no basis; existing variables
have no declared kind and may not be negative: re-importing the catalogue fills them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=10), server_default="decree", nullable=False)
        )
        batch.add_column(sa.Column("origin_note", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("confirmed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("growth_basis", sa.String(length=12), nullable=True))
    with op.batch_alter_table("indicator_variable") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=12), nullable=True))
        batch.add_column(
            sa.Column("negative", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator_variable") as batch:
        batch.drop_column("negative")
        batch.drop_column("kind")
    with op.batch_alter_table("indicator") as batch:
        batch.drop_column("growth_basis")
        batch.drop_column("confirmed")
        batch.drop_column("origin_note")
        batch.drop_column("origin")

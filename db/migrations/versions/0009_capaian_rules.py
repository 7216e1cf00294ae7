"""capaian rules as data (issue 16, items 3, 4, 6, 7)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

The table of the capaian rules a regency sets per year (category scale, cap, target-zero
and negative-target rules). No row is written: a year without one uses the defaults
(Permendagri 86/2017 and domain.md), so existing recaps are unchanged by the upgrade.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "capaian_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("scale_name", sa.String(length=200), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("cap", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("zero_target_met", sa.Numeric(precision=9, scale=2), nullable=False),
        sa.Column("zero_target_missed", sa.Numeric(precision=9, scale=2), nullable=False),
        sa.Column("negative_target", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["regency_id"], ["regency.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ux_capaian_rules_regency_year", "capaian_rules", ["regency_id", "year"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ux_capaian_rules_regency_year", table_name="capaian_rules")
    op.drop_table("capaian_rules")

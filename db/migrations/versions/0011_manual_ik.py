"""Manual Indikator Kinerja (issue 16, items 10, 11): the indicator_manual table

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

What the decree adds to an indicator for its Manual IK (definisi operasional, alasan,
penyedia data, periode pelaporan, a note); the pohon kinerja needs no table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indicator_manual",
        sa.Column("indicator_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("definisi_operasional", sa.Text(), nullable=True),
        sa.Column("alasan", sa.Text(), nullable=True),
        sa.Column("penyedia_data", sa.Text(), nullable=True),
        sa.Column("periode_pelaporan", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_manual_indicator_id_indicator"),
        ),
        sa.PrimaryKeyConstraint("indicator_id", name=op.f("pk_indicator_manual")),
    )


def downgrade() -> None:
    op.drop_table("indicator_manual")

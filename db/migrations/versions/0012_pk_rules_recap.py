"""PK rules and counted realisations (issue 16, items 8, 9)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

Item 9: the regency's heads (the Bupati's name, with dates, on the Kepala Dinas's PK).
A database upgraded from before has no heads: the PK prints the title alone until the
organisation file with `regency.heads` is imported again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "regency_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regency_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["regency_id"], ["regency.id"], name=op.f("fk_regency_head_regency_id_regency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regency_head")),
        sa.UniqueConstraint(
            "regency_id",
            "valid_from",
            "status",
            name=op.f("uq_regency_head_regency_id_valid_from_status"),
        ),
    )


def downgrade() -> None:
    op.drop_table("regency_head")

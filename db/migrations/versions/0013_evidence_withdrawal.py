"""Evidence withdrawal and quotas (issue 17, item 3)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

Evidence can be withdrawn while its report is a draft: the file and its row stay, the row
says who withdrew it, when and why (the report's evidence history lists it). Quotas need
no column: they are counted from the stored uploads (uploaded_by, uploaded_at, size).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawn_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_evidence_withdrawn_by_official"), "official", ["withdrawn_by"], ["id"]
        )
        batch.create_index(op.f("ix_evidence_uploaded_by"), ["uploaded_by", "uploaded_at"])


def downgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.drop_index(op.f("ix_evidence_uploaded_by"))
        batch.drop_constraint(op.f("fk_evidence_withdrawn_by_official"), type_="foreignkey")
        batch.drop_column("withdrawn_reason")
        batch.drop_column("withdrawn_by")
        batch.drop_column("withdrawn_at")

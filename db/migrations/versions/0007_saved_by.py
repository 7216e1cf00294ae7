"""who last saved a draft PK or report, and when (the message of a refused stale save)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("pk", "report")


def upgrade() -> None:
    # Plain nullable ADD COLUMNs (no table copy): the tables hold a regency's rows.
    for table in TABLES:
        op.add_column(table, sa.Column("saved_by", sa.String(length=200), nullable=True))
        op.add_column(table, sa.Column("saved_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("saved_at")
            batch_op.drop_column("saved_by")

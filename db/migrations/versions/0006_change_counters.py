"""change counters on the rows the recap reads (organisation, indicators, PKs, reports)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("position", "official", "assignment", "indicator", "pk", "report")
INDEXES = (
    ("ix_indicator_changes", "indicator", ["changes"]),
    ("ix_pk_year_version_changes", "pk", ["year", "version", "changes"]),
    ("ix_report_year_quarter_version_changes", "report", ["year", "quarter", "version", "changes"]),
)


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite allows it with a constant default), not a batch copy: the
    # tables hold a regency's rows and are referenced by foreign keys.
    for table in TABLES:
        op.add_column(
            table, sa.Column("changes", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    # What the recap cache's fingerprint reads, per year, from the index alone.
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.drop_index("ix_report_year_quarter", table_name="report")  # the new one leads with it


def downgrade() -> None:
    op.create_index("ix_report_year_quarter", "report", ["year", "quarter"], unique=False)
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("changes")

"""Organisation changes with effective dates (issue 18, item 3)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08

A position closed by an organisation change keeps its row and history: `closed_on` is its
last day (no PK of a later year, no report of a later quarter, gone from the pickers).
Renames and moves are applied to the row and recorded, with their effective date, in the
admin log; signed PKs keep the titles they were signed with.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("position", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("position", schema=None) as batch_op:
        batch_op.drop_column("closed_on")

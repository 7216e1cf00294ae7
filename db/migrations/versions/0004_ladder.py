"""ladder rungs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('ladder_rung',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('doc', sa.String(length=20), nullable=False),
    sa.Column('visit', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=10), nullable=False),
    sa.Column('rung', sa.String(length=40), nullable=False),
    sa.Column('recipient_official_id', sa.Integer(), nullable=True),
    sa.Column('digest_key', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recipient_official_id'], ['official.id'], name=op.f('fk_ladder_rung_recipient_official_id_official')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ladder_rung')),
    sa.UniqueConstraint('key', name=op.f('uq_ladder_rung_key'))
    )
    with op.batch_alter_table('ladder_rung', schema=None) as batch_op:
        batch_op.create_index('ix_ladder_rung_doc_visit', ['doc', 'visit'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('ladder_rung', schema=None) as batch_op:
        batch_op.drop_index('ix_ladder_rung_doc_visit')

    op.drop_table('ladder_rung')


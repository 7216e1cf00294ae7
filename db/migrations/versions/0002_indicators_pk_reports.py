"""indicators, perjanjian kinerja and reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=3), nullable=False),
    sa.Column('kinerja', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('expression', sa.String(length=500), nullable=False),
    sa.Column('preset', sa.String(length=10), nullable=True),
    sa.Column('data_source', sa.Text(), nullable=False),
    sa.Column('polarity', sa.String(length=10), nullable=False),
    sa.Column('rollup', sa.String(length=10), nullable=False),
    sa.Column('target_mode', sa.String(length=12), nullable=False),
    sa.Column('decimals', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_indicator_agency_id_agency')),
    sa.ForeignKeyConstraint(['parent_id'], ['indicator.id'], name=op.f('fk_indicator_parent_id_indicator')),
    sa.ForeignKeyConstraint(['position_id'], ['position.id'], name=op.f('fk_indicator_position_id_position')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('agency_id', 'year', 'code', name=op.f('uq_indicator_agency_id_year_code'))
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_indicator_position_id_year', ['position_id', 'year'], unique=False)

    op.create_table('pk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('revision_reason', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['position_id'], ['position.id'], name=op.f('fk_pk_position_id_position')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pk')),
    sa.UniqueConstraint('position_id', 'year', 'revision', name=op.f('uq_pk_position_id_year_revision'))
    )
    with op.batch_alter_table('pk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pk_state'), ['state'], unique=False)

    op.create_table('position_duty',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['position_id'], ['position.id'], name=op.f('fk_position_duty_position_id_position')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_position_duty')),
    sa.UniqueConstraint('position_id', 'year', 'kind', 'ordinal', name=op.f('uq_position_duty_position_id_year_kind_ordinal'))
    )
    with op.batch_alter_table('position_duty', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_position_duty_position_id'), ['position_id'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['position_id'], ['position.id'], name=op.f('fk_report_position_id_position')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('position_id', 'year', 'quarter', name=op.f('uq_report_position_id_year_quarter'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_state'), ['state'], unique=False)
        batch_op.create_index('ix_report_year_quarter', ['year', 'quarter'], unique=False)

    op.create_table('indicator_variable',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_variable_indicator_id_indicator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_variable')),
    sa.UniqueConstraint('indicator_id', 'name', name=op.f('uq_indicator_variable_indicator_id_name'))
    )
    with op.batch_alter_table('indicator_variable', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_variable_indicator_id'), ['indicator_id'], unique=False)

    op.create_table('pk_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pk_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('annual', sa.String(length=60), nullable=False),
    sa.Column('tw1', sa.String(length=60), nullable=True),
    sa.Column('tw2', sa.String(length=60), nullable=True),
    sa.Column('tw3', sa.String(length=60), nullable=True),
    sa.Column('tw4', sa.String(length=60), nullable=True),
    sa.Column('tw4_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_pk_target_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['pk_id'], ['pk.id'], name=op.f('fk_pk_target_pk_id_pk')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pk_target')),
    sa.UniqueConstraint('pk_id', 'indicator_id', name=op.f('uq_pk_target_pk_id_indicator_id'))
    )
    with op.batch_alter_table('pk_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pk_target_pk_id'), ['pk_id'], unique=False)

    op.create_table('report_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('no_data_reason', sa.Text(), nullable=True),
    sa.Column('kendala', sa.Text(), nullable=True),
    sa.Column('upaya', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_report_entry_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_entry_report_id_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_entry')),
    sa.UniqueConstraint('report_id', 'indicator_id', name=op.f('uq_report_entry_report_id_indicator_id'))
    )
    with op.batch_alter_table('report_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_entry_report_id'), ['report_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('report_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_entry_report_id'))

    op.drop_table('report_entry')
    with op.batch_alter_table('pk_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pk_target_pk_id'))

    op.drop_table('pk_target')
    with op.batch_alter_table('indicator_variable', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_variable_indicator_id'))

    op.drop_table('indicator_variable')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_year_quarter')
        batch_op.drop_index(batch_op.f('ix_report_state'))

    op.drop_table('report')
    with op.batch_alter_table('position_duty', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_position_duty_position_id'))

    op.drop_table('position_duty')
    with op.batch_alter_table('pk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pk_state'))

    op.drop_table('pk')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_position_id_year')
        batch_op.drop_index(batch_op.f('ix_indicator_parent_id'))

    op.drop_table('indicator')


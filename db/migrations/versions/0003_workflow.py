"""workflow: transition log, outbox, budget lines, DPA dates, evidence

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('recipient_official_id', sa.Integer(), nullable=True),
    sa.Column('recipient_email', sa.String(length=254), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('available_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recipient_official_id'], ['official.id'], name=op.f('fk_outbox_recipient_official_id_official')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_dedupe_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_status_available_at', ['status', 'available_at'], unique=False)

    op.create_table('agency_year',
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('dpa_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_agency_year_agency_id_agency')),
    sa.PrimaryKeyConstraint('agency_id', 'year', name=op.f('pk_agency_year'))
    )
    op.create_table('transition_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=10), nullable=False),
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('visit', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('from_state', sa.String(length=12), nullable=False),
    sa.Column('to_state', sa.String(length=12), nullable=False),
    sa.Column('actor_official_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('actor_nip', sa.String(length=18), nullable=True),
    sa.Column('acting_status', sa.String(length=12), nullable=True),
    sa.Column('acting_position_id', sa.Integer(), nullable=True),
    sa.Column('acting_title', sa.String(length=320), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=True),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['acting_position_id'], ['position.id'], name=op.f('fk_transition_log_acting_position_id_position')),
    sa.ForeignKeyConstraint(['actor_official_id'], ['official.id'], name=op.f('fk_transition_log_actor_official_id_official')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transition_log'))
    )
    with op.batch_alter_table('transition_log', schema=None) as batch_op:
        batch_op.create_index('ix_transition_log_document', ['doc_type', 'doc_id', 'id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_path', sa.String(length=500), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('replace_reason', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_evidence_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['replaces_id'], ['evidence.id'], name=op.f('fk_evidence_replaces_id_evidence')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_evidence_report_id_report')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['official.id'], name=op.f('fk_evidence_uploaded_by_official')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_report_id'), ['report_id'], unique=False)

    op.create_table('pk_budget_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pk_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('program', sa.Text(), nullable=False),
    sa.Column('kegiatan', sa.Text(), nullable=True),
    sa.Column('sub_kegiatan', sa.Text(), nullable=True),
    sa.Column('anggaran', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['pk_id'], ['pk.id'], name=op.f('fk_pk_budget_line_pk_id_pk')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pk_budget_line'))
    )
    with op.batch_alter_table('pk_budget_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pk_budget_line_pk_id'), ['pk_id'], unique=False)

    with op.batch_alter_table('pk', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('audit_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_party_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('first_party_nip', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('first_party_title', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('second_party_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('second_party_nip', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('second_party_title', sa.String(length=320), nullable=True))

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('audit_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_column('approved_at')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('audit_hash')
        batch_op.drop_column('visit')

    with op.batch_alter_table('pk', schema=None) as batch_op:
        batch_op.drop_column('second_party_title')
        batch_op.drop_column('second_party_nip')
        batch_op.drop_column('second_party_name')
        batch_op.drop_column('first_party_title')
        batch_op.drop_column('first_party_nip')
        batch_op.drop_column('first_party_name')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('audit_hash')
        batch_op.drop_column('visit')

    with op.batch_alter_table('pk_budget_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pk_budget_line_pk_id'))

    op.drop_table('pk_budget_line')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_report_id'))

    op.drop_table('evidence')
    with op.batch_alter_table('transition_log', schema=None) as batch_op:
        batch_op.drop_index('ix_transition_log_document')

    op.drop_table('transition_log')
    op.drop_table('agency_year')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_available_at')

    op.drop_table('outbox')


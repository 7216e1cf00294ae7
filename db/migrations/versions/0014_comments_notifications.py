"""Comment threads and in-app notifications (issue 17, items 6-8)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

The `comment` table (a document's threads), `notification_read` (until when each official
has read their notifications) and an index on the outbox by recipient and creation time,
so the bell's unread count is one index range scan on every page.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(length=10), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("anchor_kind", sa.String(length=20), nullable=False),
        sa.Column("anchor_key", sa.String(length=40), nullable=True),
        sa.Column("author_official_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("author_title", sa.String(length=320), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reply_to", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_official_id"],
            ["official.id"],
            name=op.f("fk_comment_author_official_id_official"),
        ),
        sa.ForeignKeyConstraint(
            ["reply_to"], ["comment.id"], name=op.f("fk_comment_reply_to_comment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index("ix_comment_document", ["doc_type", "doc_id", "id"], unique=False)
    op.create_table(
        "notification_read",
        sa.Column("official_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["official_id"],
            ["official.id"],
            name=op.f("fk_notification_read_official_id_official"),
        ),
        sa.PrimaryKeyConstraint("official_id", name=op.f("pk_notification_read")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_recipient_created", ["recipient_official_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_recipient_created")
    op.drop_table("notification_read")
    op.drop_table("comment")

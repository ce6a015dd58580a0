"""ums contract: reports kept until their message is known, and the polling cursor

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 10:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_pending_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("ums_message_id", sa.String(length=64), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_pending_report")),
        sa.UniqueConstraint("report_id", name=op.f("uq_sms_pending_report_report_id")),
    )
    with op.batch_alter_table("sms_pending_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sms_pending_report_idempotency_key"), ["idempotency_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_sms_pending_report_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sms_pending_report_ums_message_id"), ["ums_message_id"], unique=False)

    op.create_table(
        "sms_report_cursor",
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("cursor", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_sms_report_cursor")),
    )


def downgrade() -> None:
    op.drop_table("sms_report_cursor")
    with op.batch_alter_table("sms_pending_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_pending_report_ums_message_id"))
        batch_op.drop_index(batch_op.f("ix_sms_pending_report_received_at"))
        batch_op.drop_index(batch_op.f("ix_sms_pending_report_idempotency_key"))
    op.drop_table("sms_pending_report")

"""sms_batch.via_ums: whether a batch was handed to a UMS

Screens and files said "UMS 미설정: 발송되지 않음" whenever the process showing them had no DONGNE_UMS_URL,
even for batches a configured process had delivered. Each batch now records whether its process had a UMS.
An existing batch went to a UMS unless its messages were failed as ``ums_not_configured`` (what the dispatcher
without a UMS records), so that is how the column is filled.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 13:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BATCHES = sa.table("sms_batch", sa.column("id", sa.Integer), sa.column("via_ums", sa.Boolean))
MESSAGES = sa.table("sms_message", sa.column("batch_id", sa.Integer), sa.column("failure_reason", sa.String))


def upgrade() -> None:
    # Plain ALTER TABLE, not batch mode: rebuilding sms_batch in SQLite would drop the table, and with foreign
    # keys on that deletes every message of every batch (ON DELETE CASCADE).
    op.add_column("sms_batch", sa.Column("via_ums", sa.Boolean(), nullable=False, server_default=sa.true()))
    not_sent = sa.select(MESSAGES.c.batch_id).where(MESSAGES.c.failure_reason == "ums_not_configured")
    op.get_bind().execute(sa.update(BATCHES).where(BATCHES.c.id.in_(not_sent)).values(via_ums=False))


def downgrade() -> None:
    op.drop_column("sms_batch", "via_ums")  # SQLite 3.35+ drops a column in place

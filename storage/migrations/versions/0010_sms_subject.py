"""sms subject: an LMS carries a subject (제목)

Carriers show an LMS's subject above its text; until now Dongne sent none, so phones showed an empty or a
carrier's fixed subject. The subject is the batch's (every recipient's message has the same one). Batches
sent before this revision keep none.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 13:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, not batch mode: rebuilding sms_batch in SQLite would drop the table, and with foreign
    # keys on that deletes every message of every batch (ON DELETE CASCADE).
    op.add_column("sms_batch", sa.Column("subject", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column("sms_batch", "subject")  # SQLite 3.35+ drops a column in place

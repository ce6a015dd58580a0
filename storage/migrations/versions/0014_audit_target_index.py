"""A record's history from the audit log: an index on the entries' target

The complex card's 변경 이력 reads one complex's entries, newest first; without this index each page would
scan the whole log, which grows with every change and every view of personal data.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 19:55:00
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_target_at", "audit_log", ["target_type", "target_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_target_at", table_name="audit_log")

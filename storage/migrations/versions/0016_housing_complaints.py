"""complaint: the 민원 ledger kept by hand beside the 응답소 system

One row per complaint about a complex: when and how it came in (접수일, 접수경로), who complained and how to
reach them (personal data), what it is about, who handles it, and where it stands (received → in progress →
closed with a result). Every change names the version it read.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complex_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("complainant", sa.String(length=50), nullable=True),
        sa.Column("contact", sa.String(length=20), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("state IN ('received', 'in_progress', 'closed')", name=op.f("ck_complaint_state_known")),
        sa.CheckConstraint(
            "channel IN ('visit', 'phone', 'eungdapso', 'letter', 'online')", name=op.f("ck_complaint_channel_known")
        ),
        sa.CheckConstraint(
            "(state = 'closed') = (closed_on IS NOT NULL AND result IS NOT NULL)",
            name=op.f("ck_complaint_closed_with_result"),
        ),
        sa.ForeignKeyConstraint(
            ["complex_id"], ["complex.id"], name=op.f("fk_complaint_complex_id_complex"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["assignee_id"], ["staff.id"], name=op.f("fk_complaint_assignee_id_staff")),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"], name=op.f("fk_complaint_created_by_id_staff")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["staff.id"], name=op.f("fk_complaint_updated_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
    )
    op.create_index(op.f("ix_complaint_complex_id"), "complaint", ["complex_id"], unique=False)
    op.create_index(op.f("ix_complaint_assignee_id"), "complaint", ["assignee_id"], unique=False)
    op.create_index("ix_complaint_state_received_on", "complaint", ["state", "received_on"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_complaint_state_received_on", table_name="complaint")
    op.drop_index(op.f("ix_complaint_assignee_id"), table_name="complaint")
    op.drop_index(op.f("ix_complaint_complex_id"), table_name="complaint")
    op.drop_table("complaint")

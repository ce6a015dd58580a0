"""the housing ledger is kept from the chat: versions, who changed what, and the managers' history

Every record of a complex's ledger (management office, representatives, resident groups, support
projects) gets an optimistic lock (``version``) and says when and by whom it was last saved; the complex
already had its version and time and now names who saved it. ``manager_history`` keeps the previous
관리소장s of a complex when a new one is named. A support criterion says whether a project above its
maximum is refused or only warned about (``enforcement``); existing criteria refuse, as before.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

RECORD_TABLES = ("management_office", "representative", "resident_group", "support_project")


def upgrade() -> None:
    for table in RECORD_TABLES:
        op.add_column(table, sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    # SQLite cannot add a foreign key to a table in place: batch mode copies the table there.
    for table in ("complex", *RECORD_TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("updated_by", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_updated_by_staff"), "staff", ["updated_by"], ["id"])
    op.add_column("resident_group", sa.Column("members", sa.String(length=1000), nullable=True))
    op.add_column(
        "support_criterion",
        sa.Column("enforcement", sa.String(length=10), nullable=False, server_default="refuse"),
    )
    op.create_table(
        "manager_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complex_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("license_no", sa.String(length=30), nullable=True),
        sa.Column("license_grade", sa.String(length=10), nullable=True),
        sa.Column("assigned_on", sa.Date(), nullable=True),
        sa.Column("replaced_on", sa.Date(), nullable=False),
        sa.Column("replaced_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complex_id"], ["complex.id"], name=op.f("fk_manager_history_complex_id_complex"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["replaced_by"], ["staff.id"], name=op.f("fk_manager_history_replaced_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manager_history")),
    )
    op.create_index(op.f("ix_manager_history_complex_id"), "manager_history", ["complex_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_manager_history_complex_id"), table_name="manager_history")
    op.drop_table("manager_history")
    with op.batch_alter_table("support_criterion") as batch_op:
        batch_op.drop_column("enforcement")
    with op.batch_alter_table("resident_group") as batch_op:
        batch_op.drop_column("members")
    for table in (*RECORD_TABLES, "complex"):
        with op.batch_alter_table(table) as batch_op:
            if table != "complex":
                batch_op.drop_column("version")
                batch_op.drop_column("updated_at")
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_updated_by_staff"), type_="foreignkey")
            batch_op.drop_column("updated_by")

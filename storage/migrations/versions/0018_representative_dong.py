"""representative.admin_dong_id: the dong a representative's complex is in, kept by the database

입주자대표 구성원 현황 counts the representatives per dong and position. Joining every representative to its
complex for the dong made that count cost 60-95 ms on PostgreSQL and 190-375 ms on SQLite at 200,000
representatives; with the dong on the row and an index on (admin_dong_id, position_id) the database counts
from the index alone (about 20 ms on both).

The copy cannot drift: (complex_id, admin_dong_id) is a foreign key to the complex's (id, admin_dong_id), ON
UPDATE CASCADE, so moving a complex to another dong moves its representatives with it in the same statement,
and a row naming another dong than its complex's is refused. The index on term_end serves the 30-day term
notices (the statistics and the daily reminders), which read every representative without it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 21:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A unique index on the pair is what a composite foreign key may name, on both engines, without rebuilding
    # complex (in SQLite a rebuild would need every child table's foreign keys off, see storage.migrate).
    op.create_index("uq_complex_id_admin_dong", "complex", ["id", "admin_dong_id"], unique=True)
    op.add_column("representative", sa.Column("admin_dong_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE representative SET admin_dong_id = "
        "(SELECT complex.admin_dong_id FROM complex WHERE complex.id = representative.complex_id)"
    )
    with op.batch_alter_table("representative") as batch:
        batch.alter_column("admin_dong_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_representative_complex_dong"),
            "complex",
            ["complex_id", "admin_dong_id"],
            ["id", "admin_dong_id"],
            onupdate="CASCADE",
            ondelete="CASCADE",
        )
    op.create_index("ix_representative_dong_position", "representative", ["admin_dong_id", "position_id"])
    op.create_index("ix_representative_term_end", "representative", ["term_end"])


def downgrade() -> None:
    op.drop_index("ix_representative_term_end", table_name="representative")
    op.drop_index("ix_representative_dong_position", table_name="representative")
    with op.batch_alter_table("representative") as batch:
        batch.drop_constraint(op.f("fk_representative_complex_dong"), type_="foreignkey")
        batch.drop_column("admin_dong_id")
    op.drop_index("uq_complex_id_admin_dong", table_name="complex")

"""sign-in counters per account and address, in place of the attempt log

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 10:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_counter",
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("address", "username", name=op.f("pk_sign_in_counter")),
    )
    with op.batch_alter_table("sign_in_counter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_counter_last_attempt_at"), ["last_attempt_at"], unique=False)

    # The attempt log only served throttling; every attempt is in the audit log too.
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_attempt_username"))
        batch_op.drop_index(batch_op.f("ix_sign_in_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_sign_in_attempt_address"))
    op.drop_table("sign_in_attempt")


def downgrade() -> None:
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
    )
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_attempt_address"), ["address"], unique=False)
        batch_op.create_index(batch_op.f("ix_sign_in_attempt_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sign_in_attempt_username"), ["username"], unique=False)

    with op.batch_alter_table("sign_in_counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_counter_last_attempt_at"))
    op.drop_table("sign_in_counter")

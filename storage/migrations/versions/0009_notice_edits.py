"""notices remember their chat, and a notice may update an earlier one

After a decision every coordinator's copy of the approval request loses its 승인/반려 buttons and says who
decided when. The bot edits those messages through the outbox: a delivered notice now keeps the chat it
went to (beside the message id it already kept), and an outbox row that ``updates`` another one edits that
notice's message instead of sending a new one. Rows delivered before this revision have no chat: a
private chat's id is the recipient's Telegram user id, which the sender falls back to.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("updates_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_updates_id_notification"),
            "notification",
            ["updates_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(batch_op.f("ix_notification_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_case_id"))
        batch_op.drop_constraint(batch_op.f("fk_notification_updates_id_notification"), type_="foreignkey")
        batch_op.drop_column("updates_id")
        batch_op.drop_column("telegram_chat_id")

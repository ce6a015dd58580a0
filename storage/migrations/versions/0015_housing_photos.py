"""a complex's photos are kept from the chat: by content, with their size, type and version

A photo names the SHA-256 of its bytes (the file in the data directory's photo store is named by it, so
identical images are kept once on disk), its size in bytes, its content type, how it came from the chat
(as a photo or as a file), and an optimistic lock (``version``) for its removal. The same image twice for
the same complex is refused by a unique index.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("photo", sa.Column("sha256", sa.String(length=64), nullable=False, server_default=""))
    op.add_column("photo", sa.Column("size", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("photo", sa.Column("content_type", sa.String(length=50), nullable=False, server_default=""))
    op.add_column("photo", sa.Column("sent_as", sa.String(length=10), nullable=False, server_default="photo"))
    op.add_column("photo", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_index(op.f("ix_photo_sha256"), "photo", ["sha256"], unique=False)
    op.create_index("ux_photo_complex_sha256", "photo", ["complex_id", "sha256"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_photo_complex_sha256", table_name="photo")
    op.drop_index(op.f("ix_photo_sha256"), table_name="photo")
    with op.batch_alter_table("photo") as batch_op:
        for column in ("version", "sent_as", "content_type", "size", "sha256"):
            batch_op.drop_column(column)
